/*
 * schema_proto_optmap.h - options as Confluent merges them
 * (ProtobufSchema.transform and merge, used by mergeOptions and by the
 * normalizing printer's filterOptions): an option with a path, or with an
 * aggregate value, is a map under its extension's name; two maps of one
 * name merge, a key of both gathering its values in a list.
 */
#ifndef SCHEMAD_SCHEMA_PROTO_OPTMAP_H
#define SCHEMAD_SCHEMA_PROTO_OPTMAP_H

#include "mem.h"
#include "schema_proto_agg.h"
#include "schema_proto_model.h"

/* An option by its merge key: a map (paths and aggregates) or as it is. */
typedef struct pmo_opt {
    const char *key;        /* name without parentheses or path */
    int paren;
    pa_val_t *map;          /* NULL: `plain` */
    const pm_opt_t *plain;
} pmo_opt_t;

/** transform(): `o` by its key, as a map when it has a path or an
 *  aggregate value.  Everything is allocated in `a`. */
void pmo_transform(mem_arena_t *a, const pm_opt_t *o, pmo_opt_t *out);

/** merge(existing, replacement), into `existing`. */
void pmo_merge(mem_arena_t *a, pmo_opt_t *existing, const pmo_opt_t *repl);

/** The option again: a map as an aggregate value, in `a`. */
pm_opt_t pmo_to_opt(mem_arena_t *a, const pmo_opt_t *o);

#endif
