/* test_journal_file.c - the file journal: framing, replay, recovery, locking. */
#include "journal.h"
#include "journal_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

#include "tally.h"


typedef struct rec {
    int64_t offset;
    char *key;
    size_t klen;
    char *val;      /* NULL: tombstone */
    size_t vlen;
} rec_t;

/* What the callbacks saw. */
typedef struct seen {
    rec_t *recs;
    size_t nrecs;
    size_t cap;
    int keep;           /* copy records (off for the timing run) */
    void **cookies;
    int *errs;
    size_t nacks;
    size_t ackcap;
} seen_t;

static void
on_apply(void *ctx, int64_t offset, int64_t ts, const char *key, size_t klen, const char *val,
         size_t vlen)
{
    (void)ts;
    seen_t *s = ctx;
    if (!s->keep) {
        s->nrecs++;
        return;
    }
    if (s->nrecs == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->recs = realloc(s->recs, s->cap * sizeof(*s->recs));
    }
    rec_t *r = &s->recs[s->nrecs++];
    r->offset = offset;
    r->key = malloc(klen + 1);
    memcpy(r->key, key, klen);
    r->klen = klen;
    r->val = NULL;
    r->vlen = vlen;
    if (val != NULL) {
        r->val = malloc(vlen + 1);
        memcpy(r->val, val, vlen);
    }
}

static void
on_ack(void *ctx, void *cookie, int err)
{
    seen_t *s = ctx;
    if (s->nacks == s->ackcap) {
        s->ackcap = s->ackcap ? s->ackcap * 2 : 64;
        s->cookies = realloc(s->cookies, s->ackcap * sizeof(*s->cookies));
        s->errs = realloc(s->errs, s->ackcap * sizeof(*s->errs));
    }
    s->cookies[s->nacks] = cookie;
    s->errs[s->nacks++] = err;
}

static void
seen_reset(seen_t *s)
{
    for (size_t i = 0; i < s->nrecs && s->keep; i++) {
        free(s->recs[i].key);
        free(s->recs[i].val);
    }
    free(s->recs);
    free(s->cookies);
    free(s->errs);
    memset(s, 0, sizeof(*s));
    s->keep = 1;
}

static int
jopen(journal_t *j, seen_t *s, const char *dir, char *err, size_t errlen)
{
    config_t cf;
    memset(&cf, 0, sizeof(cf));
    cf.data_dir = (char *)dir;
    cf.timeout_ms = 500;
    memset(j, 0, sizeof(*j));
    j->ops = &journal_file_ops;
    j->apply = on_apply;
    j->ack = on_ack;
    j->ctx = s;
    return j->ops->open(j, &cf, err, errlen);
}

/* The i-th test record: every 5th a tombstone, the 7th an empty value. */
static void
make_record(int i, char *key, size_t ksz, char *val, size_t vsz, const char **vp, size_t *vlen)
{
    snprintf(key, ksz, "{\"keytype\":\"SCHEMA\",\"subject\":\"s%d\",\"version\":1,\"magic\":1}", i);
    snprintf(val, vsz, "{\"subject\":\"s%d\",\"version\":1,\"id\":%d,\"schema\":\"\\\"int\\\"\",\"deleted\":false}", i, i);
    *vp = val;
    *vlen = strlen(val);
    if (i % 5 == 4)
        *vp = NULL;
    if (i == 7)
        *vlen = 0;
}

static int
append_n(journal_t *j, int from, int to)
{
    for (int i = from; i < to; i++) {
        char key[128], val[256];
        const char *v;
        size_t vlen;
        make_record(i, key, sizeof(key), val, sizeof(val), &v, &vlen);
        j->ops->append(j, key, strlen(key), v, vlen, (void *)(intptr_t)(i + 1));
    }
    return to - from;
}

/* Do the seen records match records 0..n-1 exactly? */
static int
records_match(const seen_t *s, int n)
{
    if ((int)s->nrecs != n)
        return 0;
    for (int i = 0; i < n; i++) {
        char key[128], val[256];
        const char *v;
        size_t vlen;
        make_record(i, key, sizeof(key), val, sizeof(val), &v, &vlen);
        const rec_t *r = &s->recs[i];
        if (r->offset != i || r->klen != strlen(key) || memcmp(r->key, key, r->klen) != 0)
            return 0;
        if ((v == NULL) != (r->val == NULL))
            return 0;
        if (v != NULL && (r->vlen != vlen || memcmp(r->val, v, vlen) != 0))
            return 0;
    }
    return 1;
}

static int
acks_ok(const seen_t *s, int from, int n)
{
    if ((int)s->nacks != n)
        return 0;
    for (int i = 0; i < n; i++) {
        if (s->cookies[i] != (void *)(intptr_t)(from + i + 1) || s->errs[i] != JOURNAL_OK)
            return 0;
    }
    return 1;
}

static off_t
file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Bitwise CRC32C, independent of the table-driven one under test. */
static uint32_t
crc32c_slow(const unsigned char *p, size_t len)
{
    uint32_t c = ~0u;
    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
}

static uint32_t
get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Check the on-disk format of the first record by hand. */
static void
test_format(tally_t *t, const char *path)
{
    check(t, crc32c_slow((const unsigned char *)"123456789", 9) == 0xE3069283u, "CRC32C check value");
    unsigned char buf[4096];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
    if (fd >= 0)
        close(fd);
    check(t, n > 28 && memcmp(buf, "SCHEMADJ", 8) == 0 && get32(buf + 8) == 1, "file header");
    if (n <= 28)
        return;
    uint32_t klen = get32(buf + 16), vlen = get32(buf + 20);
    check(t, 28 + (ssize_t)klen + (ssize_t)vlen <= n, "first record fits");
    if (28 + (ssize_t)klen + (ssize_t)vlen > n)
        return;
    unsigned char tmp[4096];
    memcpy(tmp, buf + 16, 8);
    memcpy(tmp + 8, buf + 28, klen + vlen);
    check(t, crc32c_slow(tmp, 8 + klen + vlen) == get32(buf + 24), "first record CRC32C over lengths+key+value");
}

/* Offset in the file where record `idx` starts (walking the frames). */
static off_t
record_start(const char *path, int idx)
{
    int fd = open(path, O_RDONLY);
    off_t pos = 16;
    for (int i = 0; i < idx && fd >= 0; i++) {
        unsigned char h[8];
        if (pread(fd, h, 8, pos) != 8)
            break;
        uint32_t vlen = get32(h + 4);
        pos += 12 + get32(h) + (vlen == 0xFFFFFFFFu ? 0 : vlen);
    }
    if (fd >= 0)
        close(fd);
    return pos;
}

static void
test_roundtrip(tally_t *t, const char *dir, const char *path)
{
    journal_t j, j2;
    seen_t s = {0}, s2 = {0};
    char err[512];
    s.keep = s2.keep = 1;

    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "open a fresh dir");
    check(t, s.nrecs == 0, "fresh journal is empty");
    append_n(&j, 0, 3);
    check(t, s.nrecs == 3 && s.nacks == 0, "append applies at once, acks wait for poll");
    append_n(&j, 3, 50);
    check(t, j.ops->fd(&j) == -1, "fd() is -1");
    check(t, j.ops->poll(&j, 0) == 0, "poll");
    check(t, acks_ok(&s, 0, 50), "50 acks OK in order");
    check(t, records_match(&s, 50), "applied records and offsets");

    check(t, jopen(&j2, &s2, dir, err, sizeof(err)) == -1 && strstr(err, "locked") != NULL,
          "second open of the same dir fails while the first holds it");
    printf("  (message: %s)\n", err);
    j.ops->close(&j);
    check(t, j.impl == NULL, "close clears impl");

    seen_reset(&s);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "reopen");
    check(t, records_match(&s, 50), "replay gives the same records, offsets, tombstones, empty value");
    j.ops->close(&j);
    seen_reset(&s);
    test_format(t, path);
    (void)path;
}

/* Is seen record i the id floor a cut or a salvage writes? */
static int
is_floor(const seen_t *s, size_t i)
{
    return i < s->nrecs && s->recs[i].val != NULL
           && strstr(s->recs[i].key, "\"keytype\":\"SCHEMAD_ID_FLOOR\"") != NULL;
}

/* Records 0..n-1 then one id floor, at offset n. */
static int
records_then_floor(const seen_t *s, int n)
{
    if ((int)s->nrecs != n + 1 || !is_floor(s, (size_t)n) || s->recs[n].offset != n)
        return 0;
    seen_t head = *s;
    head.nrecs = (size_t)n;
    return records_match(&head, n);
}

/* A new journal in dir holding records 0..n-1. */
static void
fresh(tally_t *t, const char *dir, const char *path, int n)
{
    journal_t j;
    seen_t s = {0};
    char err[512];
    s.keep = 1;
    unlink(path);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "open a fresh journal");
    append_n(&j, 0, n);
    j.ops->close(&j);
    seen_reset(&s);
}

static void
flip(const char *path, off_t at)
{
    int fd = open(path, O_RDWR);
    unsigned char c = 0;
    if (fd >= 0 && pread(fd, &c, 1, at) == 1) {
        c ^= 0x20;
        if (pwrite(fd, &c, 1, at) != 1)
            perror("pwrite");
    }
    if (fd >= 0)
        close(fd);
}

static void
test_torn(tally_t *t, const char *dir, const char *path)
{
    journal_t j;
    seen_t s = {0};
    char err[512];
    s.keep = 1;

    fresh(t, dir, path, 50);
    off_t last = record_start(path, 49);
    off_t size = file_size(path);
    check(t, truncate(path, size - 3) == 0, "truncate mid-record");
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "open a torn journal");
    check(t, records_then_floor(&s, 49), "earlier records survive a torn tail, an id floor follows");
    check(t, file_size(path) > last && file_size(path) < size, "torn tail cut, the floor written in its place");
    append_n(&j, 49, 50);
    check(t, s.nrecs == 51 && s.recs[50].offset == 50, "append after recovery continues after the floor");
    j.ops->poll(&j, 0);
    check(t, s.nacks == 1 && s.errs[0] == JOURNAL_OK, "ack after recovery");
    j.ops->close(&j);
    seen_reset(&s);

    /* Flip one byte inside the last record's value: nothing intact after. */
    fresh(t, dir, path, 50);
    flip(path, file_size(path) - 10);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "open with a damaged last record");
    check(t, records_then_floor(&s, 49), "damaged last record cut (torn-tail rule), earlier survive");
    j.ops->close(&j);
    seen_reset(&s);

    /* A record's id in the cut bytes is kept in the floor. */
    fresh(t, dir, path, 49);
    flip(path, file_size(path) - 70);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0 && records_then_floor(&s, 48),
          "cut of record 48 (id 48)");
    check(t, s.nrecs == 49 && strstr(s.recs[48].val, "\"id\":48,") != NULL,
          "the floor holds the id read out of the cut bytes");
    j.ops->close(&j);
    seen_reset(&s);

    /* Zeros after the last record (as a crash can leave) are cut. */
    fresh(t, dir, path, 50);
    size = file_size(path);
    check(t, truncate(path, size + 4096) == 0, "extend with zeros");
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0 && records_then_floor(&s, 50), "zero tail cut");
    check(t, file_size(path) < size + 200, "zero tail truncated");
    j.ops->close(&j);
    seen_reset(&s);
}

/* Damage with intact records after it: refuse, verify, salvage. */
static void
test_damage(tally_t *t, const char *dir, const char *path)
{
    journal_t j;
    seen_t s = {0};
    char err[1024];
    s.keep = 1;

    static const struct { const char *what; int rec; int delta; } cases[] = {
        {"a value byte", 20, 40},
        {"a key length byte (the record seems to run past the end)", 20, 3},
        {"a value length byte", 20, 4},
        {"a CRC byte", 20, 9},
        {"the first record", 0, 30},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        fresh(t, dir, path, 50);
        off_t bad = record_start(path, cases[c].rec), size = file_size(path);
        flip(path, bad + cases[c].delta);
        err[0] = '\0';
        int rc = jopen(&j, &s, dir, err, sizeof(err));
        char what[160];
        snprintf(what, sizeof(what), "flipped %s: refuses to start", cases[c].what);
        check(t, rc == -1, what);
        char at[64];
        snprintf(at, sizeof(at), "damaged at byte %lld", (long long)bad);
        check(t, strstr(err, at) != NULL && strstr(err, path) != NULL
              && strstr(err, "--verify-journal") != NULL && strstr(err, "--salvage-journal") != NULL,
              "the refusal names the file, the offset and the commands");
        if (rc == 0)
            j.ops->close(&j);
        check(t, file_size(path) == size, "a refused journal is left untouched");
        seen_reset(&s);

        FILE *out = tmpfile();
        check(t, journal_file_verify(path, out, err, sizeof(err)) == JOURNAL_FILE_DAMAGED,
              "verify: damaged");
        char text[2048] = "";
        rewind(out);
        size_t n = fread(text, 1, sizeof(text) - 1, out);
        text[n] = '\0';
        fclose(out);
        snprintf(at, sizeof(at), "bytes %lld..", (long long)bad);
        check(t, strstr(text, at) != NULL && strstr(text, "49 intact records, 1 damaged ranges") != NULL,
              "verify lists the range and the intact records");
        if (c == 0)
            printf("  (verify: %s)  (refusal: %s)\n", text, err);

        out = tmpfile();
        check(t, journal_file_salvage(path, out, err, sizeof(err)) == JOURNAL_FILE_DAMAGED, "salvage");
        fclose(out);
        check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0 && s.nrecs == 50, "salvaged journal opens");
        int ok = s.nrecs == 50;
        for (int i = 0, r = 0; ok && i < 50; i++, r++) {
            if (i == cases[c].rec) {
                ok = is_floor(&s, (size_t)r);
                continue;
            }
            char key[128];
            snprintf(key, sizeof(key), "\"subject\":\"s%d\"", i);
            ok = strstr(s.recs[r].key, key) != NULL && s.recs[r].offset == r;
        }
        check(t, ok, "every intact record kept in order, the floor in place of the damaged one");
        j.ops->close(&j);
        seen_reset(&s);
        out = tmpfile();
        check(t, journal_file_verify(path, out, err, sizeof(err)) == JOURNAL_FILE_CLEAN, "salvaged journal verifies clean");
        fclose(out);
    }
    /* The original is kept aside. */
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "ls %s.damaged-* >/dev/null 2>&1", path);
    check(t, system(cmd) == 0, "the damaged original is kept as .damaged-TIME");

    FILE *out = tmpfile();
    check(t, journal_file_salvage(path, out, err, sizeof(err)) == JOURNAL_FILE_CLEAN, "salvage of a clean journal does nothing");
    fclose(out);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "open for the lock");
    out = tmpfile();
    check(t, journal_file_salvage(path, out, err, sizeof(err)) == JOURNAL_FILE_UNREADABLE
          && strstr(err, "locked") != NULL, "salvage refuses while the journal is in use");
    fclose(out);
    j.ops->close(&j);
    seen_reset(&s);
    snprintf(cmd, sizeof(cmd), "rm -f %s.damaged-*", path);
    if (system(cmd) != 0)
        printf("note: could not remove the kept copies\n");
}

/* A write that fails part-way (EFBIG from RLIMIT_FSIZE) must leave nothing. */
static void
test_write_failure(tally_t *t, const char *dir, const char *path)
{
    journal_t j;
    seen_t s = {0};
    char err[512];
    s.keep = 1;
    fresh(t, dir, path, 50);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "open for write failure");
    off_t size = file_size(path);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)size + 100;
    signal(SIGXFSZ, SIG_IGN);
    check(t, setrlimit(RLIMIT_FSIZE, &lim) == 0, "set RLIMIT_FSIZE");
    static char big[1000];
    memset(big, 'x', sizeof(big));
    j.ops->append(&j, "k", 1, big, sizeof(big), (void *)7);
    setrlimit(RLIMIT_FSIZE, &old);
    check(t, s.nrecs == 50, "failed append is not applied");
    check(t, file_size(path) == size, "failed append rolled back");
    append_n(&j, 50, 51);
    check(t, j.ops->poll(&j, 0) == 0, "poll after a failed write is not fatal");
    check(t, s.nacks == 2 && s.cookies[0] == (void *)7 && s.errs[0] == JOURNAL_ESTORE
          && s.cookies[1] == (void *)51 && s.errs[1] == JOURNAL_OK, "ESTORE then OK, in order");
    check(t, s.nrecs == 51 && s.recs[50].offset == 50, "next append gets the next offset");
    j.ops->close(&j);
    seen_reset(&s);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0 && records_match(&s, 51), "reopen after failed write");
    j.ops->close(&j);
    seen_reset(&s);
}

static void
test_bad_dirs(tally_t *t, const char *base)
{
    journal_t j;
    seen_t s = {0};
    char err[512], dir[512];
    s.keep = 1;

    snprintf(dir, sizeof(dir), "%s/missing", base);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == -1 && strstr(err, dir) != NULL
          && strstr(err, strerror(ENOENT)) != NULL, "missing dir fails naming path and errno");
    printf("  (message: %s)\n", err);

    snprintf(dir, sizeof(dir), "%s/afile", base);
    int fd = open(dir, O_CREAT | O_WRONLY, 0644);
    close(fd);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == -1 && strstr(err, strerror(ENOTDIR)) != NULL,
          "data.dir that is a file fails");

    snprintf(dir, sizeof(dir), "%s/ro", base);
    mkdir(dir, 0555);
    if (geteuid() != 0) {
        check(t, jopen(&j, &s, dir, err, sizeof(err)) == -1 && strstr(err, strerror(EACCES)) != NULL,
              "unwritable dir fails");
        printf("  (message: %s)\n", err);
    } else {
        printf("  (running as root: skipping the mode 0555 directory check)\n");
    }

    snprintf(dir, sizeof(dir), "%s/foreign", base);
    mkdir(dir, 0755);
    char path[600];
    snprintf(path, sizeof(path), "%s/schemas.journal", dir);
    fd = open(path, O_CREAT | O_WRONLY, 0644);
    check(t, fd >= 0 && write(fd, "not a journal at all", 20) == 20, "write a foreign file");
    close(fd);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == -1 && strstr(err, "not a schemad journal") != NULL,
          "foreign file refused");
    check(t, file_size(path) == 20, "foreign file untouched");

    config_t cf;
    memset(&cf, 0, sizeof(cf));
    memset(&j, 0, sizeof(j));
    check(t, journal_file_ops.open(&j, &cf, err, sizeof(err)) == -1 && strstr(err, "data.dir") != NULL,
          "unset data.dir fails");
    seen_reset(&s);
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_timing(tally_t *t, const char *base)
{
    enum { N = 100000 };
    journal_t j;
    seen_t s = {0};
    char err[512], dir[512];
    snprintf(dir, sizeof(dir), "%s/big", base);
    mkdir(dir, 0755);
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0, "open for timing");
    static char val[1024];
    memset(val, 'v', sizeof(val));
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        char key[96];
        int klen = snprintf(key, sizeof(key), "{\"keytype\":\"SCHEMA\",\"subject\":\"t%d\",\"version\":1,\"magic\":1}", i);
        j.ops->append(&j, key, (size_t)klen, val, sizeof(val), NULL);
        if (i % 1000 == 999)
            j.ops->poll(&j, 0);
    }
    j.ops->close(&j);
    double t1 = now_s();
    check(t, s.nrecs == N && s.nacks == N, "timing run: all appended and acked");
    seen_reset(&s);
    s.keep = 0;
    double t2 = now_s();
    check(t, jopen(&j, &s, dir, err, sizeof(err)) == 0 && s.nrecs == N, "timing run: replay");
    double t3 = now_s();
    j.ops->close(&j);
    printf("  append %d x 1 KB (fdatasync per 1000): %.2f s; replay: %.3f s\n", N, t1 - t0, t3 - t2);
    seen_reset(&s);
}

int
main(void)
{
    tally_t t = {0, 0};
    char base[] = "/tmp/test_journal_file.XXXXXX";
    log_init(LOG_LVL_WARN, "test");
    if (mkdtemp(base) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char dir[256], path[300];
    snprintf(dir, sizeof(dir), "%s/data", base);
    mkdir(dir, 0755);
    snprintf(path, sizeof(path), "%s/schemas.journal", dir);

    test_roundtrip(&t, dir, path);
    test_torn(&t, dir, path);
    test_damage(&t, dir, path);
    test_write_failure(&t, dir, path);
    test_bad_dirs(&t, base);
    if (getenv("SCHEMAD_SKIP_TIMING") == NULL)
        test_timing(&t, base);

    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", base);
    printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed != 0;
}
