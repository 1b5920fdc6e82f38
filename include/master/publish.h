/*
 * publish.h - renders the hot parts of the store into the shared table, and
 * names the table's keys (the workers build the same keys to read).
 *
 * Keys (one letter, then fields separated by 0x1f):
 *   I ctx id        GET /schemas/ids/{id}                (all ids, deleted uses too):
 *                   three parts, the second the schema's JSON string literal,
 *                   which alone answers GET /schemas/ids/{id}/schema (the
 *                   worker unescapes it)
 *   V subject v     GET /subjects/{s}/versions/{v}       (live versions)
 *   L subject       GET /subjects/{s}/versions/latest
 *   S subject       GET /subjects/{s}/versions
 *   A               GET /subjects
 *   G               GET /schemas (every live version)
 *   P subject fp    a schema with fingerprint fp in the subject: the first
 *                   PUBLISH_LOOKUP_PARTS parts answer POST /subjects/{s}
 *                   (lookup), the rest POST /subjects/{s}/versions (its
 *                   re-registration: {"id":N} under confluent.version 7, the
 *                   whole schema under 8).  One key for both halves the
 *                   entries a version costs.
 *   C [subject]     GET /config[/{s}]: the global or a subject's config
 *   M [subject]     GET /mode[/{s}]: the global or a subject's mode
 *   U guid          GET /schemas/guids/{guid} (confluent.version 8 only): the
 *                   GUID's 16 bytes (publish_guid_key), the value sharing
 *                   the bytes of the schema's I key
 *   D               the dialect, "7" or "8" (confluent.version)
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

/** Parts of a P value that answer the lookup (the registration's follow). */
#define PUBLISH_LOOKUP_PARTS 3

/** The U key of a GUID into out[PUBLISH_KEY_MAX]; returns its length. */
size_t publish_guid_key(char *out, const unsigned char guid[16]);

/** What the publisher remembers between calls; owned by the master. */
typedef struct publish {
    const char *default_level;  /* the server's compatibility level; borrowed */
    int dialect;                /* confluent.version: 7 or 8 */
    long long list_ms;          /* when the subject list was last rendered */
} publish_t;

/**
 * Publish everything marked dirty in the store, then free what the store
 * removed.  The subject list costs O(subjects) to render: past 1,024
 * subjects it is rendered at most once a second, its key removed meanwhile
 * so that the workers ask the master (st->dirty_lists stays set until
 * then).  Returns 0, or -1 when the table is full (then marked stale).
 */
int publish_dirty(publish_t *p, store_t *st, table_t *t);

#endif
