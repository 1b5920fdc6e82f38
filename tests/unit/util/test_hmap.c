/* test_hmap.c - the keyed hash map: SipHash's published vectors, the map's
 * operations, and keys chosen to collide under the old unkeyed hash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "siphash.h"
#include "tally.h"

/* The map's hash before it was keyed: FNV-1a and a fixed avalanche.  Anyone
 * could compute it offline and pick subjects that share a slot. */
static uint64_t
old_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static int
vectors(void)
{
    /* SipHash-2-4, key 00..0f, message 00..n-1 (the paper's appendix and
     * the reference implementation's vectors.h). */
    unsigned char key[16], msg[16];
    for (int i = 0; i < 16; i++)
        key[i] = msg[i] = (unsigned char)i;
    return siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL &&
           siphash24(key, msg, 1) == 0x74f839c593dc67fdULL &&
           siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL;
}

static int
keyed(void)
{
    unsigned char a[16] = {0}, b[16] = {0};
    b[15] = 1;
    return siphash13(a, "subject", 7) != siphash13(b, "subject", 7) &&
           siphash13(a, "subject", 7) == siphash13(a, "subject", 7) &&
           siphash13(a, "subject", 7) != siphash13(a, "subjecu", 7);
}

/* Insert, delete half, and find exactly the other half. */
static int
operations(void)
{
    hmap_t m = {0};
    char k[32];
    int ok = 1;
    for (long i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof(k), "s%ld", i);
        ok &= hmap_put(&m, k, (size_t)n, (void *)(i + 1)) == NULL;
    }
    for (long i = 0; i < 5000; i += 2) {
        int n = snprintf(k, sizeof(k), "s%ld", i);
        ok &= hmap_del(&m, k, (size_t)n) == (void *)(i + 1);
    }
    for (long i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof(k), "s%ld", i);
        void *want = i % 2 ? (void *)(i + 1) : NULL;
        ok &= hmap_get(&m, k, (size_t)n) == want;
    }
    size_t pos = 0, seen = 0;
    while (hmap_next(&m, &pos) != NULL)
        seen++;
    ok &= seen == 2500 && m.len == 2500;
    hmap_free(&m);
    return ok;
}

#define NCOLLIDE 1100

/*
 * NCOLLIDE keys whose old hash ends in 12 zero bits: in the map of 2,048
 * slots they fill, they all had one home slot, so inserting them cost
 * NCOLLIDE^2/2 probes and a lookup walked up to NCOLLIDE slots.
 */
static int
collisions(tally_t *t)
{
    char (*keys)[16] = malloc(NCOLLIDE * sizeof(*keys));
    size_t n = 0;
    for (unsigned long i = 0; n < NCOLLIDE; i++) {
        char k[16];
        int len = snprintf(k, sizeof(k), "c%lu", i);
        if ((old_hash(k, (size_t)len) & 0xfff) == 0)
            memcpy(keys[n++], k, sizeof(k));
    }
    hmap_t m = {0};
    for (size_t i = 0; i < n; i++)
        hmap_put(&m, keys[i], strlen(keys[i]), keys[i]);
    size_t total = 0, mask = m.cap - 1, found = 0;
    for (size_t i = 0; i < m.cap; i++) {
        if (m.slots[i].key != NULL)
            total += (i - (m.slots[i].hash & mask)) & mask;
    }
    for (size_t i = 0; i < n; i++)
        found += hmap_get(&m, keys[i], strlen(keys[i])) == keys[i];
    int old_one_home = 1;
    for (size_t i = 0; i < n; i++)
        old_one_home &= (old_hash(keys[i], strlen(keys[i])) & mask) == 0;
    printf("%zu keys in %zu slots: longest probe %zu, mean %.2f (old hash: %zu, mean %.0f)\n",
           n, m.cap, hmap_probe_max(&m), (double)total / (double)n, n - 1, (n - 1) / 2.0);
    check(t, old_one_home && m.cap == 2048, "the keys shared one home slot under the old hash");
    check(t, found == n, "every colliding key is found");
    check(t, hmap_probe_max(&m) < 128, "no lookup walks a long run");
    check(t, total < 4 * n, "the mean probe length stays short");
    hmap_free(&m);
    free(keys);
    return 1;
}

static int
fresh_keys(void)
{
    hmap_t a = {0}, b = {0};
    hmap_put(&a, "x", 1, &a);
    hmap_put(&b, "x", 1, &b);
    int differ = memcmp(a.key, b.key, sizeof(a.key)) != 0;
    hmap_free(&a);
    hmap_free(&b);
    return differ;
}

int
main(void)
{
    tally_t t = {0, 0};
    check(&t, vectors(), "SipHash-2-4 gives the paper's vectors");
    check(&t, keyed(), "SipHash-1-3 depends on the key and the message");
    check(&t, operations(), "put, delete and get over 5,000 keys");
    collisions(&t);
    check(&t, fresh_keys(), "each map draws a key of its own");
    return tally_report(&t);
}
