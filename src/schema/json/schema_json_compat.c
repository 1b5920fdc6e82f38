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
 * may cost.
 */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"
#include "schema_json_node.h"

#define SJC_BUDGET 200000
#define SJC_MAX_DEPTH 1000

typedef enum {
    D_ID_CHANGED, D_DESCRIPTION_CHANGED, D_TITLE_CHANGED, D_DEFAULT_CHANGED,
    D_SCHEMA_ADDED, D_SCHEMA_REMOVED, D_TYPE_EXTENDED, D_TYPE_NARROWED, D_TYPE_CHANGED,
    D_MAX_LENGTH_ADDED, D_MAX_LENGTH_REMOVED, D_MAX_LENGTH_INCREASED, D_MAX_LENGTH_DECREASED,
    D_MIN_LENGTH_ADDED, D_MIN_LENGTH_REMOVED, D_MIN_LENGTH_INCREASED, D_MIN_LENGTH_DECREASED,
    D_PATTERN_ADDED, D_PATTERN_REMOVED, D_PATTERN_CHANGED,
    D_MAXIMUM_ADDED, D_MAXIMUM_REMOVED, D_MAXIMUM_INCREASED, D_MAXIMUM_DECREASED,
    D_MINIMUM_ADDED, D_MINIMUM_REMOVED, D_MINIMUM_INCREASED, D_MINIMUM_DECREASED,
    D_EXCLUSIVE_MAXIMUM_ADDED, D_EXCLUSIVE_MAXIMUM_REMOVED, D_EXCLUSIVE_MAXIMUM_INCREASED,
    D_EXCLUSIVE_MAXIMUM_DECREASED, D_EXCLUSIVE_MINIMUM_ADDED, D_EXCLUSIVE_MINIMUM_REMOVED,
    D_EXCLUSIVE_MINIMUM_INCREASED, D_EXCLUSIVE_MINIMUM_DECREASED,
    D_MULTIPLE_OF_ADDED, D_MULTIPLE_OF_REMOVED, D_MULTIPLE_OF_EXPANDED, D_MULTIPLE_OF_REDUCED,
    D_MULTIPLE_OF_CHANGED,
    D_REQUIRED_ATTRIBUTE_ADDED, D_REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    D_REQUIRED_ATTRIBUTE_REMOVED,
    D_MAX_PROPERTIES_ADDED, D_MAX_PROPERTIES_REMOVED, D_MAX_PROPERTIES_INCREASED,
    D_MAX_PROPERTIES_DECREASED, D_MIN_PROPERTIES_ADDED, D_MIN_PROPERTIES_REMOVED,
    D_MIN_PROPERTIES_INCREASED, D_MIN_PROPERTIES_DECREASED,
    D_ADDITIONAL_PROPERTIES_ADDED, D_ADDITIONAL_PROPERTIES_REMOVED,
    D_ADDITIONAL_PROPERTIES_EXTENDED, D_ADDITIONAL_PROPERTIES_NARROWED,
    D_DEPENDENCY_ARRAY_ADDED, D_DEPENDENCY_ARRAY_REMOVED, D_DEPENDENCY_ARRAY_EXTENDED,
    D_DEPENDENCY_ARRAY_NARROWED, D_DEPENDENCY_ARRAY_CHANGED, D_DEPENDENCY_SCHEMA_ADDED,
    D_DEPENDENCY_SCHEMA_REMOVED,
    D_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    D_PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    D_REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    D_REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    D_OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    D_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    D_PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    D_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    D_PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_MAX_ITEMS_ADDED, D_MAX_ITEMS_REMOVED, D_MAX_ITEMS_INCREASED, D_MAX_ITEMS_DECREASED,
    D_MIN_ITEMS_ADDED, D_MIN_ITEMS_REMOVED, D_MIN_ITEMS_INCREASED, D_MIN_ITEMS_DECREASED,
    D_UNIQUE_ITEMS_ADDED, D_UNIQUE_ITEMS_REMOVED,
    D_ADDITIONAL_ITEMS_ADDED, D_ADDITIONAL_ITEMS_REMOVED, D_ADDITIONAL_ITEMS_EXTENDED,
    D_ADDITIONAL_ITEMS_NARROWED,
    D_ITEM_ADDED_TO_OPEN_CONTENT_MODEL, D_ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    D_ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, D_ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
    D_ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, D_ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    D_ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    D_ENUM_ARRAY_EXTENDED, D_ENUM_ARRAY_NARROWED, D_ENUM_ARRAY_CHANGED,
    D_COMBINED_TYPE_EXTENDED, D_COMBINED_TYPE_CHANGED,
    D_PRODUCT_TYPE_EXTENDED, D_PRODUCT_TYPE_NARROWED, D_SUM_TYPE_EXTENDED,
    D_SUM_TYPE_NARROWED, D_COMBINED_TYPE_SUBSCHEMAS_CHANGED,
    D_NOT_TYPE_EXTENDED, D_NOT_TYPE_NARROWED,
    D_COUNT
} sjc_diff_t;

/* How Difference.error() words a type. */
enum { M_NONE, M_KEYWORD, M_MORE, M_LESS, M_VALUE, M_FEWER, M_MORE_ELEMS, M_TYPE,
       M_OPEN_ADDED, M_UNOPEN_REQUIRED, M_CLOSED_REMOVED, M_PARTIAL_REMOVED,
       M_PARTIAL_ADDED };

typedef struct sjc_dtype {
    const char *name;
    int words;
    int compatible;
} sjc_dtype_t;

#define DT(n, w, c) [D_##n] = {#n, w, c}
static const sjc_dtype_t sjc_types[D_COUNT] = {
    DT(ID_CHANGED, M_NONE, 1), DT(DESCRIPTION_CHANGED, M_NONE, 1),
    DT(TITLE_CHANGED, M_NONE, 1), DT(DEFAULT_CHANGED, M_NONE, 1),
    DT(SCHEMA_ADDED, M_NONE, 0), DT(SCHEMA_REMOVED, M_NONE, 1),
    DT(TYPE_EXTENDED, M_NONE, 1), DT(TYPE_NARROWED, M_TYPE, 0), DT(TYPE_CHANGED, M_TYPE, 0),
    DT(MAX_LENGTH_ADDED, M_KEYWORD, 0), DT(MAX_LENGTH_REMOVED, M_NONE, 1),
    DT(MAX_LENGTH_INCREASED, M_NONE, 1), DT(MAX_LENGTH_DECREASED, M_LESS, 0),
    DT(MIN_LENGTH_ADDED, M_KEYWORD, 0), DT(MIN_LENGTH_REMOVED, M_NONE, 1),
    DT(MIN_LENGTH_INCREASED, M_MORE, 0), DT(MIN_LENGTH_DECREASED, M_NONE, 1),
    DT(PATTERN_ADDED, M_KEYWORD, 0), DT(PATTERN_REMOVED, M_NONE, 1),
    DT(PATTERN_CHANGED, M_VALUE, 0),
    DT(MAXIMUM_ADDED, M_KEYWORD, 0), DT(MAXIMUM_REMOVED, M_NONE, 1),
    DT(MAXIMUM_INCREASED, M_NONE, 1), DT(MAXIMUM_DECREASED, M_LESS, 0),
    DT(MINIMUM_ADDED, M_KEYWORD, 0), DT(MINIMUM_REMOVED, M_NONE, 1),
    DT(MINIMUM_INCREASED, M_MORE, 0), DT(MINIMUM_DECREASED, M_NONE, 1),
    DT(EXCLUSIVE_MAXIMUM_ADDED, M_KEYWORD, 0), DT(EXCLUSIVE_MAXIMUM_REMOVED, M_NONE, 1),
    DT(EXCLUSIVE_MAXIMUM_INCREASED, M_NONE, 1), DT(EXCLUSIVE_MAXIMUM_DECREASED, M_LESS, 0),
    DT(EXCLUSIVE_MINIMUM_ADDED, M_KEYWORD, 0), DT(EXCLUSIVE_MINIMUM_REMOVED, M_NONE, 1),
    DT(EXCLUSIVE_MINIMUM_INCREASED, M_MORE, 0), DT(EXCLUSIVE_MINIMUM_DECREASED, M_NONE, 1),
    DT(MULTIPLE_OF_ADDED, M_KEYWORD, 0), DT(MULTIPLE_OF_REMOVED, M_NONE, 1),
    DT(MULTIPLE_OF_EXPANDED, M_MORE, 0), DT(MULTIPLE_OF_REDUCED, M_NONE, 1),
    DT(MULTIPLE_OF_CHANGED, M_VALUE, 0),
    DT(REQUIRED_ATTRIBUTE_ADDED, M_KEYWORD, 0),
    DT(REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, M_NONE, 1),
    DT(REQUIRED_ATTRIBUTE_REMOVED, M_NONE, 1),
    DT(MAX_PROPERTIES_ADDED, M_KEYWORD, 0), DT(MAX_PROPERTIES_REMOVED, M_NONE, 1),
    DT(MAX_PROPERTIES_INCREASED, M_NONE, 1), DT(MAX_PROPERTIES_DECREASED, M_LESS, 0),
    DT(MIN_PROPERTIES_ADDED, M_KEYWORD, 0), DT(MIN_PROPERTIES_REMOVED, M_NONE, 1),
    DT(MIN_PROPERTIES_INCREASED, M_MORE, 0), DT(MIN_PROPERTIES_DECREASED, M_NONE, 1),
    DT(ADDITIONAL_PROPERTIES_ADDED, M_NONE, 1), DT(ADDITIONAL_PROPERTIES_REMOVED, M_KEYWORD, 0),
    DT(ADDITIONAL_PROPERTIES_EXTENDED, M_NONE, 1),
    DT(ADDITIONAL_PROPERTIES_NARROWED, M_FEWER, 0),
    DT(DEPENDENCY_ARRAY_ADDED, M_KEYWORD, 0), DT(DEPENDENCY_ARRAY_REMOVED, M_NONE, 1),
    DT(DEPENDENCY_ARRAY_EXTENDED, M_MORE_ELEMS, 0), DT(DEPENDENCY_ARRAY_NARROWED, M_NONE, 1),
    DT(DEPENDENCY_ARRAY_CHANGED, M_VALUE, 0), DT(DEPENDENCY_SCHEMA_ADDED, M_KEYWORD, 0),
    DT(DEPENDENCY_SCHEMA_REMOVED, M_NONE, 1),
    DT(PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, M_OPEN_ADDED, 0),
    DT(PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, M_UNOPEN_REQUIRED, 0),
    DT(REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL, M_NONE, 1),
    DT(OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_CLOSED_REMOVED, 0),
    DT(PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_REMOVED, 0),
    DT(PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_ADDED, 0),
    DT(MAX_ITEMS_ADDED, M_KEYWORD, 0), DT(MAX_ITEMS_REMOVED, M_NONE, 1),
    DT(MAX_ITEMS_INCREASED, M_NONE, 1), DT(MAX_ITEMS_DECREASED, M_LESS, 0),
    DT(MIN_ITEMS_ADDED, M_KEYWORD, 0), DT(MIN_ITEMS_REMOVED, M_NONE, 1),
    DT(MIN_ITEMS_INCREASED, M_MORE, 0), DT(MIN_ITEMS_DECREASED, M_NONE, 1),
    DT(UNIQUE_ITEMS_ADDED, M_KEYWORD, 0), DT(UNIQUE_ITEMS_REMOVED, M_NONE, 1),
    DT(ADDITIONAL_ITEMS_ADDED, M_NONE, 1), DT(ADDITIONAL_ITEMS_REMOVED, M_KEYWORD, 0),
    DT(ADDITIONAL_ITEMS_EXTENDED, M_NONE, 1), DT(ADDITIONAL_ITEMS_NARROWED, M_FEWER, 0),
    DT(ITEM_ADDED_TO_OPEN_CONTENT_MODEL, M_OPEN_ADDED, 0),
    DT(ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_CLOSED_REMOVED, 0),
    DT(ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_REMOVED, 0),
    DT(ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_ADDED, 0),
    DT(ENUM_ARRAY_EXTENDED, M_NONE, 1), DT(ENUM_ARRAY_NARROWED, M_FEWER, 0),
    DT(ENUM_ARRAY_CHANGED, M_TYPE, 0),
    DT(COMBINED_TYPE_EXTENDED, M_NONE, 1), DT(COMBINED_TYPE_CHANGED, M_TYPE, 0),
    DT(PRODUCT_TYPE_EXTENDED, M_MORE_ELEMS, 0), DT(PRODUCT_TYPE_NARROWED, M_NONE, 1),
    DT(SUM_TYPE_EXTENDED, M_MORE_ELEMS, 1), DT(SUM_TYPE_NARROWED, M_FEWER, 0),
    DT(COMBINED_TYPE_SUBSCHEMAS_CHANGED, M_TYPE, 0),
    DT(NOT_TYPE_EXTENDED, M_MORE_ELEMS, 0), DT(NOT_TYPE_NARROWED, M_NONE, 1),
};
#undef DT

/* everit's schema classes, as far as the diff tells them apart. */
typedef enum {
    K_EMPTY, K_TRUE, K_FALSE, K_STRING, K_NUMBER, K_BOOLEAN, K_NULL, K_OBJECT, K_ARRAY,
    K_ENUM, K_CONST, K_NOT, K_COMBINED, K_REF, K_COND
} sjc_kind_t;

enum { C_ALL, C_ANY, C_ONE };
static const char *const sjc_criteria[] = {"allOf", "anyOf", "oneOf"};

typedef struct sjc_schema sjc_schema_t;
struct sjc_schema {
    sjc_kind_t kind;
    const jsn_t *src;           /* the object its keywords are read from */
    const jsn_t *common;        /* where $id, title, description, default are read */
    int integer;                /* NUMBER: requiresInteger */
    int criterion;              /* COMBINED */
    sjc_schema_t **subs;        /* COMBINED subschemas; NOT: subs[0] */
    size_t nsubs;
    const char *ref;            /* REF: the $ref, resolved in `doc` */
    struct sjc_doc *doc;        /* the document it was read from */
};

/* One document: its root, its draft's id keyword, the model by node. */
typedef struct sjc_doc {
    const jsn_t *root;
    const char *id_key;
    hmap_t memo;                /* jsn address -> sjc_schema_t */
} sjc_doc_t;

typedef struct sjc_diff {
    sjc_diff_t type;
    char *path;
} sjc_diff_rec_t;

typedef struct sjc_ctx {
    sjc_diff_rec_t *diffs;
    size_t n, cap;
} sjc_ctx_t;

typedef struct sjc_run {
    sjc_doc_t orig, upd;
    mem_arena_t arena;          /* every model node: freed at once */
    buf_t path;                 /* "a/b/c", the Context's jsonPath */
    size_t *marks;              /* path lengths to restore, a stack */
    size_t nmarks, capmarks;
    hmap_t entered;             /* original schemas being compared (Context.schemas) */
    long budget;
    int depth;
} sjc_run_t;

static void sjc_compare(sjc_run_t *r, sjc_ctx_t *ctx, sjc_schema_t *o, sjc_schema_t *u);

/* ---- the model, as everit's SchemaLoader builds it ---- */

static sjc_schema_t *
sjc_new(sjc_run_t *r, struct sjc_doc *d, sjc_kind_t kind, const jsn_t *src)
{
    sjc_schema_t *s = mem_arena_alloc(&r->arena, sizeof(*s));
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->src = src;
    s->doc = d;
    return s;
}

static void
sjc_add_sub(sjc_run_t *r, sjc_schema_t *c, sjc_schema_t *sub)
{
    sjc_schema_t **v = mem_arena_alloc(&r->arena, (c->nsubs + 1) * sizeof(*v));
    if (c->nsubs)
        memcpy(v, c->subs, c->nsubs * sizeof(*v));
    v[c->nsubs++] = sub;
    c->subs = v;
}

static sjc_schema_t *sjc_load(sjc_run_t *r, sjc_doc_t *d, const jsn_t *j);

static int
sjc_has_any(const jsn_t *j, const char *const *keys)
{
    for (; *keys; keys++) {
        if (jsn_get(j, *keys) != NULL)
            return 1;
    }
    return 0;
}

static const char *const sjc_string_keys[] = {"minLength", "maxLength", "pattern", "format", NULL};
static const char *const sjc_number_keys[] = {"minimum", "maximum", "exclusiveMinimum",
                                              "exclusiveMaximum", "multipleOf", NULL};
static const char *const sjc_object_keys[] = {"properties", "required", "minProperties",
                                              "maxProperties", "dependencies",
                                              "patternProperties", "additionalProperties",
                                              "propertyNames", NULL};
static const char *const sjc_array_keys[] = {"items", "additionalItems", "minItems",
                                             "maxItems", "uniqueItems", "contains", NULL};

static sjc_schema_t *
sjc_typed(sjc_run_t *r, struct sjc_doc *d, const jsn_t *j, const char *type, size_t tlen)
{
    static const struct { const char *name; sjc_kind_t kind; } types[] = {
        {"string", K_STRING}, {"integer", K_NUMBER}, {"number", K_NUMBER},
        {"boolean", K_BOOLEAN}, {"null", K_NULL}, {"object", K_OBJECT}, {"array", K_ARRAY},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strlen(types[i].name) == tlen && memcmp(types[i].name, type, tlen) == 0) {
            sjc_schema_t *s = sjc_new(r, d, types[i].kind, j);
            s->integer = i == 1;
            return s;
        }
    }
    return sjc_new(r, d, K_EMPTY, j);
}

/* TypeBasedSchemaExtractor and PropertySnifferSchemaExtractor. */
static void
sjc_type_parts(sjc_run_t *r, struct sjc_doc *d, const jsn_t *j, sjc_schema_t **parts, size_t *n)
{
    const jsn_t *t = jsn_get(j, "type");
    int typed[4] = {0};     /* string, number, object, array: the typed part took them */
    if (t != NULL && t->type == JSN_STR) {
        parts[(*n)++] = sjc_typed(r, d, j, t->str, t->len);
        typed[0] = parts[*n - 1]->kind == K_STRING;
        typed[1] = parts[*n - 1]->kind == K_NUMBER;
        typed[2] = parts[*n - 1]->kind == K_OBJECT;
        typed[3] = parts[*n - 1]->kind == K_ARRAY;
    } else if (t != NULL && t->type == JSN_ARR) {
        sjc_schema_t *any = sjc_new(r, d, K_COMBINED, j);
        any->criterion = C_ANY;
        for (size_t i = 0; i < t->n; i++) {
            const jsn_t *e = t->items[i];
            sjc_schema_t *s = sjc_typed(r, d, j, e->str ? e->str : "", e->len);
            typed[0] |= s->kind == K_STRING;
            typed[1] |= s->kind == K_NUMBER;
            typed[2] |= s->kind == K_OBJECT;
            typed[3] |= s->kind == K_ARRAY;
            sjc_add_sub(r, any, s);
        }
        parts[(*n)++] = any;
    }
    if (t == NULL || !typed[3]) {
        if (sjc_has_any(j, sjc_array_keys))
            parts[(*n)++] = sjc_new(r, d, K_ARRAY, j);
    }
    if (t == NULL || !typed[2]) {
        if (sjc_has_any(j, sjc_object_keys))
            parts[(*n)++] = sjc_new(r, d, K_OBJECT, j);
    }
    if (t == NULL || !typed[1]) {
        if (sjc_has_any(j, sjc_number_keys))
            parts[(*n)++] = sjc_new(r, d, K_NUMBER, j);
    }
    if (t == NULL || !typed[0]) {
        if (sjc_has_any(j, sjc_string_keys))
            parts[(*n)++] = sjc_new(r, d, K_STRING, j);
    }
}

static sjc_schema_t *
sjc_build(sjc_run_t *r, sjc_doc_t *d, const jsn_t *j)
{
    if (j->type == JSN_TRUE)
        return sjc_new(r, d, K_TRUE, j);
    if (j->type == JSN_FALSE)
        return sjc_new(r, d, K_FALSE, j);
    if (j->type != JSN_OBJ)
        return sjc_new(r, d, K_EMPTY, j);
    const jsn_t *ref = jsn_get(j, "$ref");
    if (ref != NULL && ref->type == JSN_STR) {
        sjc_schema_t *s = sjc_new(r, d, K_REF, j);
        s->ref = ref->str;
        s->common = j;
        return s;
    }
    sjc_schema_t *parts[16];
    size_t n = 0;
    if (jsn_get(j, "enum") != NULL)
        parts[n++] = sjc_new(r, d, K_ENUM, j);
    for (int c = C_ALL; c <= C_ONE; c++) {
        const jsn_t *list = jsn_get(j, sjc_criteria[c]);
        if (list == NULL || list->type != JSN_ARR)
            continue;
        sjc_schema_t *comb = sjc_new(r, d, K_COMBINED, j);
        comb->criterion = c;
        for (size_t i = 0; i < list->n; i++)
            sjc_add_sub(r, comb, sjc_load(r, d, list->items[i]));
        parts[n++] = comb;
    }
    const jsn_t *not = jsn_get(j, "not");
    if (not != NULL) {
        sjc_schema_t *s = sjc_new(r, d, K_NOT, j);
        sjc_add_sub(r, s, sjc_load(r, d, not));
        parts[n++] = s;
    }
    if (jsn_get(j, "const") != NULL)
        parts[n++] = sjc_new(r, d, K_CONST, j);
    if (jsn_get(j, "if") != NULL)
        parts[n++] = sjc_new(r, d, K_COND, j);
    sjc_type_parts(r, d, j, parts, &n);
    sjc_schema_t *s;
    if (n == 0) {
        s = sjc_new(r, d, K_EMPTY, j);
    } else if (n == 1) {
        s = parts[0];
    } else {
        s = sjc_new(r, d, K_COMBINED, j);
        s->criterion = C_ALL;
        for (size_t i = 0; i < n; i++)
            sjc_add_sub(r, s, parts[i]);
    }
    s->common = j;
    return s;
}

/* The model of node `j` of document `d`: built once, so loops of $refs
 * meet the same schema again (which the Context then does not re-enter). */
static sjc_schema_t *
sjc_load(sjc_run_t *r, sjc_doc_t *d, const jsn_t *j)
{
    if (j == NULL)
        return NULL;
    uintptr_t key = (uintptr_t)j;
    sjc_schema_t *s = hmap_get(&d->memo, &key, sizeof(key));
    if (s == NULL) {
        s = sjc_build(r, d, j);
        hmap_put(&d->memo, &key, sizeof(key), s);
    }
    return s;
}

/* ReferenceSchema.getReferredSchema(): a $ref into its own document;
 * another document's is not known here (NULL). */
static sjc_schema_t *
sjc_referred(sjc_run_t *r, sjc_schema_t *s)
{
    const char *hash = strchr(s->ref, '#');
    const jsn_t *id = jsn_get(s->doc->root, s->doc->id_key);
    size_t base = hash ? (size_t)(hash - s->ref) : strlen(s->ref);
    int self = base == 0 || (id != NULL && id->type == JSN_STR && id->len == base &&
                             memcmp(id->str, s->ref, base) == 0);
    if (!self)
        return NULL;
    const char *frag = hash ? hash + 1 : s->ref + base;
    const jsn_t *t = jsn_pointer(s->doc->root, frag, strlen(frag));
    return t ? sjc_load(r, s->doc, t) : NULL;
}

/* ---- the Context: differences, the path, the schemas entered ---- */

static void
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

static void
sjc_pop(sjc_run_t *r)
{
    r->path.len = r->marks[--r->nmarks];
}

static void
sjc_add(sjc_run_t *r, sjc_ctx_t *ctx, sjc_diff_t type)
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

static void
sjc_add_at(sjc_run_t *r, sjc_ctx_t *ctx, const char *attr, sjc_diff_t type)
{
    sjc_push(r, attr, strlen(attr));
    sjc_add(r, ctx, type);
    sjc_pop(r);
}

/* Move the differences of `sub` to the end of `ctx`; `sub` is left empty. */
static void
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

static void
sjc_ctx_free(sjc_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->n; i++)
        free(ctx->diffs[i].path);
    free(ctx->diffs);
    *ctx = (sjc_ctx_t){0};
}

static int
sjc_compatible(const sjc_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        if (!sjc_types[ctx->diffs[i].type].compatible)
            return 0;
    }
    return 1;
}

/* ---- Java's HashMap order, so that messages come in Confluent's order ---- */

static uint32_t
sjc_java_hash(const char *s, size_t n)
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

typedef struct sjc_key {
    const char *key;
    size_t klen;
    size_t seq;
    uint32_t bucket;
} sjc_key_t;

static int
sjc_key_cmp(const void *x, const void *y)
{
    const sjc_key_t *a = x, *b = y;
    if (a->bucket != b->bucket)
        return a->bucket < b->bucket ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A HashMap's capacity after `n` puts into a new HashMap(). */
static size_t
sjc_map_cap(size_t n)
{
    size_t cap = 16;
    while (n > cap / 4 * 3)
        cap *= 2;
    return cap;
}

/* new HashSet<>(a collection of n0), then more adds up to n. */
static size_t
sjc_set_cap(size_t n0, size_t n)
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
sjc_order(sjc_key_t *keys, size_t n, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        keys[i].seq = i;
        keys[i].bucket = sjc_java_hash(keys[i].key, keys[i].klen) & (uint32_t)(cap - 1);
    }
    qsort(keys, n, sizeof(*keys), sjc_key_cmp);
}

/* The members of object `m` in the order everit's HashMap holds them. */
static sjc_key_t *
sjc_map_keys(const jsn_t *m, size_t *n)
{
    *n = m && m->type == JSN_OBJ ? m->n : 0;
    sjc_key_t *k = mem_calloc(*n + 1, sizeof(*k));
    for (size_t i = 0; i < *n; i++)
        k[i] = (sjc_key_t){m->keys[i], m->klens[i], 0, 0};
    sjc_order(k, *n, sjc_map_cap(*n));
    return k;
}

/* The union of two maps' keys as `new HashSet<>(a.keySet()); addAll(b.keySet())`. */
static sjc_key_t *
sjc_union_keys(const jsn_t *a, const jsn_t *b, size_t *n)
{
    size_t na, nb;
    sjc_key_t *ka = sjc_map_keys(a, &na), *kb = sjc_map_keys(b, &nb);
    sjc_key_t *all = mem_calloc(na + nb + 1, sizeof(*all));
    memcpy(all, ka, na * sizeof(*all));
    *n = na;
    for (size_t i = 0; i < nb; i++) {
        if (jsn_find(a, kb[i].key, kb[i].klen) < 0)
            all[(*n)++] = kb[i];
    }
    sjc_order(all, *n, sjc_set_cap(na, *n));
    free(ka);
    free(kb);
    return all;
}

/* ---- keyword readers ---- */

static const jsn_t *
sjc_kw(const sjc_schema_t *s, const char *key)
{
    return jsn_get(s->src, key);
}

static int
sjc_is_num(const jsn_t *v)
{
    return v != NULL && (v->type == JSN_INT || v->type == JSN_DEC);
}

/*
 * A bound of Integer or Number: equal texts are no change; otherwise added,
 * removed, or compared by doubleValue() (equal values: no difference).
 */
static void
sjc_bound(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u,
          const char *key, sjc_diff_t added)
{
    const jsn_t *a = sjc_kw(o, key), *b = sjc_kw(u, key);
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
sjc_string(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u)
{
    sjc_bound(r, ctx, o, u, "maxLength", D_MAX_LENGTH_ADDED);
    sjc_bound(r, ctx, o, u, "minLength", D_MIN_LENGTH_ADDED);
    const jsn_t *a = sjc_kw(o, "pattern"), *b = sjc_kw(u, "pattern");
    if (a == NULL && b != NULL)
        sjc_add_at(r, ctx, "pattern", D_PATTERN_ADDED);
    else if (a != NULL && b == NULL)
        sjc_add_at(r, ctx, "pattern", D_PATTERN_REMOVED);
    else if (a != NULL && !jsn_equal(a, b))
        sjc_add_at(r, ctx, "pattern", D_PATTERN_CHANGED);
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
sjc_number(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u)
{
    sjc_bound(r, ctx, o, u, "maximum", D_MAXIMUM_ADDED);
    sjc_bound(r, ctx, o, u, "minimum", D_MINIMUM_ADDED);
    sjc_bound(r, ctx, o, u, "exclusiveMaximum", D_EXCLUSIVE_MAXIMUM_ADDED);
    sjc_bound(r, ctx, o, u, "exclusiveMinimum", D_EXCLUSIVE_MINIMUM_ADDED);
    const jsn_t *a = sjc_kw(o, "multipleOf"), *b = sjc_kw(u, "multipleOf");
    a = sjc_is_num(a) ? a : NULL;
    b = sjc_is_num(b) ? b : NULL;
    if ((a != NULL || b != NULL) && !(a != NULL && b != NULL && jsn_equal(a, b))) {
        long long x = a ? sjc_int_value(a) : 0, y = b ? sjc_int_value(b) : 0;
        if (a == NULL)
            sjc_add_at(r, ctx, "multipleOf", D_MULTIPLE_OF_ADDED);
        else if (b == NULL)
            sjc_add_at(r, ctx, "multipleOf", D_MULTIPLE_OF_REMOVED);
        else if (x != 0 && y % x == 0)
            sjc_add_at(r, ctx, "multipleOf", D_MULTIPLE_OF_EXPANDED);
        else if (y != 0 && x % y == 0)
            sjc_add_at(r, ctx, "multipleOf", D_MULTIPLE_OF_REDUCED);
        else
            sjc_add_at(r, ctx, "multipleOf", D_MULTIPLE_OF_CHANGED);
    }
    if (o->integer != u->integer)
        sjc_add(r, ctx, o->integer ? D_TYPE_EXTENDED : D_TYPE_NARROWED);
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
static int
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
sjc_enum(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u)
{
    static const sjc_diff_t by[] = {D_COUNT, D_ENUM_ARRAY_EXTENDED, D_ENUM_ARRAY_NARROWED,
                                    D_ENUM_ARRAY_CHANGED};
    int rel = sjc_set_relation(sjc_kw(o, "enum"), sjc_kw(u, "enum"));
    if (rel != 0)
        sjc_add_at(r, ctx, "enum", by[rel]);
}

static void
sjc_not(sjc_run_t *r, sjc_ctx_t *ctx, sjc_schema_t *o, sjc_schema_t *u)
{
    sjc_ctx_t sub = {0};
    sjc_push(r, "not", 3);
    sjc_compare(r, &sub, u->subs[0], o->subs[0]);
    sjc_add(r, ctx, sjc_compatible(&sub) ? D_NOT_TYPE_NARROWED : D_NOT_TYPE_EXTENDED);
    sjc_pop(r);
    sjc_ctx_free(&sub);
}

/* ---- objects ---- */

typedef struct sjc_obj {
    const sjc_schema_t *s;
    sjc_doc_t *doc;
    const jsn_t *props;         /* "properties", or NULL */
    const jsn_t *patterns;      /* "patternProperties", or NULL */
    const jsn_t *additional;    /* "additionalProperties", or NULL */
    hmap_t required;
} sjc_obj_t;

static void
sjc_obj_init(sjc_obj_t *ob, const sjc_schema_t *s, sjc_doc_t *doc)
{
    memset(ob, 0, sizeof(*ob));
    ob->s = s;
    ob->doc = doc;
    ob->props = sjc_kw(s, "properties");
    if (ob->props != NULL && ob->props->type != JSN_OBJ)
        ob->props = NULL;
    ob->patterns = sjc_kw(s, "patternProperties");
    if (ob->patterns != NULL && (ob->patterns->type != JSN_OBJ || ob->patterns->n == 0))
        ob->patterns = NULL;
    ob->additional = sjc_kw(s, "additionalProperties");
    const jsn_t *req = sjc_kw(s, "required");
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

static int
sjc_obj_open(const sjc_obj_t *ob)
{
    return ob->patterns == NULL && sjc_obj_additional(ob) == NULL && sjc_obj_permits(ob);
}

static int
sjc_regex_find(sjc_run_t *r, const char *pattern, const char *key)
{
    regex_t re;
    r->budget -= 16;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return 0;
    int found = regexec(&re, key, 0, NULL, 0) == 0;
    regfree(&re);
    return found;
}

/* schemaFromPartiallyOpenContentModel: the first pattern that finds the
 * key, else the schema of additional properties (NULL when neither). */
static const jsn_t *
sjc_obj_partial(sjc_run_t *r, const sjc_obj_t *ob, const char *key)
{
    for (size_t i = 0; ob->patterns != NULL && i < ob->patterns->n; i++) {
        if (sjc_regex_find(r, ob->patterns->keys[i], key))
            return ob->patterns->items[i];
    }
    return sjc_obj_additional(ob);
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
    sjc_key_t *keys = sjc_map_keys(o->props, &n);
    sjc_push(r, "required", 8);
    for (size_t i = 0; i < n; i++) {
        long at = jsn_find(u->props, keys[i].key, keys[i].klen);
        if (at < 0)
            continue;
        int was = hmap_get(&o->required, keys[i].key, keys[i].klen) != NULL;
        int is = hmap_get(&u->required, keys[i].key, keys[i].klen) != NULL;
        sjc_push(r, keys[i].key, keys[i].klen);
        if (was && !is)
            sjc_add(r, ctx, D_REQUIRED_ATTRIBUTE_REMOVED);
        else if (!was && is)
            sjc_add(r, ctx, sjc_has_default(u->props->items[at])
                                ? D_REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                                : D_REQUIRED_ATTRIBUTE_ADDED);
        sjc_pop(r);
    }
    sjc_pop(r);
    free(keys);
}

static int
sjc_is_empty(const sjc_schema_t *s)
{
    return s != NULL && (s->kind == K_EMPTY || s->kind == K_TRUE);
}

static void
sjc_prop_removed(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u,
                 const jsn_t *orig, const char *key)
{
    if (sjc_obj_open(u)) {
        sjc_add(r, ctx, D_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
        return;
    }
    const jsn_t *partial = sjc_obj_partial(r, u, key);
    if (partial != NULL) {
        sjc_ctx_t sub = {0};
        sjc_compare(r, &sub, sjc_load(r, o->doc, orig), sjc_load(r, u->doc, partial));
        int ok = sjc_compatible(&sub);
        sjc_take(ctx, &sub);
        sjc_add(r, ctx, ok ? D_PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                           : D_PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        return;
    }
    sjc_add(r, ctx, orig->type == JSN_FALSE
                        ? D_PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                        : D_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
}

static void
sjc_prop_added(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u,
               const jsn_t *upd, const char *key)
{
    sjc_schema_t *us = sjc_load(r, u->doc, upd);
    if (sjc_obj_open(o)) {
        sjc_add(r, ctx, sjc_is_empty(us) ? D_PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                                         : D_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
        return;
    }
    const jsn_t *partial = sjc_obj_partial(r, o, key);
    if (partial != NULL) {
        sjc_ctx_t sub = {0};
        sjc_compare(r, &sub, sjc_load(r, o->doc, partial), us);
        int ok = sjc_compatible(&sub);
        sjc_take(ctx, &sub);
        sjc_add(r, ctx, ok ? D_PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                           : D_PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
    }
    if (hmap_get(&u->required, key, strlen(key)) != NULL)
        sjc_add(r, ctx, sjc_has_default(upd)
                            ? D_REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                            : D_REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
    else
        sjc_add(r, ctx, D_OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
}

static void
sjc_obj_properties(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u)
{
    size_t n;
    sjc_key_t *keys = sjc_union_keys(o->props, u->props, &n);
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
            sjc_compare(r, ctx, sjc_load(r, o->doc, orig), sjc_load(r, u->doc, upd));
        sjc_pop(r);
    }
    sjc_pop(r);
    free(keys);
}

/* The dependencies of one kind: arrays (property) or schemas. */
static const jsn_t *
sjc_dep(const jsn_t *deps, const char *key, size_t klen, int arrays)
{
    long at = jsn_find(deps, key, klen);
    if (at < 0)
        return NULL;
    const jsn_t *v = deps->items[at];
    return (v->type == JSN_ARR) == arrays ? v : NULL;
}

static void
sjc_obj_dependencies(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u)
{
    const jsn_t *od = sjc_kw(o->s, "dependencies"), *ud = sjc_kw(u->s, "dependencies");
    size_t n;
    sjc_key_t *keys = sjc_union_keys(od, ud, &n);
    sjc_push(r, "dependencies", 12);
    for (int arrays = 1; arrays >= 0; arrays--) {
        for (size_t i = 0; i < n; i++) {
            const jsn_t *a = sjc_dep(od, keys[i].key, keys[i].klen, arrays);
            const jsn_t *b = sjc_dep(ud, keys[i].key, keys[i].klen, arrays);
            if (a == NULL && b == NULL)
                continue;
            sjc_push(r, keys[i].key, keys[i].klen);
            if (b == NULL) {
                sjc_add(r, ctx, arrays ? D_DEPENDENCY_ARRAY_REMOVED : D_DEPENDENCY_SCHEMA_REMOVED);
            } else if (a == NULL) {
                sjc_add(r, ctx, arrays ? D_DEPENDENCY_ARRAY_ADDED : D_DEPENDENCY_SCHEMA_ADDED);
            } else if (arrays) {
                static const sjc_diff_t by[] = {D_COUNT, D_DEPENDENCY_ARRAY_EXTENDED,
                                                D_DEPENDENCY_ARRAY_NARROWED,
                                                D_DEPENDENCY_ARRAY_CHANGED};
                int rel = sjc_set_relation(a, b);
                if (rel != 0)
                    sjc_add(r, ctx, by[rel]);
            } else {
                sjc_compare(r, ctx, sjc_load(r, o->doc, a), sjc_load(r, u->doc, b));
            }
            sjc_pop(r);
        }
    }
    sjc_pop(r);
    free(keys);
}

static void
sjc_obj_additional_cmp(sjc_run_t *r, sjc_ctx_t *ctx, sjc_obj_t *o, sjc_obj_t *u)
{
    const jsn_t *a = sjc_obj_additional(o), *b = sjc_obj_additional(u);
    sjc_push(r, "additionalProperties", 20);
    if (sjc_obj_permits(o) != sjc_obj_permits(u))
        sjc_add(r, ctx, sjc_obj_permits(u) ? D_ADDITIONAL_PROPERTIES_ADDED
                                           : D_ADDITIONAL_PROPERTIES_REMOVED);
    else if (a == NULL && b != NULL)
        sjc_add(r, ctx, D_ADDITIONAL_PROPERTIES_NARROWED);
    else if (b == NULL && a != NULL)
        sjc_add(r, ctx, D_ADDITIONAL_PROPERTIES_EXTENDED);
    else if (a != NULL)
        sjc_compare(r, ctx, sjc_load(r, o->doc, a), sjc_load(r, u->doc, b));
    sjc_pop(r);
}

static void
sjc_object(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *os, const sjc_schema_t *us)
{
    sjc_obj_t o, u;
    sjc_obj_init(&o, os, os->doc);
    sjc_obj_init(&u, us, us->doc);
    sjc_obj_required(r, ctx, &o, &u);
    sjc_obj_properties(r, ctx, &o, &u);
    sjc_obj_dependencies(r, ctx, &o, &u);
    sjc_obj_additional_cmp(r, ctx, &o, &u);
    sjc_bound(r, ctx, os, us, "maxProperties", D_MAX_PROPERTIES_ADDED);
    sjc_bound(r, ctx, os, us, "minProperties", D_MIN_PROPERTIES_ADDED);
    hmap_free(&o.required);
    hmap_free(&u.required);
}

/* ---- arrays ---- */

/* getAllItemSchema(): "items" as one schema; NULL for a tuple or none. */
static const jsn_t *
sjc_all_items(const sjc_schema_t *s)
{
    const jsn_t *v = sjc_kw(s, "items");
    return v != NULL && v->type != JSN_ARR ? v : NULL;
}

static size_t
sjc_tuple(const sjc_schema_t *s, const jsn_t ***items)
{
    const jsn_t *v = sjc_kw(s, "items");
    *items = NULL;
    if (v == NULL || v->type != JSN_ARR)
        return 0;
    *items = (const jsn_t **)v->items;
    return v->n;
}

static int
sjc_arr_permits(const sjc_schema_t *s)
{
    const jsn_t *v = sjc_kw(s, "additionalItems");
    return v == NULL || v->type != JSN_FALSE;
}

static const jsn_t *
sjc_arr_additional(const sjc_schema_t *s)
{
    const jsn_t *v = sjc_kw(s, "additionalItems");
    return v != NULL && v->type == JSN_OBJ ? v : NULL;
}

static int
sjc_arr_open(const sjc_schema_t *s)
{
    return sjc_arr_additional(s) == NULL && sjc_arr_permits(s);
}

static void
sjc_item_path(sjc_run_t *r, size_t index)
{
    char seg[32];
    int n = snprintf(seg, sizeof(seg), "items/%zu", index);
    sjc_push(r, seg, (size_t)n);
}

static void
sjc_item_removed(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u,
                 const jsn_t *orig)
{
    if (sjc_arr_open(u)) {
        sjc_add(r, ctx, D_ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
        return;
    }
    const jsn_t *partial = sjc_arr_additional(u);
    if (partial != NULL) {
        sjc_ctx_t sub = {0};
        sjc_compare(r, &sub, sjc_load(r, o->doc, orig), sjc_load(r, u->doc, partial));
        int ok = sjc_compatible(&sub);
        sjc_take(ctx, &sub);
        sjc_add(r, ctx, ok ? D_ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                           : D_ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        return;
    }
    sjc_add(r, ctx, orig->type == JSN_FALSE ? D_ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                                            : D_ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
}

static void
sjc_item_added(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u,
               const jsn_t *upd)
{
    sjc_schema_t *us = sjc_load(r, u->doc, upd);
    if (sjc_arr_open(o)) {
        sjc_add(r, ctx, sjc_is_empty(us) ? D_ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                                         : D_ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
        return;
    }
    const jsn_t *partial = sjc_arr_additional(o);
    if (partial == NULL) {
        sjc_add(r, ctx, D_ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
        return;
    }
    sjc_ctx_t sub = {0};
    sjc_compare(r, &sub, sjc_load(r, o->doc, partial), us);
    int ok = sjc_compatible(&sub);
    sjc_take(ctx, &sub);
    sjc_add(r, ctx, ok ? D_ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                       : D_ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
}

static void
sjc_array(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u)
{
    sjc_push(r, "items", 5);
    sjc_compare(r, ctx, sjc_load(r, o->doc, sjc_all_items(o)), sjc_load(r, u->doc, sjc_all_items(u)));
    sjc_pop(r);
    const jsn_t **oi, **ui;
    size_t no = sjc_tuple(o, &oi), nu = sjc_tuple(u, &ui), i = 0;
    for (; i < no && i < nu; i++) {
        sjc_item_path(r, i);
        sjc_compare(r, ctx, sjc_load(r, o->doc, oi[i]), sjc_load(r, u->doc, ui[i]));
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
        sjc_add(r, ctx, sjc_arr_permits(o) ? D_ADDITIONAL_ITEMS_REMOVED : D_ADDITIONAL_ITEMS_ADDED);
    else if (a == NULL && b != NULL)
        sjc_add(r, ctx, D_ADDITIONAL_ITEMS_NARROWED);
    else if (b == NULL && a != NULL)
        sjc_add(r, ctx, D_ADDITIONAL_ITEMS_EXTENDED);
    else if (a != NULL)
        sjc_compare(r, ctx, sjc_load(r, o->doc, a), sjc_load(r, u->doc, b));
    sjc_pop(r);
    sjc_bound(r, ctx, o, u, "maxItems", D_MAX_ITEMS_ADDED);
    sjc_bound(r, ctx, o, u, "minItems", D_MIN_ITEMS_ADDED);
    const jsn_t *ua = sjc_kw(o, "uniqueItems"), *ub = sjc_kw(u, "uniqueItems");
    int was = ua != NULL && ua->type == JSN_TRUE, is = ub != NULL && ub->type == JSN_TRUE;
    if (was != is)
        sjc_add_at(r, ctx, "uniqueItems", was ? D_UNIQUE_ITEMS_REMOVED : D_UNIQUE_ITEMS_ADDED);
}

/* ---- combined schemas ---- */

/* The text a subschema's JsonSchema copy would compare by (duplicates collapse). */
static char *
sjc_sub_text(const sjc_schema_t *s)
{
    buf_t b = {0};
    buf_printf(&b, "%d:%d:", (int)s->kind, s->integer);
    jsn_write(&b, s->src, 1);
    return buf_steal(&b, NULL);
}

/* The subschemas without duplicates, in order. */
static sjc_schema_t **
sjc_distinct(const sjc_schema_t *c, size_t *n)
{
    hmap_t seen = {0};
    sjc_schema_t **v = mem_calloc(c->nsubs + 1, sizeof(*v));
    *n = 0;
    for (size_t i = 0; i < c->nsubs; i++) {
        char *t = sjc_sub_text(c->subs[i]);
        if (hmap_get(&seen, t, strlen(t)) == NULL) {
            hmap_put(&seen, t, strlen(t), &seen);
            v[(*n)++] = c->subs[i];
        }
        free(t);
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
sjc_single(const sjc_schema_t *c)
{
    return c->nsubs == 1;
}

static void
sjc_combined(sjc_run_t *r, sjc_ctx_t *ctx, const sjc_schema_t *o, const sjc_schema_t *u)
{
    if (o->criterion != u->criterion) {
        int ext = u->criterion == C_ANY || (sjc_single(o) && sjc_single(u)) ||
                  (sjc_single(o) && u->criterion == C_ONE) ||
                  (sjc_single(u) && o->criterion == C_ALL);
        sjc_add(r, ctx, ext ? D_COMBINED_TYPE_EXTENDED : D_COMBINED_TYPE_CHANGED);
        if (!ext)
            return;
    }
    size_t no, nu;
    sjc_schema_t **os = sjc_distinct(o, &no), **us = sjc_distinct(u, &nu);
    if (no < nu)
        sjc_add(r, ctx, u->criterion == C_ALL ? D_PRODUCT_TYPE_EXTENDED : D_SUM_TYPE_EXTENDED);
    else if (no > nu)
        sjc_add(r, ctx, o->criterion == C_ALL ? D_PRODUCT_TYPE_NARROWED : D_SUM_TYPE_NARROWED);
    unsigned char *edge = mem_calloc(no * nu + 1, 1);
    for (size_t i = 0; i < no; i++) {
        char seg[32];
        int len = snprintf(seg, sizeof(seg), "%s/%zu", sjc_criteria[o->criterion], i);
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
        sjc_add(r, ctx, D_COMBINED_TYPE_SUBSCHEMAS_CHANGED);
    free(match_u);
    free(visited);
    free(edge);
    free(os);
    free(us);
}

/* ---- SchemaDiff.compare ---- */

static sjc_schema_t *
sjc_normalize(sjc_run_t *r, sjc_schema_t *s)
{
    if (s->kind != K_REF)
        return s;
    sjc_schema_t *t = sjc_referred(r, s);
    return t != NULL ? t : s;
}

static int
sjc_types_equal(const sjc_schema_t *a, const sjc_schema_t *b)
{
    return a->kind == b->kind;
}

/* A union on one side only: the singleton and sum/product special cases.
 * 1 when they settled the comparison. */
static int
sjc_one_sided(sjc_run_t *r, sjc_ctx_t *ctx, sjc_schema_t *o, sjc_schema_t *u)
{
    int upd_side = o->kind != K_COMBINED && u->kind == K_COMBINED;
    int orig_side = o->kind == K_COMBINED && u->kind != K_COMBINED;
    sjc_schema_t *c = upd_side ? u : o;
    if (!upd_side && !orig_side)
        return 0;
    int wanted = upd_side ? c->criterion != C_ALL : c->criterion == C_ALL;
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
                sjc_add(r, ctx, upd_side ? D_SUM_TYPE_EXTENDED : D_PRODUCT_TYPE_NARROWED);
            return 1;
        }
        sjc_ctx_free(&sub);
        if (sjc_single(c))
            break;
    }
    return 0;
}

static void
sjc_dispatch(sjc_run_t *r, sjc_ctx_t *ctx, sjc_schema_t *o, sjc_schema_t *u)
{
    switch (o->kind) {
    case K_STRING: sjc_string(r, ctx, o, u); break;
    case K_NUMBER: sjc_number(r, ctx, o, u); break;
    case K_CONST:
        if (!jsn_equal(sjc_kw(o, "const"), sjc_kw(u, "const")))
            sjc_add_at(r, ctx, "const", D_ENUM_ARRAY_CHANGED);
        break;
    case K_ENUM: sjc_enum(r, ctx, o, u); break;
    case K_COMBINED: sjc_combined(r, ctx, o, u); break;
    case K_NOT: sjc_not(r, ctx, o, u); break;
    case K_OBJECT: sjc_object(r, ctx, o, u); break;
    case K_ARRAY: sjc_array(r, ctx, o, u); break;
    default: break;
    }
}

static void
sjc_compare(sjc_run_t *r, sjc_ctx_t *ctx, sjc_schema_t *o, sjc_schema_t *u)
{
    if (o == NULL && u == NULL)
        return;
    if (o == NULL || u == NULL) {
        sjc_add(r, ctx, o == NULL ? D_SCHEMA_ADDED : D_SCHEMA_REMOVED);
        return;
    }
    /* Past the budget or the depth, the answer is "incompatible": never a
     * pass for a schema too costly to check. */
    if (--r->budget < 0 || r->depth >= SJC_MAX_DEPTH) {
        sjc_add(r, ctx, D_TYPE_CHANGED);
        return;
    }
    o = sjc_normalize(r, o);
    u = sjc_normalize(r, u);
    r->depth++;
    if (sjc_one_sided(r, ctx, o, u)) {
        r->depth--;
        return;
    }
    if (!sjc_types_equal(o, u)) {
        if (o->kind != K_FALSE && !sjc_is_empty(u))
            sjc_add(r, ctx, D_TYPE_CHANGED);
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

static void
sjc_doc_init(sjc_doc_t *d, const jsn_t *root)
{
    const jsn_t *sv = jsn_get(root, "$schema");
    int draft4 = sv != NULL && sv->type == JSN_STR &&
                 strstr(sv->str, "json-schema.org/draft-04/schema") != NULL;
    d->root = root;
    d->id_key = draft4 ? "id" : "$id";
    d->memo = (hmap_t){0};
}

/* Difference.toString(), its "%s" given the reader's then the writer's role. */
static char *
sjc_message(const sjc_diff_rec_t *d, const char *reader, const char *writer)
{
    static const char *const words[] = {
        [M_NONE] = "",
        [M_KEYWORD] = "The keyword at path '%p' in the %s schema is not present in the %s schema",
        [M_MORE] = "The value at path '%p' in the %s schema is more than its value in the %s schema",
        [M_LESS] = "The value at path '%p' in the %s schema is less than its value in the %s schema",
        [M_VALUE] = "The value at path '%p' is different between the %s and %s schema",
        [M_FEWER] = "An array or combined type at path '%p' has fewer elements in the %s schema "
                    "than the %s schema",
        [M_MORE_ELEMS] = "An array or combined type at path '%p' has more elements in the %s "
                         "schema than the %s schema",
        [M_TYPE] = "A type at path '%p' is different between the %s schema and the %s schema",
        [M_OPEN_ADDED] = "The %s schema has an open content model and has a property or item at "
                         "path '%p' which is missing in the %s schema",
        [M_UNOPEN_REQUIRED] = "The %s schema has an unopen content model and has a required "
                              "property at path '%p' which is missing in the %s schema",
        [M_CLOSED_REMOVED] = "The %s has a closed content model and is missing a property or "
                             "item present at path '%p' in the %s schema",
        [M_PARTIAL_REMOVED] = "A property or item is missing in the %s schema but present at "
                              "path '%p' in the %s schema and is not covered by its partially "
                              "open content model",
        [M_PARTIAL_ADDED] = "The %s schema has a property or item at path '%p' which is missing "
                            "in the %s schema and is not covered by its partially open content "
                            "model",
    };
    const char *w = words[sjc_types[d->type].words];
    const char *roles[2] = {reader, writer};
    int next = 0;
    buf_t b = {0};
    buf_printf(&b, "{errorType:\"%s\", description:\"", sjc_types[d->type].name);
    for (const char *p = w; *p; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            buf_puts(&b, d->path);
            p++;
        } else if (p[0] == '%' && p[1] == 's') {
            buf_puts(&b, roles[next < 2 ? next : 1]);
            next++;
            p++;
        } else {
            buf_append(&b, p, 1);
        }
    }
    buf_puts(&b, "'}");
    return buf_steal(&b, NULL);
}

int
schema_json_compatible(const char *reader, const char *const *reader_refs,
                       size_t nreader_refs, const char *writer,
                       const char *const *writer_refs, size_t nwriter_refs,
                       int reader_is_new, json_t *messages)
{
    (void)reader_refs;
    (void)nreader_refs;
    (void)writer_refs;
    (void)nwriter_refs;
    jsn_t *upd = jsn_parse(reader, strlen(reader));
    jsn_t *orig = jsn_parse(writer, strlen(writer));
    if (upd == NULL || orig == NULL) {
        jsn_free(upd);
        jsn_free(orig);
        return -1;
    }
    sjc_run_t r = {.budget = SJC_BUDGET};
    sjc_ctx_t ctx = {0};
    sjc_doc_init(&r.orig, orig);
    sjc_doc_init(&r.upd, upd);
    sjc_compare(&r, &ctx, sjc_load(&r, &r.orig, orig), sjc_load(&r, &r.upd, upd));
    int compatible = 1;
    for (size_t i = 0; i < ctx.n; i++) {
        if (sjc_types[ctx.diffs[i].type].compatible)
            continue;
        compatible = 0;
        if (messages != NULL) {
            char *m = sjc_message(&ctx.diffs[i], reader_is_new ? "new" : "old",
                                  reader_is_new ? "old" : "new");
            json_array_append_new(messages, json_string(m));
            free(m);
        }
    }
    sjc_ctx_free(&ctx);
    hmap_free(&r.orig.memo);
    hmap_free(&r.upd.memo);
    hmap_free(&r.entered);
    buf_free(&r.path);
    free(r.marks);
    mem_arena_reset(&r.arena);
    jsn_free(upd);
    jsn_free(orig);
    return compatible;
}
