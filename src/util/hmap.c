/* hmap.c - open addressing with linear probing and backward-shift deletion. */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

uint64_t
hmap_hash(const hmap_t *m, const void *key, size_t len)
{
    return siphash13(m->key, key, len);
}

static hmap_slot_t *
hmap__find(const hmap_t *m, const void *key, size_t klen, uint64_t h)
{
    if (m->cap == 0)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        hmap_slot_t *s = &m->slots[i];
        if (s->key == NULL)
            return s;
        if (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0)
            return s;
    }
}

static void
hmap__grow(hmap_t *m)
{
    hmap_t bigger = {0};
    if (m->cap == 0)
        siphash_key_random(m->key);
    memcpy(bigger.key, m->key, sizeof(bigger.key));
    bigger.cap = m->cap ? m->cap * 2 : 16;
    bigger.slots = mem_calloc(bigger.cap, sizeof(hmap_slot_t));
    for (size_t i = 0; i < m->cap; i++) {
        hmap_slot_t *s = &m->slots[i];
        if (s->key == NULL)
            continue;
        *hmap__find(&bigger, s->key, s->klen, s->hash) = *s;
    }
    bigger.len = m->len;
    free(m->slots);
    *m = bigger;
}

void *
hmap_get(const hmap_t *m, const void *key, size_t klen)
{
    if (m->len == 0)
        return NULL;
    hmap_slot_t *s = hmap__find(m, key, klen, hmap_hash(m, key, klen));
    return s != NULL && s->key != NULL ? s->val : NULL;
}

void *
hmap_put(hmap_t *m, const void *key, size_t klen, void *val)
{
    if ((m->len + 1) * 4 > m->cap * 3)
        hmap__grow(m);
    uint64_t h = hmap_hash(m, key, klen);
    hmap_slot_t *s = hmap__find(m, key, klen, h);
    if (s->key != NULL) {
        void *old = s->val;
        s->val = val;
        return old;
    }
    s->key = mem_strndup(key, klen);
    s->klen = klen;
    s->hash = h;
    s->val = val;
    m->len++;
    return NULL;
}

void *
hmap_del(hmap_t *m, const void *key, size_t klen)
{
    if (m->len == 0)
        return NULL;
    hmap_slot_t *s = hmap__find(m, key, klen, hmap_hash(m, key, klen));
    if (s == NULL || s->key == NULL)
        return NULL;
    void *val = s->val;
    free(s->key);
    s->key = NULL;
    m->len--;
    /* Backward shift: move later members of the probe run into the hole so
     * lookups never stop early at it. */
    size_t mask = m->cap - 1;
    size_t hole = (size_t)(s - m->slots);
    for (size_t i = (hole + 1) & mask; m->slots[i].key != NULL; i = (i + 1) & mask) {
        size_t home = m->slots[i].hash & mask;
        size_t dist_i = (i - home) & mask;
        size_t dist_hole = (hole - home) & mask;
        if (dist_hole <= dist_i) {
            m->slots[hole] = m->slots[i];
            m->slots[i].key = NULL;
            hole = i;
        }
    }
    return val;
}

hmap_slot_t *
hmap_next(const hmap_t *m, size_t *pos)
{
    for (; *pos < m->cap; (*pos)++) {
        if (m->slots[*pos].key != NULL)
            return &m->slots[(*pos)++];
    }
    return NULL;
}

size_t
hmap_probe_max(const hmap_t *m)
{
    size_t worst = 0, mask = m->cap - 1;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key == NULL)
            continue;
        size_t dist = (i - (m->slots[i].hash & mask)) & mask;
        if (dist > worst)
            worst = dist;
    }
    return worst;
}

void
hmap_free(hmap_t *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}
