/*
 * schema_json_loop.c - the $ref loops SchemaTranslator does not finish
 * (see schema_json_loop.h): a depth-first walk over the targets of
 * one keyword schema, each marked while on the path and when done.
 */
#include <stdint.h>
#include <string.h>

#include "hmap.h"
#include "schema_json_loop.h"

typedef struct sjl {
    const jsn_t *root;
    hmap_t state;       /* target address -> &on_path or &done */
    hmap_t anchors;     /* jsn_anchor_named's index */
    char on_path, done; /* their addresses are the two states */
} sjl_t;

static int sjl__target(sjl_t *l, const jsn_t *t, int depth);

static int
sjl__is(const char *k, size_t kl, const char *name)
{
    return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

/* json-sKema's keywordLoaders, and $ref: what makes a keyword schema. */
static int
sjl__loader(const char *k, size_t kl)
{
    static const char *const loaders[] = {
        "$ref", "additionalProperties", "type", "required", "not", "minLength", "maxLength",
        "minItems", "maxItems", "minProperties", "maxProperties", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum", "dependentRequired",
        "format", "propertyNames", "pattern", "dependentSchemas", "if", "contains",
        "prefixItems", "items", "oneOf", "anyOf", "allOf", "uniqueItems", "const", "readOnly",
        "writeOnly", NULL,
    };
    for (const char *const *p = loaders; *p; p++) {
        if (sjl__is(k, kl, *p))
            return 1;
    }
    return 0;
}

int
sjl_forgotten(const jsn_t *t)
{
    if (t->type != JSN_OBJ)
        return 0;
    size_t kws = 0;
    for (size_t i = 0; i < t->n; i++) {
        const jsn_t *v = t->items[i];
        int map = sjl__is(t->keys[i], t->klens[i], "properties") ||
                  sjl__is(t->keys[i], t->klens[i], "patternProperties");
        if (map && v->type == JSN_OBJ && v->n > 0)
            return 0;
        kws += (size_t)sjl__loader(t->keys[i], t->klens[i]);
    }
    return kws == 1;
}

/* The same-document target of `$ref` value `ref`, or NULL. */
static const jsn_t *
sjl__resolve(sjl_t *l, const jsn_t *ref)
{
    if (ref->type != JSN_STR)
        return NULL;
    const char *hash = memchr(ref->str, '#', ref->len);
    size_t base = hash ? (size_t)(hash - ref->str) : ref->len;
    const jsn_t *id = jsn_get(l->root, "$id");
    int self = base == 0 || (id != NULL && id->type == JSN_STR && id->len == base &&
                             memcmp(id->str, ref->str, base) == 0);
    if (!self)
        return NULL;
    const char *frag = hash ? hash + 1 : ref->str + ref->len;
    size_t flen = (size_t)(ref->str + ref->len - frag);
    if (flen > 0 && frag[0] != '/')
        return jsn_anchor_named(l->root, &l->anchors, frag, flen);
    return jsn_pointer(l->root, frag, flen);
}

/* Whether the subschemas SchemaTranslator visits under `s` reach a loop. */
static int
sjl__walk(sjl_t *l, const jsn_t *s, int depth)
{
    static const char *const one[] = {"not", "if", "then", "else", "items", "contains",
                                      "additionalProperties", "propertyNames",
                                      "unevaluatedItems", "unevaluatedProperties", NULL};
    static const char *const many[] = {"allOf", "anyOf", "oneOf", "prefixItems", "properties",
                                       "patternProperties", "dependentSchemas", "$defs", NULL};
    if (depth > JSN_MAX_DEPTH || s->type != JSN_OBJ)
        return 0;
    const jsn_t *ref = jsn_get(s, "$ref");
    const jsn_t *t = ref != NULL ? sjl__resolve(l, ref) : NULL;
    if (t != NULL && sjl_forgotten(t) && sjl__target(l, t, depth + 1))
        return 1;
    for (const char *const *k = one; *k; k++) {
        const jsn_t *v = jsn_get(s, *k);
        if (v != NULL && sjl__walk(l, v, depth + 1))
            return 1;
    }
    for (const char *const *k = many; *k; k++) {
        const jsn_t *v = jsn_get(s, *k);
        if (v == NULL || (v->type != JSN_OBJ && v->type != JSN_ARR))
            continue;
        for (size_t i = 0; i < v->n; i++) {
            if (sjl__walk(l, v->items[i], depth + 1))
                return 1;
        }
    }
    return 0;
}

static int
sjl__target(sjl_t *l, const jsn_t *t, int depth)
{
    uintptr_t key = (uintptr_t)t;
    const char *st = hmap_get(&l->state, &key, sizeof(key));
    if (st != NULL)
        return st == &l->on_path;
    hmap_put(&l->state, &key, sizeof(key), &l->on_path);
    int loop = sjl__walk(l, t, depth);
    hmap_put(&l->state, &key, sizeof(key), &l->done);
    return loop;
}

int
sjl_translator_loops(const jsn_t *root)
{
    sjl_t l = {.root = root};
    int loop = sjl__walk(&l, root, 0);
    hmap_free(&l.state);
    hmap_free(&l.anchors);
    return loop;
}
