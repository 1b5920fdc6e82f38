/*
 * store_index.h - the keys of the store's three schema indexes (ptrtab.h):
 * by context and id, by context and fingerprint, and by GUID.  store.c
 * looks schemas up by them; store_apply.c enters and removes schemas.
 */
#ifndef SCHEMAD_STORE_INDEX_H
#define SCHEMAD_STORE_INDEX_H

#include <stdint.h>

#include "store.h"

/* The lookup keys (their strings borrowed). */
typedef struct store_index_idkey {
    const char *context;
    int id;
} store_index_idkey_t;

typedef struct store_index_fpkey {
    const char *context;
    const char *fingerprint;
} store_index_fpkey_t;

/** Set up the three indexes of a zeroed store, empty. */
void store_index_init(store_t *st);

/** The hash of a schema's (context, id) key. */
uint64_t store_index_id_hash(const char *context, int id);

/** The hash of a schema's (context, hex fingerprint) key. */
uint64_t store_index_fp_hash(const char *context, const char *fingerprint);

/** The hash of a GUID's GUID_BYTES bytes. */
uint64_t store_index_guid_hash(const unsigned char *guid);

#endif
