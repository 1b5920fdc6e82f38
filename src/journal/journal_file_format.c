/*
 * journal_file_format.c - the bytes of a file journal (journal_file_format.h
 * draws the layout): CRC32C, the header, framing a record, telling an
 * intact record from a damaged one, finding the next intact record after
 * damage, and the id-floor record that stands in for a damaged range.
 * Shared by the backend (journal_file.c) and the operator's commands
 * (journal_file_repair.c).
 */
#include "journal_file_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "record.h"

/* CRC32C (Castagnoli, reflected polynomial 0x82F63B78). */
void
journal_format_init_crc(journal_format_t *f)
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
journal_format__crc(const journal_format_t *f, uint32_t crc, const unsigned char *p, size_t len)
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
journal_format__record_crc(const journal_format_t *f, const unsigned char *lens,
                         const void *key, size_t klen, const void *val, size_t vlen)
{
    uint32_t crc = ~0u;
    crc = journal_format__crc(f, crc, lens, 8);
    crc = journal_format__crc(f, crc, key, klen);
    crc = journal_format__crc(f, crc, val, vlen);
    return ~crc;
}

uint32_t
journal_format_get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
journal_format__put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* pwrite all of it, retrying short writes and EINTR.  0 or -1 (errno set). */
int
journal_format_write_all(int fd, const char *p, size_t len, uint64_t pos)
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
void
journal_format_sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) < 0)
        log_warn("journal: cannot fsync directory %s: %s", dir, strerror(errno));
    if (dfd >= 0)
        close(dfd);
}

void
journal_format_header(unsigned char *h)
{
    memcpy(h, JOURNAL_FILE_MAGIC, 8);
    journal_format__put32(h + 8, JOURNAL_FILE_VERSION);
    journal_format__put32(h + 12, 0);
}

/*
 * Check the header of a file of `size` bytes.  Returns 1 when it is a
 * journal, 0 when it is empty or holds only a prefix of a header (a crash
 * during creation), -1 (with err) when it is something else.
 */
int
journal_format_check_header(int fd, const char *path, uint64_t size, char *err, size_t errlen)
{
    unsigned char want[JOURNAL_FILE_HDR], got[JOURNAL_FILE_HDR];
    size_t n = size < JOURNAL_FILE_HDR ? (size_t)size : JOURNAL_FILE_HDR;
    journal_format_header(want);
    if (n > 0 && pread(fd, got, n, 0) != (ssize_t)n) {
        snprintf(err, errlen, "cannot read journal %s: %s", path, strerror(errno));
        return -1;
    }
    if (memcmp(got, want, n < 8 ? n : 8) != 0) {
        snprintf(err, errlen, "%s is not a schemad journal (bad magic); refusing to touch it", path);
        return -1;
    }
    if (n < JOURNAL_FILE_HDR && memcmp(got, want, n) != 0) {
        snprintf(err, errlen, "%s is a truncated journal with a bad header; refusing to touch it", path);
        return -1;
    }
    if (n < JOURNAL_FILE_HDR)
        return 0;
    if (journal_format_get32(got + 8) != JOURNAL_FILE_VERSION) {
        snprintf(err, errlen, "journal %s has format version %u, this schemad reads %u",
                 path, journal_format_get32(got + 8), JOURNAL_FILE_VERSION);
        return -1;
    }
    return 1;
}

void
journal_format_frame(journal_format_t *f, const char *key, size_t klen, const char *val, size_t vlen)
{
    unsigned char h[JOURNAL_FILE_REC_HDR];
    size_t vbytes = val ? vlen : 0;
    journal_format__put32(h, (uint32_t)klen);
    journal_format__put32(h + 4, val ? (uint32_t)vlen : JOURNAL_FILE_TOMBSTONE);
    journal_format__put32(h + 8, journal_format__record_crc(f, h, key, klen, val, vbytes));
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
size_t
journal_format_valid(const journal_format_t *f, const unsigned char *p, uint64_t avail)
{
    if (avail < JOURNAL_FILE_REC_HDR)
        return 0;
    uint32_t klen = journal_format_get32(p);
    uint32_t vlen = journal_format_get32(p + 4);
    uint64_t vbytes = vlen == JOURNAL_FILE_TOMBSTONE ? 0 : vlen;
    if (klen == 0 || JOURNAL_FILE_REC_HDR + (uint64_t)klen + vbytes > avail)
        return 0;
    const unsigned char *key = p + JOURNAL_FILE_REC_HDR;
    uint32_t crc = journal_format__record_crc(f, p, key, klen, key + klen, (size_t)vbytes);
    if (crc != journal_format_get32(p + 8))
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
uint64_t
journal_format_resync(const journal_format_t *f, const unsigned char *map, uint64_t size,
                     uint64_t from)
{
    for (uint64_t pos = from; pos + JOURNAL_FILE_REC_HDR < size; pos++) {
        if (map[pos + JOURNAL_FILE_REC_HDR] != '{')
            continue;
        if (journal_format_valid(f, map + pos, size - pos) > 0)
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
journal_format__damage_ids(const unsigned char *p, uint64_t len, long long *max_id, long long *bump)
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
void
journal_format_floor_frame(journal_format_t *f, const unsigned char *damaged, uint64_t len)
{
    long long max_id, bump;
    journal_format__damage_ids(damaged, len, &max_id, &bump);
    char key[64], val[96];
    int klen = snprintf(key, sizeof(key), "{\"keytype\":\"%s\",\"magic\":0}", RECORD_KEYTYPE_ID_FLOOR);
    int vlen = snprintf(val, sizeof(val), "{\"id\":%lld,\"bump\":%lld}", max_id, bump);
    journal_format_frame(f, key, (size_t)klen, val, (size_t)vlen);
}
