/*
 * schema_proto_printopts.h - options as Confluent's printer writes them
 * (ProtobufSchemaUtils' FormatContext.filterOptions and formatOption):
 * which are kept, in what order, the normalizer's merged Meta options,
 * and "name = value" with a MAP value formatted.
 */
#ifndef SCHEMAD_SCHEMA_PROTO_PRINTOPTS_H
#define SCHEMAD_SCHEMA_PROTO_PRINTOPTS_H

#include <stddef.h>

#include "mem.h"
#include "schema_proto_model.h"

/* How a file is being printed. */
typedef struct ppo {
    int normalize;          /* PM_PRINT_NORMALIZE */
    int ignore_ext;         /* PM_PRINT_IGNORE_EXTENSIONS */
    mem_arena_t *arena;     /* merged options live here until the caller resets it */
} ppo_t;

/**
 * FormatContext.filterOptions: `opts` then `extra` (nextra of them), the
 * ones kept, sorted and with the Meta options merged when normalizing.
 * Returns the count; *out malloc'd (the caller frees; the options are
 * borrowed from `opts`, `extra` or p->arena).
 */
size_t ppo_filter(const ppo_t *p, const pm_opts_t *opts, const pm_opt_t *extra, size_t nextra,
                  const pm_opt_t ***out);

/** "name = value" of one option, appended to `b`. */
void ppo_value(const ppo_t *p, buf_t *b, const pm_opt_t *o);

#endif
