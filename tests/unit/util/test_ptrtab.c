/*
 * test_ptrtab.c - the pointer index: get, replace and delete by a key that
 * lives in the objects, against a plain array as the model, with a hash
 * that collides on purpose (long probe runs that wrap around the end) so
 * that backward-shift deletion must keep every chain whole.
 */
#include "ptrtab.h"

#include <stdlib.h>
#include <string.h>

#include "tally.h"

typedef struct obj {
    int key;
    int val;
} obj_t;

static uint64_t
hash_int(int k)
{
    return (uint64_t)(k % 7) * 5 + 13; /* few homes, near the end of 16 */
}

static uint64_t
obj_hash(const void *o)
{
    return hash_int(((const obj_t *)o)->key);
}

static int
obj_match(const void *o, const void *key)
{
    return ((const obj_t *)o)->key == *(const int *)key;
}

int
main(void)
{
    tally_t t = {0};
    ptrtab_t p;
    ptrtab_init(&p, obj_hash, obj_match);
    int k = 3;
    check(&t, ptrtab_get(&p, hash_int(k), &k) == NULL, "empty");
    check(&t, ptrtab_del(&p, hash_int(k), &k) == NULL, "delete from empty");

    enum { N = 400 };
    static obj_t objs[N], again[N];
    static int live[N];
    for (int i = 0; i < N; i++) {
        objs[i] = (obj_t){i, i};
        again[i] = (obj_t){i, i + N};
        check(&t, ptrtab_put(&p, hash_int(i), &i, &objs[i]) == NULL, "a new key");
        live[i] = 1;
    }
    k = 5;
    check(&t, ptrtab_put(&p, hash_int(k), &k, &again[5]) == &objs[5] && p.len == N,
          "a replaced key returns the old object");
    /* Delete every third key, then check every key against the model. */
    srand(7);
    for (int round = 0; round < 3; round++) {
        for (int i = round; i < N; i += 3 + round) {
            void *gone = ptrtab_del(&p, hash_int(i), &i);
            check(&t, (gone != NULL) == live[i], "delete finds what is there");
            live[i] = 0;
        }
        int ok = 1;
        size_t n = 0;
        for (int i = 0; i < N; i++) {
            obj_t *o = ptrtab_get(&p, hash_int(i), &i);
            if ((o != NULL) != live[i] || (o && o->key != i))
                ok = 0;
            n += live[i];
        }
        check(&t, ok && p.len == n, "every chain whole after deletes");
    }
    size_t pos = 0, seen = 0;
    while (ptrtab_next(&p, &pos) != NULL)
        seen++;
    check(&t, seen == p.len, "iteration sees every object once");
    ptrtab_free(&p);
    check(&t, p.cap == 0 && p.len == 0, "freed");
    return tally_report(&t);
}
