/*
 * store.c - applies journal records to the master's model, as Confluent's
 * KafkaStoreMessageHandler does, and marks what changed for publishing.
 */
#include "store.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "guid.h"
#include "log.h"
#include "mem.h"
#include "record.h"
#include "text.h"

void
store_ptrs_push(store_ptrs_t *v, void *p)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->p = mem_realloc(v->p, v->cap * sizeof(void *));
    }
    v->p[v->n++] = p;
}

struct store_order {
    store_ptrs_t sorted;        /* every subject up to the last call, by name */
    store_ptrs_t added;         /* subjects created since */
};

/* The keys of the schema indexes (ptrtab.h). */
typedef struct store_idkey {
    const char *context;
    int id;
} store_idkey_t;

typedef struct store_fpkey {
    const char *context;
    const char *fingerprint;
} store_fpkey_t;

static uint64_t
store__id_hash(const char *context, int id)
{
    uint64_t h = (uint64_t)(unsigned)id * 0x9e3779b97f4a7c15ULL;
    return strcmp(context, ".") == 0 ? h : h ^ hmap_hash(context, strlen(context));
}

static uint64_t
store__schema_id_hash(const void *obj)
{
    const store_schema_t *s = obj;
    return store__id_hash(s->context, s->id);
}

static int
store__schema_id_match(const void *obj, const void *key)
{
    const store_schema_t *s = obj;
    const store_idkey_t *k = key;
    return s->id == k->id && strcmp(s->context, k->context) == 0;
}

static uint64_t
store__fp_hash(const char *context, const char *fingerprint)
{
    /* An MD5 in hex: its first 16 digits are as good a hash as any. */
    uint64_t h = 0;
    for (int i = 0; i < 16 && fingerprint[i] != '\0'; i++) {
        int d = text_hex_digit((unsigned char)fingerprint[i]);
        h = h << 4 | (uint64_t)(d < 0 ? 0 : d);
    }
    return h ^ (strcmp(context, ".") == 0 ? 0 : hmap_hash(context, strlen(context)));
}

static uint64_t
store__schema_fp_hash(const void *obj)
{
    const store_schema_t *s = obj;
    return store__fp_hash(s->context, s->fingerprint);
}

static int
store__schema_fp_match(const void *obj, const void *key)
{
    const store_schema_t *s = obj;
    const store_fpkey_t *k = key;
    return strcmp(s->fingerprint, k->fingerprint) == 0 && strcmp(s->context, k->context) == 0;
}

static uint64_t
store__guid_hash(const unsigned char *guid)
{
    uint64_t h;
    memcpy(&h, guid, sizeof(h));
    return h;
}

static uint64_t
store__schema_guid_hash(const void *obj)
{
    return store__guid_hash(((const store_schema_t *)obj)->guid);
}

static int
store__schema_guid_match(const void *obj, const void *key)
{
    return memcmp(((const store_schema_t *)obj)->guid, key, GUID_BYTES) == 0;
}

void
store_init(store_t *st)
{
    memset(st, 0, sizeof(*st));
    ptrtab_init(&st->schemas, store__schema_id_hash, store__schema_id_match);
    ptrtab_init(&st->fingerprints, store__schema_fp_hash, store__schema_fp_match);
    ptrtab_init(&st->guids, store__schema_guid_hash, store__schema_guid_match);
    st->offset = -1;
    st->texts = mem_calloc(1, sizeof(hmap_t));
    st->order = mem_calloc(1, sizeof(*st->order));
    /* The global config and mode are published even when never set. */
    st->dirty_config = 1;
}

/* The names nearly every schema has (the default context, the three
 * types), shared rather than copied per schema. */
static const char *const store__names[] = {".", "AVRO", "JSON", "PROTOBUF"};

/* `name`: one of store__names, or a copy the caller frees with
 * store__name_free(). */
static const char *
store__shared_name(const char *name)
{
    for (size_t i = 0; i < sizeof(store__names) / sizeof(store__names[0]); i++) {
        if (strcmp(name, store__names[i]) == 0)
            return store__names[i];
    }
    return mem_strdup(name);
}

static void
store__name_free(const char *name)
{
    for (size_t i = 0; i < sizeof(store__names) / sizeof(store__names[0]); i++) {
        if (name == store__names[i])
            return;
    }
    free((void *)(uintptr_t)name);
}

static void
store__schema_free(store_schema_t *s)
{
    store__name_free(s->context);
    store__name_free(s->schema_type);
    if (!s->text_in_arena)
        free(s->text);
    json_decref(s->references);
    json_decref(s->metadata);
    json_decref(s->rule_set);
    free(s);
}

static void
store__subject_free(store_subject_t *sub)
{
    free(sub->name);
    free(sub->context);
    free(sub->versions);
    json_decref(sub->config);
    free(sub->mode);
    free(sub);
}

void
store_free(store_t *st)
{
    hmap_slot_t *s;
    size_t pos = 0;
    while ((s = hmap_next(&st->subjects, &pos)) != NULL)
        store__subject_free(s->val);
    pos = 0;
    store_schema_t *schema;
    while ((schema = ptrtab_next(&st->schemas, &pos)) != NULL)
        store__schema_free(schema);
    pos = 0;
    while ((s = hmap_next(&st->contexts, &pos)) != NULL) {
        store_context_t *c = s->val;
        free(c->name);
        free(c);
    }
    st->arena_schemas.n = 0;    /* freed above */
    store_collect(st);
    free(st->texts);
    if (st->order != NULL) {
        free(st->order->sorted.p);
        free(st->order->added.p);
        free(st->order);
    }
    free(st->arena_schemas.p);
    hmap_free(&st->subjects);
    ptrtab_free(&st->schemas);
    ptrtab_free(&st->fingerprints);
    hmap_free(&st->contexts);
    ptrtab_free(&st->guids);
    pos = 0;
    while ((s = hmap_next(&st->assocs, &pos)) != NULL)
        json_decref(s->val);
    hmap_free(&st->assocs);
    json_decref(st->global_config);
    free(st->global_mode);
    free(st->dirty_subjects.p);
    free(st->dirty_schemas.p);
    free(st->dead_schemas.p);
    memset(st, 0, sizeof(*st));
}

/* Drop the unescaped texts (before any schema they name is freed). */
static void
store__texts_clear(hmap_t *texts)
{
    hmap_slot_t *slot;
    size_t pos = 0;
    if (texts == NULL || texts->len == 0)
        return;
    while ((slot = hmap_next(texts, &pos)) != NULL)
        free(slot->val);
    hmap_free(texts);
}

/* Texts that publishing did not park (no table, or a full one) get a copy
 * of their own before the arena goes. */
static void
store__arena_clear(store_t *st)
{
    for (size_t i = 0; i < st->arena_schemas.n; i++) {
        store_schema_t *s = st->arena_schemas.p[i];
        if (!s->text_in_arena)
            continue;
        s->text = mem_strdup(s->text);
        s->text_in_arena = 0;
    }
    st->arena_schemas.n = 0;
    mem_arena_reset(&st->arena);
}

void
store_forget_texts(store_t *st)
{
    store__texts_clear(st->texts);
}

void
store_collect(store_t *st)
{
    store__texts_clear(st->texts);
    store__arena_clear(st);
    for (size_t i = 0; i < st->dead_schemas.n; i++)
        store__schema_free(st->dead_schemas.p[i]);
    st->dead_schemas.n = 0;
}

const char *
store_schema_text(const store_t *st, const store_schema_t *s)
{
    if (s->text != NULL || s->lit == NULL)
        return s->text ? s->text : "";
    char *text = hmap_get(st->texts, &s, sizeof(s));
    if (text != NULL)
        return text;
    text = mem_alloc(s->litlen + 1);
    long n = mem_json_unescape(s->lit, s->litlen, text);
    if (n < 0) {
        /* publish.c rendered the literal itself: this is a bug, not input. */
        log_error("schema %d: its parked literal does not unescape", s->id);
        n = 0;
    }
    text[n] = '\0';
    hmap_put(st->texts, &s, sizeof(s), text);
    return text;
}

void
store_schema_park(store_schema_t *s, const char *lit, size_t len)
{
    if (!s->text_in_arena)
        free(s->text);
    s->text = NULL;
    s->text_in_arena = 0;
    s->lit = lit;
    s->litlen = len;
}

char *
store_subject_context(const char *subject)
{
    /* ":.ctx:name" names a context; ":.ctx" alone too (Confluent accepts
     * it and creates the context). */
    if (subject == NULL || subject[0] != ':' || subject[1] != '.')
        return mem_strdup(".");
    const char *end = strchr(subject + 1, ':');
    size_t len = end ? (size_t)(end - subject - 1) : strlen(subject + 1);
    if (len == 1)
        return mem_strdup(".");
    return mem_strndup(subject + 1, len);
}

store_subject_t *
store_subject(const store_t *st, const char *name)
{
    return hmap_get(&st->subjects, name, strlen(name));
}

store_schema_t *
store_schema_by_id(const store_t *st, const char *context, int id)
{
    store_idkey_t k = {context, id};
    return ptrtab_get(&st->schemas, store__id_hash(context, id), &k);
}

store_schema_t *
store_schema_by_guid(const store_t *st, const unsigned char guid[GUID_BYTES])
{
    return ptrtab_get(&st->guids, store__guid_hash(guid), guid);
}

/* Which of two schemas with one GUID answers for it: Confluent looks in
 * the default context first, then the others; the newest id wins. */
static int
store__guid_better(const store_schema_t *a, const store_schema_t *b)
{
    int adef = strcmp(a->context, ".") == 0, bdef = strcmp(b->context, ".") == 0;
    if (adef != bdef)
        return adef;
    return a->id > b->id;
}

store_schema_t *
store_schema_by_fingerprint(const store_t *st, const char *context,
                            const char *fingerprint)
{
    store_fpkey_t k = {context, fingerprint};
    return ptrtab_get(&st->fingerprints, store__fp_hash(context, fingerprint), &k);
}

store_version_t *
store_version(const store_subject_t *sub, int version)
{
    size_t lo = 0, hi = sub->nversions;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sub->versions[mid].version == version)
            return &sub->versions[mid];
        if (sub->versions[mid].version < version)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

store_version_t *
store_latest(const store_subject_t *sub)
{
    for (size_t i = sub->nversions; i > 0; i--) {
        if (!sub->versions[i - 1].deleted)
            return &sub->versions[i - 1];
    }
    return NULL;
}

int
store_subject_all_deleted(const store_subject_t *sub)
{
    return store_latest(sub) == NULL;
}

static store_context_t *
store__context(store_t *st, const char *name)
{
    store_context_t *c = hmap_get(&st->contexts, name, strlen(name));
    if (c != NULL)
        return c;
    c = mem_calloc(1, sizeof(*c));
    c->name = mem_strdup(name);
    c->listed = 1;
    hmap_put(&st->contexts, name, strlen(name), c);
    st->dirty_lists = 1;
    return c;
}

int
store_next_id(const store_t *st, const char *context)
{
    store_context_t *c = hmap_get(&st->contexts, context, strlen(context));
    int max = c ? c->max_id : 0;
    return (max > st->id_floor ? max : st->id_floor) + 1;
}

static void
store__json_hash(EVP_MD_CTX *md, const json_t *j)
{
    if (j == NULL)
        return;
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    EVP_DigestUpdate(md, "\x01", 1);
    EVP_DigestUpdate(md, s, strlen(s));
    free(s);
}

static int
store__plain(const json_t *references, const json_t *metadata, const json_t *rule_set)
{
    return json_array_size(references) == 0 && metadata == NULL && rule_set == NULL;
}

/* The fingerprint's 16 bytes (see store_fingerprint). */
static void
store__fingerprint_raw(const char *schema, const json_t *references,
                       const json_t *metadata, const json_t *rule_set, unsigned char out[16])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_md5(), NULL);
    EVP_DigestUpdate(md, schema, strlen(schema));
    if (!store__plain(references, metadata, rule_set)) {
        /* A canonical text holds no raw NUL: these bytes cannot be its own. */
        if (references != NULL && json_array_size(references) > 0)
            store__json_hash(md, references);
        else
            EVP_DigestUpdate(md, "\x00", 1);
        store__json_hash(md, metadata);
        EVP_DigestUpdate(md, "\x02", 1);
        store__json_hash(md, rule_set);
    }
    EVP_DigestFinal_ex(md, d, &dlen);
    EVP_MD_CTX_free(md);
    memcpy(out, d, 16);
}

static void
store__hex(const unsigned char d[16], char out[33])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < 16; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[32] = '\0';
}

void
store_fingerprint(const char *schema, const json_t *references,
                  const json_t *metadata, const json_t *rule_set, char out[33])
{
    unsigned char d[16];
    store__fingerprint_raw(schema, references, metadata, rule_set, d);
    store__hex(d, out);
}

/* A new schema's fingerprint and GUID (the record's md5 when it has one):
 * for a schema without references, metadata and rule set both are the
 * MD5 of its text, hashed once. */
static void
store__digests(store_schema_t *s, const char *md5)
{
    unsigned char d[16];
    store__fingerprint_raw(s->text, s->references, s->metadata, s->rule_set, d);
    store__hex(d, s->fingerprint);
    if (guid_from_md5_base64(md5, s->guid) == 0)
        return;
    if (store__plain(s->references, s->metadata, s->rule_set))
        memcpy(s->guid, d, GUID_BYTES);
    else
        guid_digest(s->text, s->references, s->metadata, s->rule_set, s->guid);
}

/* Whether GET /subjects lists the subject: it has a live version. */
static int
store__listed(const store_subject_t *sub)
{
    return sub != NULL && store_latest(sub) != NULL;
}

/* After a change to a subject: the subject list changes only when the
 * subject joined or left it. */
static void
store__relist(store_t *st, const store_subject_t *sub, int was_listed)
{
    if (store__listed(sub) != was_listed)
        st->dirty_lists = 1;
}

static void
store__mark_all_versions(store_subject_t *sub)
{
    for (size_t i = 0; i < sub->nversions; i++)
        sub->versions[i].dirty = 1;
}

static void
store__mark_subject(store_t *st, store_subject_t *sub)
{
    st->dirty_versions = 1;
    if (!sub->dirty) {
        sub->dirty = 1;
        store_ptrs_push(&st->dirty_subjects, sub);
    }
}

static void
store__mark_schema(store_t *st, store_schema_t *s)
{
    if (!s->dirty) {
        s->dirty = 1;
        store_ptrs_push(&st->dirty_schemas, s);
    }
}

void
store_mark_all(store_t *st)
{
    hmap_slot_t *slot;
    size_t pos = 0;
    store_schema_t *s;
    while ((s = ptrtab_next(&st->schemas, &pos)) != NULL) {
        s->literal = 0;
        store__mark_schema(st, s);
    }
    pos = 0;
    while ((slot = hmap_next(&st->subjects, &pos)) != NULL) {
        store_subject_t *sub = slot->val;
        store__mark_all_versions(sub);
        store__mark_subject(st, sub);
    }
    st->dirty_lists = 1;
    st->dirty_config = 1;
}

static store_subject_t *
store__subject_get_or_add(store_t *st, const char *name)
{
    store_subject_t *sub = store_subject(st, name);
    if (sub != NULL)
        return sub;
    sub = mem_calloc(1, sizeof(*sub));
    sub->name = mem_strdup(name);
    sub->context = store_subject_context(name);
    hmap_put(&st->subjects, name, strlen(name), sub);
    store_ptrs_push(&st->order->added, sub);
    return sub;
}

static store_schema_t *
store__schema_add(store_t *st, const char *context, const record_schema_t *r)
{
    store_schema_t *s = mem_calloc(1, sizeof(*s));
    s->id = r->id;
    s->context = store__shared_name(context);
    s->schema_type = store__shared_name(r->schema_type ? r->schema_type : "AVRO");
    const char *text = r->schema ? r->schema : "";
    s->text = mem_arena_strndup(&st->arena, text, strlen(text));
    s->text_in_arena = 1;
    store_ptrs_push(&st->arena_schemas, s);
    if (r->references != NULL && json_array_size(r->references) > 0)
        s->references = json_incref(r->references);
    s->metadata = json_incref(r->metadata);
    s->rule_set = json_incref(r->rule_set);
    store__digests(s, r->md5);
    store_schema_t *g = store_schema_by_guid(st, s->guid);
    if (g == NULL || store__guid_better(s, g))
        ptrtab_put(&st->guids, store__guid_hash(s->guid), s->guid, s);

    store_idkey_t ik = {s->context, s->id};
    ptrtab_put(&st->schemas, store__id_hash(s->context, s->id), &ik, s);
    /* The newest id wins, as in Confluent's content-hash index: the same
     * text imported again under another id answers with the new id. */
    store_fpkey_t fk = {s->context, s->fingerprint};
    ptrtab_put(&st->fingerprints, store__fp_hash(s->context, s->fingerprint), &fk, s);

    store_context_t *c = store__context(st, context);
    if (s->id > c->max_id)
        c->max_id = s->id;
    return s;
}

/* The highest other id with the same content in the same context, if any
 * (only IMPORT or another writer makes two ids share content, so the scan
 * is rare). */
static store_schema_t *
store__same_content(const store_t *st, const store_schema_t *gone)
{
    store_schema_t *best = NULL, *s;
    size_t pos = 0;
    while ((s = ptrtab_next(&st->schemas, &pos)) != NULL) {
        if (s != gone && strcmp(s->fingerprint, gone->fingerprint) == 0 &&
            strcmp(s->context, gone->context) == 0 && (best == NULL || s->id > best->id))
            best = s;
    }
    return best;
}

/*
 * Java's String.hashCode over a name's UTF-16 units, spread and masked as
 * a ConcurrentHashMap of 16 bins does: the bin the name iterates in.  (The
 * map grows past 12 entries; more subjects than that sharing one id are
 * ordered as if it had not.)
 */
static unsigned
store__chm_bin(const char *name)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)name;
    while (*p) {
        uint32_t cp = *p++;
        int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        if (more)
            cp &= 0x3Fu >> more;
        for (; more > 0 && (*p & 0xC0) == 0x80; more--)
            cp = cp << 6 | (*p++ & 0x3Fu);
        if (cp >= 0x10000) {
            h = 31 * h + (0xD800 + ((cp - 0x10000) >> 10));
            cp = 0xDC00 + ((cp - 0x10000) & 0x3FF);
        }
        h = 31 * h + cp;
    }
    h = (h ^ (h >> 16)) & 0x7fffffffu;
    return h & 15u;
}

/* `sub` now holds `s` at `version` (its record was applied last): the
 * holder if it comes first in the map, or is the holder already. */
static void
store__holder_add(store_schema_t *s, const store_subject_t *sub, int version)
{
    if (s->holder == NULL || s->holder == sub ||
        store__chm_bin(sub->name) < store__chm_bin(s->holder->name)) {
        s->holder = sub;
        s->holder_version = version;
    }
}

/* `sub`'s `version` no longer holds `s` (already removed from the model):
 * when it was the holder, the first of the other subjects holding `s`.
 * One pass over the versions, and only for a schema that other versions
 * share (a unique schema has no use left). */
static void
store__holder_drop(store_t *st, store_schema_t *s, const store_subject_t *sub, int version)
{
    if (s->holder != sub || s->holder_version != version)
        return;
    s->holder = NULL;
    if (s->uses == 0)
        return;
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&st->subjects, &pos)) != NULL) {
        const store_subject_t *o = slot->val;
        for (size_t i = o == sub ? o->nversions : 0; i < o->nversions; i++) {
            if (o->versions[i].schema == s && (s->holder == NULL || s->holder == o ||
                                               store__chm_bin(o->name) <
                                                   store__chm_bin(s->holder->name))) {
                s->holder = o;
                s->holder_version = o->versions[i].version;
            }
        }
    }
}

const store_version_t *
store_schema_holder(const store_schema_t *s)
{
    return s->holder ? store_version(s->holder, s->holder_version) : NULL;
}

/* Drop one use of a schema; with none left it leaves the indexes. */
static void
store__schema_unuse(store_t *st, store_schema_t *s)
{
    if (--s->uses > 0) {
        store__mark_schema(st, s);
        return;
    }
    store_idkey_t ik = {s->context, s->id};
    ptrtab_del(&st->schemas, store__id_hash(s->context, s->id), &ik);
    store_fpkey_t fk = {s->context, s->fingerprint};
    uint64_t fh = store__fp_hash(s->context, s->fingerprint);
    if (ptrtab_get(&st->fingerprints, fh, &fk) == s) {
        ptrtab_del(&st->fingerprints, fh, &fk);
        store_schema_t *other = store__same_content(st, s);
        if (other != NULL)
            ptrtab_put(&st->fingerprints, fh, &fk, other);
    }
    uint64_t gh = store__guid_hash(s->guid);
    if (ptrtab_get(&st->guids, gh, s->guid) == s) {
        ptrtab_del(&st->guids, gh, s->guid);
        store_schema_t *best = NULL, *o;
        size_t pos = 0;
        while ((o = ptrtab_next(&st->schemas, &pos)) != NULL) {
            if (o != s && memcmp(o->guid, s->guid, GUID_BYTES) == 0 &&
                (best == NULL || store__guid_better(o, best)))
                best = o;
        }
        if (best != NULL)
            ptrtab_put(&st->guids, gh, best->guid, best);
    }
    store_ptrs_push(&st->dead_schemas, s);
}

static store_version_t *
store__version_insert(store_subject_t *sub, int version)
{
    size_t i = sub->nversions;
    while (i > 0 && sub->versions[i - 1].version > version)
        i--;
    if (sub->nversions == sub->capversions) {
        sub->capversions = sub->capversions ? sub->capversions * 2 : 4;
        sub->versions = mem_realloc(sub->versions,
                                    sub->capversions * sizeof(store_version_t));
    }
    memmove(&sub->versions[i + 1], &sub->versions[i],
            (sub->nversions - i) * sizeof(store_version_t));
    sub->nversions++;
    memset(&sub->versions[i], 0, sizeof(store_version_t));
    sub->versions[i].version = version;
    return &sub->versions[i];
}

static void
store__version_remove(store_subject_t *sub, store_version_t *v)
{
    size_t i = (size_t)(v - sub->versions);
    memmove(&sub->versions[i], &sub->versions[i + 1],
            (sub->nversions - i - 1) * sizeof(store_version_t));
    sub->nversions--;
}

static void
store__apply_schema(store_t *st, const record_key_t *k, int64_t ts, const char *val,
                    size_t vlen)
{
    store_subject_t *sub = store_subject(st, k->subject);
    int was_listed = store__listed(sub);
    if (val == NULL) {
        store_version_t *v = sub ? store_version(sub, k->version) : NULL;
        if (v == NULL)
            return;
        store_schema_t *gone = v->schema;
        store__schema_unuse(st, gone);
        store__version_remove(sub, v);
        store__holder_drop(st, gone, sub, k->version);
        st->nversions--;
        store__mark_subject(st, sub);
        store__relist(st, sub, was_listed);
        return;
    }
    record_schema_t r;
    if (record_schema_decode(val, vlen, &r) != 0) {
        log_warn("skipping a SCHEMA record for '%s' whose value does not decode",
                 k->subject);
        return;
    }
    char *ctx = store_subject_context(k->subject);
    store_schema_t *s = store_schema_by_id(st, ctx, r.id);
    if (s != NULL && strcmp(store_schema_text(st, s), r.schema ? r.schema : "") != 0) {
        log_warn("skipping a SCHEMA record binding id %d in context %s to another schema",
                 r.id, ctx);
        goto out;
    }
    if (s == NULL)
        s = store__schema_add(st, ctx, &r);
    sub = store__subject_get_or_add(st, k->subject);
    store_version_t *v = store_version(sub, k->version);
    if (v != NULL && v->schema != s) {
        store_schema_t *old = v->schema;
        store__schema_unuse(st, old);
        v->schema = NULL;
        store__holder_drop(st, old, sub, k->version);
    }
    if (v == NULL) {
        v = store__version_insert(sub, k->version);
        st->nversions++;
    }
    if (v->schema == NULL) {
        v->schema = s;
        s->uses++;
    }
    store__holder_add(s, sub, k->version);
    v->deleted = r.deleted;
    v->ts = ts;
    v->dirty = 1;
    store__mark_schema(st, s);
    store__mark_subject(st, sub);
    store__relist(st, sub, was_listed);
out:
    free(ctx);
    record_schema_free(&r);
}

static void
store__apply_delete_subject(store_t *st, const record_key_t *k, json_t *v)
{
    store_subject_t *sub = store_subject(st, k->subject);
    json_int_t upto = json_integer_value(json_object_get(v, "version"));
    if (sub == NULL)
        return;
    int was_listed = store__listed(sub);
    for (size_t i = 0; i < sub->nversions; i++) {
        store_version_t *ver = &sub->versions[i];
        if (ver->version <= upto && !ver->deleted) {
            ver->deleted = 1;
            ver->dirty = 1;
            store__mark_schema(st, ver->schema);
        }
    }
    store__mark_subject(st, sub);
    store__relist(st, sub, was_listed);
}

/* Drop the soft-deleted versions of one subject from the model. */
static void
store__clear_subject(store_t *st, store_subject_t *sub)
{
    for (size_t i = sub->nversions; i > 0; i--) {
        store_version_t *v = &sub->versions[i - 1];
        if (!v->deleted)
            continue;
        store_schema_t *gone = v->schema;
        int version = v->version;
        store__schema_unuse(st, gone);
        store__version_remove(sub, v);
        store__holder_drop(st, gone, sub, version);
        st->nversions--;
    }
    store__mark_subject(st, sub);
}

static void
store__apply_clear_subject(store_t *st, const record_key_t *k)
{
    /* The subject may name a single subject or a whole context scope
     * (":.ctx:"); clear every subject it is a prefix of in the latter case. */
    size_t plen = strlen(k->subject);
    int scope = plen == 0 || k->subject[plen - 1] == ':';
    hmap_slot_t *s;
    size_t pos = 0;
    while ((s = hmap_next(&st->subjects, &pos)) != NULL) {
        store_subject_t *sub = s->val;
        if (scope ? strncmp(sub->name, k->subject, plen) == 0
                  : strcmp(sub->name, k->subject) == 0)
            store__clear_subject(st, sub);
    }
}

static void
store__apply_config(store_t *st, const record_key_t *k, json_t *v)
{
    json_t **slot = &st->global_config;
    if (k->subject != NULL) {
        store_subject_t *sub = store__subject_get_or_add(st, k->subject);
        slot = &sub->config;
        /* An alias's versions are not served from the table: a config
         * change may change that for every version. */
        store__mark_all_versions(sub);
        store__mark_subject(st, sub);
    }
    json_decref(*slot);
    *slot = v ? json_incref(v) : NULL;
    st->dirty_config = 1;
}

static void
store__apply_mode(store_t *st, const record_key_t *k, json_t *v)
{
    const char *mode = json_string_value(json_object_get(v, "mode"));
    char **slot = &st->global_mode;
    if (k->subject != NULL) {
        store_subject_t *sub = store__subject_get_or_add(st, k->subject);
        slot = &sub->mode;
        store__mark_subject(st, sub);
    }
    free(*slot);
    *slot = mode ? mem_strdup(mode) : NULL;
    st->dirty_config = 1;
}

/* Raise the id floor over a damaged journal range (record.h). */
static void
store__apply_id_floor(store_t *st, const json_t *v)
{
    json_int_t floor = json_integer_value(json_object_get(v, "id"));
    json_int_t bump = json_integer_value(json_object_get(v, "bump"));
    json_int_t top = st->id_floor;
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&st->contexts, &pos)) != NULL) {
        const store_context_t *c = slot->val;
        if (c->max_id > top)
            top = c->max_id;
    }
    if (bump > 0 && top + bump > floor)
        floor = top + bump;
    if (floor > INT_MAX - 1)
        floor = INT_MAX - 1;
    if (floor > st->id_floor)
        st->id_floor = (int)floor;
}

/* A CONTEXT record lists its context; its tombstone (DELETE
 * /contexts/{context}) takes it off the list. */
static void
store__apply_context(store_t *st, const record_key_t *k, const json_t *v)
{
    if (k->context == NULL)
        return;
    if (v != NULL) {
        store__context(st, k->context)->listed = 1;
        return;
    }
    store_context_t *c = hmap_get(&st->contexts, k->context, strlen(k->context));
    if (c != NULL && c->listed) {
        c->listed = 0;
        st->dirty_lists = 1;
    }
}

void
store_apply(store_t *st, int64_t offset, int64_t ts, const char *key, size_t klen,
            const char *val, size_t vlen)
{
    record_key_t k;
    st->offset = offset;
    st->records++;
    if (record_key_decode(key, klen, &k) != 0) {
        log_warn("skipping record at offset %lld: key does not decode", (long long)offset);
        return;
    }
    int needs_subject = k.type == RECORD_SCHEMA || k.type == RECORD_DELETE_SUBJECT ||
                        k.type == RECORD_CLEAR_SUBJECT;
    if (needs_subject && k.subject == NULL) {
        log_warn("skipping %s record at offset %lld without a subject", k.keytype,
                 (long long)offset);
        record_key_free(&k);
        return;
    }
    if (k.type == RECORD_SCHEMA) {
        store__apply_schema(st, &k, ts, val, vlen);
        record_key_free(&k);
        return;
    }
    json_t *v = val ? record_value_decode(val, vlen) : NULL;
    if (val != NULL && v == NULL) {
        /* A value that does not decode is skipped, not taken as a delete. */
        log_warn("skipping %s record at offset %lld: value does not decode",
                 k.keytype ? k.keytype : "?", (long long)offset);
        record_key_free(&k);
        return;
    }
    switch (k.type) {
    case RECORD_CONFIG:
        store__apply_config(st, &k, v);
        break;
    case RECORD_MODE:
        store__apply_mode(st, &k, v);
        break;
    case RECORD_DELETE_SUBJECT:
        if (v != NULL)
            store__apply_delete_subject(st, &k, v);
        break;
    case RECORD_CLEAR_SUBJECT:
        if (v != NULL)
            store__apply_clear_subject(st, &k);
        break;
    case RECORD_CONTEXT:
        store__apply_context(st, &k, v);
        break;
    case RECORD_NOOP:
        break;
    default:
        if (k.keytype != NULL && strcmp(k.keytype, RECORD_KEYTYPE_ID_FLOOR) == 0) {
            store__apply_id_floor(st, v);
            break;
        }
        if (k.keytype != NULL && strcmp(k.keytype, "ASSOC") == 0) {
            /* Confluent 8's associations: kept by key, the tombstone drops one. */
            json_t *old = v != NULL ? hmap_put(&st->assocs, key, klen, json_incref(v))
                                    : hmap_del(&st->assocs, key, klen);
            json_decref(old);
            break;
        }
        log_info("skipping record of unknown key type '%s' at offset %lld",
                 k.keytype ? k.keytype : "?", (long long)offset);
        break;
    }
    json_decref(v);
    record_key_free(&k);
}

char *
store_ref_subject(const char *context, const char *ref_subject)
{
    int qualified = strncmp(ref_subject, ":.", 2) == 0 || strncmp(ref_subject, ":*:", 3) == 0;
    if (qualified || context == NULL || strcmp(context, ".") == 0)
        return mem_strdup(ref_subject);
    return mem_printf(":%s:%s", context, ref_subject);
}

/* The version a stored reference names: soft-deleted ones count, as
 * Confluent resolves references with returnDeletedSchema. */
static store_version_t *
store__ref_version(const store_t *st, const char *context, const json_t *ref)
{
    const char *rs = json_string_value(json_object_get(ref, "subject"));
    int rv = (int)json_integer_value(json_object_get(ref, "version"));
    if (rs == NULL)
        return NULL;
    char *name = store_ref_subject(context, rs);
    store_subject_t *sub = store_subject(st, name);
    free(name);
    return sub ? store_version(sub, rv) : NULL;
}

void
store_fenced(store_t *st, int64_t offset, const char *key, size_t klen,
             const char *val, size_t vlen)
{
    record_key_t k;
    st->offset = offset;
    st->records++;
    if (val == NULL || record_key_decode(key, klen, &k) != 0)
        return;
    int schema = k.type == RECORD_SCHEMA;
    record_key_free(&k);
    json_t *v = schema ? record_value_decode(val, vlen) : NULL;
    json_int_t id = json_integer_value(json_object_get(v, "id"));
    if (id > st->id_floor && id < INT_MAX)
        st->id_floor = (int)id;
    json_decref(v);
    log_info("skipping the record at offset %lld: its writer was fenced by a later claim",
             (long long)offset);
}

int
store_schema_deps(const store_t *st, const store_schema_t *s, const char *name,
                  hmap_t *seen, schema_ref_t **refs, size_t *n, int depth)
{
    const char *text = store_schema_text(st, s);
    size_t tlen = strlen(text);
    if (hmap_get(seen, text, tlen) != NULL)
        return 0;
    if (depth > 32)
        return -1;
    size_t i;
    json_t *ref;
    json_array_foreach(s->references, i, ref) {
        store_version_t *v = store__ref_version(st, s->context, ref);
        const char *rname = json_string_value(json_object_get(ref, "name"));
        if (v != NULL && store_schema_deps(st, v->schema, rname ? rname : "", seen, refs, n,
                                           depth + 1) != 0)
            return -1;
    }
    /* The text again: walking the references may have emptied the cache
     * store_schema_text() unescapes parked texts into. */
    char *own = mem_strdup(store_schema_text(st, s));
    hmap_put(seen, own, tlen, seen);
    *refs = mem_realloc(*refs, (*n + 1) * sizeof(**refs));
    (*refs)[*n].name = mem_strdup(name);
    (*refs)[(*n)++].text = own;
    return 0;
}

static int
store__check_schema(const store_t *st, const record_key_t *k, const char *val,
                    size_t vlen, const char **why)
{
    record_schema_t r;
    if (record_schema_decode(val, vlen, &r) != 0) {
        *why = "a SCHEMA value that does not decode";
        return -1;
    }
    int rc = 0;
    if (r.subject == NULL || strcmp(r.subject, k->subject) != 0 || r.version != k->version) {
        *why = "a SCHEMA value for another subject or version than its key";
        rc = -1;
    }
    char *ctx = store_subject_context(k->subject);
    const store_schema_t *s = store_schema_by_id(st, ctx, r.id);
    if (rc == 0 && s != NULL &&
        strcmp(store_schema_text((store_t *)st, s), r.schema ? r.schema : "") != 0) {
        *why = "a SCHEMA value binding a known id to another schema";
        rc = -1;
    }
    free(ctx);
    record_schema_free(&r);
    return rc;
}

int
store_check_record(const store_t *st, const char *key, size_t klen,
                   const char *val, size_t vlen, const char **why)
{
    record_key_t k;
    *why = "a key that does not decode";
    if (key == NULL || record_key_decode(key, klen, &k) != 0)
        return -1;
    int rc = 0;
    int needs_subject = k.type == RECORD_SCHEMA || k.type == RECORD_DELETE_SUBJECT ||
                        k.type == RECORD_CLEAR_SUBJECT;
    if (k.type == RECORD_UNKNOWN) {
        *why = "a key of unknown type";
        rc = -1;
    } else if (needs_subject && k.subject == NULL) {
        *why = "a key without its subject";
        rc = -1;
    } else if (k.type == RECORD_SCHEMA && val != NULL) {
        rc = store__check_schema(st, &k, val, vlen, why);
    } else if (val != NULL) {
        json_t *v = record_value_decode(val, vlen);
        if (v == NULL) {
            *why = "a value that does not decode";
            rc = -1;
        }
        json_decref(v);
    }
    record_key_free(&k);
    return rc;
}

static int
store__cmp_subject(const void *a, const void *b)
{
    const store_subject_t *x = *(store_subject_t *const *)a;
    const store_subject_t *y = *(store_subject_t *const *)b;
    return strcmp(x->name, y->name);
}

/* Sort the subjects added since the last call and merge them in: O(new log
 * new + all) rather than a sort of all at every list render. */
static void
store__order_merge(struct store_order *o)
{
    store_ptrs_t *a = &o->added, *s = &o->sorted;
    if (a->n == 0)
        return;
    qsort(a->p, a->n, sizeof(void *), store__cmp_subject);
    void **m = mem_alloc((s->n + a->n) * sizeof(void *));
    size_t i = 0, j = 0, k = 0;
    while (i < s->n && j < a->n)
        m[k++] = store__cmp_subject(&s->p[i], &a->p[j]) <= 0 ? s->p[i++] : a->p[j++];
    while (i < s->n)
        m[k++] = s->p[i++];
    while (j < a->n)
        m[k++] = a->p[j++];
    free(s->p);
    s->p = m;
    s->n = s->cap = k;
    a->n = 0;
}

store_subject_t **
store_sorted_subjects(const store_t *st, size_t *n)
{
    store__order_merge(st->order);
    const store_ptrs_t *s = &st->order->sorted;
    store_subject_t **v = mem_alloc((s->n + 1) * sizeof(*v));
    if (s->n > 0)
        memcpy(v, s->p, s->n * sizeof(*v));
    *n = s->n;
    return v;
}
