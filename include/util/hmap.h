/*
 * hmap.h - a string-keyed hash map for the master's in-memory model.
 * Keys are copied and owned by the map; values are borrowed pointers whose
 * owner is the caller.
 */
#ifndef SCHEMAD_HMAP_H
#define SCHEMAD_HMAP_H

#include <stddef.h>
#include <stdint.h>

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
} hmap_t;

uint64_t hmap_hash(const void *key, size_t len);
/** Value for key, or NULL. */
void *hmap_get(const hmap_t *m, const void *key, size_t klen);
/** Set key to val; returns the previous value or NULL. */
void *hmap_put(hmap_t *m, const void *key, size_t klen, void *val);
/** Remove key; returns its value or NULL. */
void *hmap_del(hmap_t *m, const void *key, size_t klen);
/** Iterate: start with *pos = 0; returns the next slot or NULL. */
hmap_slot_t *hmap_next(const hmap_t *m, size_t *pos);
/** Free the map's keys and slots (not the values). */
void hmap_free(hmap_t *m);

#endif
