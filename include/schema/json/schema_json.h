/*
 * schema_json.h - JSON Schema as Confluent Schema Registry 7.9 and 8.3 see
 * it (their json-schema-provider; the row's dialect8 is 8.3's): parse with
 * Jackson's rules, validate as its loaders (everit for draft-04/06/07,
 * json-sKema for 2019-09 and 2020-12) refuse, render the text it stores
 * (Jackson's compact serialization, members in order; normalized: sorted),
 * and check compatibility by its JsonSchemaDiff.
 */
#ifndef SCHEMAD_SCHEMA_JSON_H
#define SCHEMAD_SCHEMA_JSON_H

#include <stddef.h>
#include <jansson.h>

#include "schema_type.h"

/** JSON Schema's row in the table of schema types. */
extern const schema_type_t schema_json_type;

/**
 * The hook schema_type_t.canonical.  -1 with *err "Invalid JSON <text>"
 * when the text is not JSON (Confluent's parse error); -2 with *err
 * "Invalid JSON Schema" when it is JSON but no schema its loader accepts
 * (Confluent raises that one when validating, so its 42201 does not repeat
 * the references and the type).  `refs` are the referenced schemas' texts:
 * a `$ref` to another document is accepted when the request names
 * references (the names themselves do not reach this hook).
 */
int schema_json_canonical(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                          int flags, char **out, char **err);

/** The same with the loaders of `dialect` (confluent.version 7: 7.9's, 8: 8.3's,
 *  whose messages are "Invalid JSON schema" (-1) and "Invalid JSON" (-2)). */
int schema_json_canonical_dialect(const char *text, size_t len, const schema_ref_t *refs,
                                  size_t nrefs, int flags, int dialect, char **out, char **err);

/**
 * The hook schema_type_t.compatible, by Confluent's JsonSchemaDiff: the
 * writer is the original schema, the reader the update.  1, 0 (messages
 * appended as `{errorType:"...", description:"..."}`), -1 when a text does
 * not parse.  Linear in the schemas; `$ref`s are followed once per pair.
 */
int schema_json_compatible(const char *reader, const schema_ref_t *reader_refs,
                           size_t nreader_refs, const char *writer,
                           const schema_ref_t *writer_refs, size_t nwriter_refs,
                           int reader_is_new, json_t *messages);

/** The same by `dialect`'s JsonSchemaDiff and loaders (7: 7.9's, 8: 8.3's), under
 * 8.3's compatibilityPolicy LENIENT when `lenient` (else STRICT, its default). */
int schema_json_compatible_dialect(const char *reader, const schema_ref_t *reader_refs,
                                   size_t nreader_refs, const char *writer,
                                   const schema_ref_t *writer_refs, size_t nwriter_refs,
                                   int reader_is_new, int dialect, int lenient,
                                   json_t *messages);

/**
 * The hook schema_type_t.edit_tags: entity paths walked as Confluent's
 * JsonSchemaUtils.findMatchingEntity walks them ("object.a" a property,
 * "object" with sr_record the schema itself, "array.", "not.",
 * "definitions."); the edited text rendered as it is stored.  -1 with *err
 * "java.lang.IllegalArgumentException: No matching path '...' found in the
 * schema".  The index of an allOf/anyOf/oneOf subschema counts in document
 * order (Confluent sorts them by its JsonSchemaComparator first).
 */
int schema_json_edit_tags(const char *text, const json_t *add, const json_t *remove,
                          char **out, char **err);

/**
 * Whether `pattern` (len bytes) is a regular expression java.util.regex
 * compiles, as far as its structure goes (groups, classes, escapes,
 * repetitions).
 */
int schema_json_regex_ok(const char *pattern, size_t len);

/**
 * A java.util.regex `pattern` as a POSIX extended regular expression that
 * finds the same strings, for regcomp(): Java's class escapes (\d \s \w and
 * their negations, also inside brackets), escaped punctuation, non-capturing
 * groups, a leading (?i) (sets *icase), lazy and possessive suffixes (which
 * do not change whether a match is found).  Malloc'd (the caller frees), or
 * NULL for what has no POSIX spelling (lookaround, backreferences, class
 * intersections, other flags).
 */
char *schema_json_regex_posix(const char *pattern, size_t len, int *icase);

#endif
