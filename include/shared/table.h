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
 *
 * Space is reclaimed by generations: the region holds two halves of
 * `reserve` bytes.  When the half in use is mostly garbage (replaced
 * values), the master publishes everything again into the other half and
 * swings readers to it with one store; the old half's pages are given back
 * once every reader that might still be in it has left (each worker marks
 * its reads with table_enter()/table_leave() in a slot of its own, and
 * copies what it sends before leaving).
 */
#ifndef SCHEMAD_TABLE_H
#define SCHEMAD_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct table table_t;

/**
 * One part of a value: inline bytes (blob == 0, at == 0), an interned blob,
 * or bytes another value of the same generation already holds (at != 0,
 * from table_parts()): answers that repeat another's bytes cost their
 * part descriptors only.
 */
typedef struct table_part {
    const void *data;   /* inline bytes, when blob == 0 and at == 0 */
    size_t len;         /* their length; with `at`, the shared bytes' length */
    uint64_t blob;      /* a handle from table_intern(), or 0 */
    uint64_t at;        /* region offset of shared bytes (table_parts()), or 0 */
} table_part_t;

/** Reader slots: at most this many worker processes read at once. */
#define TABLE_READERS 4096

/**
 * Create the region (a memfd of two halves of `reserve` bytes, mapped
 * read-write, MAP_NORESERVE so pages cost nothing until written) and the
 * reader slots.  Master only, before fork.  Returns NULL with errno set.
 * The caller owns the table and frees it with table_close().
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
 * Master: a free reader slot for a worker about to be forked, or -1 when
 * all are taken (that worker then never reads the table).
 */
int table_reader_claim(table_t *t);

/** Master: the worker of `slot` is gone; its slot is free (and idle). */
void table_reader_release(table_t *t, int slot);

/** In the forked worker: read through reader slot `slot`. */
void table_reader_attach(table_t *t, int slot);

/**
 * Worker: bracket every use of the table.  Between the two, what
 * table_get() returned stays valid; after table_leave() it may not.
 * table_enter() returns 0 (do not read) when the process has no slot.
 */
int table_enter(table_t *t);
void table_leave(table_t *t);

/**
 * Master: whether the half in use is worth compacting (three quarters
 * full, and a quarter of it garbage since the last rebuild).
 */
int table_compact_wanted(const table_t *t);

/**
 * Master: start a new generation in the other half.  Until
 * table_rebuild_end(), puts, gets and deletes of the master act on the new
 * generation while readers go on in the old one.  Returns -1 (nothing
 * changed) while readers may still be in the other half.
 */
int table_rebuild_begin(table_t *t);

/** Master: readers move to the new generation; the stale mark is cleared. */
void table_rebuild_end(table_t *t);

/** Master: drop the new generation (it did not fit); readers saw nothing. */
void table_rebuild_abort(table_t *t);

/**
 * Master: give the old generation's half back once every reader that may
 * have been in it at the swing has left.  Cheap when nothing is pending.
 * Returns 0 when the old half is free, -1 while readers may be in it.
 */
int table_reclaim(table_t *t);

/** Whether a rebuild is under way. */
int table_rebuilding(const table_t *t);

/**
 * Intern `len` bytes: returns a handle to a blob with those bytes, the same
 * handle for the same bytes (content-addressed).  Master only.  Returns 0
 * when the arena is full.
 */
uint64_t table_intern(table_t *t, const void *data, size_t len);

/**
 * The bytes of the blob `handle` of the generation being written, or NULL
 * when the handle is not one.  Master only.  They stay in place until that
 * generation's half is given back: after a later rebuild, once its readers
 * have left (table_reclaim()), or at once by table_rebuild_abort() when it
 * is the aborted generation.
 */
const void *table_blob_bytes(const table_t *t, uint64_t handle, size_t *len);

/**
 * Publish `key` -> the concatenation of `parts`.  Replaces any earlier value
 * of the key; readers see the old or the new value, never a mix.  Master
 * only.  Returns 0, or -1 when the arena is full.
 */
int table_put(table_t *t, const void *key, size_t klen,
              const table_part_t *parts, size_t nparts);

/**
 * Master: the parts of key's value in the generation being written, as
 * parts that share its bytes (`at` set), into out[0..max).  Returns their
 * count, -1 on a miss, -2 when there are more than `max`.  Valid for puts
 * of the same generation: a rebuild renders everything again.
 */
int table_parts(const table_t *t, const void *key, size_t klen,
                table_part_t *out, int max);

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
/** Whether this node knows where writes go (it leads, or knows the leader):
 *  the readiness endpoint's second condition. */
void table_set_leader_known(table_t *t, int known);
int table_leader_known(const table_t *t);

/**
 * Mark the table stale: some put failed (the arena is full), so its
 * answers may lag the master's.  Readers then ask the master for
 * everything; only a restart with a larger table.size clears it.
 */
void table_set_stale(table_t *t);
int table_stale(const table_t *t);

/** Bytes of the current generation's half used so far (for metrics and benchmarks). */
size_t table_used(const table_t *t);

#endif
