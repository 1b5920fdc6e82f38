/*
 * schema_json_compat.h - the pieces of Confluent's JsonSchemaDiff that its
 * parts share, as SchemaDiff, ObjectSchemaDiff and ArraySchemaDiff share
 * one Context: the differences found, the path, the schemas entered, the
 * budget.  schema_json_compat.c holds the Context, the dispatch and the
 * value kinds; schema_json_compat_object.c and schema_json_compat_array.c
 * the two structured kinds; schema_json_compat_combined.c the combined
 * ones; schema_json_compat_v8.c what Confluent 8.3 added.  Private to src/schema/json/.
 */
#ifndef SCHEMAD_SCHEMA_JSON_COMPAT_H
#define SCHEMAD_SCHEMA_JSON_COMPAT_H

#include <stddef.h>

#include "hmap.h"
#include "mem.h"
#include "schema_json_diff.h"
#include "schema_json_model.h"

#define SJC_BUDGET 200000

typedef struct sjc_diff {
    sjd_type_t type;
    char *path;
} sjc_diff_rec_t;

typedef struct sjc_ctx {
    sjc_diff_rec_t *diffs;
    size_t n, cap;
} sjc_ctx_t;

typedef struct sjc_run {
    sjm_doc_t orig, upd;
    mem_arena_t arena;          /* both documents' models: freed at once */
    buf_t path;                 /* "a/b/c", the Context's jsonPath */
    size_t *marks;              /* path lengths to restore, a stack */
    size_t nmarks, capmarks;
    hmap_t entered;             /* original schemas being compared (Context.schemas) */
    long budget;
    int depth;
    int dialect;                /* confluent.version: 7.9's JsonSchemaDiff or 8.3's */
    int lenient;                /* 8.3's compatibilityPolicy LENIENT: its compatible changes */
} sjc_run_t;

/** Compare original `o` with update `u`, adding their differences to `ctx`. */
void sjc_compare(sjc_run_t *r, sjc_ctx_t *ctx, sjm_schema_t *o, sjm_schema_t *u);

/** Enter and leave one segment of the path. */
void sjc_push(sjc_run_t *r, const char *seg, size_t len);
void sjc_pop(sjc_run_t *r);

/** A difference at the current path (at `attr` below it). */
void sjc_add(sjc_run_t *r, sjc_ctx_t *ctx, sjd_type_t type);
void sjc_add_at(sjc_run_t *r, sjc_ctx_t *ctx, const char *attr, sjd_type_t type);

/** Move `sub`'s differences into `ctx` (`sub` is left empty). */
void sjc_take(sjc_ctx_t *ctx, sjc_ctx_t *sub);

/** Free the differences' paths and array. */
void sjc_ctx_free(sjc_ctx_t *ctx);

/** Whether every difference in `ctx` is a compatible one (under the run's policy:
 * Confluent's Context.isCompatible() checks its subcontexts with the same set). */
int sjc_compatible(const sjc_run_t *r, const sjc_ctx_t *ctx);

/** A numeric bound `key` added, removed, raised or lowered (`added`: its first type). */
void sjc_bound(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u,
               const char *key, sjd_type_t added);

/** Number.intValue() of a numeric literal as Java gives it for the Integer,
 *  Long, BigInteger or BigDecimal Jackson reads: truncated, its low 32 bits. */
long long sjc_int_value(const jsn_t *v);
/** Two value lists as sets: 0 equal, 1 `b` has more, 2 `b` has fewer, 3 neither holds the other. */
int sjc_set_relation(const jsn_t *a, const jsn_t *b);

/** An empty or `true` schema. */
int sjc_is_empty(const sjm_schema_t *s);

/** CombinedSchemaDiff.compare (schema_json_compat_combined.c). */
void sjc_combined(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u);
/** Whether a combined schema has one subschema. */
int sjc_single(const sjm_schema_t *c);

/** ObjectSchemaDiff.compare. */
void sjc_object(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *os, const sjm_schema_t *us);

/** ArraySchemaDiff.compare. */
void sjc_array(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u);

/* 8.3's additions (schema_json_compat_v8.c). */
/** The schema of `key` ("unevaluatedProperties", "unevaluatedItems") as 8.3's diff
 *  reads it, or NULL. */
const jsn_t *sjc_unevaluated(const sjm_schema_t *s, const char *key);
/** isOpenContentModel's part of it: none, true or an empty schema. */
int sjc_unevaluated_open(const sjm_schema_t *s, const char *key);
/** schemaFromPartiallyOpenContentModel's: the schema when it is neither false nor
 *  empty, or NULL. */
const jsn_t *sjc_unevaluated_partial(const sjm_schema_t *s, const char *key);
/** compareUnevaluatedProperties/Items; `added`: the first of ADDED, REMOVED, EXTENDED, NARROWED. */
void sjc_unevaluated_cmp(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o, const sjm_schema_t *u,
                         const char *key, sjd_type_t added);
/** compareAttributes' maxContains and minContains (dialect 8). */
void sjc_contains_bounds(sjc_run_t *r, sjc_ctx_t *ctx, const sjm_schema_t *o,
                         const sjm_schema_t *u);

#endif
