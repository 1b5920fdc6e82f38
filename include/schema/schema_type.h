/*
 * schema_type.h - the interface every schema type plugs into, as an nginx
 * module declares its hooks: one table of functions per type, found by the
 * `schemaType` a request or a record names.  The API, the compatibility
 * levels and the worker's body memo call through it and name no type.
 *
 * A new type is a folder under src/schema/ that defines one schema_type_t
 * and one row in schema_type.c's table.
 */
#ifndef SCHEMAD_SCHEMA_TYPE_H
#define SCHEMAD_SCHEMA_TYPE_H

#include <stddef.h>
#include <jansson.h>

/* canonical's flags.  Confluent validates a new schema's default values
 * on the normalize path (AvroSchemaProvider: (validateDefaults ||
 * normalize) && isNew); a type without defaults ignores the flag. */
#define SCHEMA_NORMALIZE 1
#define SCHEMA_VALIDATE_DEFAULTS 2

/*
 * One schema that a schema refers to, directly or through the schemas it
 * refers to: the name its referrer gave it (a reference's "name": an Avro
 * file name, the URL a JSON Schema "$ref" uses, a .proto import path) and
 * its stored text.  Arrays of these are built by the store
 * (store_schema_deps) and freed with schema_refs_free().
 */
typedef struct schema_ref {
    char *name;
    char *text;
} schema_ref_t;

/** Frees `n` refs, their names and texts, and the array. */
void schema_refs_free(schema_ref_t *refs, size_t n);

typedef struct schema_type {
    /** The schemaType Confluent writes: "AVRO", "JSON", "PROTOBUF". */
    const char *name;

    /**
     * Parse `text` (len bytes, NUL bytes included), validate it with the
     * reference implementation's messages, and render the text Confluent
     * stores (with SCHEMA_NORMALIZE in `flags`, its normalized form).  `refs` holds the
     * `nrefs` schemas the references name (each by the name its referrer
     * gave it), dependencies first.  0 with *out malloc'd (the caller frees); -1 with *err
     * malloc'd (the caller frees): the text Confluent puts after
     * "details: " in its 42201; -2 the same for an error Confluent raises
     * when it validates the parsed schema, whose 42201 does not repeat
     * " with refs [...] of type T".  The identity of a schema is the store's
     * fingerprint of this text with its references, metadata and rules.
     */
    int (*canonical)(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                     int flags, char **out, char **err);

    /**
     * Whether data written with `writer` can be read with `reader` (both
     * stored texts, each with its references' texts).  `reader_is_new`
     * picks the words of the messages (the schema being registered is the
     * reader).  1 compatible, 0 not (with `messages`, a JSON array, given
     * one string per difference in Confluent's verbose format), -1 when a
     * text does not parse.
     */
    int (*compatible)(const char *reader, const schema_ref_t *reader_refs, size_t nreader_refs,
                      const char *writer, const schema_ref_t *writer_refs, size_t nwriter_refs,
                      int reader_is_new, json_t *messages);

    /**
     * The same under 8.x's compatibilityPolicy LENIENT (the config in
     * scope); NULL when the type has no policy (Confluent's
     * ParsedSchema.isBackwardCompatible(policy, ...) ignores it but for
     * JSON Schema), and then `compatible` answers.
     */
    int (*compatible_lenient)(const char *reader, const schema_ref_t *reader_refs,
                              size_t nreader_refs, const char *writer,
                              const schema_ref_t *writer_refs, size_t nwriter_refs,
                              int reader_is_new, json_t *messages);

    /**
     * Add then remove `confluent:tags` on the schema's elements, as the
     * type's ParsedSchema.copy(tagsToAdd, tagsToRemove): `add` and
     * `remove` are the request's lists of {schemaEntity, tags}.  0 with
     * *out the edited text (malloc'd, the caller frees); -1 with *err the
     * 42201 text (malloc'd).  NULL when the type has no tags.
     */
    int (*edit_tags)(const char *text, const json_t *add, const json_t *remove,
                     char **out, char **err);

    /**
     * The text Confluent's formattedString(format) answers for a stored
     * text with its references' texts (Protobuf: "serialized", the base64
     * FileDescriptorProto; "ignore_extensions").  The text malloc'd (the
     * caller frees), or NULL when the format is the stored text (none, an
     * unknown one: Confluent ignores those).  NULL hook: no formats.
     */
    char *(*formatted)(const char *text, const schema_ref_t *refs, size_t nrefs,
                       const char *format);

    /**
     * The same type's hooks as Confluent 8.3 runs them (confluent.version
     * 8), where they differ from 7.9's (this row); NULL: they do not.
     * schema_type_find picks it, so no caller names a dialect's hooks.
     */
    const struct schema_type *dialect8;
} schema_type_t;

/**
 * The type a `schemaType` names (`name` NULL: Confluent's default, AVRO;
 * an empty name is no type) with the hooks of `dialect` (confluent.version,
 * 7 or 8), or NULL when schemad has no such type.  The table is static.
 */
const schema_type_t *schema_type_find(const char *name, int dialect);

/** Whether Confluent knows a type of this name (NULL, AVRO, JSON, PROTOBUF). */
int schema_type_known(const char *name);

#endif
