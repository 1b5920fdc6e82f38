/*
 * schema_json_compat_object.c - Confluent's ObjectSchemaDiff: properties
 * added and removed against open, partially open and closed content
 * models, required lists, dependencies, additionalProperties and the
 * property-count bounds.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"
#include "schema_json_compat.h"

typedef struct sjc_obj {
    const sjm_schema_t *s;
    sjm_doc_t *doc;
    const jsn_t *props;         /* "properties", or NULL */
    const jsn_t *patterns;      /* "patternProperties", or NULL */
    const jsn_t *additional;    /* "additionalProperties", or NULL */
    hmap_t required;
} sjc_obj_t;

static void
sjc_obj_init(sjc_obj_t *ob, const sjm_schema_t *s, sjm_doc_t *doc)
{
    memset(ob, 0, sizeof(*ob));
    ob->s = s;
    ob->doc = doc;
    ob->props = sjm_kw(s, "properties");
    if (ob->props != NULL && ob->props->type != JSN_OBJ)
        ob->props = NULL;
    ob->patterns = sjm_kw(s, "patternProperties");
    if (ob->patterns != NULL && (ob->patterns->type != JSN_OBJ || ob->patterns->n == 0))
        ob->patterns = NULL;
    ob->additional = sjm_kw(s, "additionalProperties");
    const jsn_t *req = sjm_kw(s, "required");
    for (size_t i = 0; req != NULL && req->type == JSN_ARR && i < req->n; i++) {
        const jsn_t *e = req->items[i];
        if (e->type == JSN_STR)
            hmap_put(&ob->required, e->str, e->len, ob);
    }
}

static int
sjc_obj_permits(const sjc_obj_t *ob)
{
    return ob->additional == NULL || ob->additional->type != JSN_FALSE;
}

/* getSchemaOfAdditionalProperties(): set by an object, not by a boolean. */
static const jsn_t *
sjc_obj_additional(const sjc_obj_t *ob)
{
    return ob->additional != NULL && ob->additional->type == JSN_OBJ ? ob->additional : NULL;
}

/* 8.3: an unevaluatedProperties other than true or empty closes it too. */
static int
sjc_obj_open(const sjc_obj_t *ob)
{
    return ob->patterns == NULL && sjc_obj_additional(ob) == NULL && sjc_obj_permits(ob) &&
           sjc_unevaluated_open(ob->s, "unevaluatedProperties");
}

static int
sjc_regex_find(sjc_run_t *r, const char *pattern, const char *key)
{
    regex_t re;
    int icase;
    r->budget -= 16;
    /* Patterns are Java's: what POSIX cannot spell finds nothing. */
    char *posix = schema_json_regex_posix(pattern, strlen(pattern), &icase);
    if (posix == NULL || regcomp(&re, posix, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0)) != 0) {
        free(posix);
        return 0;
    }
    free(posix);
    int found = regexec(&re, key, 0, NULL, 0) == 0;
    regfree(&re);
    return found;
}

/* schemaFromPartiallyOpenContentModel: the first pattern that finds the
 * key, else the schema of additional properties, else (8.3, when
 * additionalProperties is absent) that of unevaluatedProperties; NULL when
 * none. */
static const jsn_t *
sjc_obj_partial(sjc_run_t *r, const sjc_obj_t *ob, const char *key)
{
    for (size_t i = 0; ob->patterns != NULL && i < ob->patterns->n; i++) {
        if (sjc_regex_find(r, ob->patterns->keys[i], key))
            return ob->patterns->items[i];
    }
    if (sjc_obj_additional(ob) != NULL || !sjc_obj_permits(ob))
        return sjc_obj_additional(ob);
    return sjc_unevaluated_partial(ob->s, "unevaluatedProperties");
}

static int
sjc_has_default(const jsn_t *prop)
{
    return prop != NULL && jsn_get(prop, "default") != NULL;
}

static void
sjc_obj_required(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u)
{
    size_t n;
    sjm_key_t *keys = sjm_map_keys(o->props, &n);
    sjc_push(r, "required", 8);
    for (size_t i = 0; i < n; i++) {
        long at = jsn_find(u->props, keys[i].key, keys[i].klen);
        if (at < 0)
            continue;
        int was = hmap_get(&o->required, keys[i].key, keys[i].klen) != NULL;
        int is = hmap_get(&u->required, keys[i].key, keys[i].klen) != NULL;
        sjc_push(r, keys[i].key, keys[i].klen);
        if (was && !is)
            sjc_add(r, ctx, SJD_REQUIRED_ATTRIBUTE_REMOVED);
        else if (!was && is)
            sjc_add(r, ctx, sjc_has_default(u->props->items[at])
                                ? SJD_REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                                : SJD_REQUIRED_ATTRIBUTE_ADDED);
        sjc_pop(r);
    }
    sjc_pop(r);
    free(keys);
}

static void
sjc_prop_removed(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u,
                 const jsn_t *orig, const char *key)
{
    if (sjc_obj_open(u)) {
        sjc_add(r, ctx, SJD_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
        return;
    }
    const jsn_t *partial = sjc_obj_partial(r, u, key);
    if (partial != NULL) {
        sjc_ctx_t sub = {0};
        sjc_compare(r, &sub, sjm_child(o->s, orig), sjm_child(u->s, partial));
        int ok = sjc_compatible(r, &sub);
        sjc_take(ctx, &sub);
        sjc_add(r, ctx, ok ? SJD_PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                           : SJD_PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        return;
    }
    sjc_add(r, ctx, orig->type == JSN_FALSE
                        ? SJD_PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                        : SJD_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
}

/* A property the update adds to an open content model.  8.3 tells a
 * required one (with or without a default) from an optional one, where
 * 7.9 had one kind for both. */
static sjd_type_t
sjc_open_added(const sjc_run_t *r, const sjc_obj_t *u, const sjm_schema_t *us,
               const jsn_t *upd, const char *key)
{
    if (sjc_is_empty(us))
        return SJD_PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL;
    if (r->dialect < 8)
        return SJD_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL;
    if (hmap_get(&u->required, key, strlen(key)) == NULL)
        return SJD_OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL;
    return sjc_has_default(upd) ? SJD_REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
                                : SJD_REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL;
}

static void
sjc_prop_added(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u,
               const jsn_t *upd, const char *key)
{
    sjm_schema_t *us = sjm_child(u->s, upd);
    if (sjc_obj_open(o)) {
        sjc_add(r, ctx, sjc_open_added(r, u, us, upd, key));
        return;
    }
    const jsn_t *partial = sjc_obj_partial(r, o, key);
    if (partial != NULL) {
        sjc_ctx_t sub = {0};
        sjc_compare(r, &sub, sjm_child(o->s, partial), us);
        int ok = sjc_compatible(r, &sub);
        sjc_take(ctx, &sub);
        sjc_add(r, ctx, ok ? SJD_PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                           : SJD_PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
    }
    if (hmap_get(&u->required, key, strlen(key)) != NULL)
        sjc_add(r, ctx, sjc_has_default(upd)
                            ? SJD_REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                            : SJD_REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
    else
        sjc_add(r, ctx, SJD_OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
}

static void
sjc_obj_properties(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u)
{
    size_t n;
    sjm_key_t *keys = sjm_union_keys(o->props, u->props, &n);
    sjc_push(r, "properties", 10);
    for (size_t i = 0; i < n; i++) {
        long ao = jsn_find(o->props, keys[i].key, keys[i].klen);
        long au = jsn_find(u->props, keys[i].key, keys[i].klen);
        const jsn_t *orig = ao >= 0 ? o->props->items[ao] : NULL;
        const jsn_t *upd = au >= 0 ? u->props->items[au] : NULL;
        sjc_push(r, keys[i].key, keys[i].klen);
        if (upd == NULL)
            sjc_prop_removed(r, ctx, o, u, orig, keys[i].key);
        else if (orig == NULL)
            sjc_prop_added(r, ctx, o, u, upd, keys[i].key);
        else
            sjc_compare(r, ctx, sjm_child(o->s, orig), sjm_child(u->s, upd));
        sjc_pop(r);
    }
    sjc_pop(r);
    free(keys);
}

static const jsn_t *
sjc_deps(const sjm_schema_t *s, int arrays)
{
    if (!s->doc->modern)
        return sjm_kw(s, "dependencies");
    return sjm_kw(s, arrays ? "dependentRequired" : "dependentSchemas");
}

/* The dependencies of one kind: arrays (property) or schemas.  In 2019-09
 * and 2020-12 SchemaTranslator makes them of dependentRequired (an empty
 * list adds none) and dependentSchemas; everit's of `dependencies`. */
static const jsn_t *
sjc_dep(const sjm_schema_t *s, const char *key, size_t klen, int arrays)
{
    const jsn_t *deps = sjc_deps(s, arrays);
    long at = jsn_find(deps, key, klen);
    if (at < 0)
        return NULL;
    const jsn_t *v = deps->items[at];
    if (s->doc->modern)
        return arrays && (v->type != JSN_ARR || v->n == 0) ? NULL : v;
    return (v->type == JSN_ARR) == arrays ? v : NULL;
}

static void
sjc_obj_dependencies(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u)
{
    sjc_push(r, "dependencies", 12);
    for (int arrays = 1; arrays >= 0; arrays--) {
        size_t n;
        sjm_key_t *keys = sjm_union_keys(sjc_deps(o->s, arrays), sjc_deps(u->s, arrays), &n);
        for (size_t i = 0; i < n; i++) {
            const jsn_t *a = sjc_dep(o->s, keys[i].key, keys[i].klen, arrays);
            const jsn_t *b = sjc_dep(u->s, keys[i].key, keys[i].klen, arrays);
            if (a == NULL && b == NULL)
                continue;
            sjc_push(r, keys[i].key, keys[i].klen);
            if (b == NULL) {
                sjc_add(r, ctx, arrays ? SJD_DEPENDENCY_ARRAY_REMOVED : SJD_DEPENDENCY_SCHEMA_REMOVED);
            } else if (a == NULL) {
                sjc_add(r, ctx, arrays ? SJD_DEPENDENCY_ARRAY_ADDED : SJD_DEPENDENCY_SCHEMA_ADDED);
            } else if (arrays) {
                static const sjd_type_t by[] = {SJD_COUNT, SJD_DEPENDENCY_ARRAY_EXTENDED,
                                                SJD_DEPENDENCY_ARRAY_NARROWED,
                                                SJD_DEPENDENCY_ARRAY_CHANGED};
                int rel = sjc_set_relation(a, b);
                if (rel != 0)
                    sjc_add(r, ctx, by[rel]);
            } else {
                sjc_compare(r, ctx, sjm_child(o->s, a), sjm_child(u->s, b));
            }
            sjc_pop(r);
        }
        free(keys);
    }
    sjc_pop(r);
}

static void
sjc_obj_additional_cmp(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u)
{
    const jsn_t *a = sjc_obj_additional(o), *b = sjc_obj_additional(u);
    sjc_push(r, "additionalProperties", 20);
    if (sjc_obj_permits(o) != sjc_obj_permits(u))
        sjc_add(r, ctx, sjc_obj_permits(u) ? SJD_ADDITIONAL_PROPERTIES_ADDED
                                           : SJD_ADDITIONAL_PROPERTIES_REMOVED);
    else if (a == NULL && b != NULL)
        sjc_add(r, ctx, SJD_ADDITIONAL_PROPERTIES_NARROWED);
    else if (b == NULL && a != NULL)
        sjc_add(r, ctx, SJD_ADDITIONAL_PROPERTIES_EXTENDED);
    else if (a != NULL)
        sjc_compare(r, ctx, sjm_child(o->s, a), sjm_child(u->s, b));
    sjc_pop(r);
}

void
sjc_object(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *os, const sjm_schema_t *us)
{
    sjc_obj_t o, u;
    sjc_obj_init(&o, os, os->doc);
    sjc_obj_init(&u, us, us->doc);
    sjc_obj_required(r, ctx, &o, &u);
    sjc_obj_properties(r, ctx, &o, &u);
    sjc_obj_dependencies(r, ctx, &o, &u);
    sjc_obj_additional_cmp(r, ctx, &o, &u);
    sjc_unevaluated_cmp(r, ctx, os, us, "unevaluatedProperties", SJD_UNEVALUATED_PROPERTIES_ADDED);
    sjc_bound(r, ctx, os, us, "maxProperties", SJD_MAX_PROPERTIES_ADDED);
    sjc_bound(r, ctx, os, us, "minProperties", SJD_MIN_PROPERTIES_ADDED);
    hmap_free(&o.required);
    hmap_free(&u.required);
}
