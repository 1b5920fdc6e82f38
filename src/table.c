/*
 * table.c - the shared schema table (see table.h).
 *
 * Region layout, every reference an offset from the region start so that a
 * worker may map it at another address:
 *
 *   header | arena: entries, blobs, bucket arrays, bump-allocated, 8-aligned
 *
 * The master is the only writer.  It fills new bytes with plain stores and
 * makes them reachable with one release store (a slot of an index, or the
 * header's index pointer); readers acquire-load those words, so anything
 * they can reach is complete.  Nothing reachable is ever modified, except
 * the slots themselves, each swung from one complete entry to another.
 */
#include "table.h"

#include "mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#define TABLE_MAGIC 0x3164656d65686373ULL /* "schemed1" */
#define TABLE_LAYOUT 1
#define TABLE_INITIAL_CAP 16
#define TABLE_DELETED 1u

__extension__ typedef unsigned __int128 table__u128;

/* The region header.  Fields marked atomic are shared with readers. */
struct table_hdr {
    uint64_t magic;
    uint32_t layout;
    uint32_t ready;   /* atomic */
    uint64_t size;    /* bytes of the whole region */
    uint64_t used;    /* bump pointer (atomic only for table_used) */
    uint64_t seed;    /* hash seed, fixed at creation */
    uint64_t index;   /* atomic: offset of the main bucket array */
    uint64_t count;   /* occupied slots of the main index; master only */
    int64_t offset;   /* atomic: applied journal offset */
    uint64_t blobs;   /* offset of the blob bucket array; master only */
    uint64_t nblobs;  /* occupied slots of the blob index; master only */
    uint32_t stale;   /* atomic: a put failed, the table may lag the master */
    uint32_t pad;
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

static uint64_t
table__mix(uint64_t a, uint64_t b)
{
    table__u128 r = (table__u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t
table__load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/*
 * A multiply-fold hash in the spirit of wyhash: 16 bytes per round, each
 * round a 64x64->128 multiply folded to 64 bits.  The per-table random seed
 * keeps collisions unpredictable to clients choosing subject names.
 */
static uint64_t
table__hash(uint64_t seed, const void *data, size_t len)
{
    const uint64_t k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xd6e8feb86659fd93ULL;
    const unsigned char *p = data;
    size_t n = len;
    uint64_t h = seed ^ table__mix(len ^ k1, seed ^ k2);

    for (; n >= 16; n -= 16, p += 16)
        h = table__mix(table__load64(p) ^ h ^ k1, table__load64(p + 8) ^ k2);
    if (n >= 8) {
        h = table__mix(table__load64(p) ^ h ^ k2, h ^ k1);
        n -= 8;
        p += 8;
    }
    uint64_t tail = 0;
    if (n > 0)
        memcpy(&tail, p, n);
    h = table__mix(tail ^ h ^ k1, (uint64_t)n ^ k2);
    return table__mix(h ^ k2, h ^ k1 ^ len);
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
    struct table_hdr *h = table__hdr(t);
    uint64_t off = h->used;

    if (n > h->size - off)
        return 0;
    n = table__align8(n);
    if (n > h->size - off)
        return 0;
    __atomic_store_n(&h->used, off + n, __ATOMIC_RELAXED);
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
table__init_header(table_t *t)
{
    struct table_hdr *h = table__hdr(t);
    h->magic = TABLE_MAGIC;
    h->layout = TABLE_LAYOUT;
    h->size = t->size;
    h->used = TABLE_HDR_SIZE;
    h->seed = table__seed();
    h->offset = -1;
}

table_t *
table_create(size_t reserve)
{
    size_t min = TABLE_HDR_SIZE + 2 * (8 + TABLE_INITIAL_CAP * 8);
    if (reserve < min || reserve > (size_t)INT64_MAX) {
        errno = EINVAL;
        return NULL;
    }
    table_t *t = mem_calloc(1, sizeof(*t));
    t->size = reserve;
    /* No MFD_CLOEXEC: workers are forked and keep the fd, never exec'd. */
    t->fd = memfd_create("schemad-table", 0);
    if (t->fd < 0 || ftruncate(t->fd, (off_t)reserve) != 0 ||
        table__map(t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE) != 0) {
        int saved = errno;
        if (t->fd >= 0)
            close(t->fd);
        free(t);
        errno = saved;
        return NULL;
    }
    table__init_header(t);
    struct table_hdr *h = table__hdr(t);
    h->blobs = table__index_new(t, TABLE_INITIAL_CAP);
    __atomic_store_n(&h->index, table__index_new(t, TABLE_INITIAL_CAP),
                     __ATOMIC_RELEASE);
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
    if (t == NULL)
        return;
    if (t->base != NULL)
        munmap(t->base, t->size);
    close(t->fd);
    free(t);
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
    struct table_hdr *h = table__hdr(t);
    uint64_t hash = table__hash(h->seed, data, len);
    uint64_t *slot = table__place(t, &h->blobs, &h->nblobs, hash, data, len,
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
    h->nblobs++;
    return off;
full:
    errno = ENOSPC;
    return 0;
}

/* A blob handle is trusted only if it lies inside the used arena. */
static const struct table_blob *
table__blob(const table_t *t, uint64_t handle)
{
    uint64_t used = table__hdr(t)->used;
    if (handle < TABLE_HDR_SIZE || handle % 8 != 0 || handle > used ||
        used - handle < TABLE_BLOB_KEY)
        return NULL;
    const struct table_blob *b = (const void *)(t->base + handle);
    if (b->len > used - handle - TABLE_BLOB_KEY)
        return NULL;
    return b;
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
        d[i].off = ioff;
        d[i].len = (uint32_t)parts[i].len;
        d[i].blob = 0;
        if (parts[i].len > 0)
            memcpy(t->base + ioff, parts[i].data, parts[i].len);
        ioff += parts[i].len;
    }
}

/* Whether `key` has a live (not deleted) entry. */
static int
table__live(const table_t *t, uint64_t hash, const void *key, size_t klen)
{
    uint64_t slot;
    uint64_t off = table__probe(t, table__index_at(t, table__hdr(t)->index),
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
    uint64_t hash = table__hash(h->seed, key, klen);
    if (deleted && !table__live(t, hash, key, klen))
        return 0; /* nothing to delete */
    uint64_t *slot = table__place(t, &h->index, &h->count, hash, key, klen,
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
        h->count++;
    __atomic_store_n(slot, off, __ATOMIC_RELEASE);
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

/* The live entry of a key, or NULL.  Lock-free: acquire-loads the index. */
static const struct table_entry *
table__find(const table_t *t, const void *key, size_t klen, uint64_t *off)
{
    const struct table_hdr *h = table__hdr(t);
    uint64_t ixoff = __atomic_load_n(&h->index, __ATOMIC_ACQUIRE);
    uint64_t hash = table__hash(h->seed, key, klen), slot;
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
    return (size_t)__atomic_load_n(&table__hdr(t)->used, __ATOMIC_RELAXED);
}
