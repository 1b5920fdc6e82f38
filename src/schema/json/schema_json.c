/*
 * schema_json.c - JSON Schema's row: Jackson's parse (schema_json_node.c),
 * the checks Confluent's loaders make before they accept a document (a
 * failed check is always "Invalid JSON Schema": Confluent wraps every
 * loader exception in that one text), and the stored text.
 *
 * The loaders only look at what the schema reaches: `definitions` and
 * `$defs` are checked where a `$ref` leads, and everit (draft-04 to -07)
 * reads nothing beside a `$ref`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"
#include "schema_json_node.h"
#include "schema_json_refs.h"

/* A chain of $refs deeper than this overflowed everit's stack, which
 * Confluent reports as an invalid schema too. */
#define SJ_MAX_WALK 2000

typedef struct sj_check {
    const jsn_t *root;  /* the document whose $refs are being followed */
    sjr_set_t *refs;
    int modern;         /* 2019-09 or 2020-12: json-sKema reads beside $ref */
    int draft4;
    hmap_t seen;        /* $ref targets already checked, by address */
} sj_check_t;

static int sj__schema(sj_check_t *c, const jsn_t *s, int depth);

static const char *const sj_types[] = {
    "string", "integer", "number", "boolean", "null", "array", "object", NULL,
};

static int
sj__type_name(const jsn_t *t)
{
    if (t->type != JSN_STR)
        return 0;
    for (const char *const *p = sj_types; *p; p++) {
        if (strcmp(t->str, *p) == 0 && strlen(*p) == t->len)
            return 1;
    }
    return 0;
}

static int
sj__type(const jsn_t *t)
{
    if (t->type == JSN_STR)
        return sj__type_name(t);
    if (t->type != JSN_ARR)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        if (!sj__type_name(t->items[i]))
            return 0;
    }
    return 1;
}

static int
sj__ref(sj_check_t *c, const jsn_t *ref, int depth)
{
    if (ref->type != JSN_STR)
        return -1;
    const char *hash = memchr(ref->str, '#', ref->len);
    const jsn_t *id = jsn_get(c->root, c->draft4 ? "id" : "$id");
    size_t base = hash ? (size_t)(hash - ref->str) : ref->len;
    int self = base == 0 || (id != NULL && id->type == JSN_STR && id->len == base &&
                             memcmp(id->str, ref->str, base) == 0);
    const jsn_t *doc = c->root;
    if (!self && sjr_find(c->refs, ref->str, base, id, &doc) < 0)
        return c->refs->n > 0 ? 0 : -1;
    const char *frag = hash ? hash + 1 : ref->str + ref->len;
    const jsn_t *target = jsn_pointer(doc, frag, (size_t)(ref->str + ref->len - frag));
    if (target == NULL)
        return -1;
    uintptr_t key = (uintptr_t)target;
    if (hmap_get(&c->seen, &key, sizeof(key)) != NULL)
        return 0;
    hmap_put(&c->seen, &key, sizeof(key), c);
    /* The $refs of another document are its own: resolved in it. */
    const jsn_t *was = c->root;
    c->root = doc;
    int rc = sj__schema(c, target, depth + 1);
    c->root = was;
    return rc;
}

static int
sj__number(const jsn_t *s, const char *key)
{
    const jsn_t *v = jsn_get(s, key);
    return v == NULL || v->type == JSN_INT || v->type == JSN_DEC;
}

static int
sj__integer(const jsn_t *s, const char *key)
{
    const jsn_t *v = jsn_get(s, key);
    return v == NULL || v->type == JSN_INT;
}

static int
sj__kind(const jsn_t *s, const char *key, jsn_type_t type)
{
    const jsn_t *v = jsn_get(s, key);
    return v == NULL || v->type == type;
}

/* A keyword whose value is one schema (an object or a boolean). */
static int
sj__sub(sj_check_t *c, const jsn_t *s, const char *key, int depth)
{
    const jsn_t *v = jsn_get(s, key);
    return v == NULL ? 0 : sj__schema(c, v, depth + 1);
}

/* A keyword whose value is an array of schemas. */
static int
sj__sub_list(sj_check_t *c, const jsn_t *s, const char *key, int depth)
{
    const jsn_t *v = jsn_get(s, key);
    if (v == NULL)
        return 0;
    if (v->type != JSN_ARR)
        return -1;
    for (size_t i = 0; i < v->n; i++) {
        if (sj__schema(c, v->items[i], depth + 1) != 0)
            return -1;
    }
    return 0;
}

/* A keyword whose value is an object of schemas (keys as regexes when asked). */
static int
sj__sub_map(sj_check_t *c, const jsn_t *s, const char *key, int regex_keys, int depth)
{
    const jsn_t *v = jsn_get(s, key);
    if (v == NULL)
        return 0;
    if (v->type != JSN_OBJ)
        return -1;
    for (size_t i = 0; i < v->n; i++) {
        if (regex_keys && !schema_json_regex_ok(v->keys[i], v->klens[i]))
            return -1;
        if (sj__schema(c, v->items[i], depth + 1) != 0)
            return -1;
    }
    return 0;
}

static int
sj__strings(const jsn_t *v)
{
    if (v->type != JSN_ARR)
        return 0;
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->type != JSN_STR)
            return 0;
    }
    return 1;
}

static int
sj__dependencies(sj_check_t *c, const jsn_t *s, int depth)
{
    const jsn_t *v = jsn_get(s, "dependencies");
    if (v == NULL)
        return 0;
    if (v->type != JSN_OBJ)
        return -1;
    for (size_t i = 0; i < v->n; i++) {
        const jsn_t *d = v->items[i];
        if (d->type == JSN_ARR ? !sj__strings(d) : sj__schema(c, d, depth + 1) != 0)
            return -1;
    }
    return 0;
}

static int
sj__keywords(const jsn_t *s)
{
    static const char *const numbers[] = {"minimum", "maximum", "multipleOf", NULL};
    static const char *const ints[] = {"minLength", "maxLength", "minItems", "maxItems",
                                       "minProperties", "maxProperties", NULL};
    for (const char *const *k = numbers; *k; k++) {
        if (!sj__number(s, *k))
            return -1;
    }
    for (const char *const *k = ints; *k; k++) {
        if (!sj__integer(s, *k))
            return -1;
    }
    const char *const excl[] = {"exclusiveMinimum", "exclusiveMaximum", NULL};
    for (const char *const *k = excl; *k; k++) {
        const jsn_t *v = jsn_get(s, *k);
        if (v != NULL && !sj__number(s, *k) && v->type != JSN_TRUE && v->type != JSN_FALSE)
            return -1;
    }
    const jsn_t *t = jsn_get(s, "type"), *req = jsn_get(s, "required");
    const jsn_t *pat = jsn_get(s, "pattern");
    if ((t != NULL && !sj__type(t)) || (req != NULL && !sj__strings(req)))
        return -1;
    if (pat != NULL && (pat->type != JSN_STR || !schema_json_regex_ok(pat->str, pat->len)))
        return -1;
    if (!sj__kind(s, "format", JSN_STR) || !sj__kind(s, "enum", JSN_ARR))
        return -1;
    /* Read as strings by everit's loadCommonSchemaProperties. */
    if (!sj__kind(s, "title", JSN_STR) || !sj__kind(s, "description", JSN_STR))
        return -1;
    /* "multipleOf should not be 0" */
    double m;
    if (jsn_number(jsn_get(s, "multipleOf"), &m) && m == 0)
        return -1;
    const jsn_t *u = jsn_get(s, "uniqueItems");
    if (u != NULL && u->type != JSN_TRUE && u->type != JSN_FALSE)
        return -1;
    return 0;
}

static int
sj__schema(sj_check_t *c, const jsn_t *s, int depth)
{
    if (depth > SJ_MAX_WALK)
        return -1;
    if (s->type == JSN_TRUE || s->type == JSN_FALSE)
        return 0;
    if (s->type != JSN_OBJ)
        return -1;
    const jsn_t *ref = jsn_get(s, "$ref");
    if (ref != NULL && sj__ref(c, ref, depth) != 0)
        return -1;
    if (ref != NULL && !c->modern)
        return 0;
    if (sj__keywords(s) != 0 || !sj__kind(s, c->draft4 ? "id" : "$id", JSN_STR))
        return -1;
    static const char *const one[] = {"not", "contains", "propertyNames", "if", "then",
                                      "else", "additionalProperties", "additionalItems",
                                      "unevaluatedProperties", "unevaluatedItems", NULL};
    static const char *const lists[] = {"allOf", "anyOf", "oneOf", "prefixItems", NULL};
    for (const char *const *k = one; *k; k++) {
        if (sj__sub(c, s, *k, depth) != 0)
            return -1;
    }
    for (const char *const *k = lists; *k; k++) {
        if (sj__sub_list(c, s, *k, depth) != 0)
            return -1;
    }
    const jsn_t *items = jsn_get(s, "items");
    if (items != NULL && (items->type == JSN_ARR ? sj__sub_list(c, s, "items", depth)
                                                 : sj__sub(c, s, "items", depth)) != 0)
        return -1;
    if (sj__sub_map(c, s, "properties", 0, depth) != 0 ||
        sj__sub_map(c, s, "patternProperties", 1, depth) != 0 ||
        sj__sub_map(c, s, "dependentSchemas", 0, depth) != 0)
        return -1;
    return sj__dependencies(c, s, depth);
}

/* The draft `$schema` names (Confluent's SpecificationVersion.getFromUrl). */
static void
sj__draft(sj_check_t *c, const jsn_t *root)
{
    const jsn_t *sv = jsn_get(root, "$schema");
    if (sv == NULL || sv->type != JSN_STR)
        return;
    const char *u = sv->str;
    c->modern = strstr(u, "json-schema.org/draft/2019-09/schema") != NULL ||
                strstr(u, "json-schema.org/draft/2020-12/schema") != NULL;
    c->draft4 = strstr(u, "json-schema.org/draft-04/schema") != NULL;
}

static int
sj__validate(const jsn_t *root, sjr_set_t *refs)
{
    sj_check_t c = {.root = root, .refs = refs};
    if (root->type == JSN_NULL)
        return -1;
    /* Confluent accepts a top-level array, number or string as it stands. */
    if (root->type != JSN_OBJ)
        return 0;
    sj__draft(&c, root);
    int rc = sj__schema(&c, root, 0);
    hmap_free(&c.seen);
    return rc;
}

/*
 * Whether the tree holds NaN or an infinity anywhere.  Jackson reads them
 * (ALLOW_NON_NUMERIC_NUMBERS, or a literal past BigDecimal's range), but
 * Confluent hands the tree to its loader through org.json
 * (treeToValue(JSONObject)), which refuses a non-finite number: "Invalid
 * JSON Schema".  Bounded by the parser's depth.
 */
static int
sj__holds_nonfinite(const jsn_t *j, int depth)
{
    if (jsn_nonfinite(j))
        return 1;
    if (depth > JSN_MAX_DEPTH || (j->type != JSN_ARR && j->type != JSN_OBJ))
        return 0;
    for (size_t i = 0; i < j->n; i++)
        if (sj__holds_nonfinite(j->items[i], depth + 1))
            return 1;
    return 0;
}

int
schema_json_canonical(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                      int flags, char **out, char **err)
{
    *out = NULL;
    *err = NULL;
    jsn_t *root = jsn_parse(text, len);
    if (root == NULL) {
        buf_t b = {0};
        buf_puts(&b, "Invalid JSON ");
        buf_append(&b, text, len);
        *err = buf_steal(&b, NULL);
        return -1;
    }
    sjr_set_t set;
    sjr_init(&set, refs, nrefs);
    int invalid = sj__holds_nonfinite(root, 0) || sj__validate(root, &set) != 0;
    sjr_free(&set);
    if (invalid) {
        jsn_free(root);
        *err = mem_strdup("Invalid JSON Schema");
        return -2;
    }
    buf_t b = {0};
    jsn_write(&b, root, (flags & SCHEMA_NORMALIZE) != 0);
    jsn_free(root);
    *out = buf_steal(&b, NULL);
    return 0;
}

const schema_type_t schema_json_type = {
    .name = "JSON",
    .canonical = schema_json_canonical,
    .compatible = schema_json_compatible,
    .edit_tags = schema_json_edit_tags,
};
