/* jsonset.c - JSON values as set members, keyed by their canonical text. */
#include "jsonset.h"

#include <stdlib.h>
#include <string.h>

/* Equal JSON gives equal text: compact, keys sorted.  Caller frees. */
static char *
jsonset__key(const json_t *v, size_t *len)
{
    char *k = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    *len = k ? strlen(k) : 0;
    return k;
}

void
jsonset_add_all(hmap_t *set, const json_t *list)
{
    size_t i;
    json_t *u;
    json_array_foreach(list, i, u) jsonset_has(set, u, 1);
}

int
jsonset_has(hmap_t *set, const json_t *v, int put)
{
    size_t len;
    char *k = jsonset__key(v, &len);
    int seen = k == NULL || hmap_get(set, k, len) != NULL;
    if (!seen && put)
        hmap_put(set, k, len, set);
    free(k);
    return seen;
}
