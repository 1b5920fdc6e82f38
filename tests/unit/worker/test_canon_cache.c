/*
 * test_canon_cache.c - request body -> fingerprint: what is plain, that a
 * memoized answer equals a computed one, eviction and look-alike bodies.
 */
#include "canon_cache.h"

#include <string.h>

#include "store.h"
#include "tally.h"

static const char plain_body[] =
    "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"U\\\","
    "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"int\\\"}]}\"}";

static void
test_plain(tally_t *t)
{
    char fp[33], want[33];
    store_fingerprint("{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}",
                      NULL, NULL, NULL, want);
    check(t, canon_cache_compute(plain_body, strlen(plain_body), 8, fp) == 0,
          "plain body computes");
    check(t, strcmp(fp, want) == 0, "fingerprint of the canonical text");
    const char *ws = "{ \"schema\" : \"{ \\\"type\\\" : \\\"record\\\", \\\"name\\\":\\\"U\\\", "
                     "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"int\\\"}]}\", "
                     "\"schemaType\":\"AVRO\", \"references\":[] }";
    check(t, canon_cache_compute(ws, strlen(ws), 8, fp) == 0 && strcmp(fp, want) == 0,
          "whitespace, AVRO and empty references: same fingerprint");
}

/* A JSON schema is canonicalized by its own row: Jackson's compact text. */
static void
test_json(tally_t *t)
{
    char a[33], b[33];
    const char *spaced = "{\"schema\":\"{ \\\"type\\\": \\\"string\\\" }\","
                         "\"schemaType\":\"JSON\"}";
    const char *compact = "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"schemaType\":\"JSON\"}";
    const char *other = "{\"schema\":\"{\\\"type\\\":\\\"string\\\",\\\"title\\\":\\\"x\\\"}\","
                            "\"schemaType\":\"JSON\"}";
    check(t, canon_cache_compute(spaced, strlen(spaced), 8, a) == 0 &&
             canon_cache_compute(compact, strlen(compact), 8, b) == 0 && strcmp(a, b) == 0,
          "JSON: whitespace does not change the fingerprint");
    check(t, canon_cache_compute(other, strlen(other), 8, b) == 0 && strcmp(a, b) != 0,
          "JSON: another schema, another fingerprint");
    /* The dialect's loaders decide what is a schema: 8.3 bridges definitions. */
    const char *bridged = "{\"schema\":\"{\\\"definitions\\\":{\\\"x\\\":{}},"
                          "\\\"$ref\\\":\\\"#/$defs/x\\\"}\",\"schemaType\":\"JSON\"}";
    check(t, canon_cache_compute(bridged, strlen(bridged), 8, a) == 0 &&
             canon_cache_compute(bridged, strlen(bridged), 7, b) == -1,
          "JSON: the memo runs its dialect's hooks");
}

static void
test_not_plain(tally_t *t)
{
    static const char *const bodies[] = {
        "{\"schema\":\"\\\"string\\\"\",\"id\":3}",
        "{\"schema\":\"\\\"string\\\"\",\"version\":1}",
        "{\"schema\":\"\\\"string\\\"\",\"metadata\":{}}",
        "{\"schema\":\"\\\"string\\\"\",\"schemaType\":\"PROTOBUF\"}",
        "{\"schema\":\"{\\\"type\\\":12}\",\"schemaType\":\"JSON\"}",
        "{\"schema\":\"\\\"string\\\"\",\"references\":[{\"name\":\"a\"}]}",
        "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}",
        "{\"schema\":42}",
        "[]",
        "not json",
        "",
    };
    char fp[33];
    canon_cache_t c;
    canon_cache_init(&c, 8, 8);
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        check(t, canon_cache_compute(bodies[i], strlen(bodies[i]), 8, fp) == -1, bodies[i]);
        check(t, canon_cache_fingerprint(&c, bodies[i], strlen(bodies[i]), fp) == -1, bodies[i]);
        check(t, canon_cache_fingerprint(&c, bodies[i], strlen(bodies[i]), fp) == -1,
              "memoized refusal");
    }
    canon_cache_free(&c);
}

static void
test_memo(tally_t *t)
{
    canon_cache_t c;
    char a[33], b[33], want[33];
    canon_cache_init(&c, 1, 8);   /* one slot: every new body evicts the last */
    canon_cache_compute(plain_body, strlen(plain_body), 8, want);
    check(t, canon_cache_fingerprint(&c, plain_body, strlen(plain_body), a) == 0 &&
             strcmp(a, want) == 0, "first call computes");
    check(t, canon_cache_fingerprint(&c, plain_body, strlen(plain_body), b) == 0 &&
             strcmp(b, want) == 0, "second call answers the same");
    const char *other = "{\"schema\":\"\\\"long\\\"\"}";
    check(t, canon_cache_fingerprint(&c, other, strlen(other), a) == 0 && strcmp(a, want) != 0,
          "another body in the same slot gets its own fingerprint");
    check(t, canon_cache_fingerprint(&c, plain_body, strlen(plain_body), b) == 0 &&
             strcmp(b, want) == 0, "after eviction: computed again, same answer");
    canon_cache_free(&c);
}

int
main(void)
{
    tally_t t = {0};
    test_plain(&t);
    test_json(&t);
    test_not_plain(&t);
    test_memo(&t);
    return tally_report(&t);
}
