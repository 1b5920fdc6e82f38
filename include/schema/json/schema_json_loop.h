/*
 * schema_json_loop.h - the 2019-09 / 2020-12 documents Confluent 7.9's
 * SchemaTranslator (json-sKema's model to everit's) never finishes: a
 * StackOverflowError, reported as "Invalid JSON Schema".  Private to
 * src/schema/json/.
 */
#ifndef SCHEMAD_SCHEMA_JSON_LOOP_H
#define SCHEMAD_SCHEMA_JSON_LOOP_H

#include "schema_json_node.h"

/**
 * Whether a loop of same-document `$ref`s in `root` passes only through
 * targets SchemaTranslator does not remember.  It remembers a schema
 * object under its own name only when the object yields no keyword
 * schema or several products (keyword schemas, properties,
 * patternProperties); an object of exactly one keyword schema is known
 * only by that keyword's product, so SchemaContext.close() translates it
 * again each time a $ref reaches it, and a loop of such targets never
 * ends.  Bounded: each target's subschemas are walked once.
 */
int sjl_translator_loops(const jsn_t *root);

/** Whether SchemaTranslator knows object `t` only by its one keyword schema's product. */
int sjl_forgotten(const jsn_t *t);

#endif
