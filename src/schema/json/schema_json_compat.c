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
sjc_compatible(const sjc_run_t *r, const sjc_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        if (!sjd_compatible(ctx->diffs[i].type, r->lenient))
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

/*
 * Number.intValue() of a literal as Java gives it for what Jackson reads
 * (an Integer, Long or BigInteger, or a BigDecimal: Confluent's mapper reads
 * fractions so): the integer part, truncated toward zero, wrapped to its low
 * 32 bits.  From the literal's text, so a value past a double's range is no
 * matter: 10^32 is a multiple of 2^32, so a digit more than 32 places left
 * of the end adds nothing.
 */
long long
sjc_int_value(const jsn_t *v)
{
    const char *p = v->str, *end = v->str + v->len, *e = memchr(p, 'E', v->len);
    if (e == NULL)
        e = memchr(p, 'e', v->len);
    int neg = p < end && *p == '-';
    p += p < end && (*p == '-' || *p == '+');
    const char *mend = e ? e : end, *dot = memchr(p, '.', (size_t)(mend - p));
    long exp = e ? strtol(e + 1, NULL, 10) : 0;
    long whole = (long)((dot ? dot : mend) - p);
    if (exp > 64)
        exp = 64;
    if (exp < -(whole + 1))
        exp = -(whole + 1);
    long want = whole + exp;        /* the digits left of the point */
    uint32_t acc = 0;
    long k = 0;
    for (const char *q = p; q < mend && k < want; q++) {
        if (*q == '.')
            continue;
        if (*q < '0' || *q > '9')
            return 0;               /* NaN, Infinity: the loaders refuse them first */
        acc = acc * 10u + (uint32_t)(*q - '0');
        k++;
    }
    for (; k < want && k < whole + 64; k++)
        acc *= 10u;
    return (int32_t)(neg ? 0u - acc : acc);
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
    sjc_add(r, ctx, sjc_compatible(r, &sub) ? SJD_NOT_TYPE_NARROWED : SJD_NOT_TYPE_EXTENDED);
    sjc_pop(r);
    sjc_ctx_free(&sub);
}

int
sjc_is_empty(const sjm_schema_t *s)
{
    return s != NULL && (s->kind == SJM_EMPTY || s->kind == SJM_TRUE);
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
 * type to the other).  The keyword is an unprocessed property of the
 * schema loaded from its object: one part of a synthetic allOf has none. */
static int
sjc_connect_bytes(const sjc_run_t *r, const sjm_schema_t *o, const sjm_schema_t *u)
{
    if (r->dialect < 8 || o->part || u->part)
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
        if (sjc_compatible(r, &sub)) {
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
                               int reader_is_new, int dialect, int lenient, json_t *messages)
{
    jsn_t *upd = jsn_parse(reader, strlen(reader));
    jsn_t *orig = jsn_parse(writer, strlen(writer));
    if (upd == NULL || orig == NULL) {
        jsn_free(upd);
        jsn_free(orig);
        return -1;
    }
    /* LENIENT is 8.3's; 7.9 has one set. */
    lenient = lenient && dialect >= 8;
    sjc_run_t r = {.budget = SJC_BUDGET, .dialect = dialect, .lenient = lenient};
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
        if (sjd_compatible(ctx.diffs[i].type, lenient))
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
                                          nwriter_refs, reader_is_new, 7, 0, messages);
}
