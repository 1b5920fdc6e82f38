/*
 * store.c - the master's model: its life, lookups, schema texts and
 * fingerprints, and the checks and orders the API asks of it.  Journal
 * records are applied to it by store_apply.c, keyed by store_index.c.
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
#include "store_index.h"
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


void
store_init(store_t *st)
{
    memset(st, 0, sizeof(*st));
    store_index_init(st);
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
const char *
store_shared_name(const char *name)
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
    store_index_idkey_t k = {context, id};
    return ptrtab_get(&st->schemas, store_index_id_hash(context, id), &k);
}

store_schema_t *
store_schema_by_guid(const store_t *st, const unsigned char guid[GUID_BYTES])
{
    return ptrtab_get(&st->guids, store_index_guid_hash(guid), guid);
}

store_schema_t *
store_schema_by_fingerprint(const store_t *st, const char *context,
                            const char *fingerprint)
{
    store_index_fpkey_t k = {context, fingerprint};
    return ptrtab_get(&st->fingerprints, store_index_fp_hash(context, fingerprint), &k);
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
void
store_schema_digests(store_schema_t *s, const char *md5)
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

store_subject_t *
store_subject_add(store_t *st, const char *name)
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

const store_version_t *
store_schema_holder(const store_schema_t *s)
{
    return s->holder ? store_version(s->holder, s->holder_version) : NULL;
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
