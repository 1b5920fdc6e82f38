/* canon_cache.c - request body -> schema fingerprint, memoized per worker. */
#include "canon_cache.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "mem.h"
#include "schema_type.h"
#include "siphash.h"
#include "store.h"

void
canon_cache_init(canon_cache_t *c, size_t nslots, int dialect)
{
    c->dialect = dialect;
    c->slots = mem_calloc(nslots, sizeof(canon_cache_entry_t));
    c->mask = nslots - 1;
    siphash_key_random(c->key);
}

void
canon_cache_free(canon_cache_t *c)
{
    for (size_t i = 0; i <= c->mask && c->slots != NULL; i++)
        free(c->slots[i].body);
    free(c->slots);
    c->slots = NULL;
}

static int
canon_cache__plain_fields(json_t *j, int dialect)
{
    static const char *const plain[] = {"schema", "schemaType", "references", NULL};
    const char *k;
    json_t *v;
    if (!json_is_object(j) || !json_is_string(json_object_get(j, "schema")))
        return 0;
    json_object_foreach(j, k, v) {
        int known = 0;
        for (const char *const *p = plain; *p; p++)
            known |= strcmp(k, *p) == 0;
        if (!known)
            return 0;
    }
    json_t *t = json_object_get(j, "schemaType"), *refs = json_object_get(j, "references");
    int typed = t == NULL || json_is_null(t) ||
                (json_is_string(t) && schema_type_find(json_string_value(t), dialect) != NULL);
    int norefs = refs == NULL || json_is_null(refs) ||
                 (json_is_array(refs) && json_array_size(refs) == 0);
    return typed && norefs;
}

int
canon_cache_compute(const char *body, size_t len, int dialect, char fp[33])
{
    json_t *j = json_loadb(body, len, 0, NULL);
    char *canonical = NULL, *err = NULL;
    int ok = canon_cache__plain_fields(j, dialect);
    if (ok) {
        json_t *text = json_object_get(j, "schema");
        const schema_type_t *type = schema_type_find(
            json_string_value(json_object_get(j, "schemaType")), dialect);
        ok = type->canonical(json_string_value(text), json_string_length(text),
                             NULL, 0, 0, &canonical, &err) == 0;
    }
    json_decref(j);
    free(err);
    if (ok)
        store_fingerprint(canonical, NULL, NULL, NULL, fp);
    free(canonical);
    return ok ? 0 : -1;
}

int
canon_cache_fingerprint(canon_cache_t *c, const char *body, size_t len, char fp[33])
{
    if (len > CANON_CACHE_MAX_COMPUTE)
        return -1;
    if (len > CANON_CACHE_MAX_BODY || c->slots == NULL)
        return canon_cache_compute(body, len, c->dialect, fp);
    uint64_t h = siphash13(c->key, body, len);
    canon_cache_entry_t *e = &c->slots[h & c->mask];
    if (e->body != NULL && e->hash == h && e->len == len && memcmp(e->body, body, len) == 0) {
        if (e->plain)
            memcpy(fp, e->fp, 33);
        return e->plain ? 0 : -1;
    }
    int rc = canon_cache_compute(body, len, c->dialect, fp);
    free(e->body);
    e->body = mem_strndup(body, len);
    e->len = len;
    e->hash = h;
    e->plain = rc == 0;
    if (rc == 0)
        memcpy(e->fp, fp, 33);
    return rc;
}
