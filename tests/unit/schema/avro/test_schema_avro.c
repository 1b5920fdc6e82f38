/*
 * test_schema_avro.c - canonical text, errors, normalization and
 * compatibility of Avro schemas: hand-written cases from Avro 1.11.4's
 * Schema.java behaviour, then every Avro step of the recorded Confluent
 * conformance corpus ($SCHEMAD_SRCDIR/../shared/conformance).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mem.h"
#include "schema_avro.h"

typedef struct stats {
    int passed;
    int failed;
    int kinds[4]; /* corpus checks: errors, compat, register, lookup */
} stats_t;

static void
check_str(stats_t *st, const char *what, const char *got, const char *want)
{
    if (got != NULL && want != NULL && strcmp(got, want) == 0) {
        st->passed++;
        return;
    }
    st->failed++;
    printf("FAIL %s\n  got:  %s\n  want: %s\n", what, got ? got : "(null)", want ? want : "(null)");
}

static void
check_canon(stats_t *st, const char *in, const char *want)
{
    char *out = NULL, *err = NULL;
    schema_avro_canonical(in, strlen(in), NULL, 0, 0, &out, &err);
    check_str(st, in, out != NULL ? out : err, want);
    free(out);
    free(err);
}

static void
check_norm(stats_t *st, const char *in, const char *want)
{
    char *out = NULL, *err = NULL;
    schema_avro_canonical(in, strlen(in), NULL, 0, 1, &out, &err);
    check_str(st, in, out != NULL ? out : err, want);
    free(out);
    free(err);
}

static void
check_err(stats_t *st, const char *in, const char *want)
{
    char *out = NULL, *err = NULL;
    int rc = schema_avro_canonical(in, strlen(in), NULL, 0, 0, &out, &err);
    check_str(st, in, rc == -1 ? err : out, want);
    free(out);
    free(err);
}

static void
test_canonical(stats_t *st)
{
    check_canon(st, "\"string\"", "\"string\"");
    check_canon(st, "{\"type\":\"string\"}", "\"string\"");
    check_canon(st, " { \"type\" : \"int\" , \"name\":\"x\"} ", "\"int\"");
    check_canon(st, "{\"type\":\"string\",\"logicalType\":\"uuid\"}",
                "{\"type\":\"string\",\"logicalType\":\"uuid\"}");
    check_canon(st, "{\"fields\":[{\"type\":\"int\",\"name\":\"a\"}],\"name\":\"R\",\"type\":\"record\"}",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    check_canon(st, "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a.b\",\"fields\":[{\"name\":\"e\",\"type\":"
                    "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}},{\"name\":\"e2\",\"type\":\"E\"},"
                    "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"c.F\",\"size\":2}},"
                    "{\"name\":\"g\",\"type\":\"c.F\"}]}",
                "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a.b\",\"fields\":[{\"name\":\"e\",\"type\":"
                "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}},{\"name\":\"e2\",\"type\":\"E\"},"
                "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"namespace\":\"c\",\"size\":2}},"
                "{\"name\":\"g\",\"type\":\"c.F\"}]}");
    check_canon(st, "{\"type\":\"record\",\"name\":\"a.R\",\"fields\":[{\"name\":\"n\",\"type\":{\"type\":\"record\","
                    "\"name\":\"N\",\"namespace\":\"\",\"fields\":[]}},{\"name\":\"r\",\"type\":[\"null\",\"R\"]}]}",
                "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":[{\"name\":\"n\",\"type\":"
                "{\"type\":\"record\",\"name\":\"N\",\"namespace\":\"\",\"fields\":[]}},"
                "{\"name\":\"r\",\"type\":[\"null\",\"R\"]}]}");
    check_canon(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"d\",\"type\":\"double\","
                    "\"default\":1},{\"name\":\"e\",\"type\":\"double\",\"default\":\"1.5\"},"
                    "{\"name\":\"f\",\"type\":\"float\",\"default\":1.0},{\"name\":\"g\",\"type\":\"double\","
                    "\"default\":1e20},{\"name\":\"h\",\"type\":\"double\",\"default\":0.0001}]}",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"d\",\"type\":\"double\",\"default\":1},"
                "{\"name\":\"e\",\"type\":\"double\",\"default\":1.5},{\"name\":\"f\",\"type\":\"float\","
                "\"default\":1.0},{\"name\":\"g\",\"type\":\"double\",\"default\":1.0E20},"
                "{\"name\":\"h\",\"type\":\"double\",\"default\":1.0E-4}]}");
    check_canon(st, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"A\",\"doc\":\"d\","
                    "\"aliases\":[\"x.Old\",\"Older\"],\"p\":[1,{\"q\":null}]}",
                "{\"type\":\"enum\",\"name\":\"E\",\"doc\":\"d\",\"symbols\":[\"A\"],\"default\":\"A\","
                "\"p\":[1,{\"q\":null}],\"aliases\":[\"x.Old\",\"Older\"]}");
    check_canon(st, "/* c */ {\"type\":\"map\", // x\n \"values\":\"long\"}", "{\"type\":\"map\",\"values\":\"long\"}");
    check_canon(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"a\":1,"
                    "\"name\":\"b\"}]}",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":\"int\",\"a\":1}]}");
    check_canon(st, "[]", "[]");
}

static void
test_errors(stats_t *st)
{
    check_err(st, "{}", "No type: {}");
    check_err(st, "42", "Schema not yet supported: 42");
    check_err(st, "\"nope\"", "Undefined name: \"nope\"");
    check_err(st, "\"\"", "Empty name");
    check_err(st, "[\"int\",\"int\"]", "Duplicate in union:int");
    check_err(st, "[\"null\",[\"int\"]]", "Nested union: [\"null\",[\"int\"]]");
    check_err(st, "{\"type\":\"record\",\"name\":\"X\"}", "Record has no fields: {\"type\":\"record\",\"name\":\"X\"}");
    check_err(st, "{\"type\":\"record\",\"name\":\"1X\",\"fields\":[]}", "Illegal initial character: 1X");
    check_err(st, "{\"type\":\"record\",\"name\":\"X-\",\"fields\":[]}", "Illegal character in: X-");
    check_err(st, "{\"type\":\"record\",\"fields\":[]}", "No name in schema: {\"type\":\"record\",\"fields\":[]}");
    check_err(st, "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                  "{\"name\":\"a\",\"type\":\"int\"}]}",
              "Duplicate field a in record X: a type:INT pos:1 and a type:INT pos:0.");
    check_err(st, "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\"}]}",
              "No field type: {\"name\":\"a\"}");
    check_err(st, "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"type\":\"int\"}]}",
              "No field name: {\"type\":\"int\"}");
    check_err(st, "{\"type\":\"record\",\"name\":\"X\",\"namespace\":\"n\",\"fields\":[{\"name\":\"a\",\"type\":\"Y\"}]}",
              "\"Y\" is not a defined name. The type of the \"a\" field must be a defined name or a "
              "{\"type\": ...} expression.");
    check_err(st, "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"record\","
                  "\"name\":\"X\",\"fields\":[]}}]}", "Can't redefine: X");
    check_err(st, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"A\"]}", "Duplicate enum symbol: A");
    check_err(st, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"1\"]}", "Illegal initial character: 1");
    check_err(st, "{\"type\":\"enum\",\"name\":\"E\"}", "Enum has no symbols: {\"type\":\"enum\",\"name\":\"E\"}");
    check_err(st, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"],\"default\":\"C\"}",
              "The Enum Default: C is not in the enum symbol set: [A, B]");
    check_err(st, "{\"type\":\"fixed\",\"name\":\"F\",\"size\":1.5}",
              "Invalid or no size: {\"type\":\"fixed\",\"name\":\"F\",\"size\":1.5}");
    check_err(st, "{\"type\":\"fixed\",\"name\":\"int\",\"size\":1}", "Schemas may not be named after primitives: int");
    check_err(st, "{\"type\":\"array\"}", "Array has no items type: {\"type\":\"array\"}");
    check_err(st, "{\"type\":\"map\",\"values\":\"nope\"}", "Undefined name: \"nope\"");
    check_err(st, "{\"type\":\"nosuchtype\"}", "Type not supported: nosuchtype");
    check_err(st, "\"int\" x", "dangling content after end of schema: x");
    check_err(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"order\":\"up\"}]}",
              "No enum constant org.apache.avro.Schema.Field.Order.UP");
    check_err(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[],\"aliases\":\"x\"}",
              "aliases not an array: {\"type\":\"record\",\"name\":\"R\",\"fields\":[],\"aliases\":\"x\"}");
}

/* Texts as unnamed references (Avro resolves by the names inside the
 * texts); the caller frees the array, not the texts. */
static schema_ref_t *
as_refs(const char *const *texts, size_t n)
{
    schema_ref_t *v = mem_calloc(n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = (schema_ref_t){.name = "", .text = (char *)texts[i]};
    return v;
}

static void
check_refs(stats_t *st, const char *in, const char *const *texts, size_t nrefs, int normalize,
           const char *want)
{
    char *out = NULL, *err = NULL;
    schema_ref_t *refs = as_refs(texts, nrefs);
    schema_avro_canonical(in, strlen(in), refs, nrefs, normalize, &out, &err);
    free(refs);
    check_str(st, in, out != NULL ? out : err, want);
    free(out);
    free(err);
}

static void
test_refs(stats_t *st)
{
    const char *dep = "{\"type\":\"record\",\"name\":\"Dep\",\"namespace\":\"com.x\",\"fields\":["
                      "{\"name\":\"v\",\"type\":\"int\"}]}";
    const char *holder = "{\"type\":\"record\",\"name\":\"Holder\",\"namespace\":\"com.x\",\"fields\":["
                         "{\"name\":\"d\",\"type\":\"com.x.Dep\"}]}";
    const char *want = "{\"type\":\"record\",\"name\":\"Holder\",\"namespace\":\"com.x\",\"fields\":["
                       "{\"name\":\"d\",\"type\":\"Dep\"}]}";
    check_refs(st, holder, &dep, 1, 0, want);
    check_refs(st, holder, &dep, 1, 1, want);
    check_refs(st, holder, NULL, 0, 0,
               "\"com.x.Dep\" is not a defined name. The type of the \"d\" field must be a defined name or a "
               "{\"type\": ...} expression.");
    check_refs(st, "{\"type\":\"array\",\"items\":\"com.x.Dep\"}", &dep, 1, 0,
               "{\"type\":\"array\",\"items\":\"com.x.Dep\"}");
}

static void
test_numbers(stats_t *st)
{
    check_canon(st, "{\"type\":\"int\",\"p\":[1.0E7,1234567.5,0.001,0.0009,-0.0,-2.5e-300,100,1e2]}",
                "{\"type\":\"int\",\"p\":[1.0E7,1234567.5,0.001,9.0E-4,-0.0,-2.5E-300,100,100.0]}");
    check_canon(st, "{\"type\":\"int\",\"s\":\"\\u00e9\\u0001\\\"\"}",
                "{\"type\":\"int\",\"s\":\"\xc3\xa9\\u0001\\\"\"}");
}

static void
test_normalize(stats_t *st)
{
    check_norm(st, "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"z\":1,\"a\":2,\"fields\":["
                   "{\"name\":\"f\",\"type\":\"float\",\"default\":1,\"order\":\"ascending\",\"aliases\":[\"y\",\"b\"]},"
                   "{\"name\":\"i\",\"type\":\"int\",\"default\":\"bad\"}],\"aliases\":[\"Z\",\"A\"],\"doc\":\"\"}",
               "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[{\"name\":\"f\",\"type\":\"float\","
               "\"default\":1.0,\"aliases\":[\"b\",\"y\"]},{\"name\":\"i\",\"type\":\"int\"}],\"a\":2,\"z\":1,"
               "\"aliases\":[\"A\",\"Z\"]}");
    check_norm(st, "{\"type\":\"bytes\",\"scale\":2,\"x\":1,\"precision\":4,\"logicalType\":\"decimal\"}",
               "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":2,\"x\":1}");
}

static void
check_compat(stats_t *st, const char *reader, const char *writer, int reader_is_new, int want, const char *want_msg)
{
    json_t *msgs = json_array();
    int got = schema_avro_compatible(reader, NULL, 0, writer, NULL, 0, reader_is_new, msgs);
    char *all = json_dumps(msgs, JSON_COMPACT);
    if (got != want) {
        st->failed++;
        printf("FAIL compat %s <- %s: got %d want %d %s\n", reader, writer, got, want, all);
    } else if (want_msg != NULL) {
        const char *m = json_string_value(json_array_get(msgs, 0));
        check_str(st, "compat message", m, want_msg);
    } else {
        st->passed++;
    }
    free(all);
    json_decref(msgs);
}

static void
test_compat(stats_t *st)
{
    check_compat(st, "\"long\"", "\"int\"", 1, 1, NULL);
    check_compat(st, "{\"type\":\"record\",\"name\":\"a.R\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}",
                 "{\"type\":\"record\",\"name\":\"b.R\",\"fields\":[]}", 0, 0,
                 "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'x' at path '/fields/0' in "
                 "the old schema has no default value and is missing in the new schema', additionalInfo:'x'}");
    check_compat(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"y\",\"type\":\"int\","
                     "\"aliases\":[\"x\"]}]}",
                 "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}", 1, 1, NULL);
    check_compat(st, "\"int\"", "\"long\"", 1, 0,
                 "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not "
                 "match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}");
    check_compat(st, "[\"null\",\"string\"]", "\"string\"", 1, 1, NULL);
    check_compat(st, "\"string\"", "[\"null\",\"string\"]", 0, 0,
                 "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the old schema does not "
                 "match with the new schema', additionalInfo:'reader type: STRING not compatible with writer type: NULL'}");
    check_compat(st, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}",
                 "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"C\",\"A\",\"B\"]}", 1, 0,
                 "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[B, C]' at "
                 "path '/symbols' in the old schema', additionalInfo:'[B, C]'}");
    check_compat(st, "{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "{\"type\":\"fixed\",\"name\":\"G\",\"size\":3}",
                 1, 0, "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', "
                       "additionalInfo:'expected: G'}");
    check_compat(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"u\",\"type\":[\"null\",\"int\"]}]}",
                 "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"u\",\"type\":[\"null\",\"string\"]}]}",
                 1, 0,
                 "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field "
                 "at path '/fields/0/type/1' in the old schema', additionalInfo:'reader union lacking writer type: STRING'}");
    check_compat(st, "{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"n\",\"type\":[\"null\",\"L\"]}]}",
                 "{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"n\",\"type\":[\"null\",\"L\"]}]}",
                 1, 1, NULL);
}

/* ---- client-sized inputs: each would take minutes if checked pairwise ---- */

/*
 * 200,000 symbols or fields take well under a second each when checked in
 * linear time and minutes when checked pairwise; under valgrind
 * (SCHEMAD_SKIP_TIMING) a tenth of that still tells them apart.
 */
static size_t
big_n(void)
{
    return getenv("SCHEMAD_SKIP_TIMING") != NULL ? 20000 : 200000;
}

/* An enum of n symbols S0..S(n-1), the last one repeated when dup is set. */
static char *
big_enum(size_t n, int dup, size_t skip)
{
    buf_t b = {0};
    buf_puts(&b, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[");
    for (size_t i = 0; i < n; i++)
        if (i != skip)
            buf_printf(&b, "%s\"S%zu\"", i ? "," : "", i);
    if (dup)
        buf_printf(&b, ",\"S%zu\"", n - 1);
    buf_puts(&b, "]}");
    return buf_steal(&b, NULL);
}

/* A record of n fields f0..f(n-1) of one type, the first repeated when dup is set. */
static char *
big_record(size_t n, const char *type, int dup)
{
    buf_t b = {0};
    buf_puts(&b, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[");
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s{\"name\":\"f%zu\",\"type\":\"%s\"}", i ? "," : "", i, type);
    if (dup)
        buf_printf(&b, ",{\"name\":\"f0\",\"type\":\"%s\"}", type);
    buf_puts(&b, "]}");
    return buf_steal(&b, NULL);
}

/* A union of n records n.Ri, in reverse order when rev is set, with "null" first. */
static char *
big_union(size_t n, int rev, int dup)
{
    buf_t b = {0};
    buf_puts(&b, "[\"null\"");
    for (size_t k = 0; k < n; k++) {
        size_t i = rev ? n - 1 - k : k;
        buf_printf(&b, ",{\"type\":\"record\",\"name\":\"n.R%zu\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}", i);
    }
    if (dup)
        buf_puts(&b, ",\"n.R0\"");
    buf_puts(&b, "]");
    return buf_steal(&b, NULL);
}

static int
canon_ok(const char *in, int normalize, char **err)
{
    char *out = NULL;
    *err = NULL;
    int rc = schema_avro_canonical(in, strlen(in), NULL, 0, normalize, &out, err);
    free(out);
    return rc;
}

static void
check_big_ok(stats_t *st, const char *what, const char *in)
{
    for (int normalize = 0; normalize <= 1; normalize++) {
        char *err;
        if (canon_ok(in, normalize, &err) == 0) {
            st->passed++;
        } else {
            st->failed++;
            printf("FAIL %s (normalize %d): %s\n", what, normalize, err);
        }
        free(err);
    }
}

static void
check_big_err(stats_t *st, const char *in, const char *want)
{
    char *err;
    canon_ok(in, 0, &err);
    check_str(st, "big input error", err, want);
    free(err);
}

static int
compat_count(const char *reader, const char *writer, json_t *msgs)
{
    return schema_avro_compatible(reader, NULL, 0, writer, NULL, 0, 1, msgs);
}

static void
test_big_parse(stats_t *st)
{
    size_t n = big_n();
    char *e = big_enum(n, 0, n), *ed = big_enum(n, 1, n);
    check_big_ok(st, "many symbols", e);
    char *want = mem_printf("Duplicate enum symbol: S%zu", n - 1);
    check_big_err(st, ed, want);
    free(want);
    char *r = big_record(n, "int", 0), *rd = big_record(n, "int", 1);
    check_big_ok(st, "many fields", r);
    want = mem_printf("Duplicate field f0 in record R: f0 type:INT pos:%zu and f0 type:INT pos:0.", n);
    check_big_err(st, rd, want);
    free(want);
    char *u = big_union(n / 10, 0, 0), *ud = big_union(n / 10, 0, 1);
    check_big_ok(st, "many branches", u);
    check_big_err(st, ud, "Duplicate in union:n.R0");
    free(e);
    free(ed);
    free(r);
    free(rd);
    free(u);
    free(ud);
}

static void
test_big_compat(stats_t *st)
{
    size_t n = big_n();
    /* The reader lacks one symbol of many: one difference, found by hashing. */
    char *e1 = big_enum(n, 0, 77), *e2 = big_enum(n, 0, n);
    json_t *msgs = json_array();
    int got = compat_count(e1, e2, msgs);
    check_str(st, "many symbols compat", got == 0 ? json_string_value(json_array_get(msgs, 0)) : "compatible",
              "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[S77]' at "
              "path '/symbols' in the old schema', additionalInfo:'[S77]'}");
    json_decref(msgs);
    /* Every field changes type: one difference each, in field order. */
    char *r1 = big_record(n, "int", 0), *r2 = big_record(n, "string", 0);
    msgs = json_array();
    got = compat_count(r1, r2, msgs);
    char *last = mem_printf("'/fields/%zu/type'", n - 1);
    if (got == 0 && json_array_size(msgs) == n &&
        strstr(json_string_value(json_array_get(msgs, n - 1)), last) != NULL) {
        st->passed++;
    } else {
        st->failed++;
        printf("FAIL many fields compat: %d, %zu messages\n", got, json_array_size(msgs));
    }
    free(last);
    json_decref(msgs);
    msgs = json_array();
    got = compat_count(r1, r1, msgs);
    check_str(st, "many fields compatible", got == 1 ? "yes" : "no", "yes");
    json_decref(msgs);
    /* Many union branches, the reader's in reverse order. */
    char *u1 = big_union(n / 10, 1, 0), *u2 = big_union(n / 10, 0, 0);
    got = compat_count(u1, u2, NULL);
    check_str(st, "many branches compatible", got == 1 ? "yes" : "no", "yes");
    free(e1);
    free(e2);
    free(r1);
    free(r2);
    free(u1);
    free(u2);
}

/* Union branch matching by name and alias, in Java's order. */
static void
test_union_compat(stats_t *st)
{
    check_compat(st, "[\"null\",\"long\"]", "\"int\"", 1, 1, NULL);
    check_compat(st, "[\"null\",\"long\"]", "[\"int\",\"null\"]", 1, 1, NULL);
    check_compat(st, "[{\"type\":\"record\",\"name\":\"a.R\",\"fields\":[]},\"null\"]",
                 "{\"type\":\"record\",\"name\":\"b.R\",\"fields\":[]}", 1, 1, NULL);
    check_compat(st, "[{\"type\":\"record\",\"name\":\"S\",\"aliases\":[\"b.R\"],\"fields\":[]}]",
                 "{\"type\":\"record\",\"name\":\"b.R\",\"fields\":[]}", 1, 1, NULL);
    check_compat(st, "[{\"type\":\"record\",\"name\":\"S\",\"fields\":[]}]",
                 "{\"type\":\"record\",\"name\":\"b.R\",\"fields\":[]}", 1, 0,
                 "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union "
                 "field at path '/' in the old schema', additionalInfo:'reader union lacking writer type: RECORD'}");
    check_compat(st, "[{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]},"
                     "{\"type\":\"enum\",\"name\":\"x.E\",\"symbols\":[\"A\",\"B\"]}]",
                 "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", 1, 1, NULL);
}

/* Appends the records R0..R(n-1), each but the first with a field of the one before. */
static void
chain(buf_t *b, int n)
{
    buf_puts(b, "{\"type\":\"record\",\"name\":\"R0\",\"fields\":[]}");
    for (int i = 1; i < n; i++)
        buf_printf(b, ",{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"f\",\"type\":\"R%d\"}]}",
                   i, i - 1);
}

/*
 * A reader union of a chain of 5001 records against the writer's record
 * R5000, whose field leads down the whole chain: deeper than the check
 * recurses.
 */
static void
test_deep(stats_t *st)
{
    buf_t b = {0};
    buf_puts(&b, "[");
    chain(&b, 5001);
    buf_puts(&b, "]");
    char *reader = buf_steal(&b, NULL);
    buf_puts(&b, "{\"type\":\"record\",\"name\":\"R5000\",\"fields\":[{\"name\":\"g\",\"type\":[");
    chain(&b, 5000);
    buf_puts(&b, "]},{\"name\":\"f\",\"type\":\"R4999\"}]}");
    char *writer = buf_steal(&b, NULL);
    json_t *msgs = json_array();
    int got = compat_count(reader, writer, msgs);
    check_str(st, "deep chain", got == 0 ? json_string_value(json_array_get(msgs, 0)) : "compatible",
              "Compatibility check aborted: the schemas nest more than 1000 levels deep");
    json_decref(msgs);
    free(reader);
    free(writer);
    /* Nesting past Jackson's 1,000 levels is refused as Jackson refuses it. */
    static const int depths[] = {1000, 1001, 100000};
    for (size_t k = 0; k < 3; k++) {
        for (int i = 0; i < depths[k]; i++)
            buf_puts(&b, "{\"type\":\"array\",\"items\":");
        buf_puts(&b, "\"int\"");
        for (int i = 0; i < depths[k]; i++)
            buf_puts(&b, "}");
        char *deep = buf_steal(&b, NULL), *err;
        int rc = canon_ok(deep, 0, &err);
        check_str(st, "nested arrays", rc == 0 ? "accepted" : err,
                  depths[k] == 1000 ? "accepted"
                                    : "com.fasterxml.jackson.core.exc.StreamConstraintsException: Document nesting "
                                      "depth (1001) exceeds the maximum allowed (1000, from "
                                      "`StreamReadConstraints.getMaxNestingDepth()`)");
        free(err);
        free(deep);
    }
    /* A syntax error before the limit is reported first. */
    buf_puts(&b, "[[x");
    for (int i = 0; i < 1001; i++)
        buf_puts(&b, "[");
    char *bad = buf_steal(&b, NULL);
    check_err(st, bad, "com.fasterxml.jackson.core.JsonParseException: invalid token near 'x'\n at "
                       "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, "
                       "column: 3]");
    free(bad);
}

/* The whole text is the schema: a NUL does not end it. */
static void
test_nul(stats_t *st)
{
    static const char text[] = "\"int\"\0garbage";
    char *out = NULL, *err = NULL;
    int rc = schema_avro_canonical(text, sizeof(text) - 1, NULL, 0, 0, &out, &err);
    check_str(st, "text with a NUL", rc == -1 ? err : out, "dangling content after end of schema: garbage");
    free(out);
    free(err);
    static const char tail[] = "\"int\" \0 ";
    rc = schema_avro_canonical(tail, sizeof(tail) - 1, NULL, 0, 0, &out, &err);
    check_str(st, "text ending in a NUL", rc == 0 ? out : err, "\"int\"");
    free(out);
    free(err);
}

/* ---- the recorded Confluent corpus ---- */

typedef struct corpus {
    json_t *ids;      /* "$idN" -> canonical text, from answers carrying both */
    json_t *versions; /* "subject#version" -> canonical text */
    json_t *normsubj; /* subjects whose config sets normalize */
    json_t *regs;     /* subject -> array of ids registered, in order */
} corpus_t;

static void
collect_answers(corpus_t *c, json_t *body)
{
    size_t i;
    json_t *e;
    if (json_is_array(body)) {
        json_array_foreach(body, i, e) collect_answers(c, e);
        return;
    }
    json_t *schema = json_object_get(body, "schema");
    if (!json_is_string(schema))
        return;
    json_t *id = json_object_get(body, "id");
    if (json_is_string(id))
        json_object_set(c->ids, json_string_value(id), schema);
    json_t *subj = json_object_get(body, "subject"), *ver = json_object_get(body, "version");
    if (json_is_string(subj) && json_is_integer(ver)) {
        char *key = mem_printf("%s#%lld", json_string_value(subj), (long long)json_integer_value(ver));
        json_object_set(c->versions, key, schema);
        free(key);
    }
}

/* The subject of /subjects/{s}/..., /compatibility/subjects/{s}/..., or NULL. */
static char *
path_subject(const char *p, int *is_versions, int *is_compat)
{
    const char *s = strstr(p, "/subjects/");
    *is_compat = strncmp(p, "/compatibility/", 15) == 0;
    if (s == NULL)
        return NULL;
    s += 10;
    size_t n = strcspn(s, "/?");
    *is_versions = strncmp(s + n, "/versions", 9) == 0;
    return mem_strndup(s, n);
}

static int
resolve_refs(corpus_t *c, json_t *refs, const char ***out, size_t *n)
{
    size_t i;
    json_t *r;
    *n = json_array_size(refs);
    *out = mem_calloc(*n + 1, sizeof(char *));
    json_array_foreach(refs, i, r) {
        json_t *subj = json_object_get(r, "subject"), *ver = json_object_get(r, "version");
        if (!json_is_string(subj) || !json_is_integer(ver))
            return -1;
        char *key = mem_printf("%s#%lld", json_string_value(subj), (long long)json_integer_value(ver));
        json_t *text = json_object_get(c->versions, key);
        free(key);
        if (text == NULL)
            return -1;
        (*out)[i] = json_string_value(text);
    }
    return 0;
}

static int
skip_details(const char *d)
{
    return strstr(d, "com.fasterxml") != NULL || strstr(d, "No schema reference") != NULL ||
           strstr(d, "Invalid reference") != NULL || strstr(d, "Exception") != NULL;
}

/* Register answers give ids only: remember which version each id became. */
static void
note_registration(corpus_t *c, const char *subject, json_t *id, const char *canon)
{
    json_t *list = json_object_get(c->regs, subject);
    size_t i;
    json_t *e;
    if (list == NULL) {
        list = json_array();
        json_object_set_new(c->regs, subject, list);
    }
    json_array_foreach(list, i, e) {
        if (json_equal(e, id))
            return;
    }
    json_array_append(list, id);
    char *key = mem_printf("%s#%zu", subject, json_array_size(list));
    if (json_object_get(c->versions, key) == NULL)
        json_object_set_new(c->versions, key, json_string(canon));
    free(key);
}

static const char *
level_of(json_t *msgs)
{
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m) {
        const char *s = json_string_value(m);
        const char *p = s != NULL ? strstr(s, "compatibility: '") : NULL;
        if (p != NULL)
            return p + 16;
    }
    return NULL;
}

static char *
old_schema_of(json_t *msgs)
{
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m) {
        const char *s = json_string_value(m);
        if (s != NULL && strncmp(s, "{oldSchema: '", 13) == 0)
            return mem_strndup(s + 13, strlen(s) - 13 - 2);
    }
    return NULL;
}

/* Confluent's verbose answer, Difference strings only, for one old schema. */
static void
check_corpus_compat(stats_t *st, const char *what, const char *canon, json_t *msgs)
{
    const char *level = level_of(msgs);
    char *old = old_schema_of(msgs);
    if (level == NULL || old == NULL) {
        free(old);
        return;
    }
    st->kinds[1]++;
    json_t *mine = json_array(), *want = json_array();
    int fwd = strncmp(level, "FORWARD", 7) == 0, full = strncmp(level, "FULL", 4) == 0;
    if (fwd || full)
        schema_avro_compatible(old, NULL, 0, canon, NULL, 0, 0, mine);
    if (!fwd)
        schema_avro_compatible(canon, NULL, 0, old, NULL, 0, 1, mine);
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m) {
        if (strncmp(json_string_value(m), "{errorType:", 11) == 0)
            json_array_append(want, m);
    }
    char *a = json_dumps(mine, JSON_COMPACT), *b = json_dumps(want, JSON_COMPACT);
    check_str(st, what, a, b);
    free(a);
    free(b);
    free(old);
    json_decref(mine);
    json_decref(want);
}

static void
check_corpus_answer(stats_t *st, corpus_t *c, const char *what, json_t *step, json_t *ans,
                    const char *canon, const char *err)
{
    const char *p = json_string_value(json_object_get(step, "p"));
    json_t *body = json_object_get(ans, "body");
    json_int_t status = json_integer_value(json_object_get(ans, "status"));
    int versions, compat;
    char *subject = path_subject(p, &versions, &compat);
    if (status == 422 && json_integer_value(json_object_get(body, "error_code")) == 42201) {
        const char *d = strstr(json_string_value(json_object_get(body, "message")), "details: ");
        if (d != NULL && !skip_details(d + 9)) {
            st->kinds[0]++;
            check_str(st, what, err, d + 9);
        }
    } else if (status == 200 && compat) {
        if (canon != NULL && json_is_array(json_object_get(body, "messages"))) {
            check_corpus_compat(st, what, canon, json_object_get(body, "messages"));
        }
    } else if (status == 200 && versions) {
        json_t *known = json_object_get(c->ids, json_string_value(json_object_get(body, "id")));
        if (known != NULL) {
            st->kinds[2]++;
            check_str(st, what, canon != NULL ? canon : err, json_string_value(known));
        }
        if (canon != NULL && subject != NULL)
            note_registration(c, subject, json_object_get(body, "id"), canon);
    } else if (status == 200 && json_is_string(json_object_get(body, "schema"))) {
        st->kinds[3]++;
        check_str(st, what, canon != NULL ? canon : err, json_string_value(json_object_get(body, "schema")));
    }
    free(subject);
}

static void
corpus_step(stats_t *st, corpus_t *c, const char *scen, size_t idx, json_t *step, json_t *ans)
{
    json_t *b = json_object_get(step, "b");
    const char *m = json_string_value(json_object_get(step, "m"));
    const char *p = json_string_value(json_object_get(step, "p"));
    json_t *type = json_object_get(b, "schemaType");
    if (strcmp(m, "POST") != 0 || !json_is_string(json_object_get(b, "schema")))
        return;
    if (type != NULL && !json_is_null(type) && !(json_is_string(type) && strcmp(json_string_value(type), "AVRO") == 0))
        return;
    const char **refs;
    size_t nrefs;
    if (resolve_refs(c, json_object_get(b, "references"), &refs, &nrefs) < 0) {
        free(refs);
        return;
    }
    int versions, compat;
    char *subject = path_subject(p, &versions, &compat);
    int normalize = strstr(p, "normalize=true") != NULL ||
                    (subject != NULL && json_object_get(c->normsubj, subject) != NULL);
    const char *text = json_string_value(json_object_get(b, "schema"));
    char *out = NULL, *err = NULL;
    schema_ref_t *named = as_refs(refs, nrefs);
    schema_avro_canonical(text, strlen(text), named, nrefs, normalize, &out, &err);
    free(named);
    char *what = mem_printf("%s#%zu %s", scen, idx, text);
    check_corpus_answer(st, c, what, step, ans, out, err);
    free(what);
    free(subject);
    free(out);
    free(err);
    free(refs);
}

static void
corpus_scenario(stats_t *st, json_t *scen, json_t *answers)
{
    corpus_t c = {json_object(), json_object(), json_object(), json_object()};
    size_t i;
    json_t *step;
    json_array_foreach(answers, i, step) collect_answers(&c, json_object_get(step, "body"));
    json_array_foreach(json_object_get(scen, "steps"), i, step) {
        const char *p = json_string_value(json_object_get(step, "p"));
        json_t *b = json_object_get(step, "b");
        if (strncmp(p, "/config/", 8) == 0 && json_is_true(json_object_get(b, "normalize")))
            json_object_set_new(c.normsubj, p + 8, json_true());
    }
    const char *name = json_string_value(json_object_get(scen, "name"));
    json_array_foreach(json_object_get(scen, "steps"), i, step)
        corpus_step(st, &c, name, i, step, json_array_get(answers, i));
    json_decref(c.ids);
    json_decref(c.versions);
    json_decref(c.normsubj);
    json_decref(c.regs);
}

static void
test_corpus(stats_t *st)
{
    const char *src = getenv("SCHEMAD_SRCDIR");
    char *sp = mem_printf("%s/../shared/conformance/scenarios.json", src ? src : ".");
    char *gp = mem_printf("%s/../shared/conformance/golden.json", src ? src : ".");
    json_error_t e;
    json_t *scen = json_load_file(sp, 0, &e), *gold = json_load_file(gp, 0, &e);
    if (scen == NULL || gold == NULL) {
        st->failed++;
        printf("FAIL cannot load %s / %s: %s\n", sp, gp, e.text);
    } else {
        int before = st->passed + st->failed;
        size_t i;
        json_t *sc;
        json_array_foreach(scen, i, sc) {
            json_t *ans = json_object_get(gold, json_string_value(json_object_get(sc, "name")));
            if (ans != NULL)
                corpus_scenario(st, sc, ans);
        }
        printf("corpus: %d checks (%d error texts, %d compatibility answers, %d registrations, %d lookups)\n",
               st->passed + st->failed - before, st->kinds[0], st->kinds[1], st->kinds[2], st->kinds[3]);
    }
    json_decref(scen);
    json_decref(gold);
    free(sp);
    free(gp);
}

/* Each stored AVRO text in _schemas is canonical: rendering it again changes nothing. */
static void
test_kafkastore_file(stats_t *st, const char *file)
{
    const char *src = getenv("SCHEMAD_SRCDIR");
    char *path = mem_printf("%s/../shared/conformance/kafkastore/%s", src ? src : ".", file);
    json_error_t e;
    json_t *recs = json_load_file(path, 0, &e);
    corpus_t c = {json_object(), json_object(), json_object(), json_object()};
    size_t i;
    json_t *r;
    if (recs == NULL) {
        st->failed++;
        printf("FAIL cannot load %s: %s\n", path, e.text);
    }
    json_array_foreach(recs, i, r) {
        json_t *v = json_is_string(json_object_get(r, "value"))
                        ? json_loads(json_string_value(json_object_get(r, "value")), 0, &e) : NULL;
        if (v != NULL && json_is_string(json_object_get(v, "schema")) && json_object_get(v, "schemaType") == NULL) {
            collect_answers(&c, v);
            const char **refs;
            size_t nrefs;
            const char *text = json_string_value(json_object_get(v, "schema"));
            if (resolve_refs(&c, json_object_get(v, "references"), &refs, &nrefs) == 0) {
                char *out = NULL, *err = NULL;
                schema_ref_t *named = as_refs(refs, nrefs);
                schema_avro_canonical(text, strlen(text), named, nrefs, 0, &out, &err);
                free(named);
                check_str(st, text, out != NULL ? out : err, text);
                free(out);
                free(err);
            }
            free(refs);
        }
        json_decref(v);
    }
    json_decref(c.ids);
    json_decref(c.versions);
    json_decref(c.normsubj);
    json_decref(c.regs);
    json_decref(recs);
    free(path);
}

int
main(void)
{
    stats_t st = {0, 0, {0, 0, 0, 0}};
    test_canonical(&st);
    test_errors(&st);
    test_normalize(&st);
    test_refs(&st);
    test_numbers(&st);
    test_compat(&st);
    test_union_compat(&st);
    test_big_parse(&st);
    test_big_compat(&st);
    test_deep(&st);
    test_nul(&st);
    test_corpus(&st);
    test_kafkastore_file(&st, "admin-records.json");
    test_kafkastore_file(&st, "references-records.json");
    printf("%d passed, %d failed\n", st.passed, st.failed);
    return st.failed != 0;
}
