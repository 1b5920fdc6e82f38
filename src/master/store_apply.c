/*
 * store_apply.c - applies journal records to the master's model, as
 * Confluent's KafkaStoreMessageHandler does, and marks what changed for
 * publishing.
 */
#include "store_apply.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "record.h"
#include "store_index.h"

/* Which of two schemas with one GUID answers for it: Confluent looks in
 * the default context first, then the others; the newest id wins. */
static int
store_apply__guid_better(const store_schema_t *a, const store_schema_t *b)
{
    int adef = strcmp(a->context, ".") == 0, bdef = strcmp(b->context, ".") == 0;
    if (adef != bdef)
        return adef;
    return a->id > b->id;
}

static store_context_t *
store_apply__context_get(store_t *st, const char *name)
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

/* Whether GET /subjects lists the subject: it has a live version. */
static int
store_apply__listed(const store_subject_t *sub)
{
    return sub != NULL && store_latest(sub) != NULL;
}

/* After a change to a subject: the subject list changes only when the
 * subject joined or left it. */
static void
store_apply__relist(store_t *st, const store_subject_t *sub, int was_listed)
{
    if (store_apply__listed(sub) != was_listed)
        st->dirty_lists = 1;
}

static void
store_apply__mark_all_versions(store_subject_t *sub)
{
    for (size_t i = 0; i < sub->nversions; i++)
        sub->versions[i].dirty = 1;
}

static void
store_apply__mark_subject(store_t *st, store_subject_t *sub)
{
    st->dirty_versions = 1;
    if (!sub->dirty) {
        sub->dirty = 1;
        store_ptrs_push(&st->dirty_subjects, sub);
    }
}

static void
store_apply__mark_schema(store_t *st, store_schema_t *s)
{
    if (!s->dirty) {
        s->dirty = 1;
        store_ptrs_push(&st->dirty_schemas, s);
    }
}

void
store_apply_mark_all(store_t *st)
{
    hmap_slot_t *slot;
    size_t pos = 0;
    store_schema_t *s;
    while ((s = ptrtab_next(&st->schemas, &pos)) != NULL) {
        s->literal = 0;
        store_apply__mark_schema(st, s);
    }
    pos = 0;
    while ((slot = hmap_next(&st->subjects, &pos)) != NULL) {
        store_subject_t *sub = slot->val;
        store_apply__mark_all_versions(sub);
        store_apply__mark_subject(st, sub);
    }
    st->dirty_lists = 1;
    st->dirty_config = 1;
}

static store_schema_t *
store_apply__schema_add(store_t *st, const char *context, const record_schema_t *r)
{
    store_schema_t *s = mem_calloc(1, sizeof(*s));
    s->id = r->id;
    s->context = store_shared_name(context);
    s->schema_type = store_shared_name(r->schema_type ? r->schema_type : "AVRO");
    const char *text = r->schema ? r->schema : "";
    s->text = mem_arena_strndup(&st->arena, text, strlen(text));
    s->text_in_arena = 1;
    store_ptrs_push(&st->arena_schemas, s);
    if (r->references != NULL && json_array_size(r->references) > 0)
        s->references = json_incref(r->references);
    s->metadata = json_incref(r->metadata);
    s->rule_set = json_incref(r->rule_set);
    store_schema_digests(s, r->md5);
    store_schema_t *g = store_schema_by_guid(st, s->guid);
    if (g == NULL || store_apply__guid_better(s, g))
        ptrtab_put(&st->guids, store_index_guid_hash(s->guid), s->guid, s);

    store_index_idkey_t ik = {s->context, s->id};
    ptrtab_put(&st->schemas, store_index_id_hash(s->context, s->id), &ik, s);
    /* The newest id wins, as in Confluent's content-hash index: the same
     * text imported again under another id answers with the new id. */
    store_index_fpkey_t fk = {s->context, s->fingerprint};
    ptrtab_put(&st->fingerprints, store_index_fp_hash(s->context, s->fingerprint), &fk, s);

    store_context_t *c = store_apply__context_get(st, context);
    if (s->id > c->max_id)
        c->max_id = s->id;
    return s;
}

/* The highest other id with the same content in the same context, if any
 * (only IMPORT or another writer makes two ids share content, so the scan
 * is rare). */
static store_schema_t *
store_apply__same_content(const store_t *st, const store_schema_t *gone)
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
store_apply__chm_bin(const char *name)
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
store_apply__holder_add(store_schema_t *s, const store_subject_t *sub, int version)
{
    if (s->holder == NULL || s->holder == sub ||
        store_apply__chm_bin(sub->name) < store_apply__chm_bin(s->holder->name)) {
        s->holder = sub;
        s->holder_version = version;
    }
}

/* `sub`'s `version` no longer holds `s` (already removed from the model):
 * when it was the holder, the first of the other subjects holding `s`.
 * One pass over the versions, and only for a schema that other versions
 * share (a unique schema has no use left). */
static void
store_apply__holder_drop(store_t *st, store_schema_t *s, const store_subject_t *sub, int version)
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
                                               store_apply__chm_bin(o->name) <
                                                   store_apply__chm_bin(s->holder->name))) {
                s->holder = o;
                s->holder_version = o->versions[i].version;
            }
        }
    }
}

/* Drop one use of a schema; with none left it leaves the indexes. */
static void
store_apply__schema_unuse(store_t *st, store_schema_t *s)
{
    if (--s->uses > 0) {
        store_apply__mark_schema(st, s);
        return;
    }
    store_index_idkey_t ik = {s->context, s->id};
    ptrtab_del(&st->schemas, store_index_id_hash(s->context, s->id), &ik);
    store_index_fpkey_t fk = {s->context, s->fingerprint};
    uint64_t fh = store_index_fp_hash(s->context, s->fingerprint);
    if (ptrtab_get(&st->fingerprints, fh, &fk) == s) {
        ptrtab_del(&st->fingerprints, fh, &fk);
        store_schema_t *other = store_apply__same_content(st, s);
        if (other != NULL)
            ptrtab_put(&st->fingerprints, fh, &fk, other);
    }
    uint64_t gh = store_index_guid_hash(s->guid);
    if (ptrtab_get(&st->guids, gh, s->guid) == s) {
        ptrtab_del(&st->guids, gh, s->guid);
        store_schema_t *best = NULL, *o;
        size_t pos = 0;
        while ((o = ptrtab_next(&st->schemas, &pos)) != NULL) {
            if (o != s && memcmp(o->guid, s->guid, GUID_BYTES) == 0 &&
                (best == NULL || store_apply__guid_better(o, best)))
                best = o;
        }
        if (best != NULL)
            ptrtab_put(&st->guids, gh, best->guid, best);
    }
    store_ptrs_push(&st->dead_schemas, s);
}

static store_version_t *
store_apply__version_insert(store_subject_t *sub, int version)
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
store_apply__version_remove(store_subject_t *sub, store_version_t *v)
{
    size_t i = (size_t)(v - sub->versions);
    memmove(&sub->versions[i], &sub->versions[i + 1],
            (sub->nversions - i - 1) * sizeof(store_version_t));
    sub->nversions--;
}

static void
store_apply__schema(store_t *st, const record_key_t *k, int64_t ts, const char *val,
                    size_t vlen)
{
    store_subject_t *sub = store_subject(st, k->subject);
    int was_listed = store_apply__listed(sub);
    if (val == NULL) {
        store_version_t *v = sub ? store_version(sub, k->version) : NULL;
        if (v == NULL)
            return;
        store_schema_t *gone = v->schema;
        store_apply__schema_unuse(st, gone);
        store_apply__version_remove(sub, v);
        store_apply__holder_drop(st, gone, sub, k->version);
        st->nversions--;
        store_apply__mark_subject(st, sub);
        store_apply__relist(st, sub, was_listed);
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
        s = store_apply__schema_add(st, ctx, &r);
    sub = store_subject_add(st, k->subject);
    store_version_t *v = store_version(sub, k->version);
    if (v != NULL && v->schema != s) {
        store_schema_t *old = v->schema;
        store_apply__schema_unuse(st, old);
        v->schema = NULL;
        store_apply__holder_drop(st, old, sub, k->version);
    }
    if (v == NULL) {
        v = store_apply__version_insert(sub, k->version);
        st->nversions++;
    }
    if (v->schema == NULL) {
        v->schema = s;
        s->uses++;
    }
    store_apply__holder_add(s, sub, k->version);
    v->deleted = r.deleted;
    v->ts = ts;
    v->dirty = 1;
    store_apply__mark_schema(st, s);
    store_apply__mark_subject(st, sub);
    store_apply__relist(st, sub, was_listed);
out:
    free(ctx);
    record_schema_free(&r);
}

static void
store_apply__delete_subject(store_t *st, const record_key_t *k, json_t *v)
{
    store_subject_t *sub = store_subject(st, k->subject);
    json_int_t upto = json_integer_value(json_object_get(v, "version"));
    if (sub == NULL)
        return;
    int was_listed = store_apply__listed(sub);
    for (size_t i = 0; i < sub->nversions; i++) {
        store_version_t *ver = &sub->versions[i];
        if (ver->version <= upto && !ver->deleted) {
            ver->deleted = 1;
            ver->dirty = 1;
            store_apply__mark_schema(st, ver->schema);
        }
    }
    store_apply__mark_subject(st, sub);
    store_apply__relist(st, sub, was_listed);
}

/* Drop the soft-deleted versions of one subject from the model. */
static void
store_apply__subject_clear(store_t *st, store_subject_t *sub)
{
    for (size_t i = sub->nversions; i > 0; i--) {
        store_version_t *v = &sub->versions[i - 1];
        if (!v->deleted)
            continue;
        store_schema_t *gone = v->schema;
        int version = v->version;
        store_apply__schema_unuse(st, gone);
        store_apply__version_remove(sub, v);
        store_apply__holder_drop(st, gone, sub, version);
        st->nversions--;
    }
    store_apply__mark_subject(st, sub);
}

static void
store_apply__clear_subject(store_t *st, const record_key_t *k)
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
            store_apply__subject_clear(st, sub);
    }
}

static void
store_apply__config(store_t *st, const record_key_t *k, json_t *v)
{
    json_t **slot = &st->global_config;
    if (k->subject != NULL) {
        store_subject_t *sub = store_subject_add(st, k->subject);
        slot = &sub->config;
        /* An alias's versions are not served from the table: a config
         * change may change that for every version. */
        store_apply__mark_all_versions(sub);
        store_apply__mark_subject(st, sub);
    }
    json_decref(*slot);
    *slot = v ? json_incref(v) : NULL;
    st->dirty_config = 1;
}

static void
store_apply__mode(store_t *st, const record_key_t *k, json_t *v)
{
    const char *mode = json_string_value(json_object_get(v, "mode"));
    char **slot = &st->global_mode;
    if (k->subject != NULL) {
        store_subject_t *sub = store_subject_add(st, k->subject);
        slot = &sub->mode;
        store_apply__mark_subject(st, sub);
    }
    free(*slot);
    *slot = mode ? mem_strdup(mode) : NULL;
    st->dirty_config = 1;
}

/* Raise the id floor over a damaged journal range (record.h). */
static void
store_apply__id_floor(store_t *st, const json_t *v)
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
store_apply__context(store_t *st, const record_key_t *k, const json_t *v)
{
    if (k->context == NULL)
        return;
    if (v != NULL) {
        store_apply__context_get(st, k->context)->listed = 1;
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
        store_apply__schema(st, &k, ts, val, vlen);
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
        store_apply__config(st, &k, v);
        break;
    case RECORD_MODE:
        store_apply__mode(st, &k, v);
        break;
    case RECORD_DELETE_SUBJECT:
        if (v != NULL)
            store_apply__delete_subject(st, &k, v);
        break;
    case RECORD_CLEAR_SUBJECT:
        if (v != NULL)
            store_apply__clear_subject(st, &k);
        break;
    case RECORD_CONTEXT:
        store_apply__context(st, &k, v);
        break;
    case RECORD_NOOP:
        break;
    default:
        if (k.keytype != NULL && strcmp(k.keytype, RECORD_KEYTYPE_ID_FLOOR) == 0) {
            store_apply__id_floor(st, v);
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
