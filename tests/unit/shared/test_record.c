/* test_record.c - the `_schemas` codec against Confluent's recorded bytes. */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"


/* Compare produced bytes to expected ones, printing both on mismatch. */
static void
check_bytes(tally_t *t, const char *got, size_t glen, const char *want, const char *what)
{
    int ok = got != NULL && glen == strlen(want) && memcmp(got, want, glen) == 0;
    if (!ok)
        printf("  want %s\n  got  %s\n", want, got ? got : "(null)");
    check(t, ok, what);
}

static void
roundtrip_key(tally_t *t, const char *key, const char *label)
{
    record_key_t k;
    char what[512];
    snprintf(what, sizeof(what), "%s: key decodes: %s", label, key);
    int rc = record_key_decode(key, strlen(key), &k);
    check(t, rc == 0 && k.type != RECORD_UNKNOWN, what);
    if (rc != 0)
        return;
    size_t len = 0;
    char *enc = record_key_encode(&k, &len);
    snprintf(what, sizeof(what), "%s: key re-encodes byte for byte", label);
    check_bytes(t, enc, len, key, what);
    free(enc);
    record_key_free(&k);
}

static void
roundtrip_value(tally_t *t, const char *key, const char *val, const char *label)
{
    record_key_t k;
    if (record_key_decode(key, strlen(key), &k) != 0)
        return;
    char what[512];
    size_t len = 0;
    char *enc = NULL;
    if (k.type == RECORD_SCHEMA) {
        record_schema_t s;
        int rc = record_schema_decode(val, strlen(val), &s);
        snprintf(what, sizeof(what), "%s: SCHEMA value decodes", label);
        check(t, rc == 0, what);
        if (rc == 0)
            enc = record_schema_encode(&s, &len);
        record_schema_free(&s);
    } else {
        json_t *v = record_value_decode(val, strlen(val));
        snprintf(what, sizeof(what), "%s: %s value decodes", label, k.keytype);
        check(t, v != NULL, what);
        if (v != NULL)
            enc = record_value_encode(v, &len);
        json_decref(v);
    }
    snprintf(what, sizeof(what), "%s: value re-encodes byte for byte", label);
    check_bytes(t, enc, len, val, what);
    free(enc);
    record_key_free(&k);
}

static void
test_recorded_file(tally_t *t, const char *srcdir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/../shared/conformance/kafkastore/%s", srcdir, name);
    json_error_t err;
    json_t *recs = json_load_file(path, 0, &err);
    check(t, json_is_array(recs), path);
    if (!json_is_array(recs))
        return;
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r) {
        const char *key = json_string_value(json_object_get(r, "key"));
        const char *val = json_string_value(json_object_get(r, "value"));
        char label[256];
        snprintf(label, sizeof(label), "%s offset %zu", name, i);
        check(t, key != NULL, label);
        if (key == NULL)
            continue;
        roundtrip_key(t, key, label);
        if (val != NULL)
            roundtrip_value(t, key, val, label);
    }
    json_decref(recs);
}

static void
test_key_encoders(tally_t *t)
{
    size_t len;
    char *s;

    s = record_key_schema("s", 1, &len);
    check_bytes(t, s, len, "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}", "schema key");
    free(s);
    s = record_key_config(NULL, &len);
    check_bytes(t, s, len, "{\"keytype\":\"CONFIG\",\"magic\":0}", "global config key");
    free(s);
    s = record_key_mode(NULL, &len);
    check_bytes(t, s, len, "{\"keytype\":\"MODE\",\"magic\":0}", "global mode key");
    free(s);
    s = record_key_mode("m", &len);
    check_bytes(t, s, len, "{\"keytype\":\"MODE\",\"subject\":\"m\",\"magic\":0}", "mode key");
    free(s);
    s = record_key_delete_subject("d", &len);
    check_bytes(t, s, len, "{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"d\",\"magic\":0}", "delete key");
    free(s);
    s = record_key_clear_subject(":.ctx:", &len);
    check_bytes(t, s, len, "{\"keytype\":\"CLEAR_SUBJECT\",\"subject\":\":.ctx:\",\"magic\":0}", "clear key");
    free(s);
    s = record_key_noop(&len);
    check_bytes(t, s, len, "{\"keytype\":\"NOOP\",\"magic\":0}", "noop key");
    check(t, len == 28, "noop key is 28 bytes as in a real dump");
    free(s);
    s = record_key_context("default", ".ctx", &len);
    check_bytes(t, s, len, "{\"keytype\":\"CONTEXT\",\"tenant\":\"default\",\"context\":\".ctx\",\"magic\":0}",
                "context key");
    free(s);
    len = 99;
    s = record_key_schema("bad\xff", 1, &len);
    check(t, s == NULL && len == 0, "invalid UTF-8 subject is refused, its length set to 0");
    free(s);
    len = 99;
    s = record_key_mode("bad\xff", &len);
    check(t, s == NULL && len == 0, "every key builder sets the length when it fails");
    len = 99;
    s = record_value_encode(NULL, &len);
    check(t, s == NULL && len == 0, "the value encoder too");
    record_schema_t none = {0};
    len = 99;
    s = record_schema_encode(&none, &len);
    check(t, s == NULL && len == 0, "and the SCHEMA encoder");
}

/* Jackson: '/' and non-ASCII raw, short escapes for \b\f\n\r\t, else \u00XX upper case. */
static void
test_escaping(tally_t *t)
{
    size_t len;
    char *s = record_key_config("a/b \xc3\xa9\xe2\x82\xac\x01\x1f\n\t\r\b\f\"\\\x7f", &len);
    check_bytes(t, s, len,
                "{\"keytype\":\"CONFIG\",\"subject\":\"a/b \xc3\xa9\xe2\x82\xac\\u0001\\u001F"
                "\\n\\t\\r\\b\\f\\\"\\\\\x7f\",\"magic\":0}",
                "Jackson escaping in keys");
    free(s);
}

static void
test_karapace(tally_t *t)
{
    const char *key = "{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}";
    record_key_t k;
    int rc = record_key_decode(key, strlen(key), &k);
    check(t, rc == 0 && k.type == RECORD_CONFIG && k.subject == NULL, "Karapace global config key");
    size_t len;
    char *enc = record_key_encode(&k, &len);
    check_bytes(t, enc, len, "{\"keytype\":\"CONFIG\",\"magic\":0}", "Karapace key re-encodes as Confluent");
    free(enc);
    record_key_free(&k);

    const char *val = "{\"subject\":\"k\",\"version\":2,\"id\":7,\"schema\":\"\\\"string\\\"\","
                      "\"deleted\":false,\"references\":[],\"schemaType\":\"AVRO\"}";
    record_schema_t s;
    rc = record_schema_decode(val, strlen(val), &s);
    check(t, rc == 0 && strcmp(s.subject, "k") == 0 && s.version == 2 && s.id == 7
          && s.schema_type == NULL && strcmp(s.schema, "\"string\"") == 0 && !s.deleted,
          "Karapace SCHEMA value decodes");
    enc = record_schema_encode(&s, &len);
    check_bytes(t, enc, len, "{\"subject\":\"k\",\"version\":2,\"id\":7,\"schema\":\"\\\"string\\\"\",\"deleted\":false}",
                "Karapace SCHEMA value re-encodes in Confluent order");
    free(enc);
    record_schema_free(&s);

    val = "{\"subject\":\"k\",\"version\":1,\"id\":8,\"schema\":\"{}\",\"deleted\":true,"
          "\"references\":[{\"name\":\"n\",\"subject\":\"r\",\"version\":1}],\"schemaType\":\"JSON\"}";
    rc = record_schema_decode(val, strlen(val), &s);
    check(t, rc == 0 && s.deleted && strcmp(s.schema_type, "JSON") == 0
          && json_array_size(s.references) == 1, "Karapace JSON value with references decodes");
    record_schema_free(&s);
}

static void
test_full_schema_value(tally_t *t)
{
    const char *val =
        "{\"subject\":\"s\",\"version\":3,\"id\":12,\"md5\":\"q83vEjRWeJCrze8SNFZ4kA==\","
        "\"schemaType\":\"PROTOBUF\",\"references\":[{\"name\":\"a.proto\",\"subject\":\"a\",\"version\":2}],"
        "\"metadata\":{\"tags\":{\"f\":[\"PII\"]},\"properties\":{\"owner\":\"b/c\",\"n\":\"\xc3\xa9\"},"
        "\"sensitive\":[\"k\"]},"
        "\"ruleSet\":{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\","
        "\"type\":\"CEL\",\"expr\":\"m.x > 0\",\"disabled\":false}]},"
        "\"schema\":\"syntax = \\\"proto3\\\";\\nmessage M {}\\n\",\"deleted\":false}";
    record_schema_t s;
    int rc = record_schema_decode(val, strlen(val), &s);
    check(t, rc == 0 && s.metadata && s.rule_set && s.md5, "full SCHEMA value decodes");
    size_t len = 0;
    char *enc = rc == 0 ? record_schema_encode(&s, &len) : NULL;
    check_bytes(t, enc, len, val, "full SCHEMA value re-encodes byte for byte");
    free(enc);
    record_schema_free(&s);

    /* Empty references and AVRO are omitted. */
    record_schema_t e = {0};
    e.subject = "x";
    e.version = 1;
    e.id = 1;
    e.schema_type = "AVRO";
    e.references = json_array();
    e.schema = "\"int\"";
    enc = record_schema_encode(&e, &len);
    check_bytes(t, enc, len, "{\"subject\":\"x\",\"version\":1,\"id\":1,\"schema\":\"\\\"int\\\"\",\"deleted\":false}",
                "AVRO and empty references omitted");
    free(enc);
    e.type_written = 1;
    enc = record_schema_encode(&e, &len);
    check(t, enc != NULL && strstr(enc, "\"id\":1,\"schemaType\":\"AVRO\",\"schema\"") != NULL,
          "Confluent 8 writes schemaType AVRO after the id");
    free(enc);
    json_decref(e.references);
}

static void
test_garbage(tally_t *t)
{
    static const char *bad_keys[] = {
        "", "not json", "[1]", "\"SCHEMA\"", "42", "{}", "{\"keytype\":1}",
        "{\"keytype\":\"SCHEMA\"", "{\"keytype\":\"SCHEMA\",\"magic\":1} x",
        "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"magic\":1}",
        "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":99999999999,\"magic\":1}",
        "{\"keytype\":\"CONFIG\",\"subject\":5,\"magic\":0}",
        "{\"keytype\":\"CONFIG\",\"subject\":\"a\\u0000b\",\"magic\":0}",
        "{\"keytype\":\"CONFIG\",\"subject\":\"\xff\",\"magic\":0}",
    };
    for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
        record_key_t k;
        char what[256];
        snprintf(what, sizeof(what), "garbage key rejected: %s", bad_keys[i]);
        int rc = record_key_decode(bad_keys[i], strlen(bad_keys[i]), &k);
        check(t, rc == -1 && k.keytype == NULL, what);
    }
    static const char *bad_values[] = {
        "", "null", "[]", "{\"subject\":\"s\"}", "{\"subject\":\"s\",\"version\":1,\"id\":\"1\",\"schema\":\"x\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"x\",\"deleted\":\"no\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"x\",\"references\":{}}",
    };
    for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
        record_schema_t s;
        char what[256];
        snprintf(what, sizeof(what), "garbage SCHEMA value rejected: %s", bad_values[i]);
        int rc = record_schema_decode(bad_values[i], strlen(bad_values[i]), &s);
        check(t, rc == -1 && s.subject == NULL && s.references == NULL, what);
    }
    check(t, record_value_decode("[1,2]", 5) == NULL, "array value rejected");
    check(t, record_value_decode("{\"a\":", 5) == NULL, "truncated value rejected");
    check(t, record_value_decode("\"x\"", 3) == NULL, "scalar value rejected (no JSON_DECODE_ANY)");
    check(t, record_value_encode(NULL, NULL) == NULL, "encode of NULL refused");
}

static void
test_unknown_and_large(tally_t *t)
{
    const char *key = "{\"keytype\":\"ASSOC\",\"subject\":\"s\",\"magic\":0}";
    record_key_t k;
    int rc = record_key_decode(key, strlen(key), &k);
    check(t, rc == 0 && k.type == RECORD_UNKNOWN && strcmp(k.keytype, "ASSOC") == 0,
          "unknown keytype decodes as RECORD_UNKNOWN");
    check(t, record_key_encode(&k, NULL) == NULL, "unknown key does not encode");
    record_key_free(&k);

    key = "{\"keytype\":\"CONFIG\",\"subject\":\"s\",\"magic\":0,\"x\":123456789012345678901234567890}";
    rc = record_key_decode(key, strlen(key), &k);
    check(t, rc == 0 && k.type == RECORD_CONFIG, "huge integer in an unread key field tolerated");
    record_key_free(&k);

    const char *val = "{\"subject\":\"s\",\"compatibilityLevel\":\"FULL\",\"big\":123456789012345678901234567890}";
    json_t *v = record_value_decode(val, strlen(val));
    check(t, v != NULL && strcmp(json_string_value(json_object_get(v, "compatibilityLevel")), "FULL") == 0,
          "huge integer in a value tolerated");
    json_decref(v);

    val = "{\"subject\":\"s\",\"version\":1,\"id\":3000000000,\"schema\":\"x\"}";
    record_schema_t s;
    check(t, record_schema_decode(val, strlen(val), &s) == -1, "id beyond int rejected");

    val = "{\"compatibilityLevel\":\"FULL\"}";
    v = record_value_decode(val, strlen(val));
    size_t len;
    char *enc = record_value_encode(v, &len);
    check_bytes(t, enc, len, val, "legacy config value round-trips");
    free(enc);
    json_decref(v);
}

static int
same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * The jansson-free path for flat SCHEMA values must decide exactly as
 * jansson does: each value is decoded as is and again with an extra member
 * that only the general path takes (an array), and both answers compared.
 */
static void
fast_equals_slow(tally_t *t, const char *val, int want_rc)
{
    record_schema_t a, b;
    char forced[1024], what[1200];
    size_t n = strlen(val);
    const char *close = strrchr(val, '}');
    size_t at = close != NULL ? (size_t)(close - val) : n;
    snprintf(forced, sizeof(forced), "%.*s,\"x\":[]%s", (int)at, val, val + at);
    int ra = record_schema_decode(val, n, &a);
    int rb = record_schema_decode(forced, strlen(forced), &b);
    snprintf(what, sizeof(what), "fast path decides as jansson: %s", val);
    check(t, ra == want_rc && rb == want_rc && same_str(a.subject, b.subject) &&
          same_str(a.schema, b.schema) && same_str(a.md5, b.md5) &&
          same_str(a.schema_type, b.schema_type) && a.version == b.version &&
          a.id == b.id && a.deleted == b.deleted, what);
    record_schema_free(&a);
    record_schema_free(&b);
}

static void
test_fast_path(tally_t *t)
{
    static const char *good[] = {
        "{\"subject\":\"s\",\"version\":1,\"id\":7,\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"deleted\":false}",
        "{\"deleted\":true,\"id\":7,\"schema\":\"\\\"int\\\"\",\"subject\":\"s\",\"version\":2}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"md5\":\"abc\",\"schemaType\":\"AVRO\",\"schema\":\"x\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schemaType\":\"PROTOBUF\",\"schema\":\"x\",\"deleted\":null}",
        "{\"subject\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\",\"version\":1,\"id\":1,\"schema\":\"\\u00e9\\ud83d\\ude00\\n\\t\\\\\\/\\b\\f\\r\"}",
        " { \"subject\" : \"s\" ,\n \"version\" : 0 , \"id\" : -5 , \"schema\" : \"\" , \"schemaType\" : null } \n",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"id\":2,\"schema\":\"x\"}",
    };
    static const char *bad[] = {
        "{\"subject\":\"s\",\"version\":1,\"id\":\"1\",\"schema\":\"x\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":null,\"schema\":\"x\"}",
        "{\"subject\":\"s\",\"version\":1,\"schema\":\"x\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":01,\"schema\":\"x\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"a\\u0000b\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\\ud800\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\xff\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\xed\xa0\x80\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\xc0\xaf\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"tab\there\"}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"x\",\"deleted\":1}",
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"x\"} x",
        "{\"subject\":\"s\",\"version\":1,\"id\":99999999999999999999,\"schema\":\"x\"}",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        fast_equals_slow(t, good[i], 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        fast_equals_slow(t, bad[i], -1);
    /* Integral reals: only the general path takes them, as Jackson does. */
    record_schema_t s;
    const char *real = "{\"subject\":\"s\",\"version\":1.0,\"id\":3,\"schema\":\"x\"}";
    check(t, record_schema_decode(real, strlen(real), &s) == 0 && s.version == 1 && s.id == 3,
          "integral real version decodes");
    record_schema_free(&s);
}

static int
eq(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Keys decode the same whether the flat scan or jansson reads them. */
static void
test_fast_keys(tally_t *t)
{
    static const struct {
        const char *key;
        int type, version;
        const char *subject;
    } cases[] = {
        {"{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":3,\"magic\":1}", RECORD_SCHEMA, 3, "s"},
        {"{\"keytype\":\"SCHEMA\",\"subject\":\"a\\u00e9\",\"version\":1.0,\"magic\":1}",
         RECORD_SCHEMA, 1, "a\xc3\xa9"},
        {"{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", RECORD_CONFIG, 0, NULL},
        {"{\"keytype\":\"MODE\",\"magic\":0,\"other\":true}", RECORD_MODE, 0, NULL},
        {"{\"keytype\":\"SCHEMA\",\"subject\":\"x\",\"subject\":\"y\",\"version\":2}",
         RECORD_SCHEMA, 2, "y"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        record_key_t k;
        char what[256];
        snprintf(what, sizeof(what), "key decoded: %s", cases[i].key);
        int rc = record_key_decode(cases[i].key, strlen(cases[i].key), &k);
        check(t, rc == 0 && (int)k.type == cases[i].type && k.version == cases[i].version &&
                     eq(k.subject, cases[i].subject), what);
        record_key_free(&k);
    }
    const char *ctx = "{\"keytype\":\"CONTEXT\",\"tenant\":\"default\",\"context\":\".c\",\"magic\":0}";
    record_key_t k;
    check(t, record_key_decode(ctx, strlen(ctx), &k) == 0 && eq(k.tenant, "default") &&
                 eq(k.context, ".c") && k.magic == 0, "a CONTEXT key");
    record_key_free(&k);
}

int
main(void)
{
    tally_t t = {0, 0};
    const char *srcdir = getenv("SCHEMAD_SRCDIR");
    if (srcdir == NULL)
        srcdir = ".";
    test_recorded_file(&t, srcdir, "admin-records.json");
    test_recorded_file(&t, srcdir, "references-records.json");
    test_key_encoders(&t);
    test_escaping(&t);
    test_karapace(&t);
    test_full_schema_value(&t);
    test_garbage(&t);
    test_unknown_and_large(&t);
    test_fast_path(&t);
    test_fast_keys(&t);
    printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed != 0;
}
