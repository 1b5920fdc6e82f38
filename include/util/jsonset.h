/*
 * jsonset.h - a set of JSON values in an hmap_t, so that membership tests
 * over client lists cost one hash each instead of a scan: equal values
 * (json_equal, object keys in any order) are one member.
 */
#ifndef SCHEMAD_JSONSET_H
#define SCHEMAD_JSONSET_H

#include <jansson.h>

#include "hmap.h"

/** Add every element of an array (nothing for a non-array). */
void jsonset_add_all(hmap_t *set, const json_t *list);

/**
 * Whether `v` is in the set; with `put`, it is afterwards.  A value that
 * cannot be encoded counts as present (it is never added twice).
 */
int jsonset_has(hmap_t *set, const json_t *v, int put);

#endif
