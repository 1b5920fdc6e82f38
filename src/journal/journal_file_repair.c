/*
 * journal_file_repair.c - the operator's commands on a file journal
 * (journal_file.h): verify reports every damaged range; salvage rewrites
 * the journal with every intact record around the damage and an id-floor
 * record in place of each damaged range, keeping the original.
 */
#include "journal_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal_file_format.h"
#include "mem.h"

typedef struct journal_file_walk {
    journal_format_t fm;
    int fd;
    char *path;             /* owned */
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
    if (journal_format_write_all(w->wfd, w->wbuf.data, w->wbuf.len, w->wpos) < 0)
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
                w->path, (unsigned long long)from, (unsigned long long)to,
                (unsigned long long)(to - from), (unsigned long long)w->intact,
                to == w->size ? "a torn tail (schemad cuts it at start)"
                              : "intact records follow (schemad refuses to start)");
    if (w->wfd < 0)
        return;
    journal_format_floor_frame(&w->fm, w->map + from, to - from);
    buf_append(&w->wbuf, w->fm.frame.data, w->fm.frame.len);
}

/* Every intact record and every damaged range between, in file order. */
static void
journal_file__walk(journal_file_walk_t *w)
{
    uint64_t pos = JOURNAL_FILE_HDR;
    while (pos < w->size) {
        size_t n = journal_format_valid(&w->fm, w->map + pos, w->size - pos);
        if (n > 0) {
            journal_file__walk_record(w, pos, n);
            pos += n;
            continue;
        }
        uint64_t next = journal_format_resync(&w->fm, w->map, w->size, pos + 1);
        journal_file__walk_damage(w, pos, next);
        pos = next;
    }
}

/*
 * Open the journal at `path` (read-write and locked when `lock`), check its
 * header and map it.  Returns 1 when mapped into w, 0 when it holds no
 * record (w->size set), -1 with err.  w is set up on every path (for
 * journal_file__walk_close).
 */
static int
journal_file__walk_open(journal_file_walk_t *w, const char *path, int lock, char *err, size_t errlen)
{
    memset(w, 0, sizeof(*w));
    w->wfd = -1;
    w->fd = -1;
    w->path = mem_strdup(path);
    journal_format_init_crc(&w->fm);
    w->fd = open(path, (lock ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (w->fd < 0) {
        snprintf(err, errlen, "cannot open journal %s: %s", path, strerror(errno));
        return -1;
    }
    if (lock && flock(w->fd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "journal %s is locked: stop the schemad using it first", path);
        return -1;
    }
    struct stat st;
    if (fstat(w->fd, &st) < 0) {
        snprintf(err, errlen, "cannot stat journal %s: %s", path, strerror(errno));
        return -1;
    }
    w->size = (uint64_t)st.st_size;
    int hdr = journal_format_check_header(w->fd, w->path, w->size, err, errlen);
    if (hdr <= 0 || w->size <= JOURNAL_FILE_HDR)
        return hdr < 0 ? -1 : 0;
    void *map = mmap(NULL, (size_t)w->size, PROT_READ, MAP_PRIVATE, w->fd, 0);
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
    if (w->fd >= 0)
        close(w->fd);
    free(w->path);
    buf_free(&w->fm.frame);
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
    journal_format_header(h);
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
    journal_format_sync_dir(dirname(copy));
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
