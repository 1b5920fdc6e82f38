/*
 * schema_proto_encode.h - the FileDescriptorProto Confluent answers for
 * format=serialized: what its DynamicSchema builds from the parsed file
 * (named "default", labels only where written, map entries named by
 * toMapEntry, oneof members first), serialized in field-number order as
 * protobuf-java writes it.
 */
#ifndef SCHEMAD_SCHEMA_PROTO_ENCODE_H
#define SCHEMAD_SCHEMA_PROTO_ENCODE_H

#include "mem.h"
#include "schema_proto_model.h"
#include "schema_proto_scope.h"

/** Append the descriptor's bytes to `out`; types are told apart (message,
 * enum) through `scope`.  An import is a dependency only when it names one
 * of the `nnames` references or a bundled file, as in Confluent's. */
void pm_encode(const pm_file_t *f, const pm_scope_t *scope, const char *const *names,
               size_t nnames, buf_t *out);

/** Append the base64 (basic alphabet, padded) of `len` bytes to `out`. */
void pm_base64(const unsigned char *data, size_t len, buf_t *out);

#endif
