/*
 * schema_json_compat.c - compatibility of JSON Schemas by Confluent's
 * JsonSchemaDiff: both documents are read into the model everit's loader
 * builds (a typed schema per `type`, a synthetic allOf when a document
 * mixes keywords of several kinds, combined, enum, const, not, reference
 * and empty schemas), then compared original (the writer) to update (the
 * reader), each difference typed as Confluent types it.  The incompatible
 * ones become the messages, "%s" taken by the reader's then the writer's
 * role ("new"/"old"), as Confluent's formatErrorMessages does.
 *
 * Members are visited in the order Java's HashMap and HashSet iterate them
 * (by String.hashCode), so that several messages come in Confluent's order.
 * Work is bounded: the model is built once per JSON node, a schema already
 * being compared is not entered again (Confluent's Context), and a budget
 * of comparisons caps what combined schemas (every pair of subschemas)
 * may cost.  The changes Confluent always counts as compatible and never
 * words ($id, title, description, default) are not recorded: they reach
 * neither a verdict nor a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"
#include "schema_json_diff.h"
#include "schema_json_model.h"
#include "schema_json_compat.h"

#define SJC_MAX_DEPTH 1000


/* ---- the Context: differences, the path, the schemas entered ---- */

void
sjc_push(sjc_run_t *r, const char *seg, size_t len)
{
    if (r->nmarks == r->capmarks) {
        r->capmarks = r->capmarks ? 2 * r->capmarks : 32;
        r->marks = mem_realloc(r->marks, r->capmarks * sizeof(*r->marks));
    }
    r->marks[r->nmarks++] = r->path.len;
    if (r->nmarks > 1)
        buf_append(&r->path, "/", 1);
    buf_append(&r->path, seg, len);
}

void
sjc_pop(sjc_run_t *r)
{
    r->path.len = r->marks[--r->nmarks];
}

void
sjc_add(sjc_run_t *r, sjc_ctx_t *ctx, sjd_type_t type)
{
    if (ctx->n == ctx->cap) {
        ctx->cap = ctx->cap ? 2 * ctx->cap : 8;
        ctx->diffs = mem_realloc(ctx->diffs, ctx->cap * sizeof(*ctx->diffs));
    }
    buf_t p = {0};
    buf_puts(&p, "#/");
    buf_append(&p, r->path.data ? r->path.data : "", r->path.len);
    ctx->diffs[ctx->n].type = type;
    ctx->diffs[ctx->n].path = buf_steal(&p, NULL);
    ctx->n++;
}

void
sjc_add_at(sjc_run_t *r, sjc_ctx_t *ctx, const char *attr, sjd_type_t type)
{
    sjc_push(r, attr, strlen(attr));
    sjc_add(r, ctx, type);
    sjc_pop(r);
}

/* Move the differences of `sub` to the end of `ctx`; `sub` is left empty. */
void
sjc_take(sjc_ctx_t *ctx, sjc_ctx_t *sub)
{
    for (size_t i = 0; i < sub->n; i++) {
        if (ctx->n == ctx->cap) {
            ctx->cap = ctx->cap ? 2 * ctx->cap : 8;
            ctx->diffs = mem_realloc(ctx->diffs, ctx->cap * sizeof(*ctx->diffs));
        }
        ctx->diffs[ctx->n++] = sub->diffs[i];
    }
    free(sub->diffs);
    *sub = (sjc_ctx_t){0};
}

void
sjc_ctx_free(sjc_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->n; i++)
        free(ctx->diffs[i].path);
    free(ctx->diffs);
    *ctx = (sjc_ctx_t){0};
}

int
sjc_compatible(const sjc_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        if (!sjd_compatible(ctx->diffs[i].type))
            return 0;
    }
    return 1;
}

/* ---- keyword readers ---- */

static int
sjc_is_num(const jsn_t *v)
{
    return v != NULL && (v->type == JSN_INT || v->type == JSN_DEC);
}

/*
 * A bound of Integer or Number: equal texts are no change; otherwise added,
 * removed, or compared by doubleValue() (equal values: no difference).
 */
void
sjc_bound(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u,
          const char *key, sjd_type_t added)
{
    const jsn_t *a = sjm_kw(o, key), *b = sjm_kw(u, key);
    if (!sjc_is_num(a))
        a = NULL;
    if (!sjc_is_num(b))
        b = NULL;
    if (a == NULL && b == NULL)
        return;
    if (a != NULL && b != NULL && jsn_equal(a, b))
        return;
    double x, y;
    jsn_number(a, &x);
    jsn_number(b, &y);
    if (a == NULL)
        sjc_add_at(r, ctx, key, added);
    else if (b == NULL)
        sjc_add_at(r, ctx, key, added + 1);
    else if (x < y)
        sjc_add_at(r, ctx, key, added + 2);
    else if (x > y)
        sjc_add_at(r, ctx, key, added + 3);
}

static void
sjc_string(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u)
{
    sjc_bound(r, ctx, o, u, "maxLength", SJD_MAX_LENGTH_ADDED);
    sjc_bound(r, ctx, o, u, "minLength", SJD_MIN_LENGTH_ADDED);
    const jsn_t *a = sjm_kw(o, "pattern"), *b = sjm_kw(u, "pattern");
    if (a == NULL && b != NULL)
        sjc_add_at(r, ctx, "pattern", SJD_PATTERN_ADDED);
    else if (a != NULL && b == NULL)
        sjc_add_at(r, ctx, "pattern", SJD_PATTERN_REMOVED);
    else if (a != NULL && !jsn_equal(a, b))
        sjc_add_at(r, ctx, "pattern", SJD_PATTERN_CHANGED);
}

/* Number.intValue() of a literal, as Java truncates it. */
static long long
sjc_int_value(const jsn_t *v)
{
    double d;
    jsn_number(v, &d);
    if (d >= 2147483647.0)
        return 2147483647;
    if (d <= -2147483648.0)
        return -2147483647 - 1;
    return (long long)d;
}

static void
sjc_number(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u)
{
    sjc_bound(r, ctx, o, u, "maximum", SJD_MAXIMUM_ADDED);
    sjc_bound(r, ctx, o, u, "minimum", SJD_MINIMUM_ADDED);
    sjc_bound(r, ctx, o, u, "exclusiveMaximum", SJD_EXCLUSIVE_MAXIMUM_ADDED);
    sjc_bound(r, ctx, o, u, "exclusiveMinimum", SJD_EXCLUSIVE_MINIMUM_ADDED);
    const jsn_t *a = sjm_kw(o, "multipleOf"), *b = sjm_kw(u, "multipleOf");
    a = sjc_is_num(a) ? a : NULL;
    b = sjc_is_num(b) ? b : NULL;
    if ((a != NULL || b != NULL) && !(a != NULL && b != NULL && jsn_equal(a, b))) {
        long long x = a ? sjc_int_value(a) : 0, y = b ? sjc_int_value(b) : 0;
        if (a == NULL)
            sjc_add_at(r, ctx, "multipleOf", SJD_MULTIPLE_OF_ADDED);
        else if (b == NULL)
            sjc_add_at(r, ctx, "multipleOf", SJD_MULTIPLE_OF_REMOVED);
        else if (x != 0 && y % x == 0)
            sjc_add_at(r, ctx, "multipleOf", SJD_MULTIPLE_OF_EXPANDED);
        else if (y != 0 && x % y == 0)
            sjc_add_at(r, ctx, "multipleOf", SJD_MULTIPLE_OF_REDUCED);
        else
            sjc_add_at(r, ctx, "multipleOf", SJD_MULTIPLE_OF_CHANGED);
    }
    if (o->integer != u->integer)
        sjc_add(r, ctx, o->integer ? SJD_TYPE_EXTENDED : SJD_TYPE_NARROWED);
}

/* The set of a list's members by their text (for enum, required, dependencies). */
static void
sjc_value_set(hmap_t *set, const jsn_t *list)
{
    for (size_t i = 0; list != NULL && list->type == JSN_ARR && i < list->n; i++) {
        buf_t b = {0};
        jsn_write(&b, list->items[i], 1);
        hmap_put(set, b.data, b.len, set);
        buf_free(&b);
    }
}

/* Whether every member of `list` is in `set`. */
static int
sjc_contains_all(const hmap_t *set, const jsn_t *list)
{
    int all = 1;
    for (size_t i = 0; all && list != NULL && list->type == JSN_ARR && i < list->n; i++) {
        buf_t b = {0};
        jsn_write(&b, list->items[i], 1);
        all = hmap_get(set, b.data, b.len) != NULL;
        buf_free(&b);
    }
    return all;
}

/* The three-way comparison of two value lists as sets. */
int
sjc_set_relation(const jsn_t *a, const jsn_t *b)
{
    hmap_t sa = {0}, sb = {0};
    sjc_value_set(&sa, a);
    sjc_value_set(&sb, b);
    int b_has_a = sjc_contains_all(&sb, a), a_has_b = sjc_contains_all(&sa, b);
    hmap_free(&sa);
    hmap_free(&sb);
    if (b_has_a && a_has_b)
        return 0;           /* equal */
    return b_has_a ? 1 : a_has_b ? 2 : 3;   /* extended, narrowed, changed */
}

static void
sjc_enum(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u)
{
    static const sjd_type_t by[] = {SJD_COUNT, SJD_ENUM_ARRAY_EXTENDED, SJD_ENUM_ARRAY_NARROWED,
                                    SJD_ENUM_ARRAY_CHANGED};
    int rel = sjc_set_relation(sjm_kw(o, "enum"), sjm_kw(u, "enum"));
    if (rel != 0)
        sjc_add_at(r, ctx, "enum", by[rel]);
}

static void
sjc_not(sjc_run_t *r, sjc_ctx_t *ctx, sjm_schema_t *o, sjm_schema_t *u)
{
    sjc_ctx_t sub = {0};
    sjc_push(r, "not", 3);
    sjc_compare(r, &sub, u->subs[0], o->subs[0]);
    sjc_add(r, ctx, sjc_compatible(&sub) ? SJD_NOT_TYPE_NARROWED : SJD_NOT_TYPE_EXTENDED);
    sjc_pop(r);
    sjc_ctx_free(&sub);
}

int
sjc_is_empty(const sjm_schema_t *s)
{
    return s != NULL && (s->kind == SJM_EMPTY || s->kind == SJM_TRUE);
}


/* ---- combined schemas ---- */

/*
 * A subschema's JsonSchema copy compares by the text everit's toString()
 * writes (Confluent reads it back): so duplicates collapse when they print
 * alike.  The writer leaves out a keyword at its default (additional
 * properties or items allowed, uniqueItems false, nothing required, empty
 * maps), writes "$id" as "id", a type's sniffed part that holds nothing
 * (a string with "additionalProperties":true prints as the string) not at
 * all, and a decimal as org.json does (trailing zeros of the fraction
 * dropped).  Only equality matters here: keys are sorted.
 */
enum { SJC_VALUE, SJC_SCHEMA, SJC_SCHEMA_MAP };
/* A flag on a schema mode: 2019-09 / 2020-12, printed as SchemaTranslator's
 * everit schema prints (what it drops is not there). */
#define SJC_SKEMA 8

static int
sjc_is_key(const char *k, size_t kl, const char *name)
{
    return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

static int
sjc_default_kw(const char *k, size_t kl, const jsn_t *v)
{
    if (sjc_is_key(k, kl, "additionalProperties") || sjc_is_key(k, kl, "additionalItems"))
        return v->type == JSN_TRUE;
    if (sjc_is_key(k, kl, "uniqueItems"))
        return v->type == JSN_FALSE;
    if (sjc_is_key(k, kl, "required"))
        return v->type == JSN_ARR && v->n == 0;
    if (sjc_is_key(k, kl, "properties") || sjc_is_key(k, kl, "dependencies") ||
        sjc_is_key(k, kl, "patternProperties"))
        return v->type == JSN_OBJ && v->n == 0;
    return 0;
}

/* What the value of keyword `k` of a schema holds. */
static int
sjc_kw_mode(const char *k, size_t kl)
{
    static const char *const maps[] = {"properties", "patternProperties", "definitions", "$defs",
                                       "dependencies", NULL};
    static const char *const schemas[] = {"items", "additionalItems", "additionalProperties", "not",
                                          "if", "then", "else", "contains", "propertyNames",
                                          "allOf", "anyOf", "oneOf", NULL};
    for (const char *const *m = maps; *m; m++) {
        if (sjc_is_key(k, kl, *m))
            return SJC_SCHEMA_MAP;
    }
    for (const char *const *m = schemas; *m; m++) {
        if (sjc_is_key(k, kl, *m))
            return SJC_SCHEMA;
    }
    return SJC_VALUE;
}

/* org.json's numberToString: a plain decimal loses its fraction's trailing zeros. */
static void
sjc_write_number(buf_t *b, const jsn_t *j)
{
    size_t n = j->len;
    if (j->type == JSN_DEC && memchr(j->str, '.', n) != NULL && memchr(j->str, 'E', n) == NULL &&
        memchr(j->str, 'e', n) == NULL) {
        while (n > 0 && j->str[n - 1] == '0')
            n--;
        if (n > 0 && j->str[n - 1] == '.')
            n--;
    }
    buf_append(b, j->str, n);
}

typedef struct sjc_member {
    const char *key;
    size_t klen;
    buf_t text;
} sjc_member_t;

static int
sjc_member_cmp(const void *x, const void *y)
{
    const sjc_member_t *a = x, *b = y;
    size_t n = a->klen < b->klen ? a->klen : b->klen;
    int c = memcmp(a->key, b->key, n);
    return c != 0 ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

static void sjc_write_sub(buf_t *b, const jsn_t *j, int mode, int depth);

/* Sorted, as `{"k":text,...}`; frees the texts. */
static void
sjc_emit_members(buf_t *b, sjc_member_t *m, size_t n)
{
    qsort(m, n, sizeof(*m), sjc_member_cmp);
    buf_puts(b, "{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ",");
        buf_json_string(b, m[i].key, m[i].klen);
        buf_puts(b, ":");
        buf_append(b, m[i].text.data != NULL ? m[i].text.data : "", m[i].text.len);
        buf_free(&m[i].text);
    }
    buf_puts(b, "}");
}

/* The type whose loader reads keyword `k` ("" for none of them). */
static const char *
sjc_kw_type(const char *k, size_t kl)
{
    static const struct { const char *kw, *type; } kws[] = {
        {"minLength", "string"}, {"maxLength", "string"}, {"pattern", "string"},
        {"format", "string"}, {"minimum", "number"}, {"maximum", "number"},
        {"exclusiveMinimum", "number"}, {"exclusiveMaximum", "number"},
        {"multipleOf", "number"}, {"properties", "object"}, {"required", "object"},
        {"minProperties", "object"}, {"maxProperties", "object"}, {"dependencies", "object"},
        {"patternProperties", "object"}, {"additionalProperties", "object"},
        {"propertyNames", "object"}, {"items", "array"}, {"additionalItems", "array"},
        {"minItems", "array"}, {"maxItems", "array"}, {"uniqueItems", "array"},
        {"contains", "array"},
    };
    for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
        if (sjc_is_key(k, kl, kws[i].kw))
            return kws[i].type;
    }
    return "";
}

static int
sjc_type_takes(const jsn_t *t, const char *kwtype)
{
    if (strcmp(kwtype, "number") == 0)
        return strcmp(t->str, "number") == 0 || strcmp(t->str, "integer") == 0;
    return strcmp(t->str, kwtype) == 0;
}

/* One member `k` of schema `j` written in `mode`, into m (its key as written). */
static void
sjc_member(sjc_member_t *m, const char *k, size_t kl, const jsn_t *v, int mode, int depth)
{
    int flag = mode & SJC_SKEMA, base = mode & ~SJC_SKEMA;
    int child = base == SJC_SCHEMA ? sjc_kw_mode(k, kl) : base == SJC_SCHEMA_MAP ? SJC_SCHEMA
                                                                                 : SJC_VALUE;
    if (child != SJC_VALUE)
        child |= flag;
    int id = base == SJC_SCHEMA && sjc_is_key(k, kl, "$id");
    m->key = id ? "id" : k;
    m->klen = id ? 2 : kl;
    memset(&m->text, 0, sizeof(m->text));
    sjc_write_sub(&m->text, v, child, depth + 1);
}

/*
 * A type list prints as the anyOf everit makes of it: one schema per type
 * with the keywords its loader reads, the rest beside the anyOf.
 */
static void
sjc_write_type_list(buf_t *b, const jsn_t *j, const jsn_t *types, int flag, int depth)
{
    sjc_member_t *m = mem_calloc(j->n + 2, sizeof(*m));
    size_t n = 0;
    buf_t any = {0};
    buf_puts(&any, "[");
    for (size_t t = 0; t < types->n; t++) {
        const jsn_t *ty = types->items[t];
        sjc_member_t *part = mem_calloc(j->n + 1, sizeof(*part));
        size_t pn = 0;
        part[pn].key = "type";
        part[pn].klen = 4;
        jsn_write(&part[pn++].text, ty, 1);
        for (size_t i = 0; ty->type == JSN_STR && i < j->n; i++) {
            const char *kt = sjc_kw_type(j->keys[i], j->klens[i]);
            if (*kt != '\0' && sjc_type_takes(ty, kt) &&
                !sjc_default_kw(j->keys[i], j->klens[i], j->items[i]))
                sjc_member(&part[pn++], j->keys[i], j->klens[i], j->items[i], SJC_SCHEMA | flag,
                           depth);
        }
        if (t)
            buf_puts(&any, ",");
        sjc_emit_members(&any, part, pn);
        free(part);
    }
    buf_puts(&any, "]");
    m[n].key = "anyOf";
    m[n].klen = 5;
    m[n++].text = any;
    for (size_t i = 0; i < j->n; i++) {
        const char *k = j->keys[i];
        size_t kl = j->klens[i];
        const char *kt = sjc_kw_type(k, kl);
        int taken = 0;
        for (size_t t = 0; *kt != '\0' && t < types->n; t++)
            taken |= types->items[t]->type == JSN_STR && sjc_type_takes(types->items[t], kt);
        /* A keyword no listed type reads stays beside the anyOf. */
        if (sjc_is_key(k, kl, "type") || taken || sjc_default_kw(k, kl, j->items[i]))
            continue;
        sjc_member(&m[n++], k, kl, j->items[i], SJC_SCHEMA | flag, depth);
    }
    sjc_emit_members(b, m, n);
    free(m);
}

/* A text the members of an enum list compare by: a set (everit keeps them in a HashSet). */
static int
sjc_text_cmp(const void *x, const void *y)
{
    const buf_t *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

static void
sjc_write_enum(buf_t *b, const jsn_t *list, int depth)
{
    buf_t *t = mem_calloc(list->n + 1, sizeof(*t));
    for (size_t i = 0; i < list->n; i++)
        sjc_write_sub(&t[i], list->items[i], SJC_VALUE, depth + 1);
    qsort(t, list->n, sizeof(*t), sjc_text_cmp);
    buf_puts(b, "[");
    for (size_t i = 0; i < list->n; i++) {
        if (i)
            buf_puts(b, ",");
        buf_append(b, t[i].data != NULL ? t[i].data : "", t[i].len);
        buf_free(&t[i]);
    }
    buf_puts(b, "]");
    free(t);
}

/* A keyword json-sKema reads and SchemaTranslator carries into no everit
 * schema (then/else count only beside an if). */
static int
sjc_skema_dropped(const jsn_t *j, const char *k, size_t kl)
{
    static const char *const dropped[] = {
        "$anchor", "$dynamicAnchor", "$dynamicRef", "$schema", "$vocabulary", "readOnly",
        "writeOnly", "deprecated", "format", "minContains", "maxContains", "unevaluatedItems",
        "unevaluatedProperties", NULL,
    };
    for (const char *const *d = dropped; *d; d++) {
        if (sjc_is_key(k, kl, *d))
            return 1;
    }
    return (sjc_is_key(k, kl, "then") || sjc_is_key(k, kl, "else")) && jsn_get(j, "if") == NULL;
}

static void
sjc_write_object(buf_t *b, const jsn_t *j, int mode, int depth)
{
    int flag = mode & SJC_SKEMA, base = mode & ~SJC_SKEMA;
    const jsn_t *types = base == SJC_SCHEMA ? jsn_get(j, "type") : NULL;
    if (types != NULL && types->type == JSN_ARR && jsn_get(j, "anyOf") == NULL) {
        sjc_write_type_list(b, j, types, flag, depth);
        return;
    }
    sjc_member_t *m = mem_calloc(j->n + 1, sizeof(*m));
    size_t n = 0;
    for (size_t i = 0; i < j->n; i++) {
        const char *k = j->keys[i];
        size_t kl = j->klens[i];
        if (base == SJC_SCHEMA && sjc_default_kw(k, kl, j->items[i]))
            continue;
        if (base == SJC_SCHEMA && flag && sjc_skema_dropped(j, k, kl))
            continue;
        if (base == SJC_SCHEMA && sjc_is_key(k, kl, "enum") && j->items[i]->type == JSN_ARR) {
            m[n].key = k;
            m[n].klen = kl;
            memset(&m[n].text, 0, sizeof(m[n].text));
            sjc_write_enum(&m[n++].text, j->items[i], depth);
            continue;
        }
        sjc_member(&m[n++], k, kl, j->items[i], mode, depth);
    }
    sjc_emit_members(b, m, n);
    free(m);
}

/* Bounded by the parser's depth (JSN_MAX_DEPTH). */
static void
sjc_write_sub(buf_t *b, const jsn_t *j, int mode, int depth)
{
    switch (j->type) {
    case JSN_INT:
    case JSN_DEC:
        sjc_write_number(b, j);
        return;
    case JSN_ARR:
        buf_puts(b, "[");
        for (size_t i = 0; i < j->n; i++) {
            if (i)
                buf_puts(b, ",");
            sjc_write_sub(b, j->items[i], (mode & ~SJC_SKEMA) == SJC_SCHEMA ? mode : SJC_VALUE,
                          depth + 1);
        }
        buf_puts(b, "]");
        return;
    case JSN_OBJ:
        sjc_write_object(b, j, mode, depth);
        return;
    default:
        jsn_write(b, j, 1);
        return;
    }
}

/* Whether part `s` (see sjm_schema_t.part) owns keyword `k` of its object. */
static int
sjc_part_takes(const sjm_schema_t *s, const char *k, size_t kl)
{
    static const char *const kind_type[] = {
        [SJM_STRING] = "string", [SJM_NUMBER] = "number", [SJM_OBJECT] = "object",
        [SJM_ARRAY] = "array", [SJM_BOOLEAN] = "boolean", [SJM_NULL] = "null",
    };
    const jsn_t *t = jsn_get(s->src, "type");
    switch (s->kind) {
    case SJM_STRING: case SJM_NUMBER: case SJM_OBJECT: case SJM_ARRAY: case SJM_BOOLEAN: case SJM_NULL:
        if (sjc_is_key(k, kl, "type"))
            return t != NULL && t->type == JSN_STR && sjc_type_takes(t, kind_type[s->kind]);
        if (s->kind == SJM_OBJECT && (sjc_is_key(k, kl, "dependentRequired") ||
                                      sjc_is_key(k, kl, "dependentSchemas")))
            return 1;
        if (s->kind == SJM_ARRAY && sjc_is_key(k, kl, "prefixItems"))
            return 1;
        return kind_type[s->kind] != NULL && strcmp(sjc_kw_type(k, kl), kind_type[s->kind]) == 0;
    case SJM_ENUM:
        return sjc_is_key(k, kl, "enum");
    case SJM_CONST:
        return sjc_is_key(k, kl, "const");
    case SJM_NOT:
        return sjc_is_key(k, kl, "not");
    case SJM_REF:
        return sjc_is_key(k, kl, "$ref");
    case SJM_COND:
        return sjc_is_key(k, kl, "if") || sjc_is_key(k, kl, "then") || sjc_is_key(k, kl, "else");
    case SJM_COMBINED:
        /* A type list's anyOf, or an allOf/anyOf/oneOf keyword's. */
        if (t != NULL && t->type == JSN_ARR && s->criterion == SJM_ANY && jsn_get(s->src, "anyOf") == NULL)
            return sjc_is_key(k, kl, "type") || *sjc_kw_type(k, kl) != '\0';
        return sjc_is_key(k, kl, sjm_criterion(s->criterion));
    default:
        return 1;
    }
}

/*
 * A part of a generated allOf (2019-09 / 2020-12) prints as SchemaTranslator's
 * product of its keywords alone: flattened into a combination's members, it
 * meets the set of members with only those (title and the like went to the
 * allOf).
 */
static void
sjc_write_part(buf_t *b, const sjm_schema_t *s)
{
    jsn_t *o = jsn_new(JSN_OBJ);
    for (size_t i = 0; i < s->src->n; i++) {
        if (sjc_part_takes(s, s->src->keys[i], s->src->klens[i]))
            jsn_set(o, s->src->keys[i], s->src->klens[i], jsn_copy(s->src->items[i]));
    }
    sjc_write_sub(b, o, SJC_SCHEMA | SJC_SKEMA, 0);
    jsn_free(o);
}

/*
 * The text of subschema `s` of `c`.  A part split from a node another part
 * shares (a type list's types, a type's sniffed keywords) prints as its
 * kind alone would: the kind tells such siblings apart.
 */
static char *
sjc_sub_text(const sjm_schema_t *c, const sjm_schema_t *s)
{
    buf_t b = {0};
    if (s->doc->modern && s->part) {
        sjc_write_part(&b, s);
        return buf_steal(&b, NULL);
    }
    if (s->src == c->src)
        buf_printf(&b, "%d:%d:", (int)s->kind, s->integer);
    sjc_write_sub(&b, s->src, SJC_SCHEMA | (s->doc->modern ? SJC_SKEMA : 0), 0);
    return buf_steal(&b, NULL);
}

/*
 * The subschemas without duplicates, in the order everit's getSubschemas()
 * gives them: in 1.14.3 (7.9) the combined ones first (a type list, a
 * synthetic allOf, an explicit combination), then the others, each group
 * in document order; in 1.14.6 (8.3) as they were added, document order.
 * Of two that print alike the first is kept (Confluent's LinkedHashSet).
 */
static sjm_schema_t **
sjc_distinct(const sjc_run_t *r, const sjm_schema_t *c, size_t *n)
{
    hmap_t seen = {0};
    sjm_schema_t **v = mem_calloc(c->nsubs + 1, sizeof(*v));
    int grouped = r->dialect < 8;
    *n = 0;
    for (int pass = 0; pass < 1 + grouped; pass++) {
        for (size_t i = 0; i < c->nsubs; i++) {
            if (grouped && (c->subs[i]->kind == SJM_COMBINED) != (pass == 0))
                continue;
            char *t = sjc_sub_text(c, c->subs[i]);
            if (hmap_get(&seen, t, strlen(t)) == NULL) {
                hmap_put(&seen, t, strlen(t), &seen);
                v[(*n)++] = c->subs[i];
            }
            free(t);
        }
    }
    hmap_free(&seen);
    return v;
}

/* Kuhn's augmenting path from original subschema `i` (a maximum matching). */
static int
sjc_augment(const unsigned char *edge, size_t nu, size_t i, long *match_u,
            unsigned char *visited)
{
    for (size_t k = 0; k < nu; k++) {
        if (!edge[i * nu + k] || visited[k])
            continue;
        visited[k] = 1;
        if (match_u[k] < 0 || sjc_augment(edge, nu, (size_t)match_u[k], match_u, visited)) {
            match_u[k] = (long)i;
            return 1;
        }
    }
    return 0;
}

static int
sjc_single(const sjm_schema_t *c)
{
    return c->nsubs == 1;
}

static void
sjc_combined(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u)
{
    if (o->criterion != u->criterion) {
        int ext = u->criterion == SJM_ANY || (sjc_single(o) && sjc_single(u)) ||
                  (sjc_single(o) && u->criterion == SJM_ONE) ||
                  (sjc_single(u) && o->criterion == SJM_ALL);
        sjc_add(r, ctx, ext ? SJD_COMBINED_TYPE_EXTENDED : SJD_COMBINED_TYPE_CHANGED);
        if (!ext)
            return;
    }
    size_t no, nu;
    sjm_schema_t **os = sjc_distinct(r, o, &no), **us = sjc_distinct(r, u, &nu);
    if (no < nu)
        sjc_add(r, ctx, u->criterion == SJM_ALL ? SJD_PRODUCT_TYPE_EXTENDED : SJD_SUM_TYPE_EXTENDED);
    else if (no > nu)
        sjc_add(r, ctx, o->criterion == SJM_ALL ? SJD_PRODUCT_TYPE_NARROWED : SJD_SUM_TYPE_NARROWED);
    unsigned char *edge = mem_calloc(no * nu + 1, 1);
    for (size_t i = 0; i < no; i++) {
        char seg[32];
        int len = snprintf(seg, sizeof(seg), "%s/%zu", sjm_criterion(o->criterion), i);
        sjc_push(r, seg, (size_t)len);
        for (size_t k = 0; k < nu; k++) {
            sjc_ctx_t sub = {0};
            sjc_compare(r, &sub, os[i], us[k]);
            /* A compatible pair's differences are all compatible: they
             * never reach a message or a verdict, so they are not kept. */
            edge[i * nu + k] = (unsigned char)sjc_compatible(&sub);
            sjc_ctx_free(&sub);
        }
        sjc_pop(r);
    }
    long *match_u = mem_calloc(nu + 1, sizeof(*match_u));
    unsigned char *visited = mem_calloc(nu + 1, 1);
    size_t matched = 0;
    for (size_t k = 0; k < nu; k++)
        match_u[k] = -1;
    for (size_t i = 0; i < no; i++) {
        memset(visited, 0, nu);
        matched += (size_t)sjc_augment(edge, nu, i, match_u, visited);
    }
    if (matched < (no < nu ? no : nu))
        sjc_add(r, ctx, SJD_COMBINED_TYPE_SUBSCHEMAS_CHANGED);
    free(match_u);
    free(visited);
    free(edge);
    free(os);
    free(us);
}

/* ---- SchemaDiff.compare ---- */

static sjm_schema_t *
sjc_normalize(sjm_schema_t *s)
{
    if (s->kind != SJM_REF)
        return s;
    sjm_schema_t *t = sjm_referred(s);
    return t != NULL ? t : s;
}

static int
sjc_types_equal(const sjm_schema_t *a, const sjm_schema_t *b)
{
    return a->kind == b->kind;
}

/* 8.3: two schemas of different types that both say "connect.type":
 * "bytes" are the same type (Kafka Connect's decimals moved from one JSON
 * type to the other). */
static int
sjc_connect_bytes(const sjc_run_t *r, const sjm_schema_t *o, const sjm_schema_t *u)
{
    if (r->dialect < 8)
        return 0;
    const jsn_t *a = sjm_kw(o, "connect.type"), *b = sjm_kw(u, "connect.type");
    return a != NULL && b != NULL && a->type == JSN_STR && b->type == JSN_STR &&
           a->len == 5 && b->len == 5 && memcmp(a->str, "bytes", 5) == 0 &&
           memcmp(b->str, "bytes", 5) == 0;
}

/* A union on one side only: the singleton and sum/product special cases.
 * 1 when they settled the comparison. */
static int
sjc_one_sided(sjc_run_t *r, sjc_ctx_t *ctx, sjm_schema_t *o, sjm_schema_t *u)
{
    int upd_side = o->kind != SJM_COMBINED && u->kind == SJM_COMBINED;
    int orig_side = o->kind == SJM_COMBINED && u->kind != SJM_COMBINED;
    sjm_schema_t *c = upd_side ? u : o;
    if (!upd_side && !orig_side)
        return 0;
    int wanted = upd_side ? c->criterion != SJM_ALL : c->criterion == SJM_ALL;
    if (!sjc_single(c) && !wanted)
        return 0;
    for (size_t i = 0; i < c->nsubs; i++) {
        sjc_ctx_t sub = {0};
        if (upd_side)
            sjc_compare(r, &sub, o, c->subs[i]);
        else
            sjc_compare(r, &sub, c->subs[i], u);
        if (sjc_compatible(&sub)) {
            sjc_take(ctx, &sub);
            if (!sjc_single(c))
                sjc_add(r, ctx, upd_side ? SJD_SUM_TYPE_EXTENDED : SJD_PRODUCT_TYPE_NARROWED);
            return 1;
        }
        sjc_ctx_free(&sub);
        if (sjc_single(c))
            break;
    }
    return 0;
}

static void
sjc_dispatch(sjc_run_t *r, sjc_ctx_t *ctx, sjm_schema_t *o, sjm_schema_t *u)
{
    switch (o->kind) {
    case SJM_STRING: sjc_string(r, ctx, o, u); break;
    case SJM_NUMBER: sjc_number(r, ctx, o, u); break;
    case SJM_CONST:
        if (!jsn_equal(sjm_kw(o, "const"), sjm_kw(u, "const")))
            sjc_add_at(r, ctx, "const", SJD_ENUM_ARRAY_CHANGED);
        break;
    case SJM_ENUM: sjc_enum(r, ctx, o, u); break;
    case SJM_COMBINED: sjc_combined(r, ctx, o, u); break;
    case SJM_NOT: sjc_not(r, ctx, o, u); break;
    case SJM_OBJECT: sjc_object(r, ctx, o, u); break;
    case SJM_ARRAY: sjc_array(r, ctx, o, u); break;
    default: break;
    }
}

void
sjc_compare(sjc_run_t *r, sjc_ctx_t *ctx, sjm_schema_t *o, sjm_schema_t *u)
{
    if (o == NULL && u == NULL)
        return;
    if (o == NULL || u == NULL) {
        sjc_add(r, ctx, o == NULL ? SJD_SCHEMA_ADDED : SJD_SCHEMA_REMOVED);
        return;
    }
    /* Past the budget or the depth, the answer is "incompatible": never a
     * pass for a schema too costly to check. */
    if (--r->budget < 0 || r->depth >= SJC_MAX_DEPTH) {
        sjc_add(r, ctx, SJD_TYPE_CHANGED);
        return;
    }
    o = sjc_normalize(o);
    u = sjc_normalize(u);
    r->depth++;
    if (sjc_one_sided(r, ctx, o, u)) {
        r->depth--;
        return;
    }
    if (!sjc_types_equal(o, u)) {
        if (o->kind != SJM_FALSE && !sjc_is_empty(u) && !sjc_connect_bytes(r, o, u))
            sjc_add(r, ctx, SJD_TYPE_CHANGED);
        r->depth--;
        return;
    }
    uintptr_t key = (uintptr_t)o;
    if (hmap_get(&r->entered, &key, sizeof(key)) == NULL) {
        hmap_put(&r->entered, &key, sizeof(key), o);
        sjc_dispatch(r, ctx, o, u);
        hmap_del(&r->entered, &key, sizeof(key));
    }
    r->depth--;
}

/* ---- the hook ---- */

int
schema_json_compatible_dialect(const char *reader, const schema_ref_t *reader_refs,
                               size_t nreader_refs, const char *writer,
                               const schema_ref_t *writer_refs, size_t nwriter_refs,
                               int reader_is_new, int dialect, json_t *messages)
{
    jsn_t *upd = jsn_parse(reader, strlen(reader));
    jsn_t *orig = jsn_parse(writer, strlen(writer));
    if (upd == NULL || orig == NULL) {
        jsn_free(upd);
        jsn_free(orig);
        return -1;
    }
    sjc_run_t r = {.budget = SJC_BUDGET, .dialect = dialect};
    sjc_ctx_t ctx = {0};
    sjm_lib_t olib, ulib;
    sjm_lib_init(&olib, writer_refs, nwriter_refs, &r.arena, dialect);
    sjm_lib_init(&ulib, reader_refs, nreader_refs, &r.arena, dialect);
    if (dialect >= 8) {
        /* The model is of what 8.3's loaders load (the texts stay as stored). */
        (void)sjr_bridge_defs(orig);
        (void)sjr_bridge_defs(upd);
    }
    sjm_doc_init(&r.orig, orig, &r.arena, &olib);
    sjm_doc_init(&r.upd, upd, &r.arena, &ulib);
    sjc_compare(&r, &ctx, sjm_load(&r.orig, orig), sjm_load(&r.upd, upd));
    int compatible = 1;
    for (size_t i = 0; i < ctx.n; i++) {
        if (sjd_compatible(ctx.diffs[i].type))
            continue;
        compatible = 0;
        if (messages != NULL) {
            char *m = sjd_message(ctx.diffs[i].type, ctx.diffs[i].path,
                                  reader_is_new ? "new" : "old", reader_is_new ? "old" : "new");
            json_array_append_new(messages, json_string(m));
            free(m);
        }
    }
    sjc_ctx_free(&ctx);
    sjm_doc_free(&r.orig);
    sjm_doc_free(&r.upd);
    sjm_lib_free(&olib);
    sjm_lib_free(&ulib);
    hmap_free(&r.entered);
    buf_free(&r.path);
    free(r.marks);
    mem_arena_reset(&r.arena);
    jsn_free(upd);
    jsn_free(orig);
    return compatible;
}

int
schema_json_compatible(const char *reader, const schema_ref_t *reader_refs,
                       size_t nreader_refs, const char *writer,
                       const schema_ref_t *writer_refs, size_t nwriter_refs,
                       int reader_is_new, json_t *messages)
{
    return schema_json_compatible_dialect(reader, reader_refs, nreader_refs, writer, writer_refs,
                                          nwriter_refs, reader_is_new, 7, messages);
}
