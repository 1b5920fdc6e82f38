/*
 * tally.h - the unit tests' one assertion: count passes and failures,
 * print each failure, and end with the "N passed, M failed" line.
 */
#ifndef SCHEMAD_TEST_TALLY_H
#define SCHEMAD_TEST_TALLY_H

#include <stdio.h>

typedef struct tally {
    int passed;
    int failed;
} tally_t;

static inline void
check(tally_t *t, int ok, const char *what)
{
    if (ok) {
        t->passed++;
        return;
    }
    t->failed++;
    printf("FAIL: %s\n", what);
}

/** Print the closing line; the test's exit status. */
static inline int
tally_report(const tally_t *t)
{
    printf("%d passed, %d failed\n", t->passed, t->failed);
    return t->failed ? 1 : 0;
}

#endif
