/*
 * fuzz_schema_json.c - JSON Schema (src/schema/json/): Jackson's parse and
 * stored text, the loaders' checks, JsonSchemaDiff both ways, tag edits.
 *
 * Every input runs through both dialects' hooks (confluent.version 7:
 * Confluent 7.9's loaders and diff; 8: 8.3's).
 *
 * Input: up to two schema texts split on 0xFF (the second, when present,
 * is the other side of the compatibility checks, and the document a
 * reference named "r.json" brings: $refs may cross into it and back).  Checks: a failure
 * always has a message and is -1 (not JSON) or -2 (not a schema); the
 * stored text parses again to itself, and so does the normalized one;
 * a verdict is 0 or 1 and an incompatible one has messages, all strings;
 * a small schema is compatible with itself (larger ones may meet the
 * checker's budget, which answers "incompatible" by design); editing tags
 * on a path that is there gives a schema that parses.
 */
#include "fuzz.h"

#include <jansson.h>

#include "schema_json.h"

#define SELF_CHECK_MAX 512

static int
canonical(const char *text, size_t len, int normalize, int dialect, char **out)
{
    char *err = NULL;
    int rc = schema_json_canonical_dialect(text, len, NULL, 0, normalize, dialect, out, &err);
    FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2);
    FUZZ_CHECK(rc == 0 ? *out != NULL && err == NULL : *out == NULL && err != NULL);
    free(err);
    return rc;
}

/* `lenient`: 8.3's compatibilityPolicy LENIENT (7.9 has one policy). */
static int
compat(const char *reader, const char *writer, int reader_is_new, int dialect, int lenient)
{
    json_t *msgs = json_array();
    int rc = schema_json_compatible_dialect(reader, NULL, 0, writer, NULL, 0, reader_is_new,
                                            dialect, lenient, msgs);
    FUZZ_CHECK(rc == 0 || rc == 1);
    FUZZ_CHECK(rc == 0 ? json_array_size(msgs) > 0 : json_array_size(msgs) == 0);
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
        FUZZ_CHECK(json_is_string(m));
    json_decref(msgs);
    return rc;
}

/* Whether `text` holds an exponent of ten digits: BigDecimal.toString()
 * may print one past an int (scale -2^31 with several digits), which
 * BigDecimal cannot read back, in Java as here. */
static int
huge_exponent(const char *text)
{
    for (const char *e = strstr(text, "E+"); e != NULL; e = strstr(e + 2, "E+"))
        if (strspn(e + 2, "0123456789") >= 10)
            return 1;
    return 0;
}

/* Whether `text` holds -0.0: Jackson's double for a literal past
 * BigDecimal's range that is a negative zero, which reads back as the
 * BigDecimal 0.0, in Java as here. */
static int
negative_zero(const char *text)
{
    return strstr(text, "-0.0") != NULL;
}

static void
stable(const char *text, int normalize, int dialect)
{
    char *again = NULL;
    int rc = canonical(text, strlen(text), normalize, dialect, &again);
    FUZZ_CHECK(rc == 0 || (rc == -1 && huge_exponent(text)));
    FUZZ_CHECK(rc != 0 || strcmp(text, again) == 0 || negative_zero(text));
    free(again);
}

static void
tags(const char *text)
{
    json_t *add = json_loads("[{\"schemaEntity\":{\"entityPath\":\"object\","
                             "\"entityType\":\"sr_record\"},\"tags\":[\"T\"]}]", 0, NULL);
    json_t *none = json_array();
    char *out = NULL, *err = NULL;
    if (schema_json_edit_tags(text, add, none, &out, &err) == 0) {
        char *again = NULL;
        FUZZ_CHECK(canonical(out, strlen(out), 0, 7, &again) != -1);
        free(again);
        FUZZ_CHECK(schema_json_edit_tags(out, none, add, &again, &err) == 0);
        free(again);
    }
    free(out);
    free(err);
    json_decref(add);
    json_decref(none);
}

/* The first text with the second as the reference "r.json", and the two
 * compared through it. */
static void
with_ref(const char *text, size_t len, const char *other, const char *plain0, int dialect,
         int lenient)
{
    schema_ref_t ref = {.name = "r.json", .text = (char *)other};
    char *out = NULL, *err = NULL;
    int rc = schema_json_canonical_dialect(text, len, &ref, 1, 0, dialect, &out, &err);
    FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2);
    FUZZ_CHECK(rc == 0 ? out != NULL && err == NULL : out == NULL && err != NULL);
    free(out);
    free(err);
    if (plain0 == NULL)
        return;
    json_t *msgs = json_array();
    int v = schema_json_compatible_dialect(plain0, &ref, 1, plain0, &ref, 1, 1, dialect,
                                           lenient, msgs);
    FUZZ_CHECK(v == 0 || v == 1);
    FUZZ_CHECK(v == 0 ? json_array_size(msgs) > 0 : json_array_size(msgs) == 0);
    json_decref(msgs);
}

/* Every check under one dialect's hooks (and, in 8, one policy). */
static void
one_dialect(const fuzz_part_t *parts, int n, size_t size, int dialect, int lenient)
{
    char *text[2] = {NULL, NULL}, *plain[2] = {NULL, NULL}, *norm = NULL;
    int rc[2] = {-1, -1};
    for (int i = 0; i < n; i++) {
        /* A copy, so that ASan sees a read past the text's end. */
        text[i] = fuzz_strndup(parts[i].p, parts[i].n);
        rc[i] = canonical(text[i], parts[i].n, 0, dialect, &plain[i]);
    }
    FUZZ_CHECK(canonical(text[0], parts[0].n, 1, dialect, &norm) == rc[0]);
    if (rc[0] == 0) {
        stable(plain[0], 0, dialect);
        stable(norm, 1, dialect);
        if (size <= SELF_CHECK_MAX)
            FUZZ_CHECK(compat(plain[0], plain[0], 1, dialect, lenient) == 1);
        if (dialect == 7)
            tags(plain[0]);
    }
    if (n == 2 && rc[0] == 0 && rc[1] == 0) {
        for (int wording = 0; wording < 2; wording++) {
            compat(plain[0], plain[1], wording, dialect, lenient);
            compat(plain[1], plain[0], wording, dialect, lenient);
        }
        int v = schema_json_compatible_dialect(plain[1], NULL, 0, plain[0], NULL, 0, 1, dialect,
                                               lenient, NULL);
        FUZZ_CHECK(v == compat(plain[1], plain[0], 1, dialect, lenient));
    }
    if (n == 2 && rc[1] == 0)
        with_ref(text[0], parts[0].n, plain[1], rc[0] == 0 ? plain[0] : NULL, dialect, lenient);
    for (int i = 0; i < 2; i++) {
        free(text[i]);
        free(plain[i]);
    }
    free(norm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part_t parts[2];
    int n = fuzz_split(data, size, parts, 2);
    one_dialect(parts, n, size, 7, 0);
    /* 8.3 under either policy: the input's length picks, so a crash replays. */
    one_dialect(parts, n, size, 8, (int)(size & 1));
    return 0;
}
