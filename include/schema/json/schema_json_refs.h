/*
 * schema_json_refs.h - the documents a JSON Schema's references bring,
 * found by the URI a `$ref` names, as Confluent's loaders register them:
 * each reference under its name resolved against the referring document's
 * `$id` (everit's registerSchemaByURI(ReferenceResolver.resolve(id, name))),
 * also as "./name".  Each document is parsed once, on first use.  Private
 * to src/schema/json/.
 */
#ifndef SCHEMAD_SCHEMA_JSON_REFS_H
#define SCHEMAD_SCHEMA_JSON_REFS_H

#include <stddef.h>

#include "schema_json_node.h"
#include "schema_type.h"

typedef struct sjr_set {
    const schema_ref_t *refs;   /* borrowed from the hook's caller */
    size_t n;
    jsn_t **docs;               /* per ref: its parsed text, NULL until asked */
    unsigned char *tried;       /* per ref: parsed (or failed to) already */
    int bridge;                 /* 8.3: each document as sjr_bridge_defs leaves it */
} sjr_set_t;

/** A set over `n` refs (borrowed; they outlive the set); `dialect` 8 bridges
 *  each document's definitions (sjr_bridge_defs) as 8.3's loaders do. */
void sjr_init(sjr_set_t *s, const schema_ref_t *refs, size_t n, int dialect);

/** Frees the parsed documents and the set's arrays. */
void sjr_free(sjr_set_t *s);

/**
 * The reference whose document the `len` bytes of `ref` before its '#'
 * name, both resolved against `id` (the referring document's `$id`, or
 * NULL): its index, or -1 when no reference has that name or its text is
 * not JSON.  *root is the document (owned by the set).
 */
long sjr_find(sjr_set_t *s, const char *ref, size_t len, const jsn_t *id, const jsn_t **root);

/**
 * Confluent 8.3's mergeDefBuckets(json, "definitions", "$defs"), which both
 * its loaders apply to every document before loading it (the stored text
 * stays as it was): each member of the root's `definitions` (a non-empty
 * object) that `$defs` lacks is copied into `$defs` (added last when
 * absent; a `$defs` that is no object is left alone), so that a
 * "#/$defs/x" finds a body kept under `definitions`.  Top level only.
 * Returns 1 when `root` changed.
 */
int sjr_bridge_defs(jsn_t *root);

/** Whether sjr_bridge_defs would change `root`. */
int sjr_bridges(const jsn_t *root);

#endif
