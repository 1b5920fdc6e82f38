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
} sjr_set_t;

/** A set over `n` refs (borrowed; they outlive the set). */
void sjr_init(sjr_set_t *s, const schema_ref_t *refs, size_t n);

/** Frees the parsed documents and the set's arrays. */
void sjr_free(sjr_set_t *s);

/**
 * The reference whose document the `len` bytes of `ref` before its '#'
 * name, both resolved against `id` (the referring document's `$id`, or
 * NULL): its index, or -1 when no reference has that name or its text is
 * not JSON.  *root is the document (owned by the set).
 */
long sjr_find(sjr_set_t *s, const char *ref, size_t len, const jsn_t *id, const jsn_t **root);

#endif
