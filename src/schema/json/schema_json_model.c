/*
 * schema_json_model.c - everit's model of a JSON Schema (see
 * schema_json_model.h), read off the parsed document: which schema classes
 * a JSON object becomes, references into the document, and the order of
 * Java's HashMap and HashSet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json_loop.h"
#include "schema_json_model.h"

static const char *const sjm_criteria[] = {"allOf", "anyOf", "oneOf"};

const char *
sjm_criterion(int criterion)
{
    return sjm_criteria[criterion];
}

void
sjm_doc_init(sjm_doc_t *d, const jsn_t *root, mem_arena_t *arena, sjm_lib_t *lib)
{
    d->draft = jsn_draft(root);
    d->root = root;
    d->id_key = d->draft == JSN_DRAFT4 ? "id" : "$id";
    /* json-sKema 0.19 reads 2019-09 as 2020-12 (its only draft). */
    d->modern = d->draft == JSN_DRAFT2020 || d->draft == JSN_DRAFT2019;
    d->memo = (hmap_t){0};
    d->anchors = (hmap_t){0};
    d->main = (hmap_t){0};
    d->main_done = 0;
    d->scope = NULL;
    d->arena = arena;
    d->dialect = lib != NULL ? lib->dialect : 7;
    d->lib = lib;
}

void
sjm_doc_free(sjm_doc_t *d)
{
    hmap_free(&d->memo);
    hmap_free(&d->anchors);
    hmap_free(&d->main);
}

void
sjm_lib_init(sjm_lib_t *l, const schema_ref_t *refs, size_t n, mem_arena_t *arena,
             int dialect)
{
    sjr_init(&l->set, refs, n, dialect);
    l->dialect = dialect;
    l->docs = n ? mem_calloc(n, sizeof(*l->docs)) : NULL;
    l->arena = arena;
}

void
sjm_lib_free(sjm_lib_t *l)
{
    for (size_t i = 0; i < l->set.n; i++)
        sjm_doc_free(&l->docs[i]);
    free(l->docs);
    sjr_free(&l->set);
}

/* The document of another reference a $ref names (its `base` bytes), or NULL. */
static sjm_doc_t *
sjm__other(const sjm_doc_t *d, const char *ref, size_t base)
{
    const jsn_t *root;
    if (d->lib == NULL)
        return NULL;
    long i = sjr_find(&d->lib->set, ref, base, jsn_get(d->root, d->id_key), &root);
    if (i < 0)
        return NULL;
    sjm_doc_t *o = &d->lib->docs[i];
    if (o->root == NULL)
        sjm_doc_init(o, root, d->lib->arena, d->lib);
    return o;
}

const jsn_t *
sjm_kw(const sjm_schema_t *s, const char *key)
{
    const jsn_t *v = s->over != NULL ? jsn_get(s->over, key) : NULL;
    return v != NULL ? v : jsn_get(s->src, key);
}

static sjm_schema_t *
sjm__new(sjm_doc_t *d, sjm_kind_t kind, const jsn_t *src)
{
    sjm_schema_t *s = mem_arena_alloc(d->arena, sizeof(*s));
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->src = src;
    s->doc = d;
    s->scope = d->scope;
    return s;
}

static void
sjm__add_sub(sjm_doc_t *d, sjm_schema_t *c, sjm_schema_t *sub)
{
    sjm_schema_t **v = mem_arena_alloc(d->arena, (c->nsubs + 1) * sizeof(*v));
    if (c->nsubs)
        memcpy(v, c->subs, c->nsubs * sizeof(*v));
    v[c->nsubs++] = sub;
    c->subs = v;
}

/*
 * A member of an allOf/anyOf/oneOf keyword.  SchemaTranslator (2019-09,
 * 2020-12) joins the members into the combined schema and flattens a
 * member that is the generated allOf of several parts into its parts
 * (SchemaContext.join's flatten), whatever the keyword; everit keeps it.
 */
static void
sjm__add_member(sjm_doc_t *d, sjm_schema_t *c, sjm_schema_t *m)
{
    if (!d->modern || m->kind != SJM_COMBINED || !m->generated) {
        sjm__add_sub(d, c, m);
        return;
    }
    for (size_t i = 0; i < m->nsubs; i++)
        sjm__add_sub(d, c, m->subs[i]);
}

/* Whether `j` holds one of `keys` that `d`'s draft knows (draft-04 has
 * no contains and no propertyNames: everit reads them as nothing). */
static int
sjm__has_any(const sjm_doc_t *d, const jsn_t *j, const char *const *keys)
{
    int draft = d->draft, modern = d->modern;
    /* 8.3's SchemaVisitor (json-sKema 0.30) visits unevaluatedItems and
     * unevaluatedProperties always, and its translator makes an array or
     * object schema of them; 0.19's only when nothing else was there. */
    int unevaluated = modern && d->dialect >= 8;
    for (; *keys; keys++) {
        if (draft == JSN_DRAFT4 &&
            (strcmp(*keys, "contains") == 0 || strcmp(*keys, "propertyNames") == 0))
            continue;
        /* SchemaTranslator: formats ignored; json-sKema: no dependencies, no
         * additionalItems (dependentRequired, dependentSchemas and
         * prefixItems instead, which everit does not know). */
        if (modern && (strcmp(*keys, "format") == 0 || strcmp(*keys, "dependencies") == 0 ||
                       strcmp(*keys, "additionalItems") == 0))
            continue;
        if (!modern && (strcmp(*keys, "dependentRequired") == 0 ||
                        strcmp(*keys, "dependentSchemas") == 0 || strcmp(*keys, "prefixItems") == 0))
            continue;
        if (!unevaluated && strncmp(*keys, "unevaluated", 11) == 0)
            continue;
        if (jsn_get(j, *keys) != NULL)
            return 1;
    }
    return 0;
}

static const char *const sjm_string_keys[] = {"minLength", "maxLength", "pattern", "format", NULL};
static const char *const sjm_number_keys[] = {"minimum", "maximum", "exclusiveMinimum",
                                              "exclusiveMaximum", "multipleOf", NULL};
static const char *const sjm_object_keys[] = {"properties", "required", "minProperties",
                                              "maxProperties", "dependencies",
                                              "patternProperties", "additionalProperties",
                                              "propertyNames", "dependentRequired",
                                              "dependentSchemas", "unevaluatedProperties", NULL};
static const char *const sjm_array_keys[] = {"items", "additionalItems", "minItems",
                                             "maxItems", "uniqueItems", "contains",
                                             "prefixItems", "unevaluatedItems", NULL};

static sjm_schema_t *sjm__load(sjm_doc_t *d, const jsn_t *scope, const jsn_t *j);

static sjm_schema_t *
sjm__typed(sjm_doc_t *d, const jsn_t *j, const char *type, size_t tlen)
{
    static const struct { const char *name; sjm_kind_t kind; } types[] = {
        {"string", SJM_STRING}, {"integer", SJM_NUMBER}, {"number", SJM_NUMBER},
        {"boolean", SJM_BOOLEAN}, {"null", SJM_NULL}, {"object", SJM_OBJECT}, {"array", SJM_ARRAY},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strlen(types[i].name) == tlen && memcmp(types[i].name, type, tlen) == 0) {
            sjm_schema_t *s = sjm__new(d, types[i].kind, j);
            s->integer = i == 1;
            return s;
        }
    }
    return sjm__new(d, SJM_EMPTY, j);
}

/* TypeBasedSchemaExtractor and PropertySnifferSchemaExtractor. */
static void
sjm__type_parts(sjm_doc_t *d, const jsn_t *j, sjm_schema_t **parts, size_t *n)
{
    const jsn_t *t = jsn_get(j, "type");
    int typed[4] = {0};     /* string, number, object, array: the typed part took them */
    if (t != NULL && t->type == JSN_STR) {
        parts[(*n)++] = sjm__typed(d, j, t->str, t->len);
        typed[0] = parts[*n - 1]->kind == SJM_STRING;
        typed[1] = parts[*n - 1]->kind == SJM_NUMBER;
        typed[2] = parts[*n - 1]->kind == SJM_OBJECT;
        typed[3] = parts[*n - 1]->kind == SJM_ARRAY;
    } else if (t != NULL && t->type == JSN_ARR) {
        sjm_schema_t *any = sjm__new(d, SJM_COMBINED, j);
        any->criterion = SJM_ANY;
        for (size_t i = 0; i < t->n; i++) {
            const jsn_t *e = t->items[i];
            sjm_schema_t *s = sjm__typed(d, j, e->str ? e->str : "", e->len);
            typed[0] |= s->kind == SJM_STRING;
            typed[1] |= s->kind == SJM_NUMBER;
            typed[2] |= s->kind == SJM_OBJECT;
            typed[3] |= s->kind == SJM_ARRAY;
            sjm__add_sub(d, any, s);
        }
        parts[(*n)++] = any;
    }
    if (t == NULL || !typed[3]) {
        if (sjm__has_any(d, j, sjm_array_keys))
            parts[(*n)++] = sjm__new(d, SJM_ARRAY, j);
    }
    if (t == NULL || !typed[2]) {
        if (sjm__has_any(d, j, sjm_object_keys))
            parts[(*n)++] = sjm__new(d, SJM_OBJECT, j);
    }
    if (t == NULL || !typed[1]) {
        if (sjm__has_any(d, j, sjm_number_keys))
            parts[(*n)++] = sjm__new(d, SJM_NUMBER, j);
    }
    if (t == NULL || !typed[0]) {
        if (sjm__has_any(d, j, sjm_string_keys))
            parts[(*n)++] = sjm__new(d, SJM_STRING, j);
    }
}

/* The schema a `$dynamicRef` "#name" of `j` reaches: the first $anchor or
 * $dynamicAnchor of that name in the document (json-sKema's dynamic scope
 * finds the same one in the documents seen here), or NULL. */
static const jsn_t *
sjm__dynamic_target(sjm_doc_t *d, const jsn_t *j)
{
    const jsn_t *dr = jsn_get(j, "$dynamicRef");
    if (dr == NULL || dr->type != JSN_STR)
        return NULL;
    const char *hash = memchr(dr->str, '#', dr->len);
    if (hash == NULL)
        return NULL;
    size_t n = (size_t)(dr->str + dr->len - hash - 1);
    return jsn_anchor_named(d->root, &d->anchors, hash + 1, n);
}

/*
 * json-sKema's SchemaVisitor visits what a $dynamicRef reaches in place and
 * SchemaTranslator joins it with the schema's own product (`self`, an
 * EmptySchema when it has none): a generated allOf of both, each
 * flattened.
 */
static sjm_schema_t *
sjm__dynamic(sjm_doc_t *d, const jsn_t *j, sjm_schema_t *self)
{
    sjm_schema_t *t = sjm__load(d, j, sjm__dynamic_target(d, j));
    /* SchemaContext.join merges two string or two number schemas into one. */
    if (t->kind == self->kind && (t->kind == SJM_STRING || t->kind == SJM_NUMBER) && t->over == NULL) {
        sjm_schema_t *m = mem_arena_alloc(d->arena, sizeof(*m));
        *m = *t;
        m->over = self->src;
        m->integer = t->integer || self->integer;
        return m;
    }
    sjm_schema_t *c = sjm__new(d, SJM_COMBINED, j);
    c->criterion = SJM_ALL;
    c->generated = 1;
    sjm_schema_t *both[2] = {t, self};
    for (int k = 0; k < 2; k++) {
        if (both[k]->kind == SJM_COMBINED && both[k]->generated) {
            for (size_t i = 0; i < both[k]->nsubs; i++)
                sjm__add_sub(d, c, both[k]->subs[i]);
        } else {
            sjm__add_sub(d, c, both[k]);
        }
    }
    return c;
}

static sjm_schema_t *
sjm__build(sjm_doc_t *d, const jsn_t *j)
{
    if (j->type == JSN_TRUE)
        return sjm__new(d, SJM_TRUE, j);
    if (j->type == JSN_FALSE)
        return sjm__new(d, SJM_FALSE, j);
    if (j->type != JSN_OBJ)
        return sjm__new(d, SJM_EMPTY, j);
    const jsn_t *ref = jsn_get(j, "$ref");
    sjm_schema_t *parts[16];
    size_t n = 0;
    if (ref != NULL && ref->type == JSN_STR) {
        sjm_schema_t *s = sjm__new(d, SJM_REF, j);
        s->ref = ref->str;
        /* everit reads nothing beside a $ref; json-sKema reads it all, and
         * SchemaTranslator joins the $ref with the rest (below). */
        if (!d->modern)
            return s;
        parts[n++] = s;
    }
    if (jsn_get(j, "enum") != NULL)
        parts[n++] = sjm__new(d, SJM_ENUM, j);
    for (int c = SJM_ALL; c <= SJM_ONE; c++) {
        const jsn_t *list = jsn_get(j, sjm_criterion(c));
        if (list == NULL || list->type != JSN_ARR)
            continue;
        sjm_schema_t *comb = sjm__new(d, SJM_COMBINED, j);
        comb->criterion = c;
        for (size_t i = 0; i < list->n; i++)
            sjm__add_member(d, comb, sjm__load(d, d->scope, list->items[i]));
        parts[n++] = comb;
    }
    const jsn_t *not = jsn_get(j, "not");
    if (not != NULL) {
        sjm_schema_t *s = sjm__new(d, SJM_NOT, j);
        sjm__add_sub(d, s, sjm__load(d, d->scope, not));
        parts[n++] = s;
    }
    /* draft-04 has no const (everit's ConstSchemaExtractor skips it). */
    if (jsn_get(j, "const") != NULL && d->draft != JSN_DRAFT4)
        parts[n++] = sjm__new(d, SJM_CONST, j);
    sjm__type_parts(d, j, parts, &n);
    /* The property sniffer's last schema: a conditional one (draft-07 on). */
    int cond_known = d->draft != JSN_DRAFT4 && d->draft != JSN_DRAFT6;
    /* json-sKema's ifThenElseLoader is keyed on `if`: then/else alone are nothing. */
    int cond = jsn_get(j, "if") != NULL ||
               (!d->modern && (jsn_get(j, "then") != NULL || jsn_get(j, "else") != NULL));
    if (cond_known && cond)
        parts[n++] = sjm__new(d, SJM_COND, j);
    sjm_schema_t *s;
    if (n == 0 && d->modern && sjm__dynamic_target(d, j) != NULL) {
        s = sjm__new(d, SJM_EMPTY, j);
        return sjm__dynamic(d, j, s);
    }
    if (n == 0) {
        s = sjm__new(d, SJM_EMPTY, j);
    } else if (n == 1) {
        s = parts[0];
    } else {
        s = sjm__new(d, SJM_COMBINED, j);
        s->criterion = SJM_ALL;
        s->generated = 1;
        for (size_t i = 0; i < n; i++) {
            parts[i]->part = 1;
            sjm__add_sub(d, s, parts[i]);
        }
    }
    return d->modern && sjm__dynamic_target(d, j) != NULL ? sjm__dynamic(d, j, s) : s;
}

/* The model of node `j` of document `d` under `key` (a scope): built once,
 * so loops of $refs meet the same schema again (which the Context then
 * does not re-enter); its subschemas are loaded in scope `kids`. */
static sjm_schema_t *
sjm__load_as(sjm_doc_t *d, const jsn_t *key_scope, const jsn_t *kids, const jsn_t *j)
{
    if (j == NULL)
        return NULL;
    const jsn_t *key[2] = {key_scope, j};
    sjm_schema_t *s = hmap_get(&d->memo, key, sizeof(key));
    if (s == NULL) {
        const jsn_t *was = d->scope;
        d->scope = kids;
        s = sjm__build(d, j);
        d->scope = was;
        hmap_put(&d->memo, key, sizeof(key), s);
    }
    return s;
}

static sjm_schema_t *
sjm__load(sjm_doc_t *d, const jsn_t *scope, const jsn_t *j)
{
    return sjm__load_as(d, scope, scope, j);
}

/* SchemaTranslator's first pass over the document: what SchemaVisitor
 * visits from the root ($defs are translated apart, $refs not followed). */
static void
sjm__mark_main(sjm_doc_t *d, const jsn_t *s, int depth)
{
    static const char *const one[] = {"not", "if", "then", "else", "items", "contains",
                                      "additionalProperties", "propertyNames",
                                      "unevaluatedItems", "unevaluatedProperties", NULL};
    static const char *const many[] = {"allOf", "anyOf", "oneOf", "prefixItems", "properties",
                                       "patternProperties", "dependentSchemas", NULL};
    if (depth > JSN_MAX_DEPTH || s->type != JSN_OBJ)
        return;
    uintptr_t key = (uintptr_t)s;
    hmap_put(&d->main, &key, sizeof(key), d);
    for (const char *const *k = one; *k; k++) {
        const jsn_t *v = jsn_get(s, *k);
        if (v != NULL)
            sjm__mark_main(d, v, depth + 1);
    }
    for (const char *const *k = many; *k; k++) {
        const jsn_t *v = jsn_get(s, *k);
        for (size_t i = 0; v != NULL && (v->type == JSN_OBJ || v->type == JSN_ARR) && i < v->n; i++)
            sjm__mark_main(d, v->items[i], depth + 1);
    }
}

/*
 * Where the subschemas of what a 2019-09 / 2020-12 $ref reaches live.
 * SchemaContext.close() builds each ReferenceSchema's referred schema from
 * the builder it remembers for the target: a new object over the children
 * built once (those of the first pass: scope NULL, or of the target's own
 * translation when the first pass did not make it: scope `t`); a target
 * it does not remember is translated anew for every $ref (scope `ref`).
 */
static const jsn_t *
sjm__ref_kids(sjm_doc_t *d, const sjm_doc_t *from, const jsn_t *ref, const jsn_t *t)
{
    if (sjl_forgotten(t))
        return ref;
    if (d != from)
        return t;
    if (!d->main_done) {
        sjm__mark_main(d, d->root, 0);
        d->main_done = 1;
    }
    uintptr_t key = (uintptr_t)t;
    return hmap_get(&d->main, &key, sizeof(key)) != NULL ? NULL : t;
}

sjm_schema_t *
sjm_load(sjm_doc_t *d, const jsn_t *j)
{
    return sjm__load(d, NULL, j);
}

sjm_schema_t *
sjm_child(const sjm_schema_t *parent, const jsn_t *j)
{
    return sjm__load(parent->doc, parent->scope, j);
}

/* ReferenceSchema.getReferredSchema(): a $ref into its own document;
 * another document's is not known here (NULL). */
sjm_schema_t *
sjm_referred(const sjm_schema_t *s)
{
    const char *hash = strchr(s->ref, '#');
    const jsn_t *id = jsn_get(s->doc->root, s->doc->id_key);
    size_t base = hash ? (size_t)(hash - s->ref) : strlen(s->ref);
    int self = base == 0 || (id != NULL && id->type == JSN_STR && id->len == base &&
                             memcmp(id->str, s->ref, base) == 0);
    sjm_doc_t *d = self ? s->doc : sjm__other(s->doc, s->ref, base);
    if (d == NULL)
        return NULL;
    const char *frag = hash ? hash + 1 : s->ref + base;
    size_t flen = strlen(frag);
    const jsn_t *t;
    if (flen > 0 && frag[0] != '/')
        t = d->modern ? jsn_anchor_named(d->root, &d->anchors, frag, flen)
                      : jsn_anchor(d->root, d->id_key, &d->anchors, frag, flen);
    else
        t = jsn_pointer(d->root, frag, flen);
    if (t == NULL)
        return NULL;
    /* everit resolves a target once: one copy per target.  SchemaTranslator
     * builds each ReferenceSchema's referred schema anew (see
     * sjm__ref_kids), so a loop through a $ref into $defs shows one level
     * more. */
    if (!s->doc->modern)
        return sjm__load(d, t, t);
    return sjm__load_as(d, s->src, sjm__ref_kids(d, s->doc, s->src, t), t);
}

static uint32_t
sjm__java_hash(const char *s, size_t n)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i], cp;
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + k > n)
            k = 1;
        cp = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
        for (size_t j = 1; j < k; j++)
            cp = (cp << 6) | (p[i + j] & 0x3F);
        if (cp > 0xFFFF) {
            h = 31 * h + (0xD800 + ((cp - 0x10000) >> 10));
            h = 31 * h + (0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
        i += k;
    }
    return h ^ (h >> 16);
}

static int
sjm__key_cmp(const void *x, const void *y)
{
    const sjm_key_t *a = x, *b = y;
    if (a->bucket != b->bucket)
        return a->bucket < b->bucket ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A HashMap's capacity after `n` puts into a new HashMap(). */
static size_t
sjm__map_cap(size_t n)
{
    size_t cap = 16;
    while (n > cap / 4 * 3)
        cap *= 2;
    return cap;
}

/* new HashSet<>(a collection of n0), then more adds up to n. */
static size_t
sjm__set_cap(size_t n0, size_t n)
{
    size_t want = (size_t)((float)n0 / 0.75f) + 1, cap = 1;
    if (want < 16)
        want = 16;
    while (cap < want)
        cap *= 2;
    while (n > cap / 4 * 3)
        cap *= 2;
    return cap;
}

/* Sort keys[0..n) into the order a table of `cap` buckets iterates them. */
static void
sjm__order(sjm_key_t *keys, size_t n, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        keys[i].seq = i;
        keys[i].bucket = sjm__java_hash(keys[i].key, keys[i].klen) & (uint32_t)(cap - 1);
    }
    qsort(keys, n, sizeof(*keys), sjm__key_cmp);
}

sjm_key_t *
sjm_map_keys(const jsn_t *m, size_t *n)
{
    *n = m && m->type == JSN_OBJ ? m->n : 0;
    sjm_key_t *k = mem_calloc(*n + 1, sizeof(*k));
    for (size_t i = 0; i < *n; i++)
        k[i] = (sjm_key_t){m->keys[i], m->klens[i], 0, 0};
    sjm__order(k, *n, sjm__map_cap(*n));
    return k;
}

sjm_key_t *
sjm_union_keys(const jsn_t *a, const jsn_t *b, size_t *n)
{
    size_t na, nb;
    sjm_key_t *ka = sjm_map_keys(a, &na), *kb = sjm_map_keys(b, &nb);
    sjm_key_t *all = mem_calloc(na + nb + 1, sizeof(*all));
    memcpy(all, ka, na * sizeof(*all));
    *n = na;
    for (size_t i = 0; i < nb; i++) {
        if (jsn_find(a, kb[i].key, kb[i].klen) < 0)
            all[(*n)++] = kb[i];
    }
    sjm__order(all, *n, sjm__set_cap(na, *n));
    free(ka);
    free(kb);
    return all;
}
