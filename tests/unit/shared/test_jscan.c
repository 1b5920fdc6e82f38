/*
 * test_jscan.c - the flat-object scanner: member order and types, and
 * everything it must leave to jansson.
 */
#include <stdio.h>
#include <string.h>

#include "jscan.h"
#include "tally.h"

static tally_t t;

static int
scan(const char *s, jscan_field_t *f, int max)
{
    return jscan_flat_object(s, strlen(s), f, max);
}

static void
refused(const char *s)
{
    jscan_field_t f[4];
    check(&t, scan(s, f, 4) == -1, s);
}

int
main(void)
{
    jscan_field_t f[4];
    int n = scan(" {\"a\" : \"x\\\"y\", \"b\":-12,\"c\":true,\"d\":null} ", f, 4);
    check(&t, n == 4, "four members");
    check(&t, f[0].klen == 1 && f[0].key[0] == 'a' && f[0].type == JSCAN_STRING &&
          f[0].litlen == 6 && memcmp(f[0].lit, "\"x\\\"y\"", 6) == 0, "a string, as its literal");
    check(&t, f[1].type == JSCAN_INT && f[1].num == -12, "an integer");
    check(&t, f[2].type == JSCAN_TRUE && f[3].type == JSCAN_NULL, "true, null");
    check(&t, scan("{}", f, 4) == 0, "empty object");
    n = scan("{\"k\":false,\"l\":9223372036854775807}", f, 4);
    check(&t, n == 2 && f[0].type == JSCAN_FALSE && f[1].num == 9223372036854775807LL, "int64 max");
    n = scan("{\"u\":\"caf\xc3\xa9\"}", f, 4);
    check(&t, n == 1 && f[0].litlen == 7, "UTF-8 in a string");

    n = scan("{\"ab\":1,\"a\":2,\"b\":3}", f, 4);
    check(&t, n == 3 && jscan_keys_unique(f, n) == 1, "distinct keys, one a prefix of another");
    n = scan("{\"a\":1,\"b\":2,\"a\":3}", f, 4);
    check(&t, n == 3 && jscan_keys_unique(f, n) == 0, "a repeated key");
    n = scan("{\"\":1,\"\":2}", f, 4);
    check(&t, n == 2 && jscan_keys_unique(f, n) == 0, "a repeated empty key");
    check(&t, jscan_keys_unique(f, 0) == 1, "no members");
    jscan_field_t many[JSCAN_UNIQUE_MAX + 1];
    memset(many, 0, sizeof(many));
    check(&t, jscan_keys_unique(many, JSCAN_UNIQUE_MAX + 1) == -1, "past the bound: not checked");

    refused("");
    refused("[]");
    refused("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}");    /* more than max */
    refused("{\"a\":{}}");
    refused("{\"a\":[1]}");
    refused("{\"a\":1.5}");
    refused("{\"a\":1e3}");
    refused("{\"a\":01}");
    refused("{\"a\":-}");
    refused("{\"a\":9223372036854775808}");
    refused("{\"a\\u0062\":1}");
    refused("{\"a\":1,}");
    refused("{\"a\" 1}");
    refused("{\"a\":1} x");
    refused("{\"a\":tru}");
    refused("{\"a\":\"\x01\"}");
    refused("{\"a\":\"\xff\"}");
    refused("{\"a\":\"\xc0\xaf\"}");
    refused("{\"a\":\"\xed\xa0\x80\"}");
    refused("{\"a\":\"\xf4\x90\x80\x80\"}");
    refused("{\"a\":\"open}");
    return tally_report(&t);
}
