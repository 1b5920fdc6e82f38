/*
 * schema_proto_agg.c - aggregate option values.  The reader is wire's
 * OptionReader over Google's tokens: `key: value` or `key { ... }`,
 * separators optional, a value repeated under one key becomes a list,
 * adjacent strings concatenate.  Depth is bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_proto_agg.h"
#include "text.h"

#define PA_MAX_DEPTH 64

typedef struct pa_rd {
    mem_arena_t *a;
    const char *p;
    int depth;
} pa_rd_t;

static void
pa__space(pa_rd_t *r)
{
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
        r->p++;
}

static int
pa__word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '+';
}

pa_val_t *
pa_new(mem_arena_t *a, pa_kind_t kind, const char *text)
{
    pa_val_t *v = mem_arena_alloc(a, sizeof(*v));
    memset(v, 0, sizeof(*v));
    v->kind = kind;
    v->text = text;
    return v;
}

static void
pa__grow(mem_arena_t *a, pa_val_t *v)
{
    if (v->n < v->cap)
        return;
    size_t cap = v->cap ? v->cap * 2 : 4;
    pa_val_t **vals = mem_arena_alloc(a, cap * sizeof(*vals));
    const char **keys = mem_arena_alloc(a, cap * sizeof(*keys));
    if (v->n > 0) {
        memcpy(vals, v->vals, v->n * sizeof(*vals));
        if (v->keys != NULL)
            memcpy(keys, v->keys, v->n * sizeof(*keys));
    }
    v->vals = vals;
    v->keys = keys;
    v->cap = cap;
}

void
pa_push(mem_arena_t *a, pa_val_t *list, pa_val_t *item)
{
    pa__grow(a, list);
    list->vals[list->n++] = item;
}

pa_val_t *
pa_get(const pa_val_t *map, const char *key)
{
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->keys[i], key) == 0)
            return map->vals[i];
    }
    return NULL;
}

void
pa_set(mem_arena_t *a, pa_val_t *map, const char *key, pa_val_t *val)
{
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->keys[i], key) == 0) {
            map->vals[i] = val;
            return;
        }
    }
    pa__grow(a, map);
    map->keys[map->n] = key;
    map->vals[map->n++] = val;
}

void
pa_del(pa_val_t *map, const char *key)
{
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->keys[i], key) != 0)
            continue;
        memmove(&map->keys[i], &map->keys[i + 1], (map->n - i - 1) * sizeof(*map->keys));
        memmove(&map->vals[i], &map->vals[i + 1], (map->n - i - 1) * sizeof(*map->vals));
        map->n--;
        return;
    }
}

/* A key repeated in a map collects its values in a list (wire's reader). */
static void
pa__add(mem_arena_t *a, pa_val_t *map, const char *key, pa_val_t *val)
{
    pa_val_t *prev = pa_get(map, key);
    if (prev == NULL) {
        pa_set(a, map, key, val);
        return;
    }
    if (prev->kind != PA_LIST) {
        pa_val_t *list = pa_new(a, PA_LIST, NULL);
        pa_push(a, list, prev);
        pa_set(a, map, key, list);
        prev = list;
    }
    if (val->kind == PA_LIST) {
        for (size_t i = 0; i < val->n; i++)
            pa_push(a, prev, val->vals[i]);
    } else {
        pa_push(a, prev, val);
    }
}

static int
pa__octal(char c)
{
    return c >= '0' && c <= '7';
}

/* One quoted string token, unescaped (C escapes, as text format has). */
static int
pa__string(pa_rd_t *r, buf_t *out)
{
    char q = *r->p++;
    while (*r->p && *r->p != q) {
        char c = *r->p++;
        if (c != '\\') {
            buf_append(out, &c, 1);
            continue;
        }
        c = *r->p;
        if (c == '\0')
            return -1;
        r->p++;
        switch (c) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case 'a': c = '\a'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'v': c = '\v'; break;
        case 'x': {
            int v = 0, k = 0;
            while (k < 2 && text_hex_digit(*r->p) >= 0)
                v = v * 16 + text_hex_digit(*r->p++), k++;
            c = (char)v;
            break;
        }
        default:
            if (pa__octal(c)) {
                int v = c - '0', k = 1;
                while (k < 3 && pa__octal(*r->p))
                    v = v * 8 + (*r->p++ - '0'), k++;
                c = (char)v;
            }
            break;
        }
        buf_append(out, &c, 1);
    }
    if (*r->p != q)
        return -1;
    r->p++;
    return 0;
}

static pa_val_t *pa__map(pa_rd_t *r, char close);

static pa_val_t *
pa__scalar(pa_rd_t *r)
{
    pa__space(r);
    if (*r->p == '"' || *r->p == '\'') {
        buf_t s = {0};
        while (*r->p == '"' || *r->p == '\'') {
            if (pa__string(r, &s) != 0) {
                buf_free(&s);
                return NULL;
            }
            pa__space(r);
        }
        pa_val_t *v = pa_new(r->a, PA_STR, mem_arena_strndup(r->a, s.data ? s.data : "", s.len));
        buf_free(&s);
        return v;
    }
    const char *start = r->p;
    if (*r->p == '-') {
        r->p++;
        pa__space(r);
    }
    const char *word = r->p;
    while (pa__word_char(*r->p))
        r->p++;
    if (r->p == word)
        return NULL;
    buf_t t = {0};
    if (*start == '-')
        buf_puts(&t, "-");
    buf_append(&t, word, (size_t)(r->p - word));
    pa_val_t *v = pa_new(r->a, PA_PRIM, mem_arena_strndup(r->a, t.data, t.len));
    buf_free(&t);
    return v;
}

static pa_val_t *
pa__value(pa_rd_t *r)
{
    pa__space(r);
    if (*r->p == '{' || *r->p == '<') {
        char close = *r->p == '{' ? '}' : '>';
        r->p++;
        return pa__map(r, close);
    }
    if (*r->p != '[')
        return pa__scalar(r);
    r->p++;
    pa_val_t *list = pa_new(r->a, PA_LIST, NULL);
    pa__space(r);
    while (*r->p != ']') {
        pa_val_t *item = pa__value(r);
        if (item == NULL)
            return NULL;
        pa_push(r->a, list, item);
        pa__space(r);
        if (*r->p == ',')
            r->p++;
        else if (*r->p != ']')
            return NULL;
        pa__space(r);
    }
    r->p++;
    return list;
}

/* A key: a name, or an extension's "[full.name]" (kept with brackets). */
static const char *
pa__key(pa_rd_t *r)
{
    pa__space(r);
    const char *start = r->p;
    if (*r->p == '[') {
        r->p++;
        pa__space(r);
        const char *name = r->p;
        while (pa__word_char(*r->p) || *r->p == '/')
            r->p++;
        const char *end = r->p;
        pa__space(r);
        if (*r->p != ']' || end == name)
            return NULL;
        r->p++;
        buf_t k = {0};
        buf_puts(&k, "[");
        buf_append(&k, name, (size_t)(end - name));
        buf_puts(&k, "]");
        const char *key = mem_arena_strndup(r->a, k.data, k.len);
        buf_free(&k);
        return key;
    }
    while (pa__word_char(*r->p))
        r->p++;
    return r->p == start ? NULL : mem_arena_strndup(r->a, start, (size_t)(r->p - start));
}

static pa_val_t *
pa__map(pa_rd_t *r, char close)
{
    if (++r->depth > PA_MAX_DEPTH)
        return NULL;
    pa_val_t *map = pa_new(r->a, PA_MAP, NULL);
    for (;;) {
        pa__space(r);
        if (*r->p == '\0')
            return close == '\0' ? map : NULL;
        if (*r->p == close) {
            r->p++;
            break;
        }
        const char *key = pa__key(r);
        if (key == NULL)
            return NULL;
        pa__space(r);
        if (*r->p == ':')
            r->p++;
        else if (*r->p != '{' && *r->p != '<')
            return NULL;
        pa_val_t *val = pa__value(r);
        if (val == NULL)
            return NULL;
        pa__add(r->a, map, key, val);
        pa__space(r);
        if (*r->p == ',' || *r->p == ';')
            r->p++;
    }
    r->depth--;
    return map;
}

pa_val_t *
pa_parse(mem_arena_t *a, const char *text)
{
    pa_rd_t r = {.a = a, .p = text};
    pa_val_t *map = pa__map(&r, '\0');
    if (map == NULL)
        return NULL;
    pa__space(&r);
    return *r.p == '\0' ? map : NULL;
}

/* ------------------------------------------------------------ writing */

/* appendIndented over a rendered piece. */
static void
pa__indent(buf_t *dst, const char *s, size_t len)
{
    while (len > 0 && s[len - 1] == '\n')
        len--;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t stop = nl ? (size_t)(nl - s) : len;
        buf_puts(dst, "  ");
        buf_append(dst, s + i, stop - i);
        buf_puts(dst, "\n");
        i = stop + 1;
    }
}

/* ProtobufSchemaUtils.escapeChars. */
void
pa_escape(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\a': buf_puts(b, "\\a"); break;
        case '\b': buf_puts(b, "\\b"); break;
        case '\f': buf_puts(b, "\\f"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        case '\v': buf_puts(b, "\\v"); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\'': buf_puts(b, "\\'"); break;
        case '"': buf_puts(b, "\\\""); break;
        default: buf_append(b, s, 1); break;
        }
    }
}

static void pa__format_map_body(buf_t *b, const pa_val_t *map, int normalize);

/* formatOptionMapOrListValue. */
static void
pa__format_value(buf_t *b, const pa_val_t *v, int normalize)
{
    switch (v->kind) {
    case PA_STR:
        buf_puts(b, "\"");
        pa_escape(b, v->text);
        buf_puts(b, "\"");
        return;
    case PA_PRIM:
        buf_puts(b, v->text);
        return;
    case PA_MAP:
        buf_puts(b, "{\n");
        pa__format_map_body(b, v, normalize);
        buf_puts(b, "}");
        return;
    case PA_LIST:
        if (normalize && v->n == 1) {
            pa__format_value(b, v->vals[0], normalize);
            return;
        }
        buf_puts(b, "[\n");
        for (size_t i = 0; i < v->n; i++) {
            buf_t item = {0};
            pa__format_value(&item, v->vals[i], normalize);
            if (i + 1 < v->n)
                buf_puts(&item, ",");
            pa__indent(b, item.data, item.len);
            buf_free(&item);
        }
        buf_puts(b, "]");
        return;
    }
}

static int
pa__key_cmp(const void *x, const void *y)
{
    return strcmp(**(const char *const *const *)x, **(const char *const *const *)y);
}

/* formatOptionMap: one "key: value" per entry, commas between. */
static void
pa__format_map_body(buf_t *b, const pa_val_t *map, int normalize)
{
    size_t *order = mem_alloc((map->n + 1) * sizeof(*order));
    const char ***sortable = mem_alloc((map->n + 1) * sizeof(*sortable));
    size_t n = 0;
    for (size_t i = 0; i < map->n; i++) {
        const pa_val_t *v = map->vals[i];
        if (normalize && v->kind == PA_LIST && v->n == 0)
            continue;
        sortable[n++] = &map->keys[i];
    }
    if (normalize && n > 1)
        qsort(sortable, n, sizeof(*sortable), pa__key_cmp);
    for (size_t i = 0; i < n; i++)
        order[i] = (size_t)(sortable[i] - map->keys);
    for (size_t i = 0; i < n; i++) {
        buf_t kv = {0};
        buf_printf(&kv, "%s: ", map->keys[order[i]]);
        pa__format_value(&kv, map->vals[order[i]], normalize);
        if (i + 1 < n)
            buf_puts(&kv, ",");
        pa__indent(b, kv.data, kv.len);
        buf_free(&kv);
    }
    free(order);
    free(sortable);
}

void
pa_format(buf_t *b, const pa_val_t *map, int normalize)
{
    buf_puts(b, "{\n");
    pa__format_map_body(b, map, normalize);
    buf_puts(b, "}");
}

static void
pa__write_value(buf_t *b, const pa_val_t *v)
{
    switch (v->kind) {
    case PA_STR:
        buf_puts(b, "\"");
        pa_escape(b, v->text);
        buf_puts(b, "\"");
        return;
    case PA_PRIM:
        buf_puts(b, v->text);
        return;
    case PA_MAP:
        buf_puts(b, "{ ");
        pa_write(b, v);
        buf_puts(b, " }");
        return;
    case PA_LIST:
        buf_puts(b, "[ ");
        for (size_t i = 0; i < v->n; i++) {
            if (i > 0)
                buf_puts(b, " , ");
            pa__write_value(b, v->vals[i]);
        }
        buf_puts(b, " ]");
        return;
    }
}

void
pa_write(buf_t *b, const pa_val_t *map)
{
    for (size_t i = 0; i < map->n; i++) {
        if (i > 0)
            buf_puts(b, " ");
        buf_printf(b, "%s : ", map->keys[i]);
        pa__write_value(b, map->vals[i]);
    }
}
