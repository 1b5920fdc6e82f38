/*
 * schema_avro_norm.c - Confluent's AvroSchemaUtils.toNormalizedString
 * (schema-registry 7.9): full names, fixed attribute order, sorted props and
 * aliases, defaults converted through the field type.  The text is meant to
 * be parsed again and rendered with avro_to_string(), as Confluent does with
 * new AvroSchema(normalized).canonicalString().
 */
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema_avro_model.h"

typedef struct norm {
    buf_t *b;
    hmap_t env;        /* full names already written (or referenced) */
    hmap_t fields;     /* record node -> its hmap_t of field name -> field schema, owned */
    char *err;         /* what Java threw first, or NULL */
    int null_inside;   /* the default being converted holds a Java null */
} norm_t;

static void build(norm_t *n, const avro_schema_t *s);

/* genJson on a null inside a converted value (javac -g names the parameter). */
static const char NPE_DATUM[] = "Cannot invoke \"Object.getClass()\" because \"datum\" is null";

static int
env_has(norm_t *n, const char *full)
{
    return hmap_get(&n->env, full, strlen(full)) != NULL;
}

static void
env_add(norm_t *n, const char *full)
{
    hmap_put(&n->env, full, strlen(full), (void *)full);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * What Java throws on the way (the first one ends the normalization and
 * becomes Confluent's "details: " text).  Returns -1.
 */
static int
norm_fail(norm_t *n, const char *msg)
{
    if (n->err == NULL)
        n->err = mem_strdup(msg);
    return -1;
}

/* Whether a prop's value holds an integer past a long (toObject's null) below its top. */
static int
has_big_inside(json_t *v)
{
    size_t i;
    const char *k;
    json_t *e;
    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (avro_json_special(e) == AVRO_NUM_BIG || has_big_inside(e))
                return 1;
        }
    } else if (json_is_object(v)) {
        json_object_foreach(v, k, e) {
            if (avro_json_special(e) == AVRO_NUM_BIG || has_big_inside(e))
                return 1;
        }
    }
    return 0;
}

/*
 * setSimpleProps: every prop, keys sorted (TreeMap), nested objects sorted
 * too.  getObjectProps converts each value with toObject, which has no
 * branch for an integer past a long: Java's null, on which toJsonNode
 * (at the top) or genJson (inside) throws.
 */
static void
simple_props(norm_t *n, buf_t *b, json_t *props)
{
    size_t cnt = json_object_size(props), i = 0;
    const char **keys = mem_calloc(cnt + 1, sizeof(char *));
    const char *key;
    json_t *v;
    json_object_foreach(props, key, v) {
        keys[i++] = key;
    }
    qsort(keys, cnt, sizeof(char *), cmp_str);
    for (i = 0; i < cnt; i++) {
        json_t *pv = json_object_get(props, keys[i]);
        if (avro_json_special(pv) == AVRO_NUM_BIG) {
            norm_fail(n, "Cannot invoke \"com.fasterxml.jackson.databind.JsonNode.toString()\" "
                         "because the return value of \"io.confluent.kafka.schemaregistry.avro."
                         "AvroSchemaUtils.toJsonNode(Object)\" is null");
            break;
        }
        if (has_big_inside(pv)) {
            norm_fail(n, NPE_DATUM);
            break;
        }
        buf_puts(b, ",");
        buf_json_string(b, keys[i], strlen(keys[i]));
        buf_puts(b, ":");
        avro_write_json(b, pv, 1);
    }
    free(keys);
}

static void
sorted_string_array(buf_t *b, const char **v, size_t cnt)
{
    const char **copy = mem_calloc(cnt + 1, sizeof(char *));
    memcpy(copy, v, cnt * sizeof(char *));
    qsort(copy, cnt, sizeof(char *), cmp_str);
    buf_puts(b, "[");
    for (size_t i = 0; i < cnt; i++) {
        if (i > 0)
            buf_puts(b, ",");
        buf_json_string(b, copy[i], strlen(copy[i]));
    }
    buf_puts(b, "]");
    free(copy);
}

static void
logical_props(buf_t *b, const avro_schema_t *s)
{
    buf_printf(b, ",\"logicalType\":\"%s\"", s->logical);
    if (strcmp(s->logical, "decimal") != 0)
        return;
    buf_printf(b, ",\"precision\":%d", s->precision);
    if (s->scale != 0)
        buf_printf(b, ",\"scale\":%d", s->scale);
}

/* String.getBytes(ISO_8859_1) then back: characters above U+00FF become '?'. */
static void
latin1_string(buf_t *b, const char *s, size_t len)
{
    buf_t t = {0};
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
        if (n == 2 && c <= 0xc3)
            buf_append(&t, s + i, 2);
        else if (n == 1)
            buf_append(&t, s + i, 1);
        else
            buf_append(&t, "?", 1);
        i += n;
    }
    buf_json_string(b, t.data != NULL ? t.data : "", t.len);
    buf_free(&t);
}

/*
 * A default object's keys are looked up among the record's fields; each
 * record gets one index, built on first use, so that a default holding many
 * objects of a wide record costs its size, not keys times fields.
 */
static const avro_schema_t *
record_field_schema(norm_t *n, const avro_schema_t *s, const char *key)
{
    hmap_t *idx = hmap_get(&n->fields, &s, sizeof(s));
    if (idx == NULL) {
        idx = mem_calloc(1, sizeof(*idx));
        for (size_t i = 0; i < s->nfields; i++)
            hmap_put(idx, s->fields[i].name, strlen(s->fields[i].name), s->fields[i].schema);
        hmap_put(&n->fields, &s, sizeof(s), idx);
    }
    return hmap_get(idx, key, strlen(key));
}

static void
norm_free(norm_t *n)
{
    size_t pos = 0;
    hmap_slot_t *slot;
    while ((slot = hmap_next(&n->fields, &pos)) != NULL) {
        hmap_free(slot->val);
        free(slot->val);
    }
    hmap_free(&n->fields);
    hmap_free(&n->env);
}

/* Schema.getElementType() of a schema that is no array. */
static int
norm_fail_not_array(norm_t *n, const avro_schema_t *s)
{
    char *text = avro_to_string((avro_schema_t *)s, NULL, 0);
    buf_t m = {0};
    buf_printf(&m, "Not an array: %s", text);
    free(text);
    norm_fail(n, m.data);
    buf_free(&m);
    return -1;
}

static int write_default(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s);

/*
 * An element of a default's array or object.  toObject gives Java's null
 * for a value that does not fit; genJson then throws on it, but only after
 * the whole value was converted (a conversion error anywhere wins), so the
 * null is only noted here.
 */
static int
write_default_inner(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s)
{
    int r = write_default(n, b, v, s);
    if (r == 0) {
        n->null_inside = 1;
        buf_puts(b, "null");
    }
    return r < 0 ? -1 : 1;
}

/* Keys in document order for the conversion, written sorted (the ordered mapper). */
static int
write_default_object(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s)
{
    size_t cnt = json_object_size(v), i = 0;
    const char **keys = mem_calloc(cnt + 1, sizeof(char *));
    buf_t *vals = mem_calloc(cnt + 1, sizeof(buf_t));
    size_t *order = mem_calloc(cnt + 1, sizeof(size_t));
    const char *key;
    json_t *e;
    int rc = 1;
    json_object_foreach(v, key, e) {
        const avro_schema_t *vs = NULL;
        keys[i] = key;
        order[i] = i;
        if (s != NULL && s->type == AVRO_MAP) {
            vs = s->child;
        } else if (s != NULL && s->type == AVRO_RECORD) {
            vs = record_field_schema(n, s, key);
            if (vs == NULL) {
                rc = norm_fail(n, "Cannot invoke \"org.apache.avro.Schema$Field.schema()\" "
                                  "because the return value of \"org.apache.avro.Schema."
                                  "getField(String)\" is null");
                break;
            }
        }
        if (write_default_inner(n, &vals[i], e, vs) < 0) {
            rc = -1;
            break;
        }
        i++;
    }
    if (rc > 0) {
        /* Insertion sort by key: stable, and objects in defaults are small. */
        for (size_t a = 1; a < cnt; a++)
            for (size_t c = a; c > 0 && strcmp(keys[order[c - 1]], keys[order[c]]) > 0; c--) {
                size_t t = order[c];
                order[c] = order[c - 1];
                order[c - 1] = t;
            }
        buf_puts(b, "{");
        for (size_t a = 0; a < cnt; a++) {
            if (a > 0)
                buf_puts(b, ",");
            buf_json_string(b, keys[order[a]], strlen(keys[order[a]]));
            buf_puts(b, ":");
            buf_append(b, vals[order[a]].data, vals[order[a]].len);
        }
        buf_puts(b, "}");
    }
    for (size_t a = 0; a < cnt; a++)
        buf_free(&vals[a]);
    free(vals);
    free(order);
    free(keys);
    return rc;
}

/*
 * A float or double Jackson holds as Infinity or NaN: toJsonNode's text
 * quotes it (QUOTE_NON_NUMERIC_NUMBERS), so the normalized text reads it
 * back as a string.
 */
static void
write_quoted_nonfinite(buf_t *b, double d)
{
    buf_puts(b, isnan(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
}

static int
write_default_number(buf_t *b, json_t *v, avro_type_t t, int has_schema)
{
    if (json_is_integer(v)) {
        /* Java keeps an int as int and a long as long, even for an int field. */
        json_int_t i = json_integer_value(v);
        if (!has_schema || t == AVRO_LONG || t == AVRO_INT)
            buf_printf(b, "%lld", (long long)i);
        else if (t == AVRO_FLOAT)
            avro_write_float(b, (float)(double)i);
        else if (t == AVRO_DOUBLE)
            avro_write_double(b, (double)i);
        else
            return 0;
        return 1;
    }
    double d = json_real_value(v);
    if (has_schema && t == AVRO_FLOAT) {
        /* (float) of a double past the float range is an infinity. */
        float f = (float)d;
        if (isfinite(f))
            avro_write_float(b, f);
        else
            write_quoted_nonfinite(b, f);
    } else if (!has_schema || t == AVRO_DOUBLE) {
        avro_write_double(b, d);
    } else {
        return 0;
    }
    return 1;
}

/*
 * A number Jackson holds and jansson cannot (avro_json_special): an
 * integer past a long is a BigIntegerNode, which toObject has no branch
 * for (Java's null); a NaN or an infinity is a DoubleNode, kept for no
 * schema, a double or a float, and written quoted.
 */
static int
write_default_special(buf_t *b, json_t *v, const avro_schema_t *s)
{
    if (avro_json_special(v) != AVRO_NUM_NONFINITE)
        return 0;
    if (s != NULL && s->type != AVRO_FLOAT && s->type != AVRO_DOUBLE)
        return 0;
    buf_puts(b, "\"");
    buf_puts(b, json_string_value(v) + 2);
    buf_puts(b, "\"");
    return 1;
}

/*
 * JacksonUtils.toObject(default, schema) then toJsonNode's text: 1 written,
 * 0 for Java's null (a value that does not fit the type: nothing written),
 * -1 when Java throws (n->err): a union without branches ("Index 0 out of
 * bounds"), an array for a schema that is no array, an object key that is
 * no field of the record.
 */
static int
write_default(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s)
{
    if (s != NULL && s->type == AVRO_UNION) {
        if (s->nbranches == 0)
            return norm_fail(n, "Index 0 out of bounds for length 0");
        s = s->branches[0];
    }
    if (v == NULL)
        return 0;
    if (avro_json_special(v) != 0)
        return write_default_special(b, v, s);
    avro_type_t t = s != NULL ? s->type : AVRO_NULL;
    size_t i;
    json_t *e;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_TRUE:
    case JSON_FALSE:
        avro_write_json(b, v, 1);
        return 1;
    case JSON_INTEGER:
    case JSON_REAL:
        return write_default_number(b, v, t, s != NULL);
    case JSON_STRING:
        if (s == NULL || t == AVRO_STRING || t == AVRO_ENUM)
            buf_json_string(b, json_string_value(v), json_string_length(v));
        else if (t == AVRO_BYTES || t == AVRO_FIXED)
            latin1_string(b, json_string_value(v), json_string_length(v));
        else
            return 0;
        return 1;
    case JSON_ARRAY:
        /* getElementType() is asked per element: an empty array passes. */
        if (s != NULL && t != AVRO_ARRAY && json_array_size(v) > 0)
            return norm_fail_not_array(n, s);
        buf_puts(b, "[");
        json_array_foreach(v, i, e) {
            if (i > 0)
                buf_puts(b, ",");
            if (write_default_inner(n, b, e, s != NULL ? s->child : NULL) < 0)
                return -1;
        }
        buf_puts(b, "]");
        return 1;
    case JSON_OBJECT:
        return write_default_object(n, b, v, s);
    }
    return 0;
}

/*
 * setFieldProps' default: f.defaultVal() runs even without a default (so
 * a field of an empty union throws), a null drops the default, a null
 * inside it makes genJson throw.
 */
static void
field_default(norm_t *n, buf_t *b, const avro_field_t *f)
{
    buf_t d = {0};
    n->null_inside = 0;
    int r = write_default(n, &d, f->def, f->schema);
    if (r > 0 && n->null_inside)
        norm_fail(n, NPE_DATUM);
    else if (r > 0) {
        buf_puts(b, ",\"default\":");
        buf_append(b, d.data, d.len);
    }
    buf_free(&d);
}

static void
field_props(norm_t *n, buf_t *b, const avro_field_t *f)
{
    static const char *const orders[] = {"ASCENDING", "DESCENDING", "IGNORE"};
    buf_printf(b, ",\"order\":\"%s\"", orders[f->order]);
    if (f->doc != NULL) {
        buf_puts(b, ",\"doc\":");
        buf_json_string(b, f->doc, strlen(f->doc));
    }
    if (f->naliases > 0) {
        buf_puts(b, ",\"aliases\":");
        sorted_string_array(b, (const char **)f->aliases, f->naliases);
    }
    field_default(n, b, f);
    simple_props(n, b, f->props);
}

static void
complex_props(buf_t *b, const avro_schema_t *s)
{
    if (s->doc != NULL && *s->doc != '\0') {
        buf_puts(b, ",\"doc\":");
        buf_json_string(b, s->doc, strlen(s->doc));
    }
    if (s->naliases > 0) {
        const char **full = mem_calloc(s->naliases + 1, sizeof(char *));
        for (size_t i = 0; i < s->naliases; i++)
            full[i] = s->aliases[i].full;
        buf_puts(b, ",\"aliases\":");
        sorted_string_array(b, full, s->naliases);
        free(full);
    }
    if (s->type == AVRO_ENUM && s->enum_default != NULL) {
        buf_puts(b, ",\"default\":");
        buf_json_string(b, s->enum_default, strlen(s->enum_default));
    }
}

static void
build_named(norm_t *n, const avro_schema_t *s)
{
    buf_t *b = n->b;
    if (env_has(n, s->name.full)) {
        buf_json_string(b, s->name.full, strlen(s->name.full));
        return;
    }
    env_add(n, s->name.full);
    buf_puts(b, "{\"name\":");
    buf_json_string(b, s->name.full, strlen(s->name.full));
    buf_printf(b, ",\"type\":\"%s\"", avro_type_name(s->type));
    if (s->type == AVRO_ENUM) {
        buf_puts(b, ",\"symbols\":[");
        for (size_t i = 0; i < s->nsymbols; i++)
            buf_printf(b, "%s\"%s\"", i ? "," : "", s->symbols[i]);
        buf_puts(b, "]");
    } else if (s->type == AVRO_FIXED) {
        buf_printf(b, ",\"size\":%d", s->size);
        if (s->logical != NULL)
            logical_props(b, s);
    } else {
        buf_puts(b, ",\"fields\":[");
        for (size_t i = 0; i < s->nfields; i++) {
            buf_printf(b, "%s{\"name\":\"%s\",\"type\":", i ? "," : "", s->fields[i].name);
            build(n, s->fields[i].schema);
            field_props(n, b, &s->fields[i]);
            buf_puts(b, "}");
        }
        buf_puts(b, "]");
    }
    complex_props(b, s);
    simple_props(n, b, s->props);
    buf_puts(b, "}");
}

static void
build(norm_t *n, const avro_schema_t *s)
{
    buf_t *b = n->b;
    switch (s->type) {
    case AVRO_UNION:
        buf_puts(b, "[");
        for (size_t i = 0; i < s->nbranches; i++) {
            if (i > 0)
                buf_puts(b, ",");
            build(n, s->branches[i]);
        }
        buf_puts(b, "]");
        return;
    case AVRO_ARRAY:
    case AVRO_MAP:
        buf_printf(b, "{\"type\":\"%s\",\"%s\":", avro_type_name(s->type),
                   s->type == AVRO_ARRAY ? "items" : "values");
        build(n, s->child);
        simple_props(n, b, s->props);
        buf_puts(b, "}");
        return;
    case AVRO_RECORD:
    case AVRO_ENUM:
    case AVRO_FIXED:
        build_named(n, s);
        return;
    default:
        if (s->logical == NULL && json_object_size(s->props) == 0) {
            buf_printf(b, "\"%s\"", avro_type_name(s->type));
            return;
        }
        buf_printf(b, "{\"type\":\"%s\"", avro_type_name(s->type));
        if (s->logical != NULL)
            logical_props(b, s);
        simple_props(n, b, s->props);
        buf_puts(b, "}");
    }
}

char *
avro_normalized_text(avro_schema_t *s, avro_schema_t *const *refs, size_t nrefs, char **err)
{
    buf_t b = {0};
    norm_t n = {&b, {0}, {0}, NULL, 0};
    *err = NULL;
    for (size_t i = 0; i < nrefs; i++)
        env_add(&n, avro_full_name(refs[i]));
    build(&n, s);
    norm_free(&n);
    if (n.err != NULL) {
        *err = n.err;
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}
