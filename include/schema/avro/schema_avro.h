/*
 * schema_avro.h - Avro schemas as Confluent Schema Registry 7.9 (Java Avro
 * 1.11) sees them: parse and validate with Java's error texts, render the
 * canonical text Java's Schema.toString() gives (what Confluent stores and
 * hashes), the normalized form (normalize=true), and check compatibility.
 */
#ifndef SCHEMAD_SCHEMA_AVRO_H
#define SCHEMAD_SCHEMA_AVRO_H

#include <stddef.h>
#include <jansson.h>

#include "schema_type.h"

/** Avro's row in the table of schema types. */
extern const schema_type_t schema_avro_type;

/**
 * Parse `text` (len bytes) as an Avro schema.  `refs` holds `nrefs`
 * NUL-terminated canonical texts of referenced schemas whose named types the
 * text may use (in dependency order, as Confluent resolves them), or NULL.
 * A use of a reference's top-level type is rendered as its name, shortened
 * relative to the enclosing namespace ("type":"Dep").  With SCHEMA_NORMALIZE
 * in `flags` the output is Confluent's normalized form
 * (AvroSchema.normalize(), then canonicalString()) instead of plain
 * Schema.toString(); with SCHEMA_VALIDATE_DEFAULTS every field's default
 * (of the references too) must fit its type, else Java's "Invalid default
 * for field f: <value> not a <schema>".
 *
 * Returns 0 and sets *out to the canonical text (malloc'd, caller frees), or
 * returns -1 and sets *err to Java Avro's message for the failure (malloc'd,
 * caller frees), e.g. `Undefined name: "nope"`: the text Confluent puts
 * after "details: " in its 42201 message.  Without SCHEMA_VALIDATE_DEFAULTS
 * a bad default is accepted, as Confluent's plain path does.
 */
int schema_avro_canonical(const char *text, size_t len,
                          const schema_ref_t *refs, size_t nrefs,
                          int flags, char **out, char **err);

/**
 * Check that a reader schema can read data written with a writer schema
 * (both canonical texts, NUL-terminated, each with its references in
 * dependency order), by Avro 1.11 SchemaCompatibility rules.
 * `reader_is_new` picks the words of the messages: 1 when the reader is the
 * schema being registered (BACKWARD: "in the new schema ... in the old
 * schema"), 0 when the reader is the existing one (FORWARD swaps them).
 *
 * Returns 1 when compatible, 0 when not, -1 when either text does not
 * parse.  On 0, when `messages` (a JSON array) is not NULL, appends one
 * string per difference in Confluent's format
 *   {errorType:'...', description:'...', additionalInfo:'...'}
 * or the single "Unexpected exception during compatibility check: ..." text.
 * The caller adds {oldSchemaVersion: N}, {oldSchema: '...'} and the
 * trailing {validateFields: ..., compatibility: ...} entries.
 */
int schema_avro_compatible(const char *reader, const schema_ref_t *reader_refs,
                           size_t nreader_refs, const char *writer,
                           const schema_ref_t *writer_refs, size_t nwriter_refs,
                           int reader_is_new, json_t *messages);

/**
 * Add then remove `confluent:tags` on records and fields (the hook
 * schema_type_t.edit_tags): paths name a record by its full or simple
 * name, a field as that name, a dot and the field's.  0 with *out the
 * edited text (malloc'd); -1 with *err Java's message (malloc'd).  Linear
 * in the schema and the lists.
 */
int schema_avro_edit_tags(const char *text, const json_t *add, const json_t *remove,
                          char **out, char **err);

#endif
