/*
 * table_hash.h - the hash the shared table (table.c) places keys and blobs
 * by: seeded, computed alike by the master and every worker.
 */
#ifndef SCHEMAD_TABLE_HASH_H
#define SCHEMAD_TABLE_HASH_H

#include <stddef.h>
#include <stdint.h>

/** The hash of `len` bytes under the table's random `seed`. */
uint64_t table_hash(uint64_t seed, const void *data, size_t len);

#endif
