/*
 * journal_file.c - the journal as one local append-only file,
 * <data.dir>/schemas.journal, for running without Kafka.
 *
 * Layout (all integers little-endian):
 *   header:  "SCHEMADJ" u32 format version (1) u32 reserved (0)
 *   record:  u32 key length, u32 value length (0xFFFFFFFF: tombstone),
 *            u32 CRC32C over the 8 length bytes, the key and the value,
 *            then the key and value bytes.
 * A record's offset is its sequence number from 0.
 *
 * This process is the only writer (an exclusive flock on the file), so an
 * append is applied as soon as it is written, and made durable by one
 * fdatasync for all appends queued since the last poll (group commit).
 *
 * Recovery (docs/ARCHITECTURE.md, "A damaged file journal"): a bad record
 * with no intact record after it is a torn tail, cut at start with an id
 * floor record in its place; one with intact records after it is damage,
 * and the open fails naming the offset and the operator's commands,
 * journal_file_verify and journal_file_salvage (journal_file.h).  A failed
 * write or fdatasync answers the append with JOURNAL_ESTORE and is healed
 * by later appends (docs/ARCHITECTURE.md, "When the file journal cannot
 * write").
 */
#include "journal.h"
#include "journal_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <libgen.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mem.h"
#include "record.h"

#define JOURNAL_FILE_MAGIC "SCHEMADJ"
#define JOURNAL_FILE_VERSION 1u
#define JOURNAL_FILE_HDR 16u
#define JOURNAL_FILE_REC_HDR 12u
#define JOURNAL_FILE_TOMBSTONE 0xFFFFFFFFu
#define JOURNAL_FILE_MIN_ID_RECORD 64u      /* no record carrying an id is shorter */
#define JOURNAL_FILE_MAX_BUMP (1u << 20)    /* ids skipped over one damaged range, at most */
#define JOURNAL_FILE_MAX_ID 2147483647LL
#define JOURNAL_FILE_RETRY_MS 1000          /* a failing journal is retried this often */

/* One append waiting for its ack. */
typedef struct journal_file_pending {
    void *cookie;
    int err;
} journal_file_pending_t;

typedef struct journal_file {
    int fd;
    char *path;                      /* owned */
    uint32_t crc[8][256];            /* CRC32C slice-by-8 tables */
    uint64_t size;                   /* bytes of whole records written */
    uint64_t synced;                 /* bytes known to be durable */
    int64_t next_offset;
    int tail_dirty;                  /* a rollback failed: the file may run past size */
    int sync_failed;                 /* [synced, size) must be written again and synced */
    int failing;                     /* a write or sync failed and has not succeeded since */
    long long retry_ms;              /* monotonic ms of the next retry while failing */
    buf_t unsynced;                  /* a copy of the bytes [synced, size) */
    journal_file_pending_t *pending; /* owned, in append order */
    size_t npending;
    size_t cap;
    buf_t frame;                     /* reused to build each record */
} journal_file_t;

/* CRC32C (Castagnoli, reflected polynomial 0x82F63B78). */
static void
journal_file__crc_init(journal_file_t *f)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        f->crc[0][i] = c;
    }
    for (int t = 1; t < 8; t++) {
        for (int i = 0; i < 256; i++) {
            uint32_t c = f->crc[t - 1][i];
            f->crc[t][i] = (c >> 8) ^ f->crc[0][c & 0xFF];
        }
    }
}

/* Continue a CRC32C over `len` bytes; start and finish with crc ^ ~0. */
static uint32_t
journal_file__crc(const journal_file_t *f, uint32_t crc, const unsigned char *p, size_t len)
{
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8
                             | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = f->crc[7][lo & 0xFF] ^ f->crc[6][(lo >> 8) & 0xFF]
            ^ f->crc[5][(lo >> 16) & 0xFF] ^ f->crc[4][lo >> 24]
            ^ f->crc[3][p[4]] ^ f->crc[2][p[5]] ^ f->crc[1][p[6]] ^ f->crc[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len-- > 0)
        crc = (crc >> 8) ^ f->crc[0][(crc ^ *p++) & 0xFF];
    return crc;
}

static uint32_t
journal_file__record_crc(const journal_file_t *f, const unsigned char *lens,
                         const void *key, size_t klen, const void *val, size_t vlen)
{
    uint32_t crc = ~0u;
    crc = journal_file__crc(f, crc, lens, 8);
    crc = journal_file__crc(f, crc, key, klen);
    crc = journal_file__crc(f, crc, val, vlen);
    return ~crc;
}

static uint32_t
journal_file__get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
journal_file__put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* pwrite all of it, retrying short writes and EINTR.  0 or -1 (errno set). */
static int
journal_file__write_all(int fd, const char *p, size_t len, uint64_t pos)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        pos += (uint64_t)n;
    }
    return 0;
}

/* Make the directory entry of a new file durable; failure only warns. */
static void
journal_file__sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) < 0)
        log_warn("journal: cannot fsync directory %s: %s", dir, strerror(errno));
    if (dfd >= 0)
        close(dfd);
}

static void
journal_file__header(unsigned char *h)
{
    memcpy(h, JOURNAL_FILE_MAGIC, 8);
    journal_file__put32(h + 8, JOURNAL_FILE_VERSION);
    journal_file__put32(h + 12, 0);
}

/* Write the header into an empty (or torn-at-creation) file. */
static int
journal_file__create(journal_file_t *f, const char *dir, char *err, size_t errlen)
{
    unsigned char h[JOURNAL_FILE_HDR];
    journal_file__header(h);
    if (ftruncate(f->fd, 0) < 0
        || journal_file__write_all(f->fd, (const char *)h, sizeof(h), 0) < 0
        || fsync(f->fd) < 0) {
        snprintf(err, errlen, "cannot initialise journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    journal_file__sync_dir(dir);
    f->size = f->synced = JOURNAL_FILE_HDR;
    return 0;
}

/*
 * Check the header of a file of `size` bytes.  Returns 1 when it is a
 * journal, 0 when it is empty or holds only a prefix of a header (a crash
 * during creation), -1 (with err) when it is something else.
 */
static int
journal_file__check_header(journal_file_t *f, uint64_t size, char *err, size_t errlen)
{
    unsigned char want[JOURNAL_FILE_HDR], got[JOURNAL_FILE_HDR];
    size_t n = size < JOURNAL_FILE_HDR ? (size_t)size : JOURNAL_FILE_HDR;
    journal_file__header(want);
    if (n > 0 && pread(f->fd, got, n, 0) != (ssize_t)n) {
        snprintf(err, errlen, "cannot read journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    if (memcmp(got, want, n < 8 ? n : 8) != 0) {
        snprintf(err, errlen, "%s is not a schemad journal (bad magic); refusing to touch it", f->path);
        return -1;
    }
    if (n < JOURNAL_FILE_HDR && memcmp(got, want, n) != 0) {
        snprintf(err, errlen, "%s is a truncated journal with a bad header; refusing to touch it", f->path);
        return -1;
    }
    if (n < JOURNAL_FILE_HDR)
        return 0;
    if (journal_file__get32(got + 8) != JOURNAL_FILE_VERSION) {
        snprintf(err, errlen, "journal %s has format version %u, this schemad reads %u",
                 f->path, journal_file__get32(got + 8), JOURNAL_FILE_VERSION);
        return -1;
    }
    return 1;
}

static void
journal_file__frame(journal_file_t *f, const char *key, size_t klen, const char *val, size_t vlen)
{
    unsigned char h[JOURNAL_FILE_REC_HDR];
    size_t vbytes = val ? vlen : 0;
    journal_file__put32(h, (uint32_t)klen);
    journal_file__put32(h + 4, val ? (uint32_t)vlen : JOURNAL_FILE_TOMBSTONE);
    journal_file__put32(h + 8, journal_file__record_crc(f, h, key, klen, val, vbytes));
    f->frame.len = 0;
    buf_append(&f->frame, h, sizeof(h));
    buf_append(&f->frame, key, klen);
    if (vbytes > 0)
        buf_append(&f->frame, val, vbytes);
}

/*
 * Length of the valid record at p (of `avail` bytes), or 0 when it is torn
 * or corrupt.  Work: one pass over the record's bytes.
 */
static size_t
journal_file__valid(const journal_file_t *f, const unsigned char *p, uint64_t avail)
{
    if (avail < JOURNAL_FILE_REC_HDR)
        return 0;
    uint32_t klen = journal_file__get32(p);
    uint32_t vlen = journal_file__get32(p + 4);
    uint64_t vbytes = vlen == JOURNAL_FILE_TOMBSTONE ? 0 : vlen;
    if (klen == 0 || JOURNAL_FILE_REC_HDR + (uint64_t)klen + vbytes > avail)
        return 0;
    const unsigned char *key = p + JOURNAL_FILE_REC_HDR;
    uint32_t crc = journal_file__record_crc(f, p, key, klen, key + klen, (size_t)vbytes);
    if (crc != journal_file__get32(p + 8))
        return 0;
    return JOURNAL_FILE_REC_HDR + klen + (size_t)vbytes;
}

/*
 * The first position at or after `from` where an intact record starts, or
 * `size` when there is none.  Every key schemad writes is a JSON object, so
 * only positions whose key would start with '{' are checksummed; a length
 * read out of text is almost always past the end, so the usual candidate
 * costs a compare.  A random candidate passes the CRC32C once in 2^32.
 */
static uint64_t
journal_file__resync(const journal_file_t *f, const unsigned char *map, uint64_t size,
                     uint64_t from)
{
    for (uint64_t pos = from; pos + JOURNAL_FILE_REC_HDR < size; pos++) {
        if (map[pos + JOURNAL_FILE_REC_HDR] != '{')
            continue;
        if (journal_file__valid(f, map + pos, size - pos) > 0)
            return pos;
    }
    return size;
}

/*
 * What a damaged range may have held, for the id floor: the highest id
 * written as "id":N in its bytes, and how many records carrying an id it
 * could have held (no such record is shorter than 64 bytes).
 */
static void
journal_file__damage_ids(const unsigned char *p, uint64_t len, long long *max_id, long long *bump)
{
    static const char pat[] = "\"id\":";
    *max_id = 0;
    for (uint64_t i = 0; i + sizeof(pat) - 1 < len; i++) {
        if (memcmp(p + i, pat, sizeof(pat) - 1) != 0)
            continue;
        long long v = 0;
        for (uint64_t k = i + sizeof(pat) - 1; k < len && p[k] >= '0' && p[k] <= '9'; k++) {
            v = v * 10 + (p[k] - '0');
            if (v > JOURNAL_FILE_MAX_ID) {
                v = JOURNAL_FILE_MAX_ID;
                break;
            }
        }
        if (v > *max_id)
            *max_id = v;
    }
    uint64_t n = len / JOURNAL_FILE_MIN_ID_RECORD + 1;
    *bump = n > JOURNAL_FILE_MAX_BUMP ? JOURNAL_FILE_MAX_BUMP : (long long)n;
}

/*
 * Frame the record that raises the id floor over a damaged range: the
 * store's next id is then above `max_id` and above every id it knew before
 * the record plus `bump` (record.h, RECORD_KEYTYPE_ID_FLOOR).
 */
static void
journal_file__floor_frame(journal_file_t *f, const unsigned char *damaged, uint64_t len)
{
    long long max_id, bump;
    journal_file__damage_ids(damaged, len, &max_id, &bump);
    char key[64], val[96];
    int klen = snprintf(key, sizeof(key), "{\"keytype\":\"%s\",\"magic\":0}", RECORD_KEYTYPE_ID_FLOOR);
    int vlen = snprintf(val, sizeof(val), "{\"id\":%lld,\"bump\":%lld}", max_id, bump);
    journal_file__frame(f, key, (size_t)klen, val, (size_t)vlen);
}

/* Apply every valid record of the mapped file; returns the valid length. */
static uint64_t
journal_file__scan(journal_t *j, journal_file_t *f, const unsigned char *map, uint64_t size)
{
    uint64_t pos = JOURNAL_FILE_HDR;
    while (pos < size) {
        const unsigned char *p = map + pos;
        size_t n = journal_file__valid(f, p, size - pos);
        if (n == 0)
            break;
        uint32_t klen = journal_file__get32(p);
        uint32_t vlen = journal_file__get32(p + 4);
        const char *key = (const char *)p + JOURNAL_FILE_REC_HDR;
        if (vlen == JOURNAL_FILE_TOMBSTONE)
            j->apply(j->ctx, f->next_offset, -1, key, klen, NULL, 0);
        else
            j->apply(j->ctx, f->next_offset, -1, key, klen, key + klen, vlen);
        f->next_offset++;
        pos += n;
    }
    return pos;
}

/*
 * Cut a torn tail at `good` and append the record that keeps the ids it may
 * have held from being given again (the last record may have been
 * acknowledged before the damage).
 */
static int
journal_file__cut_tail(journal_t *j, journal_file_t *f, const unsigned char *map, uint64_t good,
                       uint64_t size, char *err, size_t errlen)
{
    log_warn("journal %s: torn last record %lld at byte %llu (no intact record after it); "
             "dropping the last %llu bytes", f->path, (long long)f->next_offset,
             (unsigned long long)good, (unsigned long long)(size - good));
    journal_file__floor_frame(f, map + good, size - good);
    if (ftruncate(f->fd, (off_t)good) < 0
        || journal_file__write_all(f->fd, f->frame.data, f->frame.len, good) < 0
        || fdatasync(f->fd) < 0) {
        snprintf(err, errlen, "cannot cut the torn tail of journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    const char *key = f->frame.data + JOURNAL_FILE_REC_HDR;
    size_t klen = journal_file__get32((const unsigned char *)f->frame.data);
    size_t vlen = f->frame.len - JOURNAL_FILE_REC_HDR - klen;
    j->apply(j->ctx, f->next_offset++, -1, key, klen, key + klen, vlen);
    f->size = f->synced = good + f->frame.len;
    return 0;
}

/* The refusal to start on a journal damaged before its last record. */
static void
journal_file__damaged_msg(const journal_file_t *f, uint64_t bad, uint64_t next,
                          char *err, size_t errlen)
{
    snprintf(err, errlen,
             "journal %s is damaged at byte %llu: record %lld fails its checksum and intact "
             "records follow from byte %llu; refusing to start rather than drop them. "
             "'schemad --verify-journal %s' lists the damage; "
             "'schemad --salvage-journal %s' rewrites the journal with every intact record "
             "(the damaged file is kept aside, no id is given twice)",
             f->path, (unsigned long long)bad, (long long)f->next_offset,
             (unsigned long long)next, f->path, f->path);
}

/*
 * Replay the file.  A bad record with nothing intact after it is a torn
 * tail, cut here; one with intact records after it is damage: refuse.
 */
static int
journal_file__replay(journal_t *j, journal_file_t *f, uint64_t size, char *err, size_t errlen)
{
    f->size = f->synced = JOURNAL_FILE_HDR;
    if (size <= JOURNAL_FILE_HDR)
        return 0;
    void *map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, f->fd, 0);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "cannot map journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    madvise(map, (size_t)size, MADV_SEQUENTIAL);
    int rc = 0;
    uint64_t good = journal_file__scan(j, f, map, size);
    f->size = f->synced = good;
    if (good < size) {
        uint64_t next = journal_file__resync(f, map, size, good + 1);
        if (next < size) {
            journal_file__damaged_msg(f, good, next, err, errlen);
            rc = -1;
        } else {
            rc = journal_file__cut_tail(j, f, map, good, size, err, errlen);
        }
    }
    munmap(map, (size_t)size);
    return rc;
}

/* Open the file and take the lock; fills f->fd. */
static int
journal_file__lock(journal_file_t *f, const char *dir, char *err, size_t errlen)
{
    f->fd = open(f->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f->fd < 0) {
        snprintf(err, errlen, "cannot open journal %s: %s (data.dir must be an existing, writable directory)",
                 f->path, strerror(errno));
        return -1;
    }
    if (flock(f->fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK)
            snprintf(err, errlen, "journal %s is locked by another process (another schemad using data.dir %s?)",
                     f->path, dir);
        else
            snprintf(err, errlen, "cannot lock journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    return 0;
}

static int
journal_file__load(journal_t *j, journal_file_t *f, const char *dir, char *err, size_t errlen)
{
    if (journal_file__lock(f, dir, err, errlen) < 0)
        return -1;
    struct stat st;
    if (fstat(f->fd, &st) < 0) {
        snprintf(err, errlen, "cannot stat journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    int hdr = journal_file__check_header(f, (uint64_t)st.st_size, err, errlen);
    if (hdr < 0)
        return -1;
    if (hdr == 0)
        return journal_file__create(f, dir, err, errlen);
    return journal_file__replay(j, f, (uint64_t)st.st_size, err, errlen);
}

static void
journal_file__free(journal_file_t *f)
{
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    free(f->pending);
    buf_free(&f->frame);
    buf_free(&f->unsynced);
    free(f);
}

static int
journal_file_open(journal_t *j, const struct config *cf, char *err, size_t errlen)
{
    if (cf->data_dir == NULL || cf->data_dir[0] == '\0') {
        snprintf(err, errlen, "data.dir is not set (needed by journal=file)");
        return -1;
    }
    journal_file_t *f = mem_calloc(1, sizeof(*f));
    f->fd = -1;
    f->path = mem_printf("%s/%s", cf->data_dir, JOURNAL_FILE_NAME);
    journal_file__crc_init(f);
    if (journal_file__load(j, f, cf->data_dir, err, errlen) < 0) {
        journal_file__free(f);
        return -1;
    }
    log_info("journal %s: %lld records, %llu bytes", f->path, (long long)f->next_offset,
             (unsigned long long)f->size);
    j->impl = f;
    return 0;
}

static void
journal_file__queue(journal_file_t *f, void *cookie, int err)
{
    if (f->npending == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->pending = mem_realloc(f->pending, f->cap * sizeof(*f->pending));
    }
    f->pending[f->npending].cookie = cookie;
    f->pending[f->npending].err = err;
    f->npending++;
}

static long long
journal_file__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Log the first failure of a spell once, not every refused write. */
static void
journal_file__failed(journal_file_t *f, const char *what)
{
    f->retry_ms = journal_file__now_ms() + JOURNAL_FILE_RETRY_MS;
    if (f->failing)
        return;
    f->failing = 1;
    log_error("journal %s: %s failed: %s; writes are answered with an error (reads go on) "
              "until it succeeds again", f->path, what, strerror(errno));
}

/*
 * Bring the file back to the records applied: cut what a failed write may
 * have left past f->size, and write again and sync the bytes a failed
 * fdatasync left in doubt.  Linux may mark the pages of a failed writeback
 * clean and report no error to the next fdatasync (its error is reported
 * once), so they are written again from our own copy rather than trusted.
 * Returns 0 when the file holds exactly the applied records, durably.
 */
static int
journal_file__heal(journal_file_t *f)
{
    if (f->tail_dirty) {
        if (ftruncate(f->fd, (off_t)f->size) < 0)
            return -1;
        f->tail_dirty = 0;
    }
    if (f->sync_failed) {
        if (journal_file__write_all(f->fd, f->unsynced.data, f->unsynced.len, f->synced) < 0
            || fdatasync(f->fd) < 0)
            return -1;
        f->sync_failed = 0;
        f->synced = f->size;
        f->unsynced.len = 0;
    }
    if (f->failing) {
        f->failing = 0;
        log_info("journal %s: writable again", f->path);
    }
    return 0;
}

/* Undo a partial write; if even that fails, heal() cuts it later. */
static void
journal_file__rollback(journal_file_t *f)
{
    if (ftruncate(f->fd, (off_t)f->size) < 0)
        f->tail_dirty = 1;
}

/*
 * Write one record and apply it.  Always returns 0: the outcome comes
 * through the ack from the next poll(), JOURNAL_ESTORE when the record
 * could not be written (it is then neither applied nor left in the file).
 */
static int
journal_file_append(journal_t *j, const char *key, size_t klen,
                    const char *val, size_t vlen, void *cookie)
{
    journal_file_t *f = j->impl;
    if (klen == 0 || klen >= JOURNAL_FILE_TOMBSTONE
        || (val != NULL && vlen >= JOURNAL_FILE_TOMBSTONE)) {
        journal_file__queue(f, cookie, JOURNAL_ESTORE);
        return 0;
    }
    if ((f->tail_dirty || f->sync_failed) && journal_file__heal(f) < 0) {
        journal_file__failed(f, "writing again");
        journal_file__queue(f, cookie, JOURNAL_ESTORE);
        return 0;
    }
    journal_file__frame(f, key, klen, val, vlen);
    if (journal_file__write_all(f->fd, f->frame.data, f->frame.len, f->size) < 0) {
        journal_file__failed(f, "write");
        journal_file__rollback(f);
        journal_file__queue(f, cookie, JOURNAL_ESTORE);
        return 0;
    }
    f->size += f->frame.len;
    buf_append(&f->unsynced, f->frame.data, f->frame.len);
    /* Queue before applying so acks keep log order even if apply appends. */
    journal_file__queue(f, cookie, JOURNAL_OK);
    j->apply(j->ctx, f->next_offset++, -1, key, klen, val, val ? vlen : 0);
    return 0;
}

/*
 * Make everything written durable with one fdatasync.  On failure the
 * bytes are written again and synced once more at once; if that fails too,
 * every append of the group is answered with an error.  Those records stay
 * applied (they are in the file's pages and in memory) and later appends
 * are refused until heal() has made them durable, so the store never holds
 * a record the file will not, and no id is handed out twice.
 */
static void
journal_file__sync(journal_file_t *f)
{
    if (f->size == f->synced)
        return;
    if (fdatasync(f->fd) == 0) {
        f->synced = f->size;
        f->unsynced.len = 0;
        if (f->failing) {
            f->failing = 0;
            log_info("journal %s: writable again", f->path);
        }
        return;
    }
    int e = errno;
    f->sync_failed = 1;
    if (journal_file__heal(f) == 0)
        return;
    errno = e;
    journal_file__failed(f, "fdatasync");
    for (size_t i = 0; i < f->npending; i++)
        f->pending[i].err = JOURNAL_ESTORE;
}

/* Never blocks: there is nothing to wait for but our own fdatasync. */
static int
journal_file_poll(journal_t *j, int timeout_ms)
{
    journal_file_t *f = j->impl;
    (void)timeout_ms;
    if (f->npending == 0) {
        if ((f->tail_dirty || f->sync_failed) && journal_file__now_ms() >= f->retry_ms
            && journal_file__heal(f) < 0)
            journal_file__failed(f, "writing again");
        return 0;
    }
    journal_file__sync(f);
    /* Take the list first: an ack may append again. */
    journal_file_pending_t *done = f->pending;
    size_t n = f->npending;
    f->pending = NULL;
    f->npending = f->cap = 0;
    for (size_t i = 0; i < n; i++)
        j->ack(j->ctx, done[i].cookie, done[i].err);
    free(done);
    return 0;
}

static int
journal_file_fd(journal_t *j)
{
    (void)j;
    return -1;
}

static void
journal_file_close(journal_t *j)
{
    journal_file_t *f = j->impl;
    if (f == NULL)
        return;
    while (f->npending > 0)
        journal_file_poll(j, 0);
    journal_file__free(f);
    j->impl = NULL;
}

/* ---- the operator's commands -------------------------------------------- */

typedef struct journal_file_walk {
    journal_file_t *f;
    FILE *out;
    const unsigned char *map;
    uint64_t size;
    uint64_t intact;        /* records */
    uint64_t ranges;        /* damaged ranges */
    uint64_t bad_bytes;
    int wfd;                /* salvage: the new file, else -1 */
    uint64_t wpos;
    buf_t wbuf;             /* salvage: bytes not yet written */
    int werr;               /* salvage: errno of a failed write, or 0 */
} journal_file_walk_t;

static void
journal_file__walk_flush(journal_file_walk_t *w)
{
    if (w->wbuf.len == 0 || w->werr != 0)
        return;
    if (journal_file__write_all(w->wfd, w->wbuf.data, w->wbuf.len, w->wpos) < 0)
        w->werr = errno;
    w->wpos += w->wbuf.len;
    w->wbuf.len = 0;
}

static void
journal_file__walk_record(journal_file_walk_t *w, uint64_t pos, size_t n)
{
    w->intact++;
    if (w->wfd < 0)
        return;
    buf_append(&w->wbuf, w->map + pos, n);
    if (w->wbuf.len >= (1u << 20))
        journal_file__walk_flush(w);
}

static void
journal_file__walk_damage(journal_file_walk_t *w, uint64_t from, uint64_t to)
{
    w->ranges++;
    w->bad_bytes += to - from;
    if (w->out != NULL && w->wfd < 0)
        fprintf(w->out, "%s: bytes %llu..%llu (%llu bytes) damaged, after %llu intact records: %s\n",
                w->f->path, (unsigned long long)from, (unsigned long long)to,
                (unsigned long long)(to - from), (unsigned long long)w->intact,
                to == w->size ? "a torn tail (schemad cuts it at start)"
                              : "intact records follow (schemad refuses to start)");
    if (w->wfd < 0)
        return;
    journal_file__floor_frame(w->f, w->map + from, to - from);
    buf_append(&w->wbuf, w->f->frame.data, w->f->frame.len);
}

/* Every intact record and every damaged range between, in file order. */
static void
journal_file__walk(journal_file_walk_t *w)
{
    uint64_t pos = JOURNAL_FILE_HDR;
    while (pos < w->size) {
        size_t n = journal_file__valid(w->f, w->map + pos, w->size - pos);
        if (n > 0) {
            journal_file__walk_record(w, pos, n);
            pos += n;
            continue;
        }
        uint64_t next = journal_file__resync(w->f, w->map, w->size, pos + 1);
        journal_file__walk_damage(w, pos, next);
        pos = next;
    }
}

/*
 * Open the journal at `path` (read-write and locked when `lock`), check its
 * header and map it.  Returns 1 when mapped into w, 0 when it holds no
 * record (w->size set), -1 with err.  w->f is set on every path.
 */
static int
journal_file__walk_open(journal_file_walk_t *w, const char *path, int lock, char *err, size_t errlen)
{
    memset(w, 0, sizeof(*w));
    w->wfd = -1;
    w->f = mem_calloc(1, sizeof(*w->f));
    w->f->path = mem_strdup(path);
    journal_file__crc_init(w->f);
    w->f->fd = open(path, (lock ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (w->f->fd < 0) {
        snprintf(err, errlen, "cannot open journal %s: %s", path, strerror(errno));
        return -1;
    }
    if (lock && flock(w->f->fd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "journal %s is locked: stop the schemad using it first", path);
        return -1;
    }
    struct stat st;
    if (fstat(w->f->fd, &st) < 0) {
        snprintf(err, errlen, "cannot stat journal %s: %s", path, strerror(errno));
        return -1;
    }
    w->size = (uint64_t)st.st_size;
    int hdr = journal_file__check_header(w->f, w->size, err, errlen);
    if (hdr <= 0 || w->size <= JOURNAL_FILE_HDR)
        return hdr < 0 ? -1 : 0;
    void *map = mmap(NULL, (size_t)w->size, PROT_READ, MAP_PRIVATE, w->f->fd, 0);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "cannot map journal %s: %s", path, strerror(errno));
        return -1;
    }
    madvise(map, (size_t)w->size, MADV_SEQUENTIAL);
    w->map = map;
    return 1;
}

static void
journal_file__walk_close(journal_file_walk_t *w)
{
    if (w->map != NULL)
        munmap((void *)w->map, (size_t)w->size);
    if (w->wfd >= 0)
        close(w->wfd);
    buf_free(&w->wbuf);
    journal_file__free(w->f);
}

int
journal_file_verify(const char *path, FILE *out, char *err, size_t errlen)
{
    journal_file_walk_t w;
    int rc = journal_file__walk_open(&w, path, 0, err, errlen);
    if (rc < 0) {
        journal_file__walk_close(&w);
        return JOURNAL_FILE_UNREADABLE;
    }
    w.out = out;
    if (rc > 0)
        journal_file__walk(&w);
    if (w.ranges == 0)
        fprintf(out, "%s: clean, %llu records\n", path, (unsigned long long)w.intact);
    else
        fprintf(out, "%s: %llu intact records, %llu damaged ranges (%llu bytes); "
                "'schemad --salvage-journal %s' keeps every intact record\n", path,
                (unsigned long long)w.intact, (unsigned long long)w.ranges,
                (unsigned long long)w.bad_bytes, path);
    journal_file__walk_close(&w);
    return w.ranges == 0 ? JOURNAL_FILE_CLEAN : JOURNAL_FILE_DAMAGED;
}

/* Write the salvaged journal to `tmp`; 0 or -1 with err. */
static int
journal_file__salvage_write(journal_file_walk_t *w, const char *tmp, char *err, size_t errlen)
{
    w->wfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->wfd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    unsigned char h[JOURNAL_FILE_HDR];
    journal_file__header(h);
    buf_append(&w->wbuf, h, sizeof(h));
    w->intact = w->ranges = w->bad_bytes = 0;
    journal_file__walk(w);
    journal_file__walk_flush(w);
    if (w->werr == 0 && fsync(w->wfd) < 0)
        w->werr = errno;
    if (w->werr != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(w->werr));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Keep the original as <path>.damaged-<time>, then put `tmp` in its place. */
static int
journal_file__salvage_swap(const char *path, const char *tmp, char *kept, size_t keptlen,
                           char *err, size_t errlen)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(kept, keptlen, "%s.damaged-%s", path, stamp);
    /* Salvaged twice within a second: number the later copies. */
    int rc;
    for (int i = 2; (rc = link(path, kept)) < 0 && errno == EEXIST && i < 100; i++)
        snprintf(kept, keptlen, "%s.damaged-%s.%d", path, stamp, i);
    if (rc < 0) {
        snprintf(err, errlen, "cannot keep the damaged journal as %s: %s", kept, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot put %s in place of %s: %s (the original is unchanged)",
                 tmp, path, strerror(errno));
        unlink(kept);
        unlink(tmp);
        return -1;
    }
    char *copy = mem_strdup(path);
    journal_file__sync_dir(dirname(copy));
    free(copy);
    return 0;
}

int
journal_file_salvage(const char *path, FILE *out, char *err, size_t errlen)
{
    journal_file_walk_t w;
    int rc = journal_file__walk_open(&w, path, 1, err, errlen);
    if (rc <= 0) {
        journal_file__walk_close(&w);
        if (rc == 0)
            fprintf(out, "%s: clean, nothing to salvage\n", path);
        return rc == 0 ? JOURNAL_FILE_CLEAN : JOURNAL_FILE_UNREADABLE;
    }
    journal_file__walk(&w);
    if (w.ranges == 0) {
        fprintf(out, "%s: clean, %llu records, nothing to salvage\n", path,
                (unsigned long long)w.intact);
        journal_file__walk_close(&w);
        return JOURNAL_FILE_CLEAN;
    }
    char *tmp = mem_printf("%s.salvage", path);
    char kept[4096];
    rc = journal_file__salvage_write(&w, tmp, err, errlen);
    if (rc == 0)
        rc = journal_file__salvage_swap(path, tmp, kept, sizeof(kept), err, errlen);
    if (rc == 0)
        fprintf(out, "%s: salvaged %llu intact records around %llu damaged ranges (%llu bytes "
                "dropped; the ids they may have held will not be given again); the damaged "
                "original is kept as %s\n", path, (unsigned long long)w.intact,
                (unsigned long long)w.ranges, (unsigned long long)w.bad_bytes, kept);
    free(tmp);
    journal_file__walk_close(&w);
    return rc == 0 ? JOURNAL_FILE_DAMAGED : JOURNAL_FILE_UNREADABLE;
}

const journal_ops_t journal_file_ops = {
    .name = "file",
    .applies_on_append = 1,
    .open = journal_file_open,
    .append = journal_file_append,
    .poll = journal_file_poll,
    .fd = journal_file_fd,
    .close = journal_file_close,
};
