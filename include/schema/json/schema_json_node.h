/*
 * schema_json_node.h - JSON documents as Confluent's Jackson ObjectMapper
 * reads and writes them for JSON Schema: objects keep their members in
 * order (a repeated key keeps its first place and takes the last value),
 * numbers keep their text (Jackson reads floats as exact BigDecimals and
 * writes BigDecimal.toString()), nesting is bounded as Jackson bounds it.
 */
#ifndef SCHEMAD_SCHEMA_JSON_NODE_H
#define SCHEMAD_SCHEMA_JSON_NODE_H

#include <stddef.h>

#include "hmap.h"
#include "mem.h"

/* Jackson's StreamReadConstraints default: deeper documents are refused. */
#define JSN_MAX_DEPTH 1000

typedef enum {
    JSN_NULL,
    JSN_TRUE,
    JSN_FALSE,
    JSN_INT,        /* an integer literal: str holds its digits as Jackson writes them */
    JSN_DEC,        /* a literal with a fraction or exponent: str is BigDecimal.toString() */
    JSN_STR,        /* str holds the unescaped text (it may contain NUL bytes) */
    JSN_ARR,
    JSN_OBJ
} jsn_type_t;

typedef struct jsn jsn_t;
struct jsn {
    jsn_type_t type;
    char *str;          /* owned; NUL-terminated; see jsn_type_t */
    size_t len;
    jsn_t **items;      /* ARR: elements; OBJ: values, in key order */
    char **keys;        /* OBJ: owned, NUL-terminated (may contain NUL) */
    size_t *klens;
    size_t n;
    size_t cap;
    hmap_t index;       /* OBJ: key -> position + 1 */
};

/**
 * Parse the first JSON value in `text` (trailing text is ignored, as
 * ObjectMapper.readTree ignores it).  Returns the tree (free with
 * jsn_free) or NULL when the text is not JSON Jackson reads.
 */
jsn_t *jsn_parse(const char *text, size_t len);

/** Free a tree (its depth is bounded by JSN_MAX_DEPTH). */
void jsn_free(jsn_t *j);

/** The member `key` of an object, or NULL (also when `j` is no object). */
const jsn_t *jsn_get(const jsn_t *j, const char *key);

/** Its position in the object, or -1. */
long jsn_find(const jsn_t *j, const char *key, size_t klen);

/**
 * Append the compact text Jackson writes for `j` to `b`; with `sorted`,
 * every object's members in the order of Java's String.compareTo (what
 * Confluent's normalize does with a TreeMap).
 */
void jsn_write(buf_t *b, const jsn_t *j, int sorted);

/** Whether two trees are equal as Jackson's JsonNode.equals says (member order aside). */
int jsn_equal(const jsn_t *a, const jsn_t *b);

/** Whether `j` is a non-finite number (NaN, Infinity, -Infinity: a JSN_DEC
 *  with that text), which Jackson reads and org.json refuses. */
int jsn_nonfinite(const jsn_t *j);
/** Whether `j` is a number (JSN_INT or JSN_DEC); its value as a double in *out. */
int jsn_number(const jsn_t *j, double *out);

/** A new node of `type` (the caller fills it). */
jsn_t *jsn_new(jsn_type_t type);

/** Set `key` of an object to `v` (owned by the object from now), replacing a previous value. */
void jsn_set(jsn_t *obj, const char *key, size_t klen, jsn_t *v);

/** Append `v` to an array (owned by the array from now). */
void jsn_append(jsn_t *arr, jsn_t *v);

/** A deep copy (malloc'd; jsn_free). */
jsn_t *jsn_copy(const jsn_t *j);

/**
 * The node a JSON pointer names (the part of a `$ref` after '#': "/a/b~1c",
 * percent-decoded) from `root`, or NULL.  The empty pointer is the root.
 */
const jsn_t *jsn_pointer(const jsn_t *root, const char *p, size_t n);

/*
 * The draft a document's root `$schema` names, as Confluent's
 * SpecificationVersion.getFromUrl reads it (exact URLs, a trailing '#'
 * dropped): 4, 6, 7, 2019 or 2020; 7 when absent, not a string or unknown.
 * Only the root's counts: everit reads a subschema's `$schema` as nothing.
 */
/*
 * The target of a `$ref` whose fragment is a plain name ("#name", no '/'),
 * as everit finds it: the last subschema (document order) whose
 * `id_key` is "#name", or "<root's id>#name"; none: the document itself
 * (everit evaluates the name as an empty pointer).  `index` (the caller's,
 * freed with hmap_free) is filled once per root, so a document of many
 * such $refs is walked once.
 */
const jsn_t *jsn_anchor(const jsn_t *root, const char *id_key, hmap_t *index,
                        const char *name, size_t n);

/*
 * The same for 2019-09 and 2020-12, as json-sKema's lookupAnchors finds it
 * in the tree Confluent hands it (locations unknown, so the walk enters
 * every object and array but the values of enum and const), in document
 * order: the object whose `$anchor` is "name" (a second one is a clash,
 * see jsn_anchor_clash), a later `$dynamicAnchor` of that name replacing
 * it.  NULL when none: json-sKema then reads the name as a JSON pointer
 * and fails.
 */
const jsn_t *jsn_anchor_named(const jsn_t *root, hmap_t *index, const char *name, size_t n);

/** Whether two objects of `root` give one $anchor name (json-sKema throws), or an
 * $anchor names an earlier $dynamicAnchor's object; `index` as above. */
int jsn_anchor_clash(const jsn_t *root, hmap_t *index);

enum { JSN_DRAFT4 = 4, JSN_DRAFT6 = 6, JSN_DRAFT7 = 7, JSN_DRAFT2019 = 2019, JSN_DRAFT2020 = 2020 };
int jsn_draft(const jsn_t *root);

#endif
