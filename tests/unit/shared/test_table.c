/*
 * test_table.c - the shared table: put/get/update/del, interning, growth,
 * multi-part values, a full arena, the read-only worker mapping, readers
 * in other processes checking values while the master writes, and
 * generations: rebuilds, aborts, and halves given back only once left.
 */
#include "table.h"
#include "table_hash.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct results {
    int passed;
    int failed;
} results_t;

static void
check_at(results_t *r, int ok, const char *what, int line)
{
    if (ok) {
        r->passed++;
        return;
    }
    r->failed++;
    printf("FAIL line %d: %s\n", line, what);
}

#define CHECK(r, cond) check_at((r), (cond) ? 1 : 0, #cond, __LINE__)

/* Concatenate the value found for `key` into `out`; returns length or -1. */
static long
get_str(const table_t *t, const char *key, char *out, size_t cap)
{
    struct iovec iov[8];
    int n = table_get(t, key, strlen(key), iov, 8);
    if (n < 0)
        return -1;
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        if (len + iov[i].iov_len > cap)
            return -1;
        memcpy(out + len, iov[i].iov_base, iov[i].iov_len);
        len += iov[i].iov_len;
    }
    return (long)len;
}

static int
value_is(const table_t *t, const char *key, const char *want)
{
    char buf[4096];
    long n = get_str(t, key, buf, sizeof(buf));
    return n == (long)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

static int
put_str(table_t *t, const char *key, const char *val)
{
    return table_put_bytes(t, key, strlen(key), val, strlen(val));
}

static double
now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_basic(results_t *r)
{
    table_t *t = table_create(1 << 20);
    CHECK(r, t != NULL);
    if (t == NULL)
        return;
    struct iovec iov[4];

    CHECK(r, table_get(t, "a", 1, iov, 4) == -1);
    CHECK(r, put_str(t, "a", "one") == 0);
    CHECK(r, value_is(t, "a", "one"));
    CHECK(r, put_str(t, "a", "two, longer") == 0);
    CHECK(r, value_is(t, "a", "two, longer"));
    CHECK(r, put_str(t, "b", "") == 0);
    CHECK(r, value_is(t, "b", ""));
    CHECK(r, table_del(t, "a", 1) == 0);
    CHECK(r, table_get(t, "a", 1, iov, 4) == -1);
    CHECK(r, table_del(t, "a", 1) == 0);
    CHECK(r, table_del(t, "never", 5) == 0);
    CHECK(r, put_str(t, "a", "three") == 0);
    CHECK(r, value_is(t, "a", "three"));
    CHECK(r, table_get(t, "ab", 2, iov, 4) == -1);
    /* a binary key with a NUL inside differs from its prefix */
    CHECK(r, table_put_bytes(t, "a\0b", 3, "nul", 3) == 0);
    CHECK(r, value_is(t, "a", "three"));
    CHECK(r, table_get(t, "a\0b", 3, iov, 4) == 1 && iov[0].iov_len == 3);

    uint64_t h1 = table_intern(t, "schema text", 11);
    uint64_t h2 = table_intern(t, "schema text", 11);
    uint64_t h3 = table_intern(t, "schema text!", 12);
    uint64_t h4 = table_intern(t, "", 0);
    CHECK(r, h1 != 0 && h1 == h2);
    CHECK(r, h3 != 0 && h3 != h1);
    CHECK(r, h4 != 0 && h4 == table_intern(t, "", 0));
    size_t used = table_used(t);
    CHECK(r, table_intern(t, "schema text", 11) == h1 && table_used(t) == used);

    table_part_t parts[3] = {
        {.data = "{\"schema\":", .len = 10},
        {.blob = h1},
        {.data = "}", .len = 1},
    };
    CHECK(r, table_put(t, "c", 1, parts, 3) == 0);
    CHECK(r, value_is(t, "c", "{\"schema\":schema text}"));
    CHECK(r, table_get(t, "c", 1, iov, 2) == -2);
    CHECK(r, table_get(t, "c", 1, iov, 3) == 3);
    CHECK(r, table_iov_len(iov, 3) == 22);
    /* a blob part points at the one interned copy */
    CHECK(r, table_get(t, "c", 1, iov, 3) == 3 && memcmp(iov[1].iov_base, "schema text", 11) == 0);
    table_part_t bad = {.blob = 12345};
    CHECK(r, table_put(t, "d", 1, &bad, 1) == -1);
    CHECK(r, table_get(t, "d", 1, iov, 3) == -1);
    CHECK(r, table_put(t, "e", 1, NULL, 0) == 0);
    CHECK(r, table_get(t, "e", 1, iov, 0) == 0);

    CHECK(r, table_offset(t) == -1);
    table_set_offset(t, 42);
    CHECK(r, table_offset(t) == 42);
    CHECK(r, table_ready(t) == 0);
    table_set_ready(t, 1);
    CHECK(r, table_ready(t) == 1);
    table_close(t);
}

static void
test_growth(results_t *r)
{
    enum { N = 50000 };
    table_t *t = table_create((size_t)64 << 20);
    char key[32], val[64];
    int bad = 0;

    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof(key), "key-%d", i);
        snprintf(val, sizeof(val), "value-%d", i);
        bad += put_str(t, key, val) != 0;
    }
    for (int i = 0; i < N; i += 3) {
        snprintf(key, sizeof(key), "key-%d", i);
        snprintf(val, sizeof(val), "updated-%d", i);
        bad += put_str(t, key, val) != 0;
    }
    for (int i = 1; i < N; i += 3) {
        snprintf(key, sizeof(key), "key-%d", i);
        bad += table_del(t, key, strlen(key)) != 0;
    }
    CHECK(r, bad == 0);
    /* more inserts after the deletes: growth drops the tombstones */
    for (int i = N; i < 2 * N; i++) {
        snprintf(key, sizeof(key), "key-%d", i);
        snprintf(val, sizeof(val), "value-%d", i);
        bad += put_str(t, key, val) != 0;
    }
    CHECK(r, bad == 0);
    struct iovec iov[1];
    for (int i = 0; i < 2 * N; i++) {
        snprintf(key, sizeof(key), "key-%d", i);
        if (i < N && i % 3 == 1) {
            bad += table_get(t, key, strlen(key), iov, 1) != -1;
            continue;
        }
        snprintf(val, sizeof(val), "%s-%d", i < N && i % 3 == 0 ? "updated" : "value", i);
        bad += !value_is(t, key, val);
    }
    CHECK(r, bad == 0);
    CHECK(r, table_get(t, "key-x", 5, iov, 1) == -1);

    uint64_t handles[2000];
    for (int i = 0; i < 2000; i++) {
        snprintf(val, sizeof(val), "blob %d", i);
        handles[i] = table_intern(t, val, strlen(val));
        bad += handles[i] == 0;
    }
    for (int i = 0; i < 2000; i++) {
        snprintf(val, sizeof(val), "blob %d", i);
        bad += table_intern(t, val, strlen(val)) != handles[i];
    }
    CHECK(r, bad == 0);
    table_close(t);
}

static void
test_full(results_t *r)
{
    table_t *t = table_create(16384);
    char key[32], val[200];
    int i, bad = 0;

    CHECK(r, table_create(64) == NULL);
    memset(val, 'x', sizeof(val));
    for (i = 0; i < 10000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        if (table_put_bytes(t, key, strlen(key), val, 100) != 0)
            break;
    }
    CHECK(r, i > 10 && i < 10000);
    size_t used = table_used(t);
    CHECK(r, table_put_bytes(t, "k0", 2, val, 200) == -1);
    CHECK(r, table_intern(t, val, 200) == 0);
    CHECK(r, table_used(t) <= 16384 && table_used(t) >= used);
    snprintf(key, sizeof(key), "k%d", i);
    struct iovec iov[1];
    CHECK(r, table_get(t, key, strlen(key), iov, 1) == -1);
    for (int j = 0; j < i; j++) {
        snprintf(key, sizeof(key), "k%d", j);
        bad += table_get(t, key, strlen(key), iov, 1) != 1 || iov[0].iov_len != 100 ||
               memcmp(iov[0].iov_base, val, 100) != 0;
    }
    CHECK(r, bad == 0);
    table_close(t);
}

/* The permissions of the table's mapping in /proc/self/maps, or "". */
static void
maps_perms(char *perms, size_t cap)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    snprintf(perms, cap, "%s", "");
    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL) {
        char p[8];
        if (strstr(line, "schemad-table") == NULL || sscanf(line, "%*s %7s", p) != 1)
            continue;
        if (perms[0] != '\0')
            strncat(perms, ",", cap - strlen(perms) - 1);
        strncat(perms, p, cap - strlen(perms) - 1);
    }
    fclose(f);
}

static void
test_readonly(results_t *r)
{
    table_t *t = table_create(1 << 20);
    char perms[64];

    put_str(t, "k", "v");
    maps_perms(perms, sizeof(perms));
    CHECK(r, strcmp(perms, "rw-s") == 0);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        signal(SIGSEGV, SIG_DFL);
        if (table_make_readonly(t) != 0)
            _exit(2);
        maps_perms(perms, sizeof(perms));
        if (strcmp(perms, "r--s") != 0)
            _exit(3);
        if (!value_is(t, "k", "v") || table_put_bytes(t, "x", 1, "y", 1) != -1)
            _exit(4);
        struct iovec iov[1];
        table_get(t, "k", 1, iov, 1);
        *(volatile char *)iov[0].iov_base = 'w';
        _exit(5);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(r, WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    if (WIFEXITED(st))
        printf("readonly child exited %d\n", WEXITSTATUS(st));
    CHECK(r, value_is(t, "k", "v"));
    table_close(t);
}

/*
 * The concurrency test.  Put number p (0 <= p < CONC_PUTS) writes key
 * p % CONC_KEYS with version p / CONC_KEYS; after each CONC_BATCH puts the
 * master writes "counter" = number of batches done.  A value is
 * "k<key>:v<ver>:" + blob(key % CONC_BLOBS) + filler(key, ver), so a reader
 * can rebuild the exact bytes from the key and version it finds.
 */
enum {
    CONC_KEYS = 100000,
    CONC_PUTS = 300000,
    CONC_BATCH = 1000,
    CONC_BLOBS = 64,
    CONC_READERS = 3,
};

static size_t
conc_blob(unsigned b, char *out)
{
    size_t n = (size_t)sprintf(out, "blob-%02u-", b);
    size_t len = 100 + b * 10;
    for (; n < len; n++)
        out[n] = (char)('A' + (b + n) % 26);
    return n;
}

static size_t
conc_filler(unsigned k, unsigned v, char *out)
{
    size_t len = (k * 7u + v * 13u) % 300u;
    memset(out, 'a' + (int)((k + v) % 26), len);
    return len;
}

static size_t
conc_value(unsigned k, unsigned v, char *out)
{
    size_t n = (size_t)sprintf(out, "k%06u:v%u:", k, v);
    n += conc_blob(k % CONC_BLOBS, out + n);
    n += conc_filler(k, v, out + n);
    return n;
}

/* Key k at version v: the value conc_value() describes. */
static int
conc_put_kv(table_t *t, const uint64_t *blobs, unsigned k, unsigned v)
{
    char key[16], head[32], fill[300];
    snprintf(key, sizeof(key), "k%06u", k);
    table_part_t parts[3] = {
        {.data = head, .len = (size_t)sprintf(head, "k%06u:v%u:", k, v)},
        {.blob = blobs[k % CONC_BLOBS]},
        {.data = fill, .len = conc_filler(k, v, fill)},
    };
    return table_put(t, key, strlen(key), parts, 3);
}

static int
conc_put(table_t *t, const uint64_t *blobs, unsigned p)
{
    return conc_put_kv(t, blobs, p % CONC_KEYS, p / CONC_KEYS);
}

/*
 * Check key k in a reader: 0 if fine, else an exit code.  `done` puts are
 * known published; the value found must be whole and at least as new.
 */
static int
conc_check_key(const table_t *t, unsigned k, unsigned done, int exact)
{
    char key[16], got[2048], want[2048];
    snprintf(key, sizeof(key), "k%06u", k);
    long n = get_str(t, key, got, sizeof(got) - 1);
    if (n < 0)
        return k < done ? 10 : 0;
    got[n] = '\0';
    unsigned gk, gv;
    if (sscanf(got, "k%06u:v%u:", &gk, &gv) != 2 || gk != k)
        return 11;
    size_t wn = conc_value(k, gv, want);
    if ((size_t)n != wn || memcmp(got, want, wn) != 0)
        return 12;
    if (k < done && gv < (done - 1 - k) / CONC_KEYS)
        return 13;
    if (exact && gv != (CONC_PUTS - 1 - k) / CONC_KEYS)
        return 14;
    return 0;
}

static unsigned
conc_counter(const table_t *t)
{
    char buf[32];
    long n = get_str(t, "counter", buf, sizeof(buf) - 1);
    if (n < 0)
        return 0;
    buf[n] = '\0';
    return (unsigned)strtoul(buf, NULL, 10);
}

/* A reader process: returns its exit code; writes how many batches it saw. */
static int
conc_reader(table_t *t, int ready_fd, int stats_fd, unsigned seed)
{
    if (table_make_readonly(t) != 0)
        return 20;
    if (write(ready_fd, "r", 1) != 1)
        return 21;
    unsigned seen = 0, distinct = 0, rc;
    uint64_t rng = seed * 0x9e3779b97f4a7c15ULL + 1, reads = 0;
    double deadline = now_sec() + 60;

    for (;;) {
        unsigned n = conc_counter(t);
        if (n < seen)
            return 22;
        distinct += n != seen;
        seen = n;
        unsigned done = n * CONC_BATCH;
        for (int j = 0; j < 64; j++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            if ((rc = (unsigned)conc_check_key(t, (unsigned)(rng % CONC_KEYS), done, 0)) != 0)
                return (int)rc;
            reads++;
        }
        if (n == CONC_PUTS / CONC_BATCH)
            break;
        if (now_sec() > deadline)
            return 23;
    }
    for (unsigned k = 0; k < CONC_KEYS; k++)
        if ((rc = (unsigned)conc_check_key(t, k, CONC_PUTS, 1)) != 0)
            return (int)rc;
    char line[96];
    int len = snprintf(line, sizeof(line), "reader saw %u counter values, %llu reads\n",
                       distinct, (unsigned long long)reads);
    if (write(stats_fd, line, (size_t)len) != len)
        return 24;
    return 0;
}

/* Wait for the forked readers; each must have exited 0. */
static void
reap_readers(results_t *r, const pid_t *pids, int n, const char *what)
{
    for (int i = 0; i < n; i++) {
        int st = 0;
        waitpid(pids[i], &st, 0);
        CHECK(r, WIFEXITED(st) && WEXITSTATUS(st) == 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            printf("%s %d: status %d\n", what, i, st);
    }
}

static void
test_concurrent(results_t *r)
{
    table_t *t = table_create((size_t)1 << 30);
    uint64_t blobs[CONC_BLOBS];
    char text[1024];
    int ready[2], stats[2];
    pid_t pids[CONC_READERS];

    for (unsigned b = 0; b < CONC_BLOBS; b++)
        blobs[b] = table_intern(t, text, conc_blob(b, text));
    CHECK(r, pipe(ready) == 0 && pipe(stats) == 0);
    for (int i = 0; i < CONC_READERS; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(conc_reader(t, ready[1], stats[1], (unsigned)i + 1));
    }
    close(stats[1]);
    for (int i = 0; i < CONC_READERS; i++)
        CHECK(r, read(ready[0], text, 1) == 1);

    double t0 = now_sec();
    int bad = 0;
    for (unsigned p = 0; p < CONC_PUTS; p++) {
        bad += conc_put(t, blobs, p) != 0;
        if ((p + 1) % CONC_BATCH == 0) {
            snprintf(text, sizeof(text), "%u", (p + 1) / CONC_BATCH);
            bad += put_str(t, "counter", text) != 0;
        }
    }
    double t1 = now_sec();
    CHECK(r, bad == 0);
    printf("master: %d puts in %.3f s (%.0f ns/put), arena %zu bytes\n", CONC_PUTS,
           t1 - t0, (t1 - t0) * 1e9 / CONC_PUTS, table_used(t));
    reap_readers(r, pids, CONC_READERS, "reader");
    ssize_t n;
    while ((n = read(stats[0], text, sizeof(text))) > 0)
        fwrite(text, 1, (size_t)n, stdout);
    close(stats[0]);
    close(ready[0]);
    close(ready[1]);
    for (unsigned k = 0; k < CONC_KEYS; k += 997)
        bad += conc_check_key(t, k, CONC_PUTS, 1) != 0;
    CHECK(r, bad == 0);
    table_close(t);
}

/*
 * Generations, in one process: a rebuild writes a new generation that the
 * master sees at once and readers only after the flip; an abort leaves the
 * old one; a busy reader holds the old half until it leaves.
 */
static void
test_generations(results_t *r)
{
    table_t *t = table_create(1 << 20);
    put_str(t, "a", "1");
    put_str(t, "b", "2");
    uint64_t blob = table_intern(t, "text", 4);
    table_part_t parts[2] = {{.data = "x", .len = 1}, {.blob = blob}};
    CHECK(r, table_put(t, "c", 1, parts, 2) == 0);
    CHECK(r, !table_compact_wanted(t));

    CHECK(r, table_rebuild_begin(t) == 0 && table_rebuilding(t));
    CHECK(r, table_rebuild_begin(t) == -1);
    CHECK(r, !value_is(t, "a", "1") && table_count(t, "c", 1) == -1);
    CHECK(r, put_str(t, "a", "10") == 0);
    table_rebuild_abort(t);
    CHECK(r, !table_rebuilding(t) && value_is(t, "a", "1") && value_is(t, "c", "xtext"));

    int slot = table_reader_claim(t);
    CHECK(r, slot >= 0 && table_reader_claim(t) != slot);
    table_reader_attach(t, slot);
    CHECK(r, table_enter(t) == 1);      /* a reader in the current generation */
    CHECK(r, table_rebuild_begin(t) == 0);
    blob = table_intern(t, "text", 4);
    parts[1].blob = blob;
    CHECK(r, put_str(t, "a", "10") == 0 && table_put(t, "c", 1, parts, 2) == 0);
    table_rebuild_end(t);
    CHECK(r, value_is(t, "a", "10") && value_is(t, "c", "xtext"));
    CHECK(r, !value_is(t, "b", "2"));  /* not written again: gone */
    CHECK(r, table_rebuild_begin(t) == -1);     /* the reader may still be in the old half */
    CHECK(r, table_reclaim(t) == -1);
    CHECK(r, table_enter(t) == 1);              /* nested: still busy after one leave */
    table_leave(t);
    CHECK(r, table_reclaim(t) == -1);
    table_leave(t);
    CHECK(r, table_reclaim(t) == 0 && table_reclaim(t) == 0);
    CHECK(r, table_rebuild_begin(t) == 0);
    table_rebuild_end(t);
    CHECK(r, table_count(t, "a", 1) == -1);

    /* A reader that died in the middle of a read holds nothing. */
    CHECK(r, table_enter(t) == 1);
    CHECK(r, table_rebuild_begin(t) == 0);
    table_rebuild_end(t);
    table_reader_release(t, slot);
    CHECK(r, table_rebuild_begin(t) == 0);
    table_rebuild_end(t);
    table_reader_attach(t, -1);
    CHECK(r, table_enter(t) == 0);
    table_close(t);
}

/*
 * Readers in other processes check every value they read while the master
 * updates a small table so often that it must compact again and again: a
 * reader never sees a torn value, nor the zeros of a half given back.
 */
enum { GEN_KEYS = 4000, GEN_PUTS = 600000, GEN_READERS = 2 };

static int
gen_check(const table_t *t, unsigned k)
{
    char key[16], got[2048], want[2048];
    snprintf(key, sizeof(key), "k%06u", k);
    long n = get_str(t, key, got, sizeof(got) - 1);
    if (n < 0)
        return 30;
    got[n] = '\0';
    unsigned gk, gv;
    if (sscanf(got, "k%06u:v%u:", &gk, &gv) != 2 || gk != k)
        return 31;
    size_t wn = conc_value(k, gv, want);
    return (size_t)n == wn && memcmp(got, want, wn) == 0 ? 0 : 32;
}

static int
gen_reader(table_t *t, int slot, int ready_fd, unsigned seed)
{
    if (table_make_readonly(t) != 0)
        return 20;
    table_reader_attach(t, slot);
    if (write(ready_fd, "r", 1) != 1)
        return 21;
    uint64_t rng = seed * 0x9e3779b97f4a7c15ULL + 1;
    double deadline = now_sec() + 60;
    for (;;) {
        if (!table_enter(t))
            return 25;
        int done = value_is(t, "done", "1"), rc = 0;
        for (int j = 0; j < 32 && rc == 0; j++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rc = gen_check(t, (unsigned)(rng % GEN_KEYS));
        }
        table_leave(t);
        if (rc != 0)
            return rc;
        if (done)
            return 0;
        if (now_sec() > deadline)
            return 23;
    }
}

static void
gen_intern_blobs(table_t *t, uint64_t *blobs)
{
    char text[1024];
    for (unsigned b = 0; b < CONC_BLOBS; b++)
        blobs[b] = table_intern(t, text, conc_blob(b, text));
}

/*
 * A put found the half full: a reader descheduled for longer than the
 * headroom lasts (a loaded machine) still holds the old half.  The master
 * then marks the table stale until its next publish rebuilds; here, wait
 * for the reader to move on, rebuild, and put again.  0 once it is in.
 */
static int
gen_put_when_room(table_t *t, uint64_t *blobs, unsigned p, int *rebuilds, int *full)
{
    (*full)++;
    for (int tries = 0; tries < 10000; tries++) {
        usleep(1000);
        if (table_compact_wanted(t) && table_rebuild_begin(t) == 0) {
            gen_intern_blobs(t, blobs);
            for (unsigned q = p - GEN_KEYS; q < p; q++)
                conc_put_kv(t, blobs, q % GEN_KEYS, q / GEN_KEYS);
            table_rebuild_end(t);
            (*rebuilds)++;
        }
        if (conc_put_kv(t, blobs, p % GEN_KEYS, p / GEN_KEYS) == 0)
            return 0;
    }
    return -1;
}

static void
test_generations_concurrent(results_t *r)
{
    table_t *t = table_create(8 << 20);
    uint64_t blobs[CONC_BLOBS];
    int ready[2], bad = 0, rebuilds = 0, deferred = 0, full = 0;
    pid_t pids[GEN_READERS];
    char c;

    gen_intern_blobs(t, blobs);
    for (unsigned k = 0; k < GEN_KEYS; k++)
        bad += conc_put_kv(t, blobs, k, 0) != 0;
    CHECK(r, pipe(ready) == 0);
    for (int i = 0; i < GEN_READERS; i++) {
        int slot = table_reader_claim(t);
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(gen_reader(t, slot, ready[1], (unsigned)i + 7));
    }
    for (int i = 0; i < GEN_READERS; i++)
        CHECK(r, read(ready[0], &c, 1) == 1);
    for (unsigned p = GEN_KEYS; p < GEN_PUTS; p++) {
        /* Checked at every put once wanted: a reader descheduled in the
         * middle of a read holds the old half, and the headroom left
         * (a quarter of the half) must outlast it. */
        if (table_compact_wanted(t)) {
            if (table_rebuild_begin(t) != 0) {
                deferred++;
                sched_yield();
            } else {
                gen_intern_blobs(t, blobs);
                for (unsigned q = p - GEN_KEYS; q < p; q++)
                    bad += conc_put_kv(t, blobs, q % GEN_KEYS, q / GEN_KEYS) != 0;
                table_rebuild_end(t);
                rebuilds++;
            }
        }
        if (conc_put_kv(t, blobs, p % GEN_KEYS, p / GEN_KEYS) != 0)
            bad += gen_put_when_room(t, blobs, p, &rebuilds, &full) != 0;
    }
    put_str(t, "done", "1");
    for (unsigned k = 0; k < GEN_KEYS; k++)
        bad += gen_check(t, k) != 0;
    CHECK(r, bad == 0);
    CHECK(r, rebuilds >= 20);
    printf("generations: %d rebuilds (%d deferred for a busy reader, %d waits for a "
           "descheduled one), %zu bytes in use\n", rebuilds, deferred, full, table_used(t));
    reap_readers(r, pids, GEN_READERS, "generation reader");
    close(ready[0]);
    close(ready[1]);
    table_close(t);
}

static void
bench_get(results_t *r)
{
    enum { N = 10000, ROUNDS = 100 };
    table_t *t = table_create((size_t)64 << 20);
    static char keys[N][32];
    char val[128];
    memset(val, 'v', sizeof(val));
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof(keys[i]), "default:subject-%d", i);
        put_str(t, keys[i], "");
        table_put_bytes(t, keys[i], strlen(keys[i]), val, sizeof(val));
    }
    struct iovec iov[4];
    size_t total = 0, lens[N];
    for (int i = 0; i < N; i++)
        lens[i] = strlen(keys[i]);
    double t0 = now_sec();
    for (int round = 0; round < ROUNDS; round++)
        for (int i = 0; i < N; i++) {
            int j = (i * 7919) % N;
            if (table_get(t, keys[j], lens[j], iov, 4) == 1)
                total += iov[0].iov_len;
        }
    double t1 = now_sec();
    CHECK(r, total == (size_t)N * ROUNDS * sizeof(val));
    printf("bench: %.1f ns per table_get (%d keys)\n", (t1 - t0) * 1e9 / (N * ROUNDS), N);
    table_close(t);
}

/*
 * table_parts: a value put with another's parts shares their bytes (the
 * arena grows by the descriptors only), reads the same, and outlives a
 * later put of its source; parts that point outside the generation's used
 * arena are refused; a rebuild's values share within the new generation.
 */
static void
test_shared_parts(results_t *r)
{
    table_t *t = table_create(1 << 20);
    uint64_t blob = table_intern(t, "\"text\"", 6);
    table_part_t parts[3] = {{.data = "{\"s\":", .len = 5}, {.blob = blob},
                             {.data = ",\"deleted\":false}", .len = 17}};
    CHECK(r, table_put(t, "V", 1, parts, 3) == 0);
    table_part_t got[4];
    CHECK(r, table_parts(t, "V", 1, got, 2) == -2 && table_parts(t, "nope", 4, got, 4) == -1);
    CHECK(r, table_parts(t, "V", 1, got, 4) == 3);
    size_t before = table_used(t);
    CHECK(r, table_put(t, "L", 1, got, 3) == 0);
    CHECK(r, table_used(t) - before < 24 + 8 + 3 * 16 + 8);     /* no bytes copied */
    CHECK(r, value_is(t, "L", "{\"s\":\"text\",\"deleted\":false}"));
    got[2] = (table_part_t){.data = "}", .len = 1};
    CHECK(r, table_put(t, "P", 1, got, 3) == 0 && value_is(t, "P", "{\"s\":\"text\"}"));
    CHECK(r, put_str(t, "V", "new") == 0 && value_is(t, "L", "{\"s\":\"text\",\"deleted\":false}"));
    table_part_t bad = {.len = 8, .at = (uint64_t)1 << 40};    /* past the arena */
    CHECK(r, table_put(t, "B", 1, &bad, 1) == -1 && table_count(t, "B", 1) == -1);
    bad.at = 8;     /* the header, before the generation's half */
    CHECK(r, table_put(t, "B", 1, &bad, 1) == -1);
    CHECK(r, table_del(t, "L", 1) == 0 && table_parts(t, "L", 1, got, 4) == -1);

    CHECK(r, table_rebuild_begin(t) == 0);
    blob = table_intern(t, "\"text\"", 6);
    parts[1].blob = blob;
    CHECK(r, table_put(t, "V", 1, parts, 3) == 0 && table_parts(t, "V", 1, got, 4) == 3);
    CHECK(r, table_put(t, "L", 1, got, 3) == 0);
    table_rebuild_end(t);
    CHECK(r, value_is(t, "L", "{\"s\":\"text\",\"deleted\":false}"));
    table_close(t);
}
/* The hash alone: a function of seed and bytes, every length read in
 * full (a change in any byte, or in the seed, moves it). */
static void
test_hash(results_t *r)
{
    unsigned char key[40];
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (unsigned char)(0x41 + i);
    int same = 1, byte_moves = 1, seed_moves = 1, len_moves = 1;
    for (size_t len = 0; len <= sizeof(key); len++) {
        uint64_t h = table_hash(7, key, len);
        same &= table_hash(7, key, len) == h;
        seed_moves &= table_hash(8, key, len) != h;
        if (len > 0)
            len_moves &= table_hash(7, key, len - 1) != h;
        for (size_t i = 0; i < len; i++) {
            key[i] ^= 1;
            byte_moves &= table_hash(7, key, len) != h;
            key[i] ^= 1;
        }
    }
    CHECK(r, same);
    CHECK(r, seed_moves);
    CHECK(r, byte_moves);
    CHECK(r, len_moves);
}

int
main(void)
{
    results_t r = {0, 0};
    setvbuf(stdout, NULL, _IONBF, 0);
    test_hash(&r);
    test_basic(&r);
    test_growth(&r);
    test_full(&r);
    test_readonly(&r);
    test_concurrent(&r);
    test_generations(&r);
    test_generations_concurrent(&r);
    test_shared_parts(&r);
    bench_get(&r);
    printf("%d passed, %d failed\n", r.passed, r.failed);
    return r.failed ? 1 : 0;
}
