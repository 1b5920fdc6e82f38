/*
 * table.c - the shared schema table (see table.h).
 *
 * Region layout, every reference an offset from the region start so that a
 * worker may map it at another address:
 *
 *   header | half 0 | half 1
 *
 * Each half is an arena of entries, blobs and bucket arrays, bump-allocated
 * and 8-aligned; one half holds the generation readers see, the other is
 * empty, or being filled by a rebuild.
 *
 * The master is the only writer.  It fills new bytes with plain stores and
 * makes them reachable with one release store (a slot of an index, or the
 * header's index pointer); readers acquire-load those words, so anything
 * they can reach is complete.  Nothing reachable is ever modified, except
 * the slots themselves, each swung from one complete entry to another.
 */
#include "table.h"

#include "mem.h"
#include "table_hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#define TABLE_MAGIC 0x3164656d65686373ULL /* "schemed1" */
#define TABLE_LAYOUT 2
#define TABLE_INITIAL_CAP 16
#define TABLE_DELETED 1u

/* The region header.  Fields marked atomic are shared with readers. */
struct table_hdr {
    uint64_t magic;
    uint32_t layout;
    uint32_t ready;   /* atomic */
    uint64_t size;    /* bytes of the whole region */
    uint64_t half;    /* bytes of each half */
    uint64_t seed;    /* hash seed, fixed at creation */
    uint64_t index;   /* atomic: offset of the readers' main bucket array */
    int64_t offset;   /* atomic: applied journal offset */
    uint32_t stale;   /* atomic: a put failed, the table may lag the master */
    uint32_t leader;  /* atomic: this node knows where writes go */
};

/*
 * The master's view of one generation: its half, bump pointer and indexes.
 * Kept in the master's own memory: readers need only the header's index.
 */
typedef struct table_gen {
    uint64_t start;   /* the half: [start, limit) */
    uint64_t limit;
    uint64_t used;    /* bump pointer */
    uint64_t work;    /* main bucket array (the header's index once published) */
    uint64_t count;   /* occupied slots of the main index */
    uint64_t blobs;   /* blob bucket array */
    uint64_t nblobs;  /* occupied slots of the blob index */
} table_gen_t;

/*
 * A reader slot, one cache line each, in a shared writable mapping: odd
 * while its worker is between table_enter() and table_leave().
 */
struct table_reader {
    uint64_t seq;
    uint64_t pad[7];
};

/* A bucket array: `cap` (a power of two) slots, 0 or an arena offset. */
struct table_index {
    uint64_t cap;
    uint64_t slots[];
};

/*
 * An entry: the key (padded to 8), then `nparts` descriptors, then the
 * inline bytes.  Entries and blobs share the first two fields, so one probe
 * routine serves both indexes.
 */
struct table_entry {
    uint64_t hash;
    uint32_t klen;
    uint32_t flags;
    uint32_t vlen;
    uint32_t nparts;
};

/* A part: `len` bytes at region offset `off` (inline or a blob's bytes). */
struct table_pdesc {
    uint64_t off;
    uint32_t len;
    uint32_t blob;
};

/* An interned blob; its bytes follow. */
struct table_blob {
    uint64_t hash;
    uint32_t len;
    uint32_t pad;
};

struct table {
    unsigned char *base; /* the mapping; owned */
    size_t size;
    int fd;              /* the memfd; owned */
    int readonly;
    struct table_reader *readers;   /* TABLE_READERS slots, shared; owned */
    int reader;                     /* this worker's slot, or -1 */
    int depth;                      /* table_enter() calls not yet left */

    /* Master only. */
    table_gen_t g;                  /* the generation being written */
    table_gen_t prev;               /* while rebuilding: the readers'; after: the old half */
    int rebuilding;
    int old_pending;                /* prev's half may still have readers */
    uint64_t live;                  /* bytes used when the last rebuild ended */
    uint64_t *waits;                /* busy slots' seq at the last flip, 0 = none */
    unsigned char *claimed;         /* reader slots handed out */
};

#define TABLE_HDR_SIZE ((sizeof(struct table_hdr) + 63) & ~(size_t)63)
#define TABLE_ENTRY_KEY sizeof(struct table_entry)
#define TABLE_BLOB_KEY sizeof(struct table_blob)

static struct table_hdr *
table__hdr(const table_t *t)
{
    return (struct table_hdr *)(void *)t->base;
}

static size_t
table__align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static const struct table_index *
table__index_at(const table_t *t, uint64_t off)
{
    return (const struct table_index *)(const void *)(t->base + off);
}

static struct table_index *
table__index_mut(table_t *t, uint64_t off)
{
    return (struct table_index *)(void *)(t->base + off);
}

/* Both entries and blobs start with {hash, len}; the key is at `key_at`. */
static int
table__matches(const unsigned char *obj, uint64_t hash, const void *key,
               size_t klen, size_t key_at)
{
    const struct table_blob *b = (const void *)obj;
    return b->hash == hash && b->len == klen &&
           memcmp(obj + key_at, key, klen) == 0;
}

/*
 * Probe `ix` for `key`.  Returns the offset of the matching object, or 0;
 * `*slot` is set to the matching slot or the empty one ending the chain
 * (indexes are never more than half full, so one always exists).
 */
static uint64_t
table__probe(const table_t *t, const struct table_index *ix, uint64_t hash,
             const void *key, size_t klen, size_t key_at, uint64_t *slot)
{
    uint64_t mask = ix->cap - 1;
    uint64_t i = hash & mask;

    for (uint64_t n = 0; n < ix->cap; n++, i = (i + 1) & mask) {
        uint64_t off = __atomic_load_n(&ix->slots[i], __ATOMIC_ACQUIRE);
        *slot = i;
        if (off == 0)
            return 0;
        if (table__matches(t->base + off, hash, key, klen, key_at))
            return off;
    }
    *slot = ix->cap; /* cannot happen below 50% load; callers check */
    return 0;
}

/* Bump-allocate `n` bytes, 8-aligned.  Returns the offset, or 0 when full. */
static uint64_t
table__alloc(table_t *t, size_t n)
{
    uint64_t off = t->g.used;

    if (n > t->g.limit - off)
        return 0;
    n = table__align8(n);
    if (n > t->g.limit - off)
        return 0;
    t->g.used = off + n;
    return off;
}

static uint64_t
table__index_new(table_t *t, uint64_t cap)
{
    if (cap > (SIZE_MAX - sizeof(struct table_index)) / sizeof(uint64_t))
        return 0;
    uint64_t off = table__alloc(t, sizeof(struct table_index) + cap * 8);
    if (off == 0)
        return 0;
    struct table_index *ix = table__index_mut(t, off);
    ix->cap = cap;
    memset(ix->slots, 0, cap * 8);
    return off;
}

/*
 * Build a bucket array twice the size of the one at `*ixoff`, holding its
 * objects (less deleted entries if `drop_deleted`: a fresh array needs no
 * tombstones to keep its probe chains), and publish it in `*ixoff` with a release
 * store.  On a full arena nothing changes and -1 is returned.  O(cap).
 */
static int
table__grow(table_t *t, uint64_t *ixoff, uint64_t *count, int drop_deleted)
{
    const struct table_index *old = table__index_at(t, *ixoff);
    uint64_t noff = table__index_new(t, old->cap * 2);
    if (noff == 0)
        return -1;
    struct table_index *nix = table__index_mut(t, noff);
    uint64_t mask = nix->cap - 1, live = 0;

    for (uint64_t i = 0; i < old->cap; i++) {
        uint64_t off = old->slots[i];
        if (off == 0)
            continue;
        const struct table_entry *e = (const void *)(t->base + off);
        if (drop_deleted && (e->flags & TABLE_DELETED))
            continue;
        uint64_t j = e->hash & mask;
        while (nix->slots[j] != 0)
            j = (j + 1) & mask;
        __atomic_store_n(&nix->slots[j], off, __ATOMIC_RELAXED);
        live++;
    }
    __atomic_store_n(ixoff, noff, __ATOMIC_RELEASE);
    *count = live;
    return 0;
}

/*
 * Find where `key` goes in the index at `*ixoff`, growing it first if a new
 * slot would pass 50% load.  Returns the slot pointer (its current content
 * is the existing object or 0), or NULL on a full arena.
 */
static uint64_t *
table__place(table_t *t, uint64_t *ixoff, uint64_t *count, uint64_t hash,
             const void *key, size_t klen, size_t key_at)
{
    uint64_t slot;
    const struct table_index *ix = table__index_at(t, *ixoff);

    if (table__probe(t, ix, hash, key, klen, key_at, &slot) != 0)
        return &table__index_mut(t, *ixoff)->slots[slot];
    if ((*count + 1) * 2 > ix->cap) {
        if (table__grow(t, ixoff, count, key_at == TABLE_ENTRY_KEY) != 0)
            return NULL;
        ix = table__index_at(t, *ixoff);
        table__probe(t, ix, hash, key, klen, key_at, &slot);
    }
    if (slot >= ix->cap)
        return NULL;
    return &table__index_mut(t, *ixoff)->slots[slot];
}

static int
table__map(table_t *t, int prot, int flags)
{
    void *p = mmap(NULL, t->size, prot, flags, t->fd, 0);
    if (p == MAP_FAILED)
        return -1;
    t->base = p;
    return 0;
}

static uint64_t
table__seed(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
        seed = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL;
    return seed;
}

static void
table__init_header(table_t *t, uint64_t half)
{
    struct table_hdr *h = table__hdr(t);
    h->magic = TABLE_MAGIC;
    h->layout = TABLE_LAYOUT;
    h->size = t->size;
    h->half = half;
    h->seed = table__seed();
    h->offset = -1;
}

/* Start an empty generation in the half at `start`.  Returns 0 or -1. */
static int
table__gen_init(table_t *t, uint64_t start)
{
    t->g = (table_gen_t){.start = start, .limit = start + table__hdr(t)->half, .used = start};
    t->g.blobs = table__index_new(t, TABLE_INITIAL_CAP);
    t->g.work = table__index_new(t, TABLE_INITIAL_CAP);
    return t->g.blobs != 0 && t->g.work != 0 ? 0 : -1;
}

/* Give a half's pages back (its bytes read as zeros afterwards). */
static void
table__punch(table_t *t, uint64_t start)
{
    /* A failure only keeps the memory in use; nothing reads it. */
    (void)fallocate(t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)start,
                    (off_t)table__hdr(t)->half);
}

static void
table__free(table_t *t)
{
    if (t->base != NULL)
        munmap(t->base, t->size);
    if (t->readers != NULL)
        munmap(t->readers, TABLE_READERS * sizeof(struct table_reader));
    if (t->fd >= 0)
        close(t->fd);
    free(t->waits);
    free(t->claimed);
    free(t);
}

table_t *
table_create(size_t reserve)
{
    size_t min = 2 * (8 + TABLE_INITIAL_CAP * 8);
    if (reserve < min || reserve > ((size_t)INT64_MAX - TABLE_HDR_SIZE) / 2) {
        errno = EINVAL;
        return NULL;
    }
    reserve = table__align8(reserve);
    table_t *t = mem_calloc(1, sizeof(*t));
    t->size = TABLE_HDR_SIZE + 2 * reserve;
    t->reader = -1;
    t->waits = mem_calloc(TABLE_READERS, sizeof(uint64_t));
    t->claimed = mem_calloc(TABLE_READERS, 1);
    /* No MFD_CLOEXEC: workers are forked and keep the fd, never exec'd. */
    t->fd = memfd_create("schemad-table", 0);
    void *r = mmap(NULL, TABLE_READERS * sizeof(struct table_reader), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    t->readers = r == MAP_FAILED ? NULL : r;
    if (t->fd < 0 || t->readers == NULL || ftruncate(t->fd, (off_t)t->size) != 0 ||
        table__map(t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE) != 0) {
        int saved = errno;
        table__free(t);
        errno = saved;
        return NULL;
    }
    table__init_header(t, reserve);
    table__gen_init(t, TABLE_HDR_SIZE);
    __atomic_store_n(&table__hdr(t)->index, t->g.work, __ATOMIC_RELEASE);
    return t;
}

int
table_make_readonly(table_t *t)
{
    if (t->readonly)
        return 0;
    if (munmap(t->base, t->size) != 0)
        return -1;
    t->base = NULL;
    t->readonly = 1;
    return table__map(t, PROT_READ, MAP_SHARED);
}

void
table_close(table_t *t)
{
    if (t != NULL)
        table__free(t);
}

static int
table__writable(const table_t *t)
{
    if (t->readonly || t->base == NULL) {
        errno = EPERM;
        return 0;
    }
    return 1;
}

uint64_t
table_intern(table_t *t, const void *data, size_t len)
{
    if (!table__writable(t))
        return 0;
    if (len > UINT32_MAX) {
        errno = E2BIG;
        return 0;
    }
    uint64_t hash = table_hash(table__hdr(t)->seed, data, len);
    uint64_t *slot = table__place(t, &t->g.blobs, &t->g.nblobs, hash, data, len,
                                  TABLE_BLOB_KEY);
    if (slot == NULL)
        goto full;
    if (*slot != 0)
        return *slot;
    uint64_t off = table__alloc(t, TABLE_BLOB_KEY + len);
    if (off == 0)
        goto full;
    struct table_blob *b = (void *)(t->base + off);
    b->hash = hash;
    b->len = (uint32_t)len;
    b->pad = 0;
    if (len > 0)
        memcpy(t->base + off + TABLE_BLOB_KEY, data, len);
    *slot = off;
    t->g.nblobs++;
    return off;
full:
    errno = ENOSPC;
    return 0;
}

/* A blob handle is trusted only if it lies inside the generation's used arena. */
static const struct table_blob *
table__blob(const table_t *t, uint64_t handle)
{
    uint64_t used = t->g.used;
    if (handle < t->g.start || handle % 8 != 0 || handle > used ||
        used - handle < TABLE_BLOB_KEY)
        return NULL;
    const struct table_blob *b = (const void *)(t->base + handle);
    if (b->len > used - handle - TABLE_BLOB_KEY)
        return NULL;
    return b;
}

const void *
table_blob_bytes(const table_t *t, uint64_t handle, size_t *len)
{
    const struct table_blob *b = table__blob(t, handle);
    if (b == NULL)
        return NULL;
    *len = b->len;
    return (const unsigned char *)b + TABLE_BLOB_KEY;
}

/* Shared bytes are trusted only inside the generation's used arena. */
static int
table__shared_ok(const table_t *t, uint64_t at, size_t len)
{
    return at >= t->g.start && at <= t->g.used && len <= t->g.used - at;
}

/* Bytes an entry needs, or 0 if a part is invalid or too large. */
static size_t
table__entry_size(const table_t *t, size_t klen, const table_part_t *parts,
                  size_t nparts, uint64_t *vlen)
{
    size_t inl = 0;
    *vlen = 0;
    for (size_t i = 0; i < nparts; i++) {
        size_t n = parts[i].len;
        if (parts[i].blob != 0) {
            const struct table_blob *b = table__blob(t, parts[i].blob);
            if (b == NULL)
                return 0;
            n = b->len;
        } else if (parts[i].at != 0) {
            if (!table__shared_ok(t, parts[i].at, n))
                return 0;
        } else {
            inl += n;
        }
        *vlen += n;
        if (*vlen > UINT32_MAX || inl > UINT32_MAX)
            return 0;
    }
    if (klen > UINT32_MAX || nparts > UINT32_MAX / sizeof(struct table_pdesc))
        return 0;
    return TABLE_ENTRY_KEY + table__align8(klen) +
           nparts * sizeof(struct table_pdesc) + inl;
}

/* Fill the entry at `off`: header, key, descriptors, inline bytes. */
static void
table__entry_fill(table_t *t, uint64_t off, uint64_t hash, const void *key,
                  size_t klen, const table_part_t *parts, size_t nparts,
                  uint64_t vlen)
{
    struct table_entry *e = (void *)(t->base + off);
    e->hash = hash;
    e->klen = (uint32_t)klen;
    e->flags = 0;
    e->vlen = (uint32_t)vlen;
    e->nparts = (uint32_t)nparts;
    if (klen > 0)
        memcpy(t->base + off + TABLE_ENTRY_KEY, key, klen);

    uint64_t doff = off + TABLE_ENTRY_KEY + table__align8(klen);
    struct table_pdesc *d = (void *)(t->base + doff);
    uint64_t ioff = doff + nparts * sizeof(*d);
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].blob != 0) {
            d[i].off = parts[i].blob + TABLE_BLOB_KEY;
            d[i].len = table__blob(t, parts[i].blob)->len;
            d[i].blob = 1;
            continue;
        }
        if (parts[i].at != 0) {
            d[i].off = parts[i].at;
            d[i].len = (uint32_t)parts[i].len;
            d[i].blob = 0;
            continue;
        }
        d[i].off = ioff;
        d[i].len = (uint32_t)parts[i].len;
        d[i].blob = 0;
        if (parts[i].len > 0)
            memcpy(t->base + ioff, parts[i].data, parts[i].len);
        ioff += parts[i].len;
    }
}

/* Whether `key` has a live (not deleted) entry in the generation being written. */
static int
table__live(const table_t *t, uint64_t hash, const void *key, size_t klen)
{
    uint64_t slot;
    uint64_t off = table__probe(t, table__index_at(t, t->g.work),
                                hash, key, klen, TABLE_ENTRY_KEY, &slot);
    if (off == 0)
        return 0;
    const struct table_entry *e = (const void *)(t->base + off);
    return !(e->flags & TABLE_DELETED);
}

/* Append a new entry for `key` and swing its slot to it (release). */
static int
table__store(table_t *t, const void *key, size_t klen,
             const table_part_t *parts, size_t nparts, int deleted)
{
    if (!table__writable(t))
        return -1;
    struct table_hdr *h = table__hdr(t);
    uint64_t vlen;
    size_t need = table__entry_size(t, klen, parts, nparts, &vlen);
    if (need == 0) {
        errno = EINVAL;
        return -1;
    }
    uint64_t hash = table_hash(h->seed, key, klen);
    if (deleted && !table__live(t, hash, key, klen))
        return 0; /* nothing to delete */
    uint64_t *slot = table__place(t, &t->g.work, &t->g.count, hash, key, klen,
                                  TABLE_ENTRY_KEY);
    if (slot == NULL)
        goto full;
    uint64_t off = table__alloc(t, need);
    if (off == 0)
        goto full;
    table__entry_fill(t, off, hash, key, klen, parts, nparts, vlen);
    if (deleted)
        ((struct table_entry *)(void *)(t->base + off))->flags = TABLE_DELETED;
    if (*slot == 0)
        t->g.count++;
    __atomic_store_n(slot, off, __ATOMIC_RELEASE);
    /* A grown index reaches readers only now, complete with the new entry;
     * a rebuild publishes its index at the end. */
    if (!t->rebuilding && __atomic_load_n(&h->index, __ATOMIC_RELAXED) != t->g.work)
        __atomic_store_n(&h->index, t->g.work, __ATOMIC_RELEASE);
    return 0;
full:
    errno = ENOSPC;
    return -1;
}

int
table_put(table_t *t, const void *key, size_t klen,
          const table_part_t *parts, size_t nparts)
{
    return table__store(t, key, klen, parts, nparts, 0);
}

int
table_put_bytes(table_t *t, const void *key, size_t klen,
                const void *val, size_t vlen)
{
    table_part_t p = {.data = val, .len = vlen, .blob = 0};
    return table__store(t, key, klen, &p, 1, 0);
}

int
table_del(table_t *t, const void *key, size_t klen)
{
    return table__store(t, key, klen, NULL, 0, 1);
}

/*
 * The live entry of a key, or NULL.  Lock-free: acquire-loads the index.
 * The master, while rebuilding, looks in the generation it writes.
 */
static const struct table_entry *
table__find(const table_t *t, const void *key, size_t klen, uint64_t *off)
{
    const struct table_hdr *h = table__hdr(t);
    uint64_t ixoff = t->rebuilding ? t->g.work : __atomic_load_n(&h->index, __ATOMIC_ACQUIRE);
    uint64_t hash = table_hash(h->seed, key, klen), slot;
    *off = table__probe(t, table__index_at(t, ixoff), hash, key, klen, TABLE_ENTRY_KEY, &slot);
    if (*off == 0)
        return NULL;
    const struct table_entry *e = (const void *)(t->base + *off);
    return (e->flags & TABLE_DELETED) ? NULL : e;
}

int
table_get(const table_t *t, const void *key, size_t klen,
          struct iovec *iov, int max)
{
    uint64_t off;
    const struct table_entry *e = table__find(t, key, klen, &off);
    if (e == NULL)
        return -1;
    if (e->nparts > (uint32_t)(max < 0 ? 0 : max))
        return -2;

    const struct table_pdesc *d =
        (const void *)(t->base + off + TABLE_ENTRY_KEY + table__align8(e->klen));
    for (uint32_t i = 0; i < e->nparts; i++) {
        iov[i].iov_base = (void *)(uintptr_t)(t->base + d[i].off);
        iov[i].iov_len = d[i].len;
    }
    return (int)e->nparts;
}

int
table_parts(const table_t *t, const void *key, size_t klen,
            table_part_t *out, int max)
{
    uint64_t off, slot;
    if (!table__writable(t))
        return -1;
    uint64_t hash = table_hash(table__hdr(t)->seed, key, klen);
    off = table__probe(t, table__index_at(t, t->g.work), hash, key, klen,
                       TABLE_ENTRY_KEY, &slot);
    if (off == 0)
        return -1;
    const struct table_entry *e = (const void *)(t->base + off);
    if (e->flags & TABLE_DELETED)
        return -1;
    if (e->nparts > (uint32_t)(max < 0 ? 0 : max))
        return -2;
    const struct table_pdesc *d =
        (const void *)(t->base + off + TABLE_ENTRY_KEY + table__align8(e->klen));
    for (uint32_t i = 0; i < e->nparts; i++)
        out[i] = (table_part_t){.len = d[i].len, .at = d[i].off};
    return (int)e->nparts;
}

int
table_count(const table_t *t, const void *key, size_t klen)
{
    uint64_t off;
    const struct table_entry *e = table__find(t, key, klen, &off);
    return e ? (int)e->nparts : -1;
}

size_t
table_iov_len(const struct iovec *iov, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += iov[i].iov_len;
    return len;
}

void
table_set_offset(table_t *t, int64_t offset)
{
    if (table__writable(t))
        __atomic_store_n(&table__hdr(t)->offset, offset, __ATOMIC_RELEASE);
}

int64_t
table_offset(const table_t *t)
{
    return __atomic_load_n(&table__hdr(t)->offset, __ATOMIC_ACQUIRE);
}

void
table_set_ready(table_t *t, int ready)
{
    if (table__writable(t))
        __atomic_store_n(&table__hdr(t)->ready, ready ? 1u : 0u,
                         __ATOMIC_RELEASE);
}

int
table_ready(const table_t *t)
{
    return (int)__atomic_load_n(&table__hdr(t)->ready, __ATOMIC_ACQUIRE);
}

void
table_set_leader_known(table_t *t, int known)
{
    if (table__writable(t))
        __atomic_store_n(&table__hdr(t)->leader, known ? 1u : 0u, __ATOMIC_RELEASE);
}

int
table_leader_known(const table_t *t)
{
    return (int)__atomic_load_n(&table__hdr(t)->leader, __ATOMIC_ACQUIRE);
}

void
table_set_stale(table_t *t)
{
    if (table__writable(t))
        __atomic_store_n(&table__hdr(t)->stale, 1u, __ATOMIC_RELEASE);
}

int
table_stale(const table_t *t)
{
    return (int)__atomic_load_n(&table__hdr(t)->stale, __ATOMIC_ACQUIRE);
}

size_t
table_used(const table_t *t)
{
    return (size_t)(t->g.used - t->g.start);
}

/* ---- readers ------------------------------------------------------------ */

int
table_reader_claim(table_t *t)
{
    for (int i = 0; i < TABLE_READERS; i++) {
        if (!t->claimed[i]) {
            t->claimed[i] = 1;
            return i;
        }
    }
    return -1;
}

void
table_reader_release(table_t *t, int slot)
{
    if (slot < 0 || slot >= TABLE_READERS)
        return;
    /* Its process is gone: a read it was in the middle of is over too. */
    uint64_t seq = __atomic_load_n(&t->readers[slot].seq, __ATOMIC_RELAXED);
    if (seq & 1)
        __atomic_store_n(&t->readers[slot].seq, seq + 1, __ATOMIC_SEQ_CST);
    t->claimed[slot] = 0;
}

void
table_reader_attach(table_t *t, int slot)
{
    t->reader = slot >= 0 && slot < TABLE_READERS ? slot : -1;
}

int
table_enter(table_t *t)
{
    if (t->reader < 0)
        return 0;
    if (t->depth++ > 0)
        return 1;   /* nested: already busy */
    struct table_reader *r = &t->readers[t->reader];
    /* Dekker with table_rebuild_end(): either the master sees this reader
     * busy, or this reader's next load of the index sees the flip. */
    __atomic_store_n(&r->seq, r->seq + 1, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return 1;
}

void
table_leave(table_t *t)
{
    if (t->reader < 0 || t->depth == 0 || --t->depth > 0)
        return;
    struct table_reader *r = &t->readers[t->reader];
    __atomic_store_n(&r->seq, r->seq + 1, __ATOMIC_RELEASE);
}

/* ---- generations -------------------------------------------------------- */

/*
 * Whether the old half has been left by every reader that was in it at the
 * flip (each busy one has moved on since); then its pages go back.
 */
int
table_reclaim(table_t *t)
{
    if (!t->old_pending)
        return 0;
    for (int i = 0; i < TABLE_READERS; i++) {
        if (t->waits[i] == 0)
            continue;
        if (__atomic_load_n(&t->readers[i].seq, __ATOMIC_ACQUIRE) == t->waits[i])
            return -1;
        t->waits[i] = 0;
    }
    table__punch(t, t->prev.start);
    t->old_pending = 0;
    return 0;
}

int
table_compact_wanted(const table_t *t)
{
    uint64_t half = table__hdr(t)->half, used = t->g.used - t->g.start;
    return !t->rebuilding && used > half / 4 * 3 && used - t->live > half / 4;
}

int
table_rebuilding(const table_t *t)
{
    return t->rebuilding;
}

int
table_rebuild_begin(table_t *t)
{
    if (!table__writable(t) || t->rebuilding || table_reclaim(t) != 0)
        return -1;
    uint64_t other = t->g.start == TABLE_HDR_SIZE ? TABLE_HDR_SIZE + table__hdr(t)->half
                                                  : TABLE_HDR_SIZE;
    t->prev = t->g;
    if (table__gen_init(t, other) != 0) {
        t->g = t->prev;
        return -1;
    }
    t->rebuilding = 1;
    return 0;
}

void
table_rebuild_end(table_t *t)
{
    struct table_hdr *h = table__hdr(t);
    if (!t->rebuilding)
        return;
    t->rebuilding = 0;
    __atomic_store_n(&h->index, t->g.work, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /* Who may still be reading the old index: the busy ones, now. */
    for (int i = 0; i < TABLE_READERS; i++) {
        uint64_t seq = __atomic_load_n(&t->readers[i].seq, __ATOMIC_SEQ_CST);
        t->waits[i] = (seq & 1) ? seq : 0;
    }
    t->old_pending = 1;
    t->live = t->g.used - t->g.start;
    __atomic_store_n(&h->stale, 0u, __ATOMIC_RELEASE);
    table_reclaim(t);
}

void
table_rebuild_abort(table_t *t)
{
    if (!t->rebuilding)
        return;
    uint64_t dropped = t->g.start;
    t->g = t->prev;
    t->rebuilding = 0;
    /* Not worth another try until as much garbage again has piled up. */
    t->live = t->g.used - t->g.start;
    table__punch(t, dropped);
}
