/*
 * test_guid.c - Confluent 8's schema GUID: the test vector of Confluent's
 * own test, what references, metadata and rule sets add (and that their
 * order of keys does not matter, as Java's sorted maps), the md5 a record
 * may carry, and the spellings of a GUID a client may send.
 */
#include "guid.h"

#include <stdio.h>
#include <string.h>

#include "tally.h"

static json_t *
j(const char *text)
{
    return json_loads(text, 0, NULL);
}

int
main(void)
{
    tally_t t = {0};
    char g[GUID_LEN + 1], h[GUID_LEN + 1];
    const char *s = "{\"type\":\"record\",\"name\":\"myrecord\",\"fields\":"
                    "[{\"type\":\"string\",\"default\":null,\"name\":\"f\"}]}";

    guid_of(s, NULL, NULL, NULL, g);
    check(&t, strcmp(g, "1d20cbb9-e5e3-5e97-54e7-da170b6e5ddb") == 0,
          "Confluent's test vector");

    json_t *empty = json_array();
    guid_of(s, empty, NULL, NULL, h);
    check(&t, strcmp(g, h) == 0, "no references hash as none");

    /* "abc" then name "n", subject "s", version 1 as 4 bytes: MD5 of
     * "abcns\0\0\0\1". */
    json_t *refs = j("[{\"name\":\"n\",\"subject\":\"s\",\"version\":1}]");
    guid_of("abc", refs, NULL, NULL, g);
    check(&t, strcmp(g, "defacbfe-0ead-ec87-c9e3-33a50a7ce8f0") == 0, "a reference");

    json_t *m1 = j("{\"properties\":{\"b\":\"2\",\"a\":\"1\"}}");
    json_t *m2 = j("{\"properties\":{\"a\":\"1\",\"b\":\"2\"}}");
    guid_of("abc", NULL, m1, NULL, g);
    guid_of("abc", NULL, m2, NULL, h);
    check(&t, strcmp(g, h) == 0, "properties hash in key order");
    /* MD5 of "abc\1a1b2" */
    check(&t, strcmp(g, "9f58d545-b712-b253-b818-005629c84b7e") == 0, "metadata bytes");

    json_t *em = j("{}");
    guid_of("abc", NULL, em, NULL, g);
    guid_of("abc", NULL, NULL, NULL, h);
    check(&t, strcmp(g, h) != 0, "empty metadata differs from none");

    json_t *rs = j("{\"domainRules\":[{\"name\":\"r\",\"type\":\"CEL\",\"expr\":\"x\"}]}");
    /* MD5 of "abc\1" "r" "TRANSFORM" "WRITEREAD" "CEL" "x" */
    guid_of("abc", NULL, NULL, rs, g);
    check(&t, strcmp(g, "f571eb81-7872-9f75-69d1-1dcba7bad6ef") == 0, "a rule set");

    unsigned char raw[GUID_BYTES], zero[GUID_BYTES] = {0};
    check(&t, guid_from_md5_base64("HSDLueXjXpdU59oXC25d2w==", raw) == 0, "a record's md5");
    guid_format(raw, g);
    check(&t, strcmp(g, "1d20cbb9-e5e3-5e97-54e7-da170b6e5ddb") == 0, "its GUID");
    unsigned char d[GUID_BYTES];
    check(&t, guid_from_md5_base64("HSDL", d) == -1 && memcmp(d, zero, GUID_BYTES) == 0,
          "a short md5");
    guid_digest("{\"type\":\"record\",\"name\":\"myrecord\",\"fields\":[{\"type\":\"string\","
                "\"default\":null,\"name\":\"f\"}]}", NULL, NULL, NULL, d);
    check(&t, memcmp(d, raw, GUID_BYTES) == 0, "the digest is the GUID's bytes");
    check(&t, guid_parse("1D20CBB9-E5E3-5E97-54E7-DA170B6E5DDB", GUID_LEN, d) == 0 &&
                  memcmp(d, raw, GUID_BYTES) == 0, "parsed to its bytes");
    check(&t, guid_parse("1d20cbb9e5e35e9754e7da170b6e5ddb", 32, d) == 0 &&
                  memcmp(d, raw, GUID_BYTES) == 0, "parsed without dashes");
    check(&t, guid_parse("1d20cbb9e5e35e9754e7da170b6e5dd", 32, d) == -1 &&
                  memcmp(d, zero, GUID_BYTES) == 0, "a stray character");

    const char *up = "1D20CBB9-E5E3-5E97-54E7-DA170B6E5DDB";
    check(&t, guid_normalize(up, strlen(up), g) == 0 &&
                  strcmp(g, "1d20cbb9-e5e3-5e97-54e7-da170b6e5ddb") == 0,
          "upper case");
    const char *hex = "1d20cbb9e5e35e9754e7da170b6e5ddb";
    check(&t, guid_normalize(hex, strlen(hex), g) == 0 &&
                  strcmp(g, "1d20cbb9-e5e3-5e97-54e7-da170b6e5ddb") == 0,
          "32 hex digits");
    check(&t, guid_normalize("nope", 4, g) == -1 && g[0] == '\0', "not a guid");
    const char *bad = "1d20cbb9xe5e3-5e97-54e7-da170b6e5ddb";
    check(&t, guid_normalize(bad, strlen(bad), g) == -1, "a misplaced dash");

    json_decref(empty);
    json_decref(refs);
    json_decref(m1);
    json_decref(m2);
    json_decref(em);
    json_decref(rs);
    return tally_report(&t);
}
