/*
 * canon_cache.h - a worker's memo of request bodies to schema
 * fingerprints.  Producers send the same registration body again and
 * again; parsing and canonicalizing it each time costs more than the rest
 * of the request, so a body seen before costs a hash and a memcmp.
 *
 * Direct-mapped: a new body evicts whatever shared its slot.  The full body
 * is kept and compared, so a hash collision can only cost a miss.
 */
#ifndef SCHEMAD_CANON_CACHE_H
#define SCHEMAD_CANON_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

#define CANON_CACHE_MAX_BODY 16384  /* larger bodies are not memoized */
/*
 * Larger bodies are not canonicalized by the worker but go to the master:
 * the work is linear, yet reads on the worker wait for it, and a schema this
 * size costs the parser tens of milliseconds.
 */
#define CANON_CACHE_MAX_COMPUTE (256 * 1024)

typedef struct canon_cache_entry {
    uint64_t hash;
    char *body;         /* owned copy, NULL when empty */
    size_t len;
    int plain;          /* 1: fp is valid; 0: the body must go to the master */
    char fp[33];
} canon_cache_entry_t;

typedef struct canon_cache {
    canon_cache_entry_t *slots; /* owned */
    size_t mask;
    /* Keyed: a client who could predict slots could evict a producer's
     * body with bodies of its own. */
    unsigned char key[SIPHASH_KEY_LEN];
    /* confluent.version: a JSON Schema's validity is the dialect's. */
    int dialect;
} canon_cache_t;

/** Allocate `nslots` (a power of two) empty slots for `dialect`'s schema hooks. */
void canon_cache_init(canon_cache_t *c, size_t nslots, int dialect);
void canon_cache_free(canon_cache_t *c);

/**
 * The identity fingerprint (store_fingerprint) of the schema in a register
 * or lookup body, when the body is plain: a JSON object with a string
 * `schema` that is a valid Avro schema, `schemaType` absent, null or
 * "AVRO", `references` absent, null or empty, and nothing else.  Returns 0
 * and fills fp, or -1 when the body is not plain or is longer than
 * CANON_CACHE_MAX_COMPUTE (the master decides).
 */
int canon_cache_fingerprint(canon_cache_t *c, const char *body, size_t len, char fp[33]);

/** The same without memoizing, with `dialect`'s schema hooks. */
int canon_cache_compute(const char *body, size_t len, int dialect, char fp[33]);

#endif
