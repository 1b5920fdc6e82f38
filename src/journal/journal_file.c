/*
 * journal_file.c - the journal as one local append-only file,
 * <data.dir>/schemas.journal, for running without Kafka.
 *
 * The bytes are journal_file_format.h's.  A record's offset is its
 * sequence number from 0.
 *
 * This process is the only writer (an exclusive flock on the file), so an
 * append is applied as soon as it is written, and made durable by one
 * fdatasync for all appends queued since the last poll (group commit).
 *
 * Recovery (docs/ARCHITECTURE.md, "A damaged file journal"): a bad record
 * with no intact record after it is a torn tail, cut at start with an id
 * floor record in its place; one with intact records after it is damage,
 * and the open fails naming the offset and the operator's commands,
 * journal_file_verify and journal_file_salvage (journal_file.h,
 * journal_file_repair.c).  A failed
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
#include "journal_file_format.h"
#include "log.h"
#include "mem.h"
#include "record.h"

#define JOURNAL_FILE_RETRY_MS 1000          /* a failing journal is retried this often */

/* One append waiting for its ack. */
typedef struct journal_file_pending {
    void *cookie;
    int err;
} journal_file_pending_t;

typedef struct journal_file {
    int fd;
    char *path;                      /* owned */
    journal_format_t fm;             /* CRC tables, the frame being built */
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
} journal_file_t;

/* Write the header into an empty (or torn-at-creation) file. */
static int
journal_file__create(journal_file_t *f, const char *dir, char *err, size_t errlen)
{
    unsigned char h[JOURNAL_FILE_HDR];
    journal_format_header(h);
    if (ftruncate(f->fd, 0) < 0
        || journal_format_write_all(f->fd, (const char *)h, sizeof(h), 0) < 0
        || fsync(f->fd) < 0) {
        snprintf(err, errlen, "cannot initialise journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    journal_format_sync_dir(dir);
    f->size = f->synced = JOURNAL_FILE_HDR;
    return 0;
}

/* Apply every valid record of the mapped file; returns the valid length. */
static uint64_t
journal_file__scan(journal_t *j, journal_file_t *f, const unsigned char *map, uint64_t size)
{
    uint64_t pos = JOURNAL_FILE_HDR;
    while (pos < size) {
        const unsigned char *p = map + pos;
        size_t n = journal_format_valid(&f->fm, p, size - pos);
        if (n == 0)
            break;
        uint32_t klen = journal_format_get32(p);
        uint32_t vlen = journal_format_get32(p + 4);
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
    journal_format_floor_frame(&f->fm, map + good, size - good);
    if (ftruncate(f->fd, (off_t)good) < 0
        || journal_format_write_all(f->fd, f->fm.frame.data, f->fm.frame.len, good) < 0
        || fdatasync(f->fd) < 0) {
        snprintf(err, errlen, "cannot cut the torn tail of journal %s: %s", f->path, strerror(errno));
        return -1;
    }
    const char *key = f->fm.frame.data + JOURNAL_FILE_REC_HDR;
    size_t klen = journal_format_get32((const unsigned char *)f->fm.frame.data);
    size_t vlen = f->fm.frame.len - JOURNAL_FILE_REC_HDR - klen;
    j->apply(j->ctx, f->next_offset++, -1, key, klen, key + klen, vlen);
    f->size = f->synced = good + f->fm.frame.len;
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
        uint64_t next = journal_format_resync(&f->fm, map, size, good + 1);
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
    int hdr = journal_format_check_header(f->fd, f->path, (uint64_t)st.st_size, err, errlen);
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
    buf_free(&f->fm.frame);
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
    journal_format_init_crc(&f->fm);
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
        if (journal_format_write_all(f->fd, f->unsynced.data, f->unsynced.len, f->synced) < 0
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
    journal_format_frame(&f->fm, key, klen, val, vlen);
    if (journal_format_write_all(f->fd, f->fm.frame.data, f->fm.frame.len, f->size) < 0) {
        journal_file__failed(f, "write");
        journal_file__rollback(f);
        journal_file__queue(f, cookie, JOURNAL_ESTORE);
        return 0;
    }
    f->size += f->fm.frame.len;
    buf_append(&f->unsynced, f->fm.frame.data, f->fm.frame.len);
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

const journal_ops_t journal_file_ops = {
    .name = "file",
    .applies_on_append = 1,
    .open = journal_file_open,
    .append = journal_file_append,
    .poll = journal_file_poll,
    .fd = journal_file_fd,
    .close = journal_file_close,
};
