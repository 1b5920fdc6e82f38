/*
 * fuzz.h - what every libFuzzer harness shares: the entry point's
 * prototype, an invariant check that stops the run (libFuzzer then keeps
 * the input as a crash), and splitting one input into parts.
 */
#ifndef SCHEMAD_FUZZ_H
#define SCHEMAD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding like a crash: say which, and abort. */
#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

/* Byte that separates the parts of a multi-part input: 0xFF never occurs
 * in UTF-8 text, so it cannot be part of a JSON document. */
#define FUZZ_SEP 0xFF

typedef struct fuzz_part {
    const char *p;
    size_t n;
} fuzz_part_t;

/* Split [data, data+size) on FUZZ_SEP into at most max parts (the last
 * takes the rest); returns how many. */
static inline int
fuzz_split(const uint8_t *data, size_t size, fuzz_part_t *parts, int max)
{
    int n = 0;
    const uint8_t *p = data, *end = data + size;
    while (n < max - 1) {
        const uint8_t *s = memchr(p, FUZZ_SEP, (size_t)(end - p));
        if (s == NULL)
            break;
        parts[n].p = (const char *)p;
        parts[n++].n = (size_t)(s - p);
        p = s + 1;
    }
    parts[n].p = (const char *)p;
    parts[n++].n = (size_t)(end - p);
    return n;
}

/* A NUL-terminated copy (the input itself is not terminated); free() it. */
static inline char *
fuzz_strndup(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    if (n > 0)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

#endif
