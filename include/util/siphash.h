/*
 * siphash.h - SipHash (Aumasson and Bernstein, "SipHash: a fast short-input
 * PRF", 2012): a keyed hash, so that clients who choose keys (subjects,
 * contexts, names, texts) cannot choose collisions without the key.
 */
#ifndef SCHEMAD_SIPHASH_H
#define SCHEMAD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

/** SipHash-1-3 (one compression round, three finalization rounds): the
 * variant hash tables use (Rust's default hasher, CPython's str hash). */
uint64_t siphash13(const unsigned char key[SIPHASH_KEY_LEN], const void *data, size_t len);
/** SipHash-2-4, the paper's recommended variant (and its test vectors). */
uint64_t siphash24(const unsigned char key[SIPHASH_KEY_LEN], const void *data, size_t len);
/** Fill key with bytes from getrandom(); should the kernel refuse, with a
 * mix of the clock, the pid and the key's address (weaker, never fatal). */
void siphash_key_random(unsigned char key[SIPHASH_KEY_LEN]);

#endif
