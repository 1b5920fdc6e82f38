/* siphash.c - SipHash-c-d written from the paper's specification. */
#include "siphash.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

typedef struct siphash_state {
    uint64_t v0, v1, v2, v3;
} siphash_state_t;

static uint64_t
siphash__rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

/* The key and the message words are read little-endian whatever the host. */
static uint64_t
siphash__load(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void
siphash__rounds(siphash_state_t *s, int n)
{
    for (int i = 0; i < n; i++) {
        s->v0 += s->v1;
        s->v1 = siphash__rotl(s->v1, 13);
        s->v1 ^= s->v0;
        s->v0 = siphash__rotl(s->v0, 32);
        s->v2 += s->v3;
        s->v3 = siphash__rotl(s->v3, 16);
        s->v3 ^= s->v2;
        s->v0 += s->v3;
        s->v3 = siphash__rotl(s->v3, 21);
        s->v3 ^= s->v0;
        s->v2 += s->v1;
        s->v1 = siphash__rotl(s->v1, 17);
        s->v1 ^= s->v2;
        s->v2 = siphash__rotl(s->v2, 32);
    }
}

static void
siphash__compress(siphash_state_t *s, uint64_t m, int c)
{
    s->v3 ^= m;
    siphash__rounds(s, c);
    s->v0 ^= m;
}

static uint64_t
siphash__cd(const unsigned char key[SIPHASH_KEY_LEN], const void *data, size_t len,
            int c, int d)
{
    const unsigned char *p = data;
    uint64_t k0 = siphash__load(key, 8), k1 = siphash__load(key + 8, 8);
    siphash_state_t s = {
        k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
        k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL,
    };
    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8)
        siphash__compress(&s, siphash__load(p + i, 8), c);
    /* The last word: the remaining bytes, and len mod 256 in the top byte. */
    uint64_t last = siphash__load(p + whole, len - whole) | ((uint64_t)(len & 0xff) << 56);
    siphash__compress(&s, last, c);
    s.v2 ^= 0xff;
    siphash__rounds(&s, d);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t
siphash13(const unsigned char key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
    return siphash__cd(key, data, len, 1, 3);
}

uint64_t
siphash24(const unsigned char key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
    return siphash__cd(key, data, len, 2, 4);
}

void
siphash_key_random(unsigned char key[SIPHASH_KEY_LEN])
{
    size_t got = 0;
    /* Flags 0: wait for the pool at early boot rather than take weak bytes;
     * bounded, since every failure but EINTR ends the loop. */
    for (int tries = 0; got < SIPHASH_KEY_LEN && tries < 8; tries++) {
        ssize_t n = getrandom(key + got, SIPHASH_KEY_LEN - got, 0);
        if (n > 0)
            got += (size_t)n;
        else if (n < 0 && errno != EINTR)
            break;
    }
    if (got == SIPHASH_KEY_LEN)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t seed[2] = {(uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32),
                        (uint64_t)getpid() ^ (uint64_t)(uintptr_t)key};
    unsigned char zero[SIPHASH_KEY_LEN] = {0};
    uint64_t a = siphash24(zero, seed, sizeof(seed));
    uint64_t b = siphash24(zero, &a, sizeof(a));
    memcpy(key, &a, 8);
    memcpy(key + 8, &b, 8);
}
