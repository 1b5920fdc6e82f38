/*
 * schema_json_compat_v8.c - what Confluent 8.3's JsonSchemaDiff reads that
 * 7.9's did not (ObjectSchemaDiff and ArraySchemaDiff): the schema of
 * unevaluatedProperties and unevaluatedItems, which 8.3's SchemaTranslator
 * (json-sKema 0.30) keeps among an object's or array's unprocessed
 * properties, as a content model and compared, and the minContains and
 * maxContains numbers of an array's unprocessed properties.  Only a
 * document modelled for dialect 8 has any of them.
 */
#include <string.h>

#include "schema_json_compat.h"

const jsn_t *
sjc_unevaluated(const sjm_schema_t *s, const char *key)
{
    if (!s->doc->modern || s->doc->dialect < 8)
        return NULL;
    return sjm_kw(s, key);
}

int
sjc_unevaluated_open(const sjm_schema_t *s, const char *key)
{
    const jsn_t *v = sjc_unevaluated(s, key);
    return v == NULL || sjc_is_empty(sjm_child(s, v));
}

const jsn_t *
sjc_unevaluated_partial(const sjm_schema_t *s, const char *key)
{
    const jsn_t *v = sjc_unevaluated(s, key);
    if (v == NULL || v->type == JSN_FALSE || sjc_is_empty(sjm_child(s, v)))
        return NULL;
    return v;
}

/*
 * compareUnevaluatedProperties / compareUnevaluatedItems: `added` is the
 * first of the four kinds (ADDED, REMOVED, EXTENDED, NARROWED, in that
 * order in sjd_type_t).  ADDED means what 7.9 says of additionalProperties:
 * the update no longer forbids what the original did.
 */
void
sjc_unevaluated_cmp(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u,
                    const char *key, sjd_type_t added)
{
    const jsn_t *a = sjc_unevaluated(o, key), *b = sjc_unevaluated(u, key);
    if (a == NULL && b == NULL)
        return;
    sjd_type_t removed = added + 1, extended = added + 2, narrowed = added + 3;
    sjc_push(r, key, strlen(key));
    sjm_schema_t *am = a != NULL ? sjm_child(o, a) : NULL;
    sjm_schema_t *bm = b != NULL ? sjm_child(u, b) : NULL;
    int af = a != NULL && a->type == JSN_FALSE, bf = b != NULL && b->type == JSN_FALSE;
    if (a == NULL)
        sjc_add(r, ctx, bf ? removed : narrowed);
    else if (b == NULL)
        sjc_add(r, ctx, af ? added : extended);
    else if (af && !bf)
        sjc_add(r, ctx, added);
    else if (!af && bf)
        sjc_add(r, ctx, removed);
    else if (sjc_is_empty(am) && !sjc_is_empty(bm))
        sjc_add(r, ctx, narrowed);
    else if (!sjc_is_empty(am) && sjc_is_empty(bm))
        sjc_add(r, ctx, extended);
    else
        sjc_compare(r, ctx, am, bm);
    sjc_pop(r);
}

/*
 * An array's minContains or maxContains as ArraySchemaDiff reads it (a
 * Number among the unprocessed properties, compared by intValue()): in
 * 2019-09 and 2020-12 the translator writes them only for a `contains`
 * (minContains 1 when not given), on the contains' own array schema;
 * everit (draft-04 to -07) leaves both keywords, unknown to it, among the
 * unprocessed properties of the schema it loads from the object, which is
 * the synthetic allOf when the object has parts of several kinds (its
 * array part has none).  1 with *v set, or 0.
 */
static int
sjc_contains_bound(const sjm_schema_t *s, const char *key, long *v)
{
    const jsn_t *n = sjm_kw(s, key);
    double d;
    if (s->doc->modern ? sjm_kw(s, "contains") == NULL : s->part)
        return 0;
    if (n == NULL || !jsn_number(n, &d)) {
        *v = 1;
        return s->doc->modern && strcmp(key, "minContains") == 0;
    }
    *v = (long)sjc_int_value(n);
    return 1;
}

static void
sjc_contains_cmp(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u,
                 const char *key, sjd_type_t added)
{
    long a = 0, b = 0;
    int ha = sjc_contains_bound(o, key, &a), hb = sjc_contains_bound(u, key, &b);
    if (!ha && !hb)
        return;
    if (!ha)
        sjc_add_at(r, ctx, key, added);
    else if (!hb)
        sjc_add_at(r, ctx, key, added + 1);
    else if (a < b)
        sjc_add_at(r, ctx, key, added + 2);
    else if (a > b)
        sjc_add_at(r, ctx, key, added + 3);
}

void
sjc_contains_bounds(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u)
{
    if (o->doc->dialect < 8)
        return;
    sjc_contains_cmp(r, ctx, o, u, "maxContains", SJD_MAX_CONTAINS_ADDED);
    sjc_contains_cmp(r, ctx, o, u, "minContains", SJD_MIN_CONTAINS_ADDED);
}
