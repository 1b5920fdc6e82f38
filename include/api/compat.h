/*
 * compat.h - compatibility levels applied to a subject's versions, as
 * Confluent's CompatibilityChecker does: which versions a level checks,
 * in which direction, and the messages it reports.
 */
#ifndef SCHEMAD_COMPAT_H
#define SCHEMAD_COMPAT_H

#include <stddef.h>
#include <jansson.h>

#include "schema_type.h"
#include "store.h"

/** The schema being checked: its type, its stored text with the texts of
 * its references (dependencies first), and its metadata (may be NULL). */
typedef struct compat_schema {
    const schema_type_t *type;
    const char *canonical;
    const schema_ref_t *refs;
    size_t nrefs;
    const json_t *metadata;
    int lenient;                /* the config in scope's compatibilityPolicy is LENIENT (8.x) */
} compat_schema_t;

/**
 * Check a new schema against the subject's live versions under `level`;
 * when `only` is not NULL, against that one version.  A version of another
 * type is incompatible.  Appends Confluent's message strings to `messages`
 * (may be NULL).  With a compatibilityGroup (`group`, or NULL) configured,
 * only the versions whose metadata property of that name equals the new
 * schema's are checked.  Returns 1 when compatible, 0 when not.
 */
int compat_evaluate(const store_t *st, const char *subject, const char *level, const char *group,
                    const compat_schema_t *s, const store_version_t *only, json_t *messages);

/** A stored schema's references, dependencies first.  The caller frees them with schema_refs_free(). */
schema_ref_t *compat_schema_refs(const store_t *st, const store_schema_t *s, size_t *n);

#endif
