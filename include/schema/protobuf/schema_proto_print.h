/*
 * schema_proto_print.h - Confluent's printer (ProtobufSchemaUtils.toString
 * and its FormatContext): the .proto text Confluent stores and returns,
 * its normalized form, and its ignore_extensions format.
 */
#ifndef SCHEMAD_SCHEMA_PROTO_PRINT_H
#define SCHEMAD_SCHEMA_PROTO_PRINT_H

#include "schema_proto_model.h"
#include "schema_proto_scope.h"

#define PM_PRINT_NORMALIZE 1
#define PM_PRINT_IGNORE_EXTENSIONS 2

/**
 * The text of `f`.  With PM_PRINT_NORMALIZE types are resolved in
 * `scope`: NULL with *err "Could not resolve type: X" (malloc'd, the
 * caller frees) when one is not there, Confluent's validation error.
 * Otherwise the text, malloc'd (the caller frees).
 */
char *pm_print(const pm_file_t *f, const pm_scope_t *scope, int flags, char **err);

#endif
