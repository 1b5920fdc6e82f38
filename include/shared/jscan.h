/*
 * jscan.h - a scanner for flat JSON objects: every value a string, an
 * integer, true, false or null.  It recognises what jansson would accept and
 * refuses the rest, so a caller can take this fast path and leave anything
 * else (nested values, reals, escapes in keys) to jansson.
 */
#ifndef SCHEMAD_JSCAN_H
#define SCHEMAD_JSCAN_H

#include <stddef.h>

enum { JSCAN_STRING = 1, JSCAN_INT, JSCAN_TRUE, JSCAN_FALSE, JSCAN_NULL };

/** One member; pointers borrow the scanned bytes. */
typedef struct jscan_field {
    const char *key;        /* without quotes (keys with escapes are refused) */
    size_t klen;
    int type;
    const char *lit;        /* JSCAN_STRING: the literal, quotes included */
    size_t litlen;
    long long num;          /* JSCAN_INT */
} jscan_field_t;

/**
 * Scan `buf` as one flat object of at most `max` members, in order.
 * Returns the member count, or -1 when it is anything else (including
 * invalid UTF-8, a control character in a string, or an integer past 64 bits).
 * String escapes are not checked here: mem_json_unescape() does that.
 */
int jscan_flat_object(const char *buf, size_t len, jscan_field_t *fields, int max);

/* The most members jscan_keys_unique() compares pairwise. */
#define JSCAN_UNIQUE_MAX 16

/**
 * Whether the `n` scanned members' keys are all distinct (jansson keeps
 * the last of a repeated key; a fast path must leave that to it): 1 when
 * they are, 0 when one repeats, -1 when n is past JSCAN_UNIQUE_MAX (the
 * pairwise check is bounded so that each key's bytes are compared at most
 * JSCAN_UNIQUE_MAX times, linear in the scanned input).
 */
int jscan_keys_unique(const jscan_field_t *fields, int n);

#endif
