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
#include "schema_json_loop.h"
#include "schema_json_node.h"
#include "schema_json_refs.h"

/* A chain of $refs deeper than this overflowed everit's stack, which
 * Confluent reports as an invalid schema too. */
#define SJ_MAX_WALK 2000
/* The enclosing objects a $dynamicRef is looked up in (deeper ones are not). */
#define SJ_MAX_SCOPE 64

typedef struct sj_check {
    const jsn_t *root;  /* the document whose $refs are being followed */
    sjr_set_t *refs;
    int modern;         /* 2019-09 or 2020-12: json-sKema reads beside $ref */
    int dialect;        /* confluent.version: 7.9's loaders or 8.3's */
    int draft4;
    int draft;          /* jsn_draft of the root: what everit reads as keywords */
    hmap_t seen;        /* $ref targets already checked, by address */
    hmap_t anchors;     /* jsn_anchor's index */
    const jsn_t *scope[SJ_MAX_SCOPE];   /* modern: the objects enclosing the one checked */
    int nscope;
} sj_check_t;

static int sj__schema(sj_check_t *c, const jsn_t *s, int depth);
static int sj__children(sj_check_t *c, const jsn_t *s, int depth);

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
    size_t flen = (size_t)(ref->str + ref->len - frag);
    const jsn_t *target;
    if (flen > 0 && frag[0] != '/')
        target = c->modern ? jsn_anchor_named(doc, &c->anchors, frag, flen)
                           : jsn_anchor(doc, c->draft4 ? "id" : "$id", &c->anchors, frag, flen);
    else
        target = jsn_pointer(doc, frag, flen);
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
        /* draft-04 has no boolean schemas here: a dependency is a list or an object. */
        if (c->draft == JSN_DRAFT4 && d->type != JSN_ARR && d->type != JSN_OBJ)
            return -1;
        if (d->type == JSN_ARR ? !sj__strings(d) : sj__schema(c, d, depth + 1) != 0)
            return -1;
    }
    return 0;
}

/*
 * exclusiveMinimum/Maximum: a boolean beside minimum/maximum in draft-04, a
 * number of its own from draft-06 on (everit requires the one its draft
 * knows; json-sKema's exclusiveMinimumLoader requires a number too).
 */
static int
sj__exclusive_ok(const jsn_t *s, const char *key, int draft)
{
    const jsn_t *v = jsn_get(s, key);
    int is_bool = v != NULL && (v->type == JSN_TRUE || v->type == JSN_FALSE);
    if (v == NULL)
        return 1;
    if (draft == JSN_DRAFT4)
        return is_bool;
    return sj__number(s, key);
}

static int
sj__keywords(const jsn_t *s, int draft)
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
    if (!sj__exclusive_ok(s, "exclusiveMinimum", draft) ||
        !sj__exclusive_ok(s, "exclusiveMaximum", draft))
        return -1;
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

/*
 * 2019-09 / 2020-12: json-sKema's SchemaVisitor looks a $dynamicRef's
 * "#name" up in its dynamic scope first (the schemas it is inside of) and
 * visits what it finds in place; a $dynamicAnchor of an enclosing schema
 * is met again inside itself without end: a StackOverflowError, which
 * Confluent reports as an invalid schema.
 */
static int
sj__dynamic_loop(const sj_check_t *c, const jsn_t *s)
{
    const jsn_t *dr = jsn_get(s, "$dynamicRef");
    if (dr == NULL || dr->type != JSN_STR)
        return dr != NULL;
    const char *hash = memchr(dr->str, '#', dr->len);
    const char *name = hash ? hash + 1 : dr->str + dr->len;
    size_t n = (size_t)(dr->str + dr->len - name);
    for (int i = 0; i < c->nscope; i++) {
        const jsn_t *a = jsn_get(c->scope[i], "$dynamicAnchor");
        if (a != NULL && a->type == JSN_STR && a->len == n && memcmp(a->str, name, n) == 0)
            return 1;
    }
    return 0;
}

/* What json-sKema's loader reads of a 2019-09 / 2020-12 object beyond
 * draft-07's checks: every keyword it knows, eagerly ($defs too, beside a
 * $ref too); `items` one schema; what it does not know (definitions,
 * dependencies, additionalItems) not at all. */
static int
sj__modern(sj_check_t *c, const jsn_t *s, int depth)
{
    if (sj__dynamic_loop(c, s))
        return -1;
    const jsn_t *dr = jsn_get(s, "$dynamicRef");
    if (dr != NULL && sj__ref(c, dr, depth) != 0)
        return -1;
    const jsn_t *items = jsn_get(s, "items");
    if (items != NULL && items->type != JSN_OBJ && items->type != JSN_TRUE && items->type != JSN_FALSE)
        return -1;
    /* $dynamicAnchor is read as a string; $anchor only by the anchor walk,
     * which passes over anything else. */
    if (!sj__kind(s, "$dynamicAnchor", JSN_STR))
        return -1;
    const jsn_t *dep = jsn_get(s, "deprecated");
    if (dep != NULL && dep->type != JSN_TRUE && dep->type != JSN_FALSE)
        return -1;
    const jsn_t *dreq = jsn_get(s, "dependentRequired");
    if (dreq != NULL && dreq->type != JSN_OBJ)
        return -1;
    for (size_t i = 0; dreq != NULL && i < dreq->n; i++) {
        if (!sj__strings(dreq->items[i]))
            return -1;
    }
    if (c->nscope >= SJ_MAX_SCOPE)
        return sj__sub_map(c, s, "$defs", 0, depth);
    c->scope[c->nscope++] = s;
    int rc = sj__sub_map(c, s, "$defs", 0, depth);
    if (rc == 0)
        rc = sj__children(c, s, depth);
    c->nscope--;
    return rc;
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
    if (sj__keywords(s, c->draft) != 0 || !sj__kind(s, c->draft4 ? "id" : "$id", JSN_STR))
        return -1;
    return c->modern ? sj__modern(c, s, depth) : sj__children(c, s, depth);
}

/* The subschemas the loader reads of object `s`. */
static int
sj__children(sj_check_t *c, const jsn_t *s, int depth)
{
    static const char *const one[] = {"not", "contains", "propertyNames", "if", "then",
                                      "else", "additionalProperties", "additionalItems",
                                      "unevaluatedProperties", "unevaluatedItems", NULL};
    /* json-sKema knows no additionalItems ... */
    int no_additional_items = c->modern;
    /* What a draft does not know is no keyword to everit: not looked into. */
    int no_cond = c->draft == JSN_DRAFT4 || c->draft == JSN_DRAFT6;
    static const char *const lists[] = {"allOf", "anyOf", "oneOf", "prefixItems", NULL};
    for (const char *const *k = one; *k; k++) {
        int cond = strcmp(*k, "if") == 0 || strcmp(*k, "then") == 0 || strcmp(*k, "else") == 0;
        int six = strcmp(*k, "contains") == 0 || strcmp(*k, "propertyNames") == 0;
        if ((cond && no_cond) || (six && c->draft == JSN_DRAFT4))
            continue;
        if (no_additional_items && strcmp(*k, "additionalItems") == 0)
            continue;
        /* ... and everit no unevaluated* (2019-09 keywords). */
        if (!c->modern && strncmp(*k, "unevaluated", 11) == 0)
            continue;
        if (sj__sub(c, s, *k, depth) != 0)
            return -1;
    }
    for (const char *const *k = lists; *k; k++) {
        /* everit knows no prefixItems. */
        if (!c->modern && strcmp(*k, "prefixItems") == 0)
            continue;
        if (sj__sub_list(c, s, *k, depth) != 0)
            return -1;
    }
    const jsn_t *items = jsn_get(s, "items");
    /* draft-04's items is a schema object or a list of them, never a boolean. */
    if (items != NULL && c->draft == JSN_DRAFT4 && items->type != JSN_OBJ && items->type != JSN_ARR)
        return -1;
    if (items != NULL && (items->type == JSN_ARR ? sj__sub_list(c, s, "items", depth)
                                                 : sj__sub(c, s, "items", depth)) != 0)
        return -1;
    if (sj__sub_map(c, s, "properties", 0, depth) != 0 ||
        sj__sub_map(c, s, "patternProperties", 1, depth) != 0 ||
        (c->modern && sj__sub_map(c, s, "dependentSchemas", 0, depth) != 0))
        return -1;
    return c->modern ? 0 : sj__dependencies(c, s, depth);
}

/* The draft of the root's `$schema` (Confluent's SpecificationVersion.getFromUrl). */
static void
sj__draft(sj_check_t *c, const jsn_t *root)
{
    c->draft = jsn_draft(root);
    c->modern = c->draft == JSN_DRAFT2019 || c->draft == JSN_DRAFT2020;
    c->draft4 = c->draft == JSN_DRAFT4;
}

static int
sj__validate(const jsn_t *root, sjr_set_t *refs, int dialect)
{
    sj_check_t c = {.root = root, .refs = refs, .dialect = dialect};
    if (root->type == JSN_NULL)
        return -1;
    /* Confluent accepts a top-level array, number or string as it stands. */
    if (root->type != JSN_OBJ)
        return 0;
    sj__draft(&c, root);
    /* everit reads the root's $schema as a string (a subschema's not at all). */
    const jsn_t *sv = jsn_get(root, "$schema");
    if (sv != NULL && sv->type != JSN_STR)
        return -1;
    int rc = sj__schema(&c, root, 0);
    /* 8.3's translator maps every schema it visits (a schema of one keyword
     * too), so a $ref to one is no longer translated anew each time: its
     * loops finish. */
    if (rc == 0 && c.modern &&
        (jsn_anchor_clash(root, &c.anchors) || (dialect < 8 && sjl_translator_loops(root))))
        rc = -1;
    hmap_free(&c.seen);
    hmap_free(&c.anchors);
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
schema_json_canonical_dialect(const char *text, size_t len, const schema_ref_t *refs,
                              size_t nrefs, int flags, int dialect, char **out, char **err)
{
    *out = NULL;
    *err = NULL;
    jsn_t *root = jsn_parse(text, len);
    if (root == NULL && dialect >= 8) {
        /* 8.3's JsonSchema constructor no longer repeats the text. */
        *err = mem_strdup("Invalid JSON schema");
        return -1;
    }
    if (root == NULL) {
        buf_t b = {0};
        buf_puts(&b, "Invalid JSON ");
        buf_append(&b, text, len);
        *err = buf_steal(&b, NULL);
        return -1;
    }
    sjr_set_t set;
    sjr_init(&set, refs, nrefs, dialect);
    /* 8.3's loaders read a copy whose definitions are bridged into $defs;
     * the text Confluent stores is the request's. */
    jsn_t *loaded = dialect >= 8 && sjr_bridges(root) ? jsn_copy(root) : NULL;
    if (loaded != NULL)
        (void)sjr_bridge_defs(loaded);
    int invalid = sj__holds_nonfinite(root, 0) ||
                  sj__validate(loaded != NULL ? loaded : root, &set, dialect) != 0;
    jsn_free(loaded);
    sjr_free(&set);
    if (invalid) {
        jsn_free(root);
        /* rawSchema()'s wrapper of every loader exception: 8.3 words it "Invalid JSON". */
        *err = mem_strdup(dialect >= 8 ? "Invalid JSON" : "Invalid JSON Schema");
        return -2;
    }
    buf_t b = {0};
    jsn_write(&b, root, (flags & SCHEMA_NORMALIZE) != 0);
    jsn_free(root);
    *out = buf_steal(&b, NULL);
    return 0;
}

int
schema_json_canonical(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                      int flags, char **out, char **err)
{
    return schema_json_canonical_dialect(text, len, refs, nrefs, flags, 7, out, err);
}

static int
sj__canonical_v8(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                 int flags, char **out, char **err)
{
    return schema_json_canonical_dialect(text, len, refs, nrefs, flags, 8, out, err);
}

static int
sj__compatible_v8(const char *reader, const schema_ref_t *reader_refs, size_t nreader_refs,
                  const char *writer, const schema_ref_t *writer_refs, size_t nwriter_refs,
                  int reader_is_new, json_t *messages)
{
    return schema_json_compatible_dialect(reader, reader_refs, nreader_refs, writer, writer_refs,
                                          nwriter_refs, reader_is_new, 8, 0, messages);
}

static int
sj__compatible_v8_lenient(const char *reader, const schema_ref_t *reader_refs,
                          size_t nreader_refs, const char *writer,
                          const schema_ref_t *writer_refs, size_t nwriter_refs,
                          int reader_is_new, json_t *messages)
{
    return schema_json_compatible_dialect(reader, reader_refs, nreader_refs, writer, writer_refs,
                                          nwriter_refs, reader_is_new, 8, 1, messages);
}

/* Confluent 8.3's loaders and JsonSchemaDiff (see "JSON Schema drafts" in
 * ARCHITECTURE.md); the tags are edited as 7.9 edits them. */
static const schema_type_t schema_json_type_v8 = {
    .name = "JSON",
    .canonical = sj__canonical_v8,
    .compatible = sj__compatible_v8,
    .compatible_lenient = sj__compatible_v8_lenient,
    .edit_tags = schema_json_edit_tags,
};

const schema_type_t schema_json_type = {
    .name = "JSON",
    .canonical = schema_json_canonical,
    .compatible = schema_json_compatible,
    .edit_tags = schema_json_edit_tags,
    .dialect8 = &schema_json_type_v8,
};
