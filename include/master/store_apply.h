/*
 * store_apply.h - journal records applied to the master's model (store.h),
 * as Confluent's KafkaStoreMessageHandler applies them, and what changed
 * marked for publishing.
 */
#ifndef SCHEMAD_STORE_APPLY_H
#define SCHEMAD_STORE_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/**
 * Apply one journal record (Confluent's key and value bytes; val NULL for a
 * tombstone) with its timestamp (ms, -1 when the journal has none: 8.x
 * answers a subject-version's `ts` with it).  Records that do not decode, or that would bind a known id to
 * another schema, are logged and skipped.
 */
void store_apply(store_t *st, int64_t offset, int64_t ts, const char *key, size_t klen,
                 const char *val, size_t vlen);

/**
 * Mark everything for publishing, as if just replayed (a new table
 * generation starts empty); forgets the schemas' table handles.
 */
void store_apply_mark_all(store_t *st);

#endif
