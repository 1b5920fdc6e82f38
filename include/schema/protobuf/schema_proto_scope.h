/*
 * schema_proto_scope.h - the types a .proto file can name: its own, its
 * references', and those of the files Confluent bundles (google/protobuf,
 * google/type, confluent/meta.proto, confluent/type/decimal.proto), found
 * by protobuf's scoping rules.  Confluent resolves over every reference,
 * whatever name it is imported by, and so does this.
 */
#ifndef SCHEMAD_SCHEMA_PROTO_SCOPE_H
#define SCHEMAD_SCHEMA_PROTO_SCOPE_H

#include "hmap.h"
#include "mem.h"
#include "schema_proto_model.h"

typedef struct pm_scope {
    hmap_t types;   /* full name without the leading dot → pm_msg_t*, or the enum mark */
} pm_scope_t;

/** Add the messages and enums of `f` (which must outlive the scope). */
void pm_scope_add(pm_scope_t *s, const pm_file_t *f);

/** Add the bundled files' types. */
void pm_scope_add_known(pm_scope_t *s);

/**
 * Resolve `name` as written inside `where` (a full name: package and
 * enclosing messages, "" at the top).  0 with `out` holding the full name
 * (no leading dot), -1 when no type of that name is in scope.
 */
int pm_scope_resolve(const pm_scope_t *s, const char *where, const char *name, buf_t *out);

/** The message of a full name, or NULL (an enum, a bundled type, none). */
const pm_msg_t *pm_scope_msg(const pm_scope_t *s, const char *full);

/** Whether a full name is an enum's. */
int pm_scope_is_enum(const pm_scope_t *s, const char *full);

/** Whether `name` is the import path of a file Confluent bundles. */
int pm_scope_known_file(const char *name);

/** Free the index (not the files). */
void pm_scope_free(pm_scope_t *s);

#endif
