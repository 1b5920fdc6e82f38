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
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mem.h"

#define JOURNAL_FILE_NAME "schemas.journal"
#define JOURNAL_FILE_MAGIC "SCHEMADJ"
#define JOURNAL_FILE_VERSION 1u
#define JOURNAL_FILE_HDR 16u
#define JOURNAL_FILE_REC_HDR 12u
#define JOURNAL_FILE_TOMBSTONE 0xFFFFFFFFu

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
    int broken;                      /* a sync or rollback failed: fatal */
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
            j->apply(j->ctx, f->next_offset, key, klen, NULL, 0);
        else
            j->apply(j->ctx, f->next_offset, key, klen, key + klen, vlen);
        f->next_offset++;
        pos += n;
    }
    return pos;
}

/* Replay the file and cut it after the last valid record. */
static int
journal_file__replay(journal_t *j, journal_file_t *f, uint64_t size, char *err, size_t errlen)
{
    uint64_t good = JOURNAL_FILE_HDR;
    if (size > JOURNAL_FILE_HDR) {
        void *map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, f->fd, 0);
        if (map == MAP_FAILED) {
            snprintf(err, errlen, "cannot map journal %s: %s", f->path, strerror(errno));
            return -1;
        }
        madvise(map, (size_t)size, MADV_SEQUENTIAL);
        good = journal_file__scan(j, f, map, size);
        munmap(map, (size_t)size);
    }
    if (good < size) {
        log_warn("journal %s: torn or corrupt record %lld at byte %llu; dropping the last %llu bytes",
                 f->path, (long long)f->next_offset, (unsigned long long)good,
                 (unsigned long long)(size - good));
        if (ftruncate(f->fd, (off_t)good) < 0 || fsync(f->fd) < 0) {
            snprintf(err, errlen, "cannot truncate journal %s: %s", f->path, strerror(errno));
            return -1;
        }
    }
    f->size = f->synced = good;
    return 0;
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

/* Undo a partial write.  If even that fails the tail is unknown: fatal. */
static void
journal_file__rollback(journal_file_t *f, uint64_t len)
{
    if (ftruncate(f->fd, (off_t)len) == 0) {
        f->size = len;
        return;
    }
    log_error("journal %s: cannot truncate back to %llu bytes: %s", f->path,
              (unsigned long long)len, strerror(errno));
    f->broken = 1;
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
 * Write one record and apply it.  Always returns 0: the outcome comes
 * through the ack from the next poll(), JOURNAL_ESTORE when the record
 * could not be written (it is then neither applied nor left in the file).
 */
static int
journal_file_append(journal_t *j, const char *key, size_t klen,
                    const char *val, size_t vlen, void *cookie)
{
    journal_file_t *f = j->impl;
    if (f->broken || klen == 0 || klen >= JOURNAL_FILE_TOMBSTONE
        || (val != NULL && vlen >= JOURNAL_FILE_TOMBSTONE)) {
        journal_file__queue(f, cookie, JOURNAL_ESTORE);
        return 0;
    }
    journal_file__frame(f, key, klen, val, vlen);
    if (journal_file__write_all(f->fd, f->frame.data, f->frame.len, f->size) < 0) {
        log_error("journal %s: write failed: %s", f->path, strerror(errno));
        journal_file__rollback(f, f->size);
        journal_file__queue(f, cookie, JOURNAL_ESTORE);
        return 0;
    }
    f->size += f->frame.len;
    /* Queue before applying so acks keep log order even if apply appends. */
    journal_file__queue(f, cookie, JOURNAL_OK);
    j->apply(j->ctx, f->next_offset++, key, klen, val, val ? vlen : 0);
    return 0;
}

/*
 * Make everything written durable with one fdatasync.  On failure the
 * unsynced tail is cut off and the journal is marked broken: those records
 * were already applied in memory, so the caller must treat poll()'s -1 as
 * fatal and restart from the file.
 */
static void
journal_file__sync(journal_file_t *f)
{
    if (f->size == f->synced)
        return;
    if (fdatasync(f->fd) == 0) {
        f->synced = f->size;
        return;
    }
    log_error("journal %s: fdatasync failed: %s; dropping %llu unsynced bytes", f->path,
              strerror(errno), (unsigned long long)(f->size - f->synced));
    journal_file__rollback(f, f->synced);
    f->broken = 1;
    for (size_t i = 0; i < f->npending; i++)
        f->pending[i].err = JOURNAL_ESTORE;
}

/* Never blocks: there is nothing to wait for but our own fdatasync. */
static int
journal_file_poll(journal_t *j, int timeout_ms)
{
    journal_file_t *f = j->impl;
    (void)timeout_ms;
    if (f->npending == 0)
        return f->broken ? -1 : 0;
    journal_file__sync(f);
    /* Take the list first: an ack may append again. */
    journal_file_pending_t *done = f->pending;
    size_t n = f->npending;
    f->pending = NULL;
    f->npending = f->cap = 0;
    for (size_t i = 0; i < n; i++)
        j->ack(j->ctx, done[i].cookie, done[i].err);
    free(done);
    return f->broken ? -1 : 0;
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

const journal_ops_t journal_file_ops = {
    .name = "file",
    .applies_on_append = 1,
    .open = journal_file_open,
    .append = journal_file_append,
    .poll = journal_file_poll,
    .fd = journal_file_fd,
    .close = journal_file_close,
};
