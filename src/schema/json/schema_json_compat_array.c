/*
 * schema_json_compat_array.c - Confluent's ArraySchemaDiff: the schema of
 * every item, tuples against open, partially open and closed content
 * models, additionalItems, the item-count bounds and uniqueItems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json_compat.h"

/*
 * Arrays as everit models them.  Draft 2020-12 spells them otherwise and
 * Confluent's SchemaTranslator maps them back: `prefixItems` is the tuple,
 * and `items` is then what follows it (schemaOfAdditionalItems; false
 * closes the array), or every item's schema when there is no tuple.
 */
static int
sjc_prefixed(const sjm_schema_t *s)
{
    const jsn_t *p = s->doc->modern ? sjm_kw(s, "prefixItems") : NULL;
    return p != NULL && p->type == JSN_ARR && p->n > 0;
}

/* The keyword that says what follows the tuple. */
static const jsn_t *
sjc_after_tuple(const sjm_schema_t *s)
{
    if (!s->doc->modern)
        return sjm_kw(s, "additionalItems");
    const jsn_t *v = sjm_kw(s, "items");
    if (v != NULL && (sjc_prefixed(s) || v->type == JSN_FALSE))
        return v;
    return NULL;
}

/* getAllItemSchema(): "items" as one schema; NULL for a tuple or none. */
static const jsn_t *
sjc_all_items(const sjm_schema_t *s)
{
    const jsn_t *v = sjm_kw(s, "items");
    if (v != NULL && s->doc->modern && (sjc_prefixed(s) || v->type != JSN_OBJ))
        return NULL;
    return v != NULL && v->type != JSN_ARR ? v : NULL;
}

static size_t
sjc_tuple(const sjm_schema_t *s, const jsn_t ***items)
{
    const jsn_t *v = sjm_kw(s, s->doc->modern ? "prefixItems" : "items");
    *items = NULL;
    if (v == NULL || v->type != JSN_ARR)
        return 0;
    *items = (const jsn_t **)v->items;
    return v->n;
}

static int
sjc_arr_permits(const sjm_schema_t *s)
{
    const jsn_t *v = sjc_after_tuple(s);
    return v == NULL || v->type != JSN_FALSE;
}

static const jsn_t *
sjc_arr_additional(const sjm_schema_t *s)
{
    const jsn_t *v = sjc_after_tuple(s);
    return v != NULL && v->type == JSN_OBJ ? v : NULL;
}

/* 8.3: an unevaluatedItems other than true or empty closes it too. */
static int
sjc_arr_open(const sjm_schema_t *s)
{
    return sjc_arr_additional(s) == NULL && sjc_arr_permits(s) &&
           sjc_unevaluated_open(s, "unevaluatedItems");
}

/* schemaFromPartiallyOpenContentModel: the schema of additional items,
 * else (8.3, when they are not mentioned) that of unevaluatedItems. */
static const jsn_t *
sjc_arr_partial(const sjm_schema_t *s)
{
    if (sjc_arr_additional(s) != NULL || !sjc_arr_permits(s))
        return sjc_arr_additional(s);
    return sjc_unevaluated_partial(s, "unevaluatedItems");
}

static void
sjc_item_path(sjc_run_t *r, size_t index)
{
    char seg[32];
    int n = snprintf(seg, sizeof(seg), "items/%zu", index);
    sjc_push(r, seg, (size_t)n);
}

static void
sjc_item_removed(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u,
                 const jsn_t *orig)
{
    if (sjc_arr_open(u)) {
        sjc_add(r, ctx, SJD_ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
        return;
    }
    const jsn_t *partial = sjc_arr_partial(u);
    if (partial != NULL) {
        sjc_ctx_t sub = {0};
        sjc_compare(r, &sub, sjm_child(o, orig), sjm_child(u, partial));
        int ok = sjc_compatible(r, &sub);
        sjc_take(ctx, &sub);
        sjc_add(r, ctx, ok ? SJD_ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                           : SJD_ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        return;
    }
    sjc_add(r, ctx, orig->type == JSN_FALSE ? SJD_ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                                            : SJD_ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
}

static void
sjc_item_added(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u,
               const jsn_t *upd)
{
    sjm_schema_t *us = sjm_child(u, upd);
    if (sjc_arr_open(o)) {
        sjc_add(r, ctx, sjc_is_empty(us) ? SJD_ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                                         : SJD_ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
        return;
    }
    const jsn_t *partial = sjc_arr_partial(o);
    if (partial == NULL) {
        sjc_add(r, ctx, SJD_ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
        return;
    }
    sjc_ctx_t sub = {0};
    sjc_compare(r, &sub, sjm_child(o, partial), us);
    int ok = sjc_compatible(r, &sub);
    sjc_take(ctx, &sub);
    sjc_add(r, ctx, ok ? SJD_ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                       : SJD_ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
}

void
sjc_array(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u)
{
    sjc_push(r, "items", 5);
    sjc_compare(r, ctx, sjm_child(o, sjc_all_items(o)), sjm_child(u, sjc_all_items(u)));
    sjc_pop(r);
    const jsn_t **oi, **ui;
    size_t no = sjc_tuple(o, &oi), nu = sjc_tuple(u, &ui), i = 0;
    for (; i < no && i < nu; i++) {
        sjc_item_path(r, i);
        sjc_compare(r, ctx, sjm_child(o, oi[i]), sjm_child(u, ui[i]));
        sjc_pop(r);
    }
    for (size_t k = i; k < no; k++) {
        sjc_item_path(r, k);
        sjc_item_removed(r, ctx, o, u, oi[k]);
        sjc_pop(r);
    }
    for (size_t k = i; k < nu; k++) {
        sjc_item_path(r, k);
        sjc_item_added(r, ctx, o, u, ui[k]);
        sjc_pop(r);
    }
    const jsn_t *a = sjc_arr_additional(o), *b = sjc_arr_additional(u);
    sjc_push(r, "additionalItems", 15);
    if (sjc_arr_permits(o) != sjc_arr_permits(u))
        sjc_add(r, ctx, sjc_arr_permits(o) ? SJD_ADDITIONAL_ITEMS_REMOVED : SJD_ADDITIONAL_ITEMS_ADDED);
    else if (a == NULL && b != NULL)
        sjc_add(r, ctx, SJD_ADDITIONAL_ITEMS_NARROWED);
    else if (b == NULL && a != NULL)
        sjc_add(r, ctx, SJD_ADDITIONAL_ITEMS_EXTENDED);
    else if (a != NULL)
        sjc_compare(r, ctx, sjm_child(o, a), sjm_child(u, b));
    sjc_pop(r);
    sjc_unevaluated_cmp(r, ctx, o, u, "unevaluatedItems", SJD_UNEVALUATED_ITEMS_ADDED);
    sjc_bound(r, ctx, o, u, "maxItems", SJD_MAX_ITEMS_ADDED);
    sjc_bound(r, ctx, o, u, "minItems", SJD_MIN_ITEMS_ADDED);
    const jsn_t *ua = sjm_kw(o, "uniqueItems"), *ub = sjm_kw(u, "uniqueItems");
    int was = ua != NULL && ua->type == JSN_TRUE, is = ub != NULL && ub->type == JSN_TRUE;
    if (was != is)
        sjc_add_at(r, ctx, "uniqueItems", was ? SJD_UNIQUE_ITEMS_REMOVED : SJD_UNIQUE_ITEMS_ADDED);
    sjc_contains_bounds(r, ctx, o, u);
}
