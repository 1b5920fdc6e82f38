/*
 * publish.h - renders the hot parts of the store into the shared table, and
 * names the table's keys (the workers build the same keys to read).
 *
 * Keys (one letter, then fields separated by 0x1f):
 *   I ctx id        GET /schemas/ids/{id}                (all ids, deleted uses too)
 *   R ctx id        GET /schemas/ids/{id}/schema         (raw text)
 *   V subject v     GET /subjects/{s}/versions/{v}       (live versions)
 *   L subject       GET /subjects/{s}/versions/latest
 *   S subject       GET /subjects/{s}/versions
 *   A               GET /subjects
 *   P subject fp    POST /subjects/{s} (lookup) of a schema with fingerprint fp
 *   Q subject fp    POST /subjects/{s}/versions of an already registered schema: {"id":N}
 *   C [subject]     GET /config[/{s}]: the global or a subject's config
 *   M [subject]     GET /mode[/{s}]: the global or a subject's mode
 *   E subject       present when the subject's registrations must go to the
 *                   master (config defaults, overrides, normalize, alias);
 *                   "E" alone: the same for the global config
 */
#ifndef SCHEMAD_PUBLISH_H
#define SCHEMAD_PUBLISH_H

#include <stddef.h>

#include "store.h"
#include "table.h"

#define PUBLISH_KEY_MAX 1024

/**
 * Build a key into out[PUBLISH_KEY_MAX]: kind, then up to two fields (NULL
 * to omit).  Returns its length, or 0 when it does not fit.
 */
size_t publish_key(char *out, char kind, const char *a, const char *b);

/**
 * Publish everything marked dirty in the store, then free what the store
 * removed.  `default_level` is the server's compatibility level (what a
 * config without one answers).  Returns 0, or -1 when the table is full
 * (logged).
 */
int publish_dirty(store_t *st, table_t *t, const char *default_level);

#endif
