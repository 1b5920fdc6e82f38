/*
 * ptrtab.h - a compact index of objects whose keys live in the objects
 * themselves: open addressing with linear probing over bare pointers (8
 * bytes a slot, at most half full, no key copies), for the master's large
 * indexes (a schema by its GUID, its fingerprint or its id), where a
 * string-keyed hmap would cost a malloc'd key and a 40-byte slot (at three
 * quarters full) per schema.  The caller gives the
 * hash of a key and a test of an object against it; growing and deleting
 * rehash the objects with the table's `hash` function.
 *
 * Ownership: the table owns its slot array; the objects are borrowed.
 */
#ifndef SCHEMAD_PTRTAB_H
#define SCHEMAD_PTRTAB_H

#include <stddef.h>
#include <stdint.h>

/** Whether `obj` has the key `key` (whatever the caller's key type is). */
typedef int (*ptrtab_match_fn)(const void *obj, const void *key);
/** The hash of an object's key: the same as the caller gives for its key. */
typedef uint64_t (*ptrtab_hash_fn)(const void *obj);

typedef struct ptrtab {
    void **slots;           /* owned; NULL = empty */
    size_t cap;             /* power of two, or 0 */
    size_t len;
    ptrtab_hash_fn hash;
    ptrtab_match_fn match;
} ptrtab_t;

void ptrtab_init(ptrtab_t *t, ptrtab_hash_fn hash, ptrtab_match_fn match);
/** The object with `key` (whose hash is `h`), or NULL. */
void *ptrtab_get(const ptrtab_t *t, uint64_t h, const void *key);
/** Put `obj` (its key's hash `h`) in place of the object with the same key;
 * returns the one replaced, or NULL. */
void *ptrtab_put(ptrtab_t *t, uint64_t h, const void *key, void *obj);
/** Remove the object with `key`; returns it, or NULL. */
void *ptrtab_del(ptrtab_t *t, uint64_t h, const void *key);
/** Iterate: start with *pos = 0; returns the next object or NULL. */
void *ptrtab_next(const ptrtab_t *t, size_t *pos);
/** Free the slots (not the objects). */
void ptrtab_free(ptrtab_t *t);

#endif
