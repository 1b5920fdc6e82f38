/*
 * schema_proto.h - Protobuf as Confluent Schema Registry 7.9 sees it (its
 * protobuf-provider): a .proto text (Google's parser, proto_pb.h) or a
 * base64 FileDescriptorProto, stored as Confluent's printer writes it,
 * types resolved over the references and the bundled files, and
 * compatibility by its SchemaDiff.
 */
#ifndef SCHEMAD_SCHEMA_PROTO_H
#define SCHEMAD_SCHEMA_PROTO_H

#include <stddef.h>
#include <jansson.h>

#include "schema_proto_model.h"
#include "schema_proto_scope.h"
#include "schema_type.h"

/** Protobuf's row in the table of schema types. */
extern const schema_type_t schema_proto_type;

/**
 * The hook schema_type_t.canonical.  -1 with *err "Could not parse
 * Protobuf - ..." when the text is neither .proto nor base64 of a
 * FileDescriptorProto; -2 with *err "Could not resolve type: X" when a
 * type is not in the file, its references or the bundled files.
 */
int schema_proto_canonical(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                           int flags, char **out, char **err);

/**
 * The model of a stored or submitted text (either form).  0 with *out
 * (pm_file_free), -1 with *err as canonical's.
 */
int schema_proto_load(const char *text, size_t len, pm_file_t **out, char **err);

/**
 * The scope of `f`: its own types, every reference's (each loaded into
 * ref_files[i], which has room for nrefs), the bundled files'.  0, or -1
 * with *err when a reference does not load.  Free with pm_scope_free and
 * schema_proto_free_refs.
 */
int schema_proto_scope(const pm_file_t *f, const schema_ref_t *refs, size_t nrefs,
                       pm_scope_t *scope, pm_file_t **ref_files, char **err);

/** Free the references' models and their array. */
void schema_proto_free_refs(pm_file_t **files, size_t n);

/** The hook schema_type_t.formatted: "serialized" (Confluent's
 * DynamicSchema descriptor, base64) and "ignore_extensions". */
char *schema_proto_formatted(const char *text, const schema_ref_t *refs, size_t nrefs,
                             const char *format);

/**
 * The hook schema_type_t.edit_tags: tags on messages (sr_record, option
 * (confluent.message_meta)) and fields (sr_field, option
 * (confluent.field_meta)), as ProtobufSchema.copy(tagsToAdd, tagsToRemove);
 * -1 with Confluent's "java.lang.IllegalArgumentException: No matching
 * ..." for a path that names nothing.
 */
int schema_proto_edit_tags(const char *text, const json_t *add, const json_t *remove,
                           char **out, char **err);

/** The hook schema_type_t.compatible (Confluent's SchemaDiff). */
int schema_proto_compatible(const char *reader, const schema_ref_t *reader_refs,
                            size_t nreader_refs, const char *writer,
                            const schema_ref_t *writer_refs, size_t nwriter_refs,
                            int reader_is_new, json_t *messages);

#endif
