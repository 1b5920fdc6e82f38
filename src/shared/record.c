/*
 * record.c - the `_schemas` key/value codec.
 *
 * Everything is written through jansson with JSON_COMPACT and insertion
 * order preserved, which gives Jackson's bytes: no spaces, `/` and
 * non-ASCII left raw, \b \f \n \r \t short escapes and other control
 * characters as \u00XX with upper-case hex (as Jackson's CharTypes does).
 * Property order is fixed per record type by the order of insertion here.
 */
#include "record.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "mem.h"

#define RECORD_DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

static const struct {
    const char *name;
    record_type_t type;
} record__types[] = {
    {"SCHEMA", RECORD_SCHEMA},
    {"CONFIG", RECORD_CONFIG},
    {"MODE", RECORD_MODE},
    {"DELETE_SUBJECT", RECORD_DELETE_SUBJECT},
    {"CLEAR_SUBJECT", RECORD_CLEAR_SUBJECT},
    {"NOOP", RECORD_NOOP},
    {"CONTEXT", RECORD_CONTEXT},
};

static record_type_t
record__type_of(const char *keytype)
{
    for (size_t i = 0; i < sizeof(record__types) / sizeof(record__types[0]); i++) {
        if (strcmp(record__types[i].name, keytype) == 0)
            return record__types[i].type;
    }
    return RECORD_UNKNOWN;
}

static const char *
record__name_of(record_type_t type)
{
    for (size_t i = 0; i < sizeof(record__types) / sizeof(record__types[0]); i++) {
        if (record__types[i].type == type)
            return record__types[i].name;
    }
    return NULL;
}

/*
 * Parse an object.  An integer beyond 64 bits makes jansson fail; rather
 * than losing the whole record over a field nobody reads, retry with every
 * integer as a double (only when `lossy_ok`).
 */
static json_t *
record__load(const char *buf, size_t len, int lossy_ok)
{
    json_error_t err;
    json_t *root = json_loadb(buf, len, 0, &err);
    if (root == NULL && lossy_ok && json_error_code(&err) == json_error_numeric_overflow)
        root = json_loadb(buf, len, JSON_DECODE_INT_AS_REAL, &err);
    if (root != NULL && !json_is_object(root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Serialise and release `obj`.  NULL when a string was not valid UTF-8
 * (jansson then refuses to build the node and obj is NULL or incomplete). */
static char *
record__dump(json_t *obj, int ok, size_t *len)
{
    char *s = NULL;
    if (obj != NULL && ok)
        s = json_dumps(obj, RECORD_DUMP_FLAGS);
    json_decref(obj);
    if (len != NULL)
        *len = s != NULL ? strlen(s) : 0;
    return s;
}

/* Add a string property; returns 0, or -1 when `s` is not valid UTF-8. */
static int
record__set_str(json_t *obj, const char *name, const char *s)
{
    json_t *v = json_string(s);
    if (v == NULL)
        return -1;
    return json_object_set_new(obj, name, v);
}

static int
record__set_int(json_t *obj, const char *name, json_int_t n)
{
    return json_object_set_new(obj, name, json_integer(n));
}

/* The common shape: keytype, [subject], magic. */
static char *
record__key_plain(const char *keytype, const char *subject, size_t *len)
{
    json_t *o = json_object();
    int ok = record__set_str(o, "keytype", keytype) == 0;
    if (ok && subject != NULL)
        ok = record__set_str(o, "subject", subject) == 0;
    if (ok)
        ok = record__set_int(o, "magic", 0) == 0;
    return record__dump(o, ok, len);
}

char *
record_key_schema(const char *subject, int version, size_t *len)
{
    json_t *o = json_object();
    int ok = record__set_str(o, "keytype", "SCHEMA") == 0
        && record__set_str(o, "subject", subject) == 0
        && record__set_int(o, "version", version) == 0
        && record__set_int(o, "magic", 1) == 0;
    return record__dump(o, ok, len);
}

char *
record_key_config(const char *subject, size_t *len)
{
    return record__key_plain("CONFIG", subject, len);
}

char *
record_key_mode(const char *subject, size_t *len)
{
    return record__key_plain("MODE", subject, len);
}

char *
record_key_delete_subject(const char *subject, size_t *len)
{
    return record__key_plain("DELETE_SUBJECT", subject, len);
}

char *
record_key_clear_subject(const char *subject, size_t *len)
{
    return record__key_plain("CLEAR_SUBJECT", subject, len);
}

char *
record_key_noop(size_t *len)
{
    return record__key_plain("NOOP", NULL, len);
}

char *
record_key_context(const char *tenant, const char *context, size_t *len)
{
    json_t *o = json_object();
    int ok = record__set_str(o, "keytype", "CONTEXT") == 0
        && record__set_str(o, "tenant", tenant) == 0
        && record__set_str(o, "context", context) == 0
        && record__set_int(o, "magic", 0) == 0;
    return record__dump(o, ok, len);
}

char *
record_key_encode(const record_key_t *k, size_t *len)
{
    if (len != NULL)
        *len = 0;
    switch (k->type) {
    case RECORD_SCHEMA:
        return k->subject ? record_key_schema(k->subject, k->version, len) : NULL;
    case RECORD_CONTEXT:
        if (k->tenant == NULL || k->context == NULL)
            return NULL;
        return record_key_context(k->tenant, k->context, len);
    case RECORD_NOOP:
        return record_key_noop(len);
    case RECORD_UNKNOWN:
        return NULL;
    default:
        return record__key_plain(record__name_of(k->type), k->subject, len);
    }
}

/*
 * Read an optional string property: absent or null leaves *out NULL.
 * Returns -1 when present with another type.
 */
static int
record__get_str(json_t *obj, const char *name, char **out)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return -1;
    *out = mem_strdup(json_string_value(v));
    return 0;
}

/* Read an optional int property (absent or null: `dflt`); -1 when it is
 * not an integer or does not fit an int. */
static int
record__get_int(json_t *obj, const char *name, int dflt, int *out)
{
    json_t *v = json_object_get(obj, name);
    *out = dflt;
    if (v == NULL || json_is_null(v))
        return 0;
    /* Reals appear after the lossy reload in record__load(); Jackson also
     * takes an integral float for an int.  Range first: the cast is only
     * defined for values that fit. */
    if (!json_is_number(v))
        return -1;
    double d = json_number_value(v);
    if (!(d >= INT_MIN && d <= INT_MAX) || d != (double)(int)d)
        return -1;
    *out = (int)d;
    return 0;
}

static int
record__has_int(json_t *obj, const char *name)
{
    int n;
    json_t *v = json_object_get(obj, name);
    return v != NULL && !json_is_null(v) && record__get_int(obj, name, 0, &n) == 0;
}

static int
record__key_fields(json_t *o, record_key_t *out)
{
    if (record__get_str(o, "subject", &out->subject) < 0
        || record__get_int(o, "version", 0, &out->version) < 0
        || record__get_int(o, "magic", 0, &out->magic) < 0
        || record__get_str(o, "tenant", &out->tenant) < 0
        || record__get_str(o, "context", &out->context) < 0)
        return -1;
    if (out->type == RECORD_SCHEMA
        && (out->subject == NULL || !record__has_int(o, "version")))
        return -1;
    return 0;
}

static int record__fast_str(const jscan_field_t *f, char **out);
static int record__fast_int(const jscan_field_t *f, int *out, int *seen);
static int record__key_is(const jscan_field_t *f, const char *name);

/* One member of a flat key; -1 when the fast path cannot say.  Members
 * the general path ignores are ignored here too. */
static int
record__fast_key_member(const jscan_field_t *f, record_key_t *out, int *seen)
{
    if (record__key_is(f, "keytype"))
        return f->type == JSCAN_STRING ? record__fast_str(f, &out->keytype) : -1;
    if (record__key_is(f, "subject"))
        return record__fast_str(f, &out->subject);
    if (record__key_is(f, "tenant"))
        return record__fast_str(f, &out->tenant);
    if (record__key_is(f, "context"))
        return record__fast_str(f, &out->context);
    if (record__key_is(f, "version"))
        return record__fast_int(f, &out->version, &seen[0]);
    if (record__key_is(f, "magic"))
        return record__fast_int(f, &out->magic, &seen[1]);
    return 0;
}

/*
 * Every key Confluent writes is a flat object: decoded without a jansson
 * tree (a replay decodes one per record).  0 when decoded; -1 when the
 * general path must decide, with *out left empty.
 */
static int
record__key_fast(const char *buf, size_t len, record_key_t *out)
{
    jscan_field_t f[8];
    int n = jscan_flat_object(buf, len, f, 8), seen[2] = {0, 0};
    if (n < 0 || jscan_keys_unique(f, n) != 1)
        return -1;
    for (int i = 0; i < n; i++) {
        if (record__fast_key_member(&f[i], out, seen) != 0)
            goto slow;
    }
    if (out->keytype == NULL)
        goto slow;
    out->type = record__type_of(out->keytype);
    if (out->type == RECORD_SCHEMA && (out->subject == NULL || !seen[0]))
        goto slow;
    return 0;
slow:
    record_key_free(out);
    return -1;
}

int
record_key_decode(const char *buf, size_t len, record_key_t *out)
{
    memset(out, 0, sizeof(*out));
    if (record__key_fast(buf, len, out) == 0)
        return 0;
    json_t *o = record__load(buf, len, 1);
    if (o == NULL)
        return -1;
    json_t *kt = json_object_get(o, "keytype");
    if (!json_is_string(kt)) {
        json_decref(o);
        return -1;
    }
    out->keytype = mem_strdup(json_string_value(kt));
    out->type = record__type_of(out->keytype);
    int rc = record__key_fields(o, out);
    json_decref(o);
    if (rc < 0)
        record_key_free(out);
    return rc;
}

void
record_key_free(record_key_t *k)
{
    free(k->keytype);
    free(k->subject);
    free(k->tenant);
    free(k->context);
    memset(k, 0, sizeof(*k));
}

/* Take an optional object/array property (with a reference); absent or
 * null leaves *out NULL.  -1 when it has another type. */
static int
record__get_json(json_t *obj, const char *name, int want_array, json_t **out)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (want_array ? !json_is_array(v) : !json_is_object(v))
        return -1;
    *out = json_incref(v);
    return 0;
}

static int
record__get_bool(json_t *obj, const char *name, int *out)
{
    json_t *v = json_object_get(obj, name);
    *out = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return -1;
    *out = json_is_true(v);
    return 0;
}

static int
record__schema_fields(json_t *o, record_schema_t *out)
{
    if (record__get_str(o, "subject", &out->subject) < 0
        || record__get_int(o, "version", 0, &out->version) < 0
        || record__get_int(o, "id", 0, &out->id) < 0
        || record__get_str(o, "md5", &out->md5) < 0
        || record__get_str(o, "schemaType", &out->schema_type) < 0
        || record__get_json(o, "references", 1, &out->references) < 0
        || record__get_json(o, "metadata", 0, &out->metadata) < 0
        || record__get_json(o, "ruleSet", 0, &out->rule_set) < 0
        || record__get_str(o, "schema", &out->schema) < 0
        || record__get_bool(o, "deleted", &out->deleted) < 0)
        return -1;
    if (out->subject == NULL || out->schema == NULL
        || !record__has_int(o, "version") || !record__has_int(o, "id"))
        return -1;
    /* Karapace may spell the default out; keep one representation. */
    if (out->schema_type != NULL && strcmp(out->schema_type, "AVRO") == 0) {
        free(out->schema_type);
        out->schema_type = NULL;
    }
    return 0;
}

/* A string member's text (NULL for null) into *out; -1 on anything else,
 * or on a text jansson would refuse (a NUL inside). */
static int
record__fast_str(const jscan_field_t *f, char **out)
{
    if (f->type == JSCAN_NULL)
        return 0;
    if (f->type != JSCAN_STRING)
        return -1;
    char *text = mem_alloc(f->litlen);
    long n = mem_json_unescape(f->lit, f->litlen, text);
    if (n < 0 || memchr(text, '\0', (size_t)n) != NULL) {
        free(text);
        return -1;
    }
    text[n] = '\0';
    *out = text;
    return 0;
}

static int
record__fast_int(const jscan_field_t *f, int *out, int *seen)
{
    if (f->type == JSCAN_NULL)
        return 0;
    if (f->type != JSCAN_INT || f->num < INT_MIN || f->num > INT_MAX)
        return -1;
    *out = (int)f->num;
    *seen = 1;
    return 0;
}

static int
record__key_is(const jscan_field_t *f, const char *name)
{
    return f->klen == strlen(name) && memcmp(f->key, name, f->klen) == 0;
}

/* One member of a flat SCHEMA value; -1 when the fast path cannot say. */
static int
record__fast_member(const jscan_field_t *f, record_schema_t *out, int *seen)
{
    if (record__key_is(f, "subject"))
        return record__fast_str(f, &out->subject);
    if (record__key_is(f, "schema"))
        return record__fast_str(f, &out->schema);
    if (record__key_is(f, "md5"))
        return record__fast_str(f, &out->md5);
    if (record__key_is(f, "schemaType"))
        return record__fast_str(f, &out->schema_type);
    if (record__key_is(f, "version"))
        return record__fast_int(f, &out->version, &seen[0]);
    if (record__key_is(f, "id"))
        return record__fast_int(f, &out->id, &seen[1]);
    if (record__key_is(f, "deleted")) {
        out->deleted = f->type == JSCAN_TRUE;
        return f->type == JSCAN_TRUE || f->type == JSCAN_FALSE || f->type == JSCAN_NULL ? 0 : -1;
    }
    return -1;
}

/*
 * The common SCHEMA value (flat: no references, metadata or rule set; each
 * member once) without jansson.  0 when decoded; -1 when the general path
 * must decide, with *out left empty.
 */
static int
record__schema_fast(const char *buf, size_t len, record_schema_t *out)
{
    jscan_field_t f[8];
    int n = jscan_flat_object(buf, len, f, 8), seen[2] = {0, 0};
    if (n < 0 || jscan_keys_unique(f, n) != 1)
        return -1;
    for (int i = 0; i < n; i++) {
        if (record__fast_member(&f[i], out, seen) != 0)
            goto slow;
    }
    if (out->subject == NULL || out->schema == NULL || !seen[0] || !seen[1])
        goto slow;
    if (out->schema_type != NULL && strcmp(out->schema_type, "AVRO") == 0) {
        free(out->schema_type);
        out->schema_type = NULL;
    }
    return 0;
slow:
    record_schema_free(out);
    return -1;
}

int
record_schema_decode(const char *buf, size_t len, record_schema_t *out)
{
    memset(out, 0, sizeof(*out));
    if (record__schema_fast(buf, len, out) == 0)
        return 0;
    json_t *o = record__load(buf, len, 1);
    if (o == NULL)
        return -1;
    int rc = record__schema_fields(o, out);
    json_decref(o);
    if (rc < 0)
        record_schema_free(out);
    return rc;
}

void
record_schema_free(record_schema_t *s)
{
    free(s->subject);
    free(s->md5);
    free(s->schema_type);
    json_decref(s->references);
    json_decref(s->metadata);
    json_decref(s->rule_set);
    free(s->schema);
    memset(s, 0, sizeof(*s));
}

/* Add a borrowed object property when present (references: when non-empty). */
static int
record__set_json(json_t *obj, const char *name, json_t *v)
{
    if (v == NULL || (json_is_array(v) && json_array_size(v) == 0))
        return 0;
    return json_object_set(obj, name, v);
}

char *
record_schema_encode(const record_schema_t *s, size_t *len)
{
    if (len != NULL)
        *len = 0;
    if (s->subject == NULL || s->schema == NULL)
        return NULL;
    json_t *o = json_object();
    int ok = record__set_str(o, "subject", s->subject) == 0
        && record__set_int(o, "version", s->version) == 0
        && record__set_int(o, "id", s->id) == 0
        && (s->md5 == NULL || record__set_str(o, "md5", s->md5) == 0)
        && (s->type_written
                ? record__set_str(o, "schemaType", s->schema_type ? s->schema_type : "AVRO") == 0
                : (s->schema_type == NULL || strcmp(s->schema_type, "AVRO") == 0
                   || record__set_str(o, "schemaType", s->schema_type) == 0))
        && record__set_json(o, "references", s->references) == 0
        && record__set_json(o, "metadata", s->metadata) == 0
        && record__set_json(o, "ruleSet", s->rule_set) == 0
        && record__set_str(o, "schema", s->schema) == 0
        && json_object_set_new(o, "deleted", json_boolean(s->deleted)) == 0;
    return record__dump(o, ok, len);
}

json_t *
record_value_decode(const char *buf, size_t len)
{
    return record__load(buf, len, 1);
}

char *
record_value_encode(const json_t *obj, size_t *len)
{
    char *s = json_is_object(obj) ? json_dumps(obj, RECORD_DUMP_FLAGS) : NULL;
    if (len != NULL)
        *len = s != NULL ? strlen(s) : 0;
    return s;
}
