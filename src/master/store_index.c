/*
 * store_index.c - the keys and hashes of the store's schema indexes.
 */
#include "store_index.h"

#include <string.h>

#include "siphash.h"
#include "text.h"

/* A context name's hash: any good one (the tables key their placement). */
static uint64_t
store_index__ctx_hash(const char *context)
{
    static const unsigned char fixed[SIPHASH_KEY_LEN] = {0};
    return siphash13(fixed, context, strlen(context));
}

uint64_t
store_index_id_hash(const char *context, int id)
{
    uint64_t h = (uint64_t)(unsigned)id * 0x9e3779b97f4a7c15ULL;
    return strcmp(context, ".") == 0 ? h : h ^ store_index__ctx_hash(context);
}

static uint64_t
store_index__schema_id_hash(const void *obj)
{
    const store_schema_t *s = obj;
    return store_index_id_hash(s->context, s->id);
}

static int
store_index__schema_id_match(const void *obj, const void *key)
{
    const store_schema_t *s = obj;
    const store_index_idkey_t *k = key;
    return s->id == k->id && strcmp(s->context, k->context) == 0;
}

uint64_t
store_index_fp_hash(const char *context, const char *fingerprint)
{
    /* An MD5 in hex: its first 16 digits are as good a hash as any. */
    uint64_t h = 0;
    for (int i = 0; i < 16 && fingerprint[i] != '\0'; i++) {
        int d = text_hex_digit((unsigned char)fingerprint[i]);
        h = h << 4 | (uint64_t)(d < 0 ? 0 : d);
    }
    return h ^ (strcmp(context, ".") == 0 ? 0 : store_index__ctx_hash(context));
}

static uint64_t
store_index__schema_fp_hash(const void *obj)
{
    const store_schema_t *s = obj;
    return store_index_fp_hash(s->context, s->fingerprint);
}

static int
store_index__schema_fp_match(const void *obj, const void *key)
{
    const store_schema_t *s = obj;
    const store_index_fpkey_t *k = key;
    return strcmp(s->fingerprint, k->fingerprint) == 0 && strcmp(s->context, k->context) == 0;
}

uint64_t
store_index_guid_hash(const unsigned char *guid)
{
    uint64_t h;
    memcpy(&h, guid, sizeof(h));
    return h;
}

static uint64_t
store_index__schema_guid_hash(const void *obj)
{
    return store_index_guid_hash(((const store_schema_t *)obj)->guid);
}

static int
store_index__schema_guid_match(const void *obj, const void *key)
{
    return memcmp(((const store_schema_t *)obj)->guid, key, GUID_BYTES) == 0;
}

void
store_index_init(store_t *st)
{
    ptrtab_init(&st->schemas, store_index__schema_id_hash, store_index__schema_id_match);
    ptrtab_init(&st->fingerprints, store_index__schema_fp_hash, store_index__schema_fp_match);
    ptrtab_init(&st->guids, store_index__schema_guid_hash, store_index__schema_guid_match);
}
