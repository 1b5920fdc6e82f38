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
} norm_t;

static void build(norm_t *n, const avro_schema_t *s);

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

/* setSimpleProps: every prop, keys sorted (TreeMap), nested objects sorted too. */
static void
simple_props(buf_t *b, json_t *props)
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
        buf_puts(b, ",");
        buf_json_string(b, keys[i], strlen(keys[i]));
        buf_puts(b, ":");
        avro_write_json(b, json_object_get(props, keys[i]), 1);
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

static int write_default(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s);

static void
write_default_or_null(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s)
{
    if (!write_default(n, b, v, s))
        buf_puts(b, "null");
}

static void
write_default_object(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s)
{
    size_t cnt = json_object_size(v), i = 0;
    const char **keys = mem_calloc(cnt + 1, sizeof(char *));
    const char *key;
    json_t *e;
    json_object_foreach(v, key, e) {
        keys[i++] = key;
    }
    qsort(keys, cnt, sizeof(char *), cmp_str);
    buf_puts(b, "{");
    for (i = 0; i < cnt; i++) {
        const avro_schema_t *vs = NULL;
        if (s != NULL && s->type == AVRO_MAP)
            vs = s->child;
        else if (s != NULL && s->type == AVRO_RECORD)
            vs = record_field_schema(n, s, keys[i]);
        if (i > 0)
            buf_puts(b, ",");
        buf_json_string(b, keys[i], strlen(keys[i]));
        buf_puts(b, ":");
        write_default_or_null(n, b, json_object_get(v, keys[i]), vs);
    }
    buf_puts(b, "}");
    free(keys);
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
    if (!has_schema || t == AVRO_DOUBLE)
        avro_write_double(b, json_real_value(v));
    else if (t == AVRO_FLOAT)
        avro_write_float(b, (float)json_real_value(v));
    else
        return 0;
    return 1;
}

/*
 * JacksonUtils.toObject(default, fieldSchema) then toJsonNode: values that
 * do not fit the type become null and the default is dropped (returns 0).
 */
/*
 * A number Jackson holds and jansson cannot (avro_json_special) inside a
 * default: an integer past a long becomes a float or double's value; a
 * NaN or an infinity (written quoted) would read back as text, so it is
 * dropped like one (a float or double field's own default keeps it: see
 * field_props).  So the normalized text normalizes to itself.
 */
static int
write_default_special(buf_t *b, json_t *v, const avro_schema_t *s)
{
    int nonfinite = avro_json_special(v) == AVRO_NUM_NONFINITE;
    if (s == NULL) {
        avro_write_json(b, v, 1);
        return 1;
    }
    if (s->type == AVRO_UNION)
        s = s->nbranches > 0 ? s->branches[0] : NULL;
    if (nonfinite || s == NULL || (s->type != AVRO_FLOAT && s->type != AVRO_DOUBLE))
        return 0;
    double d = strtod(json_string_value(v) + 2, NULL);
    if (!isfinite(s->type == AVRO_FLOAT ? (double)(float)d : d))
        return 0;
    if (s->type == AVRO_FLOAT)
        avro_write_float(b, (float)d);
    else
        avro_write_double(b, d);
    return 1;
}

static int
write_default(norm_t *n, buf_t *b, json_t *v, const avro_schema_t *s)
{
    if (avro_json_special(v) != 0)
        return write_default_special(b, v, s);
    if (s != NULL && s->type == AVRO_UNION)
        s = s->nbranches > 0 ? s->branches[0] : NULL;
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
        buf_puts(b, "[");
        json_array_foreach(v, i, e) {
            if (i > 0)
                buf_puts(b, ",");
            write_default_or_null(n, b, e, s != NULL && t == AVRO_ARRAY ? s->child : NULL);
        }
        buf_puts(b, "]");
        return 1;
    case JSON_OBJECT:
        write_default_object(n, b, v, s);
        return 1;
    }
    return 0;
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
    if (f->def != NULL) {
        buf_t d = {0};
        /* A float or double field reads its quoted NaN or infinity back as the number. */
        int own_nonfinite = avro_json_special(f->def) == AVRO_NUM_NONFINITE &&
                            (f->schema->type == AVRO_FLOAT || f->schema->type == AVRO_DOUBLE);
        if (own_nonfinite)
            avro_write_json(&d, f->def, 1);
        if (own_nonfinite || write_default(n, &d, f->def, f->schema)) {
            buf_puts(b, ",\"default\":");
            buf_append(b, d.data, d.len);
        }
        buf_free(&d);
    }
    simple_props(b, f->props);
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
    simple_props(b, s->props);
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
        simple_props(b, s->props);
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
        simple_props(b, s->props);
        buf_puts(b, "}");
    }
}

char *
avro_normalized_text(avro_schema_t *s, avro_schema_t *const *refs, size_t nrefs)
{
    buf_t b = {0};
    norm_t n = {&b, {0}, {0}};
    for (size_t i = 0; i < nrefs; i++)
        env_add(&n, avro_full_name(refs[i]));
    build(&n, s);
    norm_free(&n);
    return buf_steal(&b, NULL);
}
