/*
 * hmap.h - a string-keyed hash map for the master's in-memory model.
 * Keys are copied and owned by the map; values are borrowed pointers whose
 * owner is the caller.
 *
 * Keys come from clients (subjects, contexts, names, texts), so the hash is
 * keyed: SipHash-1-3 with a random key each map draws when it first
 * allocates.  Iteration order therefore differs between runs and between
 * nodes: whatever an answer, a record or a message lists from a map must be
 * sorted (or kept in an order of its own) by its user.
 */
#ifndef SCHEMAD_HMAP_H
#define SCHEMAD_HMAP_H

#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

typedef struct hmap_slot {
    char *key;          /* owned; NULL = empty */
    size_t klen;
    uint64_t hash;
    void *val;          /* borrowed */
} hmap_slot_t;

typedef struct hmap {
    hmap_slot_t *slots;
    size_t cap;         /* power of two, or 0 */
    size_t len;
    unsigned char key[SIPHASH_KEY_LEN]; /* drawn when cap goes from 0 */
} hmap_t;

/** The map's hash of a key (meaningful once the map has allocated). */
uint64_t hmap_hash(const hmap_t *m, const void *key, size_t len);
/** Value for key, or NULL. */
void *hmap_get(const hmap_t *m, const void *key, size_t klen);
/** Set key to val; returns the previous value or NULL. */
void *hmap_put(hmap_t *m, const void *key, size_t klen, void *val);
/** Remove key; returns its value or NULL. */
void *hmap_del(hmap_t *m, const void *key, size_t klen);
/** Iterate: start with *pos = 0; returns the next slot or NULL. */
hmap_slot_t *hmap_next(const hmap_t *m, size_t *pos);
/** The longest distance of a key from its home slot: what a lookup may
 * have to walk (tests and diagnostics). */
size_t hmap_probe_max(const hmap_t *m);
/** Free the map's keys and slots (not the values). */
void hmap_free(hmap_t *m);

#endif
