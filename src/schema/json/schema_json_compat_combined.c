/*
 * schema_json_compat_combined.c - Confluent's CombinedSchemaDiff: the
 * subschemas of two allOf/anyOf/oneOf schemas without duplicates (two that
 * everit's toString() prints alike are one, as Confluent's LinkedHashSet of
 * JsonSchema copies makes them), counted, then paired by a maximum
 * bipartite matching of the compatible pairs.  Split from
 * schema_json_compat.c, whose Context it shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json_compat.h"

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

int
sjc_single(const sjm_schema_t *c)
{
    return c->nsubs == 1;
}

void
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
            edge[i * nu + k] = (unsigned char)sjc_compatible(r, &sub);
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
