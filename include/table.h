/*
 * table.h - the shared schema table: one shared-memory region, written by
 * the master alone and read, without locks or syscalls, by every worker.
 *
 * Layout: a header, then an append-only arena.  Published bytes are never
 * modified: an update appends a new entry and swings one 64-bit slot of an
 * open-addressing index with a release store; readers acquire-load it.  A
 * grown index is a new bucket array in the arena, published through the
 * header.  Values are a list of parts, each inline bytes or a reference to
 * an interned blob, so that one schema text is stored once however many
 * rendered answers embed it.
 */
#ifndef SCHEMAD_TABLE_H
#define SCHEMAD_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct table table_t;

/** One part of a value: inline bytes (blob == 0) or an interned blob. */
typedef struct table_part {
    const void *data;   /* inline bytes, when blob == 0 */
    size_t len;         /* their length, when blob == 0 */
    uint64_t blob;      /* a handle from table_intern(), or 0 */
} table_part_t;

/**
 * Create the region (a memfd of `reserve` bytes, mapped read-write,
 * MAP_NORESERVE so pages cost nothing until written).  Master only, before
 * fork.  Returns NULL with errno set.  The caller owns the table and frees it
 * with table_close().
 */
table_t *table_create(size_t reserve);

/**
 * In a forked worker: replace the inherited read-write mapping by a
 * read-only one of the same fd.  Returns 0, or -1 with errno set.
 */
int table_make_readonly(table_t *t);

/** Unmap and close; frees `t`. */
void table_close(table_t *t);

/**
 * Intern `len` bytes: returns a handle to a blob with those bytes, the same
 * handle for the same bytes (content-addressed).  Master only.  Returns 0
 * when the arena is full.
 */
uint64_t table_intern(table_t *t, const void *data, size_t len);

/**
 * Publish `key` -> the concatenation of `parts`.  Replaces any earlier value
 * of the key; readers see the old or the new value, never a mix.  Master
 * only.  Returns 0, or -1 when the arena is full.
 */
int table_put(table_t *t, const void *key, size_t klen,
              const table_part_t *parts, size_t nparts);

/** table_put of one inline part. */
int table_put_bytes(table_t *t, const void *key, size_t klen,
                    const void *val, size_t vlen);

/** Remove `key` (readers then miss it).  Master only.  Returns 0 or -1. */
int table_del(table_t *t, const void *key, size_t klen);

/**
 * Look `key` up.  On a hit fills at most `max` iovecs with the value's parts
 * (pointers into the region, valid for the life of the mapping) and returns
 * their count; returns -1 on a miss, and -2 if the value has more than `max`
 * parts.  Lock-free; safe in any process while the master writes.
 */
int table_get(const table_t *t, const void *key, size_t klen,
              struct iovec *iov, int max);

/**
 * The number of parts of key's value (to size the iovecs of a table_get()
 * that may change before it: retry on -2), or -1 on a miss.
 */
int table_count(const table_t *t, const void *key, size_t klen);

/** Total length of a value found by table_get(). */
size_t table_iov_len(const struct iovec *iov, int n);

/** The journal offset applied so far, and whether replay has finished. */
void table_set_offset(table_t *t, int64_t offset);
int64_t table_offset(const table_t *t);
void table_set_ready(table_t *t, int ready);
int table_ready(const table_t *t);

/**
 * Mark the table stale: some put failed (the arena is full), so its
 * answers may lag the master's.  Readers then ask the master for
 * everything; only a restart with a larger table.size clears it.
 */
void table_set_stale(table_t *t);
int table_stale(const table_t *t);

/** Bytes of the arena used so far (for metrics and benchmarks). */
size_t table_used(const table_t *t);

#endif
