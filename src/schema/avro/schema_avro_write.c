/*
 * schema_avro_write.c - render avro_schema_t as Java's Schema.toString()
 * (Avro 1.11.4 toJson) and JSON values as Jackson writes JsonNodes, so that
 * the canonical text is byte for byte what Confluent stores.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_avro_model.h"

static const char *const type_names[] = {
    "record", "enum", "array", "map", "union", "fixed", "string", "bytes",
    "int", "long", "float", "double", "boolean", "null"
};
static const char *const type_upper[] = {
    "RECORD", "ENUM", "ARRAY", "MAP", "UNION", "FIXED", "STRING", "BYTES",
    "INT", "LONG", "FLOAT", "DOUBLE", "BOOLEAN", "NULL"
};

const char *
avro_type_name(avro_type_t t)
{
    return type_names[t];
}

const char *
avro_type_upper(avro_type_t t)
{
    return type_upper[t];
}

const char *
avro_full_name(const avro_schema_t *s)
{
    if (s->type == AVRO_RECORD || s->type == AVRO_ENUM || s->type == AVRO_FIXED)
        return s->name.full;
    return type_names[s->type];
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
write_object(buf_t *b, json_t *v, int sorted)
{
    size_t n = json_object_size(v), i = 0;
    const char **keys = mem_calloc(n + 1, sizeof(char *));
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val) {
        keys[i++] = key;
    }
    if (sorted)
        qsort(keys, n, sizeof(char *), cmp_str);
    buf_puts(b, "{");
    for (i = 0; i < n; i++) {
        if (i > 0)
            buf_puts(b, ",");
        buf_json_string(b, keys[i], strlen(keys[i]));
        buf_puts(b, ":");
        avro_write_json(b, json_object_get(v, keys[i]), sorted);
    }
    buf_puts(b, "}");
    free(keys);
}

int
avro_json_special(const json_t *v)
{
    const char *t = json_string_value(v);
    if (t == NULL || json_string_length(v) < 2 || (unsigned char)t[0] != 0xFF)
        return 0;
    return t[1];
}

json_t *
avro_json_special_new(int kind, const char *text, size_t len)
{
    char *t = mem_alloc(len + 2);
    t[0] = (char)0xFF;
    t[1] = (char)kind;
    memcpy(t + 2, text, len);
    /* Not UTF-8 on purpose: no text jansson parsed can be this string. */
    json_t *v = json_stringn_nocheck(t, len + 2);
    free(t);
    return v;
}

int
avro_is_text(const json_t *v)
{
    return json_is_string(v) && avro_json_special(v) == 0;
}

void
avro_write_json(buf_t *b, json_t *v, int sorted)
{
    size_t i;
    json_t *e;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        write_object(b, v, sorted);
        break;
    case JSON_ARRAY:
        buf_puts(b, "[");
        json_array_foreach(v, i, e) {
            if (i > 0)
                buf_puts(b, ",");
            avro_write_json(b, e, sorted);
        }
        buf_puts(b, "]");
        break;
    case JSON_STRING:
        if (avro_json_special(v) == AVRO_NUM_BIG)
            buf_append(b, json_string_value(v) + 2, json_string_length(v) - 2);
        else if (avro_json_special(v) == AVRO_NUM_NONFINITE)
            buf_json_string(b, json_string_value(v) + 2, json_string_length(v) - 2);
        else
            buf_json_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        buf_printf(b, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        avro_write_double(b, json_real_value(v));
        break;
    case JSON_TRUE:
        buf_puts(b, "true");
        break;
    case JSON_FALSE:
        buf_puts(b, "false");
        break;
    case JSON_NULL:
        buf_puts(b, "null");
        break;
    }
}

char *
avro_json_text(json_t *v)
{
    buf_t b = {0};
    avro_write_json(&b, v, 0);
    return buf_steal(&b, NULL);
}

/* ---- Schema.equals ---- */

typedef struct seen_pair {
    const avro_schema_t *a, *b;
    const struct seen_pair *up;
} seen_pair_t;

static int equal_in(const avro_schema_t *a, const avro_schema_t *b, const seen_pair_t *seen);

static int
fields_equal(const avro_schema_t *a, const avro_schema_t *b, const seen_pair_t *seen)
{
    if (a->nfields != b->nfields)
        return 0;
    for (size_t i = 0; i < a->nfields; i++) {
        const avro_field_t *x = &a->fields[i], *y = &b->fields[i];
        if (strcmp(x->name, y->name) != 0 || x->order != y->order ||
            !json_equal(x->props, y->props) || !equal_in(x->schema, y->schema, seen))
            return 0;
        if ((x->def == NULL) != (y->def == NULL) || (x->def != NULL && !json_equal(x->def, y->def)))
            return 0;
    }
    return 1;
}

static int
equal_in(const avro_schema_t *a, const avro_schema_t *b, const seen_pair_t *seen)
{
    if (a == b)
        return 1;
    if (a->type != b->type || !json_equal(a->props, b->props))
        return 0;
    int named = a->type == AVRO_RECORD || a->type == AVRO_ENUM || a->type == AVRO_FIXED;
    if (named && strcmp(a->name.full, b->name.full) != 0)
        return 0;
    for (const seen_pair_t *p = seen; p != NULL; p = p->up)
        if (p->a == a && p->b == b)
            return 1;
    seen_pair_t here = {a, b, seen};
    switch (a->type) {
    case AVRO_RECORD:
        return fields_equal(a, b, &here);
    case AVRO_ENUM:
        if (a->nsymbols != b->nsymbols)
            return 0;
        for (size_t i = 0; i < a->nsymbols; i++)
            if (strcmp(a->symbols[i], b->symbols[i]) != 0)
                return 0;
        return 1;
    case AVRO_FIXED:
        return a->size == b->size;
    case AVRO_ARRAY:
    case AVRO_MAP:
        return equal_in(a->child, b->child, &here);
    case AVRO_UNION:
        if (a->nbranches != b->nbranches)
            return 0;
        for (size_t i = 0; i < a->nbranches; i++)
            if (!equal_in(a->branches[i], b->branches[i], &here))
                return 0;
        return 1;
    default:
        return 1;
    }
}

int
avro_schema_equal(const avro_schema_t *a, const avro_schema_t *b)
{
    return equal_in(a, b, NULL);
}

/* ---- Schema.toString ---- */

typedef struct writer {
    buf_t *b;
    hmap_t names;                /* Names: full name -> schema written so far, borrowed */
    const char *space;           /* Names.space: the enclosing namespace */
} writer_t;

static void write_schema(writer_t *w, const avro_schema_t *s);

static const avro_schema_t *
writer_find(writer_t *w, const char *full)
{
    return hmap_get(&w->names, full, strlen(full));
}

static void
writer_add(writer_t *w, const avro_schema_t *s)
{
    hmap_put(&w->names, s->name.full, strlen(s->name.full), (void *)s);
}

static int
is_type_name(const char *name)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (strcmp(type_names[i], name) == 0)
            return 1;
    return 0;
}

/* Name.getQualified: the short name inside its own namespace, unless it reads as a type. */
static void
write_qualified(buf_t *b, const avro_name_t *n, const char *space)
{
    int short_ok = n->space != NULL && space != NULL && strcmp(n->space, space) == 0 && !is_type_name(n->name);
    const char *s = short_ok ? n->name : n->full;
    buf_json_string(b, s, strlen(s));
}

static int
write_name_ref(writer_t *w, const avro_schema_t *s)
{
    const avro_schema_t *known = writer_find(w, s->name.full);
    if (known != NULL && avro_schema_equal(known, s)) {
        write_qualified(w->b, &s->name, w->space);
        return 1;
    }
    if (known == NULL)
        writer_add(w, s);
    return 0;
}

static void
write_key(buf_t *b, const char *key)
{
    buf_puts(b, ",");
    buf_json_string(b, key, strlen(key));
    buf_puts(b, ":");
}

static void
write_str_field(buf_t *b, const char *key, const char *val)
{
    write_key(b, key);
    buf_json_string(b, val, strlen(val));
}

static void
write_name(writer_t *w, const avro_schema_t *s)
{
    write_str_field(w->b, "name", s->name.name);
    if (s->name.space != NULL) {
        if (w->space == NULL || strcmp(s->name.space, w->space) != 0)
            write_str_field(w->b, "namespace", s->name.space);
    } else if (w->space != NULL) {
        write_str_field(w->b, "namespace", "");
    }
}

static void
write_props(buf_t *b, json_t *props)
{
    const char *key;
    json_t *v;
    json_object_foreach(props, key, v) {
        write_key(b, key);
        avro_write_json(b, v, 0);
    }
}

static void
write_aliases(buf_t *b, const avro_schema_t *s)
{
    if (s->naliases == 0)
        return;
    write_key(b, "aliases");
    buf_puts(b, "[");
    for (size_t i = 0; i < s->naliases; i++) {
        if (i > 0)
            buf_puts(b, ",");
        write_qualified(b, &s->aliases[i], s->name.space);
    }
    buf_puts(b, "]");
}

static void
write_field(writer_t *w, const avro_field_t *f)
{
    static const char *const orders[] = {"ascending", "descending", "ignore"};
    buf_puts(w->b, "{\"name\":");
    buf_json_string(w->b, f->name, strlen(f->name));
    buf_puts(w->b, ",\"type\":");
    write_schema(w, f->schema);
    if (f->doc != NULL)
        write_str_field(w->b, "doc", f->doc);
    if (f->def != NULL) {
        write_key(w->b, "default");
        avro_write_json(w->b, f->def, 0);
    }
    if (f->order != AVRO_ORDER_ASCENDING)
        write_str_field(w->b, "order", orders[f->order]);
    if (f->naliases > 0) {
        write_key(w->b, "aliases");
        buf_puts(w->b, "[");
        for (size_t i = 0; i < f->naliases; i++) {
            if (i > 0)
                buf_puts(w->b, ",");
            buf_json_string(w->b, f->aliases[i], strlen(f->aliases[i]));
        }
        buf_puts(w->b, "]");
    }
    write_props(w->b, f->props);
    buf_puts(w->b, "}");
}

static void
write_record(writer_t *w, const avro_schema_t *s)
{
    const char *saved = w->space;
    buf_puts(w->b, s->is_error ? "{\"type\":\"error\"" : "{\"type\":\"record\"");
    write_name(w, s);
    w->space = s->name.space;
    if (s->doc != NULL)
        write_str_field(w->b, "doc", s->doc);
    buf_puts(w->b, ",\"fields\":[");
    for (size_t i = 0; i < s->nfields; i++) {
        if (i > 0)
            buf_puts(w->b, ",");
        write_field(w, &s->fields[i]);
    }
    buf_puts(w->b, "]");
    write_props(w->b, s->props);
    write_aliases(w->b, s);
    buf_puts(w->b, "}");
    w->space = saved;
}

static void
write_enum(writer_t *w, const avro_schema_t *s)
{
    buf_puts(w->b, "{\"type\":\"enum\"");
    write_name(w, s);
    if (s->doc != NULL)
        write_str_field(w->b, "doc", s->doc);
    buf_puts(w->b, ",\"symbols\":[");
    for (size_t i = 0; i < s->nsymbols; i++) {
        if (i > 0)
            buf_puts(w->b, ",");
        buf_json_string(w->b, s->symbols[i], strlen(s->symbols[i]));
    }
    buf_puts(w->b, "]");
    if (s->enum_default != NULL)
        write_str_field(w->b, "default", s->enum_default);
    write_props(w->b, s->props);
    write_aliases(w->b, s);
    buf_puts(w->b, "}");
}

static void
write_fixed(writer_t *w, const avro_schema_t *s)
{
    buf_puts(w->b, "{\"type\":\"fixed\"");
    write_name(w, s);
    if (s->doc != NULL)
        write_str_field(w->b, "doc", s->doc);
    buf_printf(w->b, ",\"size\":%d", s->size);
    write_props(w->b, s->props);
    write_aliases(w->b, s);
    buf_puts(w->b, "}");
}

static void
write_schema(writer_t *w, const avro_schema_t *s)
{
    switch (s->type) {
    case AVRO_RECORD:
    case AVRO_ENUM:
    case AVRO_FIXED:
        if (write_name_ref(w, s))
            return;
        if (s->type == AVRO_RECORD)
            write_record(w, s);
        else if (s->type == AVRO_ENUM)
            write_enum(w, s);
        else
            write_fixed(w, s);
        return;
    case AVRO_ARRAY:
    case AVRO_MAP:
        buf_puts(w->b, s->type == AVRO_ARRAY ? "{\"type\":\"array\",\"items\":" : "{\"type\":\"map\",\"values\":");
        write_schema(w, s->child);
        write_props(w->b, s->props);
        buf_puts(w->b, "}");
        return;
    case AVRO_UNION:
        buf_puts(w->b, "[");
        for (size_t i = 0; i < s->nbranches; i++) {
            if (i > 0)
                buf_puts(w->b, ",");
            write_schema(w, s->branches[i]);
        }
        buf_puts(w->b, "]");
        return;
    default:
        if (json_object_size(s->props) == 0) {
            buf_printf(w->b, "\"%s\"", type_names[s->type]);
            return;
        }
        buf_printf(w->b, "{\"type\":\"%s\"", type_names[s->type]);
        write_props(w->b, s->props);
        buf_puts(w->b, "}");
    }
}

char *
avro_to_string(avro_schema_t *s, avro_schema_t *const *known, size_t nknown)
{
    buf_t b = {0};
    writer_t w = {&b, {0}, NULL};
    for (size_t i = 0; i < nknown; i++) {
        avro_type_t t = known[i]->type;
        if ((t == AVRO_RECORD || t == AVRO_ENUM || t == AVRO_FIXED) && writer_find(&w, known[i]->name.full) == NULL)
            writer_add(&w, known[i]);
    }
    write_schema(&w, s);
    hmap_free(&w.names);
    return buf_steal(&b, NULL);
}
