/*
 * fuzz_journal_file.c - recovery of a damaged file journal
 * (journal_file.c) through the public journal interface, with every
 * replayed record applied to a store and published to a table, as the
 * master does at start.
 *
 * Input: a mode byte, then
 *   bit 0 clear: the file's bytes after a valid header (bit 1: no header);
 *   bit 0 set:   two damage bytes, then records [u16 klen][u16 vlen or
 *                0xFFFF for a tombstone][key][value] that are framed with
 *                good checksums, then damaged: bit 2 cuts the file short
 *                by damage[0] bytes, bit 3 flips a byte at damage[1]/256
 *                of its length.
 * Checks: open either fails with a message or replays; after a replay an
 * append is acknowledged, and a reopen replays exactly one record more,
 * that one last (an acknowledged write survives the recovery).
 */
#include "fuzz.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "config.h"
#include "journal.h"
#include "log.h"
#include "publish.h"
#include "store_apply.h"
#include "table.h"

static char fuzz_dir[256];
static char fuzz_path[300];

typedef struct replay {
    store_t store;
    int64_t n;
    int64_t last_offset;
    size_t last_klen;
    int acks;
    int ack_err;
} replay_t;

static void
on_apply(void *ctx, int64_t offset, int64_t ts, const char *key, size_t klen, const char *val,
         size_t vlen)
{
    replay_t *r = ctx;
    FUZZ_CHECK(klen > 0);
    store_apply(&r->store, offset, ts, key, klen, val, vlen);
    r->n++;
    r->last_offset = offset;
    r->last_klen = klen;
}

static void
on_ack(void *ctx, void *cookie, int err)
{
    replay_t *r = ctx;
    (void)cookie;
    r->acks++;
    r->ack_err = err;
}

/* Empty the directory: whatever recovery left beside the journal (a
 * copy of a damaged tail, say) must not reach the next input. */
static void
empty_dir(void)
{
    DIR *d = opendir(fuzz_dir);
    struct dirent *e;
    char path[600];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", fuzz_dir, e->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
}

static void
cleanup(void)
{
    empty_dir();
    rmdir(fuzz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_init(0, "fuzz");
    /* tmpfs when there is one: the journal fsyncs on every open. */
    const char *base = getenv("FUZZ_TMPDIR");
    if (base == NULL)
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/fuzz_journal.XXXXXX", base);
    if (mkdtemp(fuzz_dir) == NULL)
        abort();
    snprintf(fuzz_path, sizeof(fuzz_path), "%s/schemas.journal", fuzz_dir);
    atexit(cleanup);
    return 0;
}

/* CRC32C, bitwise: independent of the journal's own tables. */
static uint32_t
crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
    while (n-- > 0) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return crc;
}

static void
put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The file's bytes (malloc'd) for structured input. */
static uint8_t *
frame_records(const uint8_t *d, size_t n, size_t *outlen)
{
    uint8_t *out = malloc(16 + n * 4 + 16);
    size_t o = 16, i = 0;
    memcpy(out, "SCHEMADJ\1\0\0\0\0\0\0\0", 16);
    while (i + 4 <= n) {
        size_t klen = (size_t)d[i] | (size_t)d[i + 1] << 8;
        size_t vraw = (size_t)d[i + 2] | (size_t)d[i + 3] << 8;
        size_t vlen = vraw == 0xFFFF ? 0 : vraw;
        i += 4;
        if (klen > n - i)
            klen = n - i;
        if (vlen > n - i - klen)
            vlen = n - i - klen;
        put32(out + o, (uint32_t)klen);
        put32(out + o + 4, vraw == 0xFFFF ? 0xFFFFFFFFu : (uint32_t)vlen);
        uint32_t crc = crc32c(~0u, out + o, 8);
        crc = ~crc32c(crc, d + i, klen + vlen);
        put32(out + o + 8, crc);
        memcpy(out + o + 12, d + i, klen + vlen);
        o += 12 + klen + vlen;
        i += klen + vlen;
    }
    *outlen = o;
    return out;
}

static int
write_file(const uint8_t *d, size_t n)
{
    empty_dir();
    int fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int rc = n == 0 || write(fd, d, n) == (ssize_t)n ? 0 : -1;
    close(fd);
    return rc;
}

/* The file for this input; -1 when it cannot be written. */
static int
make_file(const uint8_t *data, size_t size)
{
    uint8_t mode = data[0];
    uint8_t *file;
    size_t len;
    if (mode & 1) {
        if (size < 3)
            return -1;
        file = frame_records(data + 3, size - 3, &len);
        if ((mode & 4) && len > 16)
            len -= data[1] < len - 16 ? data[1] : len - 16;
        if ((mode & 8) && len > 16)
            file[16 + (size_t)data[2] * (len - 16) / 256] ^= (uint8_t)(data[1] | 1);
    } else {
        size_t hdr = (mode & 2) ? 0 : 16;
        len = hdr + size - 1;
        file = malloc(len ? len : 1);
        memcpy(file, "SCHEMADJ\1\0\0\0\0\0\0\0", hdr);
        memcpy(file + hdr, data + 1, size - 1);
    }
    int rc = write_file(file, len);
    free(file);
    return rc;
}

static int
jopen(journal_t *j, replay_t *r, config_t *cf, char *err, size_t errlen)
{
    memset(j, 0, sizeof(*j));
    memset(r, 0, sizeof(*r));
    r->last_offset = -1;
    store_init(&r->store);
    j->ops = &journal_file_ops;
    j->apply = on_apply;
    j->ack = on_ack;
    j->ctx = r;
    err[0] = '\0';
    return j->ops->open(j, cf, err, errlen);
}

/* What the master does after a replay: publish what was applied. */
static void
publish(replay_t *r)
{
    table_t *t = table_create(1 << 20);
    FUZZ_CHECK(t != NULL);
    publish_t p = {.default_level = "BACKWARD"};
    (void)publish_dirty(&p, &r->store, t);
    store_collect(&r->store);
    table_close(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || make_file(data, size) != 0)
        return 0;
    config_t cf;
    memset(&cf, 0, sizeof(cf));
    cf.data_dir = fuzz_dir;
    cf.timeout_ms = 500;
    journal_t j;
    replay_t r;
    char err[512];
    if (jopen(&j, &r, &cf, err, sizeof(err)) != 0) {
        FUZZ_CHECK(err[0] != '\0');
        store_free(&r.store);
        return 0;
    }
    publish(&r);
    int64_t before = r.n;
    static const char key[] = "{\"keytype\":\"NOOP\",\"magic\":0}";
    FUZZ_CHECK(j.ops->append(&j, key, sizeof(key) - 1, NULL, 0, &r) == 0);
    FUZZ_CHECK(j.ops->poll(&j, 0) == 0);
    FUZZ_CHECK(r.acks == 1 && r.ack_err == JOURNAL_OK);
    j.ops->close(&j);
    store_free(&r.store);

    FUZZ_CHECK(jopen(&j, &r, &cf, err, sizeof(err)) == 0);
    FUZZ_CHECK(r.n == before + 1);
    FUZZ_CHECK(r.last_offset == before && r.last_klen == sizeof(key) - 1);
    j.ops->close(&j);
    store_free(&r.store);
    return 0;
}
