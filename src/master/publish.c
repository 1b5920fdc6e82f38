/*
 * publish.c - keeps the shared table equal to what the API would answer for
 * the hot routes.  Called after a batch of records is applied, so that a
 * replay renders each subject once, not once per record.
 */
#include "publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "mem.h"
#include "render.h"
#include "store_apply.h"

size_t
publish_key(char *out, char kind, const char *a, const char *b)
{
    size_t alen = a ? strlen(a) : 0, blen = b ? strlen(b) : 0;
    if (2 + alen + blen + 1 > PUBLISH_KEY_MAX)
        return 0;
    size_t n = 0;
    out[n++] = kind;
    if (a != NULL) {
        memcpy(out + n, a, alen);
        n += alen;
    }
    if (b != NULL) {
        out[n++] = 0x1f;
        memcpy(out + n, b, blen);
        n += blen;
    }
    return n;
}

size_t
publish_guid_key(char *out, const unsigned char guid[16])
{
    out[0] = 'U';
    memcpy(out + 1, guid, 16);
    return 17;
}

/* The three parts of a split body around the interned schema literal. */
static void
publish__split_parts(table_part_t parts[3], const render_split_t *r, uint64_t blob)
{
    parts[0] = (table_part_t){.data = r->head.data, .len = r->head.len};
    parts[1] = (table_part_t){.blob = blob};
    parts[2] = (table_part_t){.data = r->tail.data, .len = r->tail.len};
}

static int
publish__split(table_t *t, const char *key, size_t klen, const render_split_t *r,
               uint64_t blob)
{
    table_part_t parts[3];
    publish__split_parts(parts, r, blob);
    return table_put(t, key, klen, parts, 3);
}

/* Put `key` with the value of `src` (just put), sharing its bytes. */
static int
publish__same(table_t *t, const char *key, size_t klen, const char *src, size_t slen)
{
    table_part_t parts[3];
    int n = table_parts(t, src, slen, parts, 3);
    return n < 0 ? -1 : table_put(t, key, klen, parts, (size_t)n);
}

/* Park `s` at the bytes of its blob `handle`: the master's text lives on
 * in the table only. */
static void
publish__park(table_t *t, store_schema_t *s, uint64_t handle)
{
    size_t len;
    const char *lit = table_blob_bytes(t, handle, &len);
    if (lit != NULL)
        store_schema_park(s, lit, len);
}

/* The schema as an interned JSON string literal (its handle cached on the
 * schema: interning hashes every byte).  Outside a rebuild the schema is
 * parked there at once; a rebuild's new half may yet be dropped, so its
 * schemas move over in publish__rebuild_done(). */
static uint64_t
publish__literal(table_t *t, store_schema_t *s)
{
    if (s->literal != 0)
        return s->literal;
    if (s->lit != NULL) {
        s->literal = table_intern(t, s->lit, s->litlen);
    } else {
        buf_t b = {0};
        render_schema_literal(&b, s);
        s->literal = table_intern(t, b.data, b.len);
        buf_free(&b);
    }
    if (s->literal != 0 && !table_rebuilding(t))
        publish__park(t, s, s->literal);
    return s->literal;
}

/* I ctx id of a schema into key; its length, 0 when it does not fit. */
static size_t
publish__id_key(char *key, const store_schema_t *s)
{
    char id[16];
    snprintf(id, sizeof(id), "%d", s->id);
    return publish_key(key, 'I', s->context, id);
}

/* U guid: the answer for the schema the store now chooses for s's GUID
 * (another schema with the same content, once s is gone).  It is that
 * schema's I answer: its bytes are shared when the I key is in place. */
static int
publish__guid(table_t *t, const store_t *st, const store_schema_t *s, int dialect)
{
    char key[PUBLISH_KEY_MAX], ikey[PUBLISH_KEY_MAX];
    if (dialect < 8)
        return 0;
    size_t klen = publish_guid_key(key, s->guid);
    store_schema_t *g = store_schema_by_guid(st, s->guid);
    if (g == NULL || g->uses == 0)
        return table_del(t, key, klen);
    size_t ilen = publish__id_key(ikey, g);
    if (ilen != 0 && publish__same(t, key, klen, ikey, ilen) == 0)
        return 0;
    uint64_t lit = publish__literal(t, g);
    if (lit == 0)
        return -1;
    render_split_t r = {0};
    render_schema_string(&r, g, -1, dialect);
    int rc = publish__split(t, key, klen, &r, lit);
    render_split_free(&r);
    return rc;
}

static int
publish__schema(table_t *t, const store_t *st, store_schema_t *s, int dialect)
{
    char key[PUBLISH_KEY_MAX];
    size_t klen = publish__id_key(key, s);
    if (klen == 0)
        return 0;
    if (s->uses == 0) {
        int rc = table_del(t, key, klen);
        return rc | publish__guid(t, st, s, dialect);
    }
    uint64_t lit = publish__literal(t, s);
    if (lit == 0)
        return -1;
    /* The raw text (GET /schemas/ids/{id}/schema) is the literal part
     * unescaped by the worker: no key of its own. */
    render_split_t r = {0};
    render_schema_string(&r, s, -1, dialect);
    int rc = publish__split(t, key, klen, &r, lit);
    render_split_free(&r);
    return rc | publish__guid(t, st, s, dialect);
}

/* P subject fp: the lookup's parts (the version's head, shared: the lookup
 * answers as the version does but for 8.x's ts and deleted), then the
 * re-registration's answer. */
static int
publish__fingerprint(table_t *t, const char *vkey, size_t vklen, const store_version_t *v,
                     uint64_t lit, const char *key, size_t klen, int dialect)
{
    table_part_t parts[PUBLISH_LOOKUP_PARTS + 3];
    if (table_parts(t, vkey, vklen, parts, PUBLISH_LOOKUP_PARTS) != PUBLISH_LOOKUP_PARTS)
        return -1;
    parts[2] = (table_part_t){.data = "}", .len = 1};
    if (dialect < 8) {
        char idbody[32];
        int n = snprintf(idbody, sizeof(idbody), "{\"id\":%d}", v->schema->id);
        parts[PUBLISH_LOOKUP_PARTS] = (table_part_t){.data = idbody, .len = (size_t)n};
        return table_put(t, key, klen, parts, PUBLISH_LOOKUP_PARTS + 1);
    }
    /* 8.x answers a registration with the whole schema. */
    render_split_t q = {0};
    render_registered(&q, v->version, v->schema, dialect);
    publish__split_parts(parts + PUBLISH_LOOKUP_PARTS, &q, lit);
    int rc = table_put(t, key, klen, parts, PUBLISH_LOOKUP_PARTS + 3);
    render_split_free(&q);
    return rc;
}

static int
publish__version(table_t *t, const store_subject_t *sub, const store_version_t *v,
                 int latest, int dialect)
{
    char key[PUBLISH_KEY_MAX], vkey[PUBLISH_KEY_MAX], ver[16];
    snprintf(ver, sizeof(ver), "%d", v->version);
    uint64_t lit = publish__literal(t, v->schema);
    if (lit == 0)
        return -1;
    size_t vklen = publish_key(vkey, 'V', sub->name, ver);
    if (vklen == 0)
        return 0;
    render_split_t r = {0};
    render_subject_version(&r, sub->name, v, RENDER_STORED, dialect);
    int rc = publish__split(t, vkey, vklen, &r, lit);
    render_split_free(&r);
    if (rc != 0)
        return rc;
    /* The latest version and the lookup answer with the version's bytes. */
    size_t klen;
    if (latest && (klen = publish_key(key, 'L', sub->name, NULL)) != 0)
        rc |= publish__same(t, key, klen, vkey, vklen);
    if ((klen = publish_key(key, 'P', sub->name, v->schema->fingerprint)) != 0)
        rc |= publish__fingerprint(t, vkey, vklen, v, lit, key, klen, dialect);
    return rc;
}

/* Remove what an earlier publish may have left for a version no longer live. */
static void
publish__unversion(table_t *t, const store_subject_t *sub, int version,
                   const store_schema_t *s)
{
    char key[PUBLISH_KEY_MAX], ver[16];
    snprintf(ver, sizeof(ver), "%d", version);
    size_t klen = publish_key(key, 'V', sub->name, ver);
    if (klen != 0)
        table_del(t, key, klen);
    if (s == NULL)
        return;
    if ((klen = publish_key(key, 'P', sub->name, s->fingerprint)) != 0)
        table_del(t, key, klen);
}

/* Whether registrations in this subject must see the master. */
static int
publish__needs_master(const json_t *config)
{
    static const char *const keys[] = {
        "alias", "normalize", "defaultMetadata", "overrideMetadata",
        "defaultRuleSet", "overrideRuleSet", "compatibilityGroup",
    };
    if (config == NULL)
        return 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *v = json_object_get(config, keys[i]);
        if (v != NULL && !json_is_null(v) && !json_is_false(v))
            return 1;
    }
    return 0;
}

/* Kind 'C' or 'M' for a subject (or the global scope with NULL): the
 * rendered body, or no key when nothing is set there. */
static int
publish__setting(table_t *t, char kind, const char *subject, const buf_t *body)
{
    char key[PUBLISH_KEY_MAX];
    size_t klen = publish_key(key, kind, subject, NULL);
    if (klen == 0)
        return 0;
    if (body == NULL)
        return table_del(t, key, klen);
    return table_put_bytes(t, key, klen, body->data, body->len);
}

static int
publish__settings(table_t *t, const char *subject, const json_t *config, const char *mode,
                  const char *default_level)
{
    buf_t c = {0}, m = {0};
    if (config != NULL)
        render_config(&c, config, default_level);
    if (mode != NULL)
        render_mode(&m, mode);
    int rc = publish__setting(t, 'C', subject, config ? &c : NULL);
    rc |= publish__setting(t, 'M', subject, mode ? &m : NULL);
    buf_free(&c);
    buf_free(&m);
    return rc;
}

static int
publish__subject(table_t *t, store_subject_t *sub, const char *default_level, int dialect)
{
    char key[PUBLISH_KEY_MAX];
    size_t klen;
    /* An alias answers for its target: its own versions, if any, are
     * never served from the table. */
    int servable = json_object_get(sub->config, "alias") == NULL;
    store_version_t *latest = servable ? store_latest(sub) : NULL;
    int rc = 0;
    for (size_t i = 0; i < sub->nversions; i++) {
        store_version_t *v = &sub->versions[i];
        if (!v->dirty && v != latest)
            continue;
        v->dirty = 0;
        if (v->deleted || !servable)
            publish__unversion(t, sub, v->version, v->schema);
        else
            rc |= publish__version(t, sub, v, v == latest, dialect);
    }
    if ((klen = publish_key(key, 'L', sub->name, NULL)) != 0 && latest == NULL)
        table_del(t, key, klen);
    buf_t b = {0};
    render_versions(&b, sub, 0, 0);
    if ((klen = publish_key(key, 'S', sub->name, NULL)) != 0) {
        if (latest != NULL)
            rc |= table_put_bytes(t, key, klen, b.data, b.len);
        else
            table_del(t, key, klen);
    }
    buf_free(&b);
    rc |= publish__settings(t, sub->name, sub->config, sub->mode, default_level);
    if ((klen = publish_key(key, 'E', sub->name, NULL)) != 0) {
        if (publish__needs_master(sub->config) || sub->mode != NULL)
            rc |= table_put_bytes(t, key, klen, "1", 1);
        else
            table_del(t, key, klen);
    }
    return rc;
}

static int publish__schema_list(store_subject_t **subs, size_t n, table_t *t, int dialect);

/* GET /subjects, and GET /schemas too when `schemas`. */
static int
publish__subject_list(store_t *st, table_t *t, int schemas, int dialect)
{
    size_t n;
    store_subject_t **subs = store_sorted_subjects(st, &n);
    buf_t b = {0};
    int first = 1;
    buf_puts(&b, "[");
    for (size_t i = 0; i < n; i++) {
        if (store_subject_all_deleted(subs[i]))
            continue;
        if (!first)
            buf_puts(&b, ",");
        buf_json_string(&b, subs[i]->name, strlen(subs[i]->name));
        first = 0;
    }
    buf_puts(&b, "]");
    int rc = table_put_bytes(t, "A", 1, b.data, b.len);
    buf_free(&b);
    if (schemas)
        rc |= publish__schema_list(subs, n, t, dialect);
    free(subs);
    return rc;
}

/* A list value being built: inline bytes and blobs, alternating. */
typedef struct publish_list {
    buf_t text;         /* every inline part, back to back */
    size_t *off;        /* inline part i starts at text.data + off[i] */
    size_t *len;
    uint64_t *blob;     /* blob after inline part i (0 after the last) */
    size_t n, cap;
} publish_list_t;

static void
publish__list_add(publish_list_t *l, size_t start, uint64_t blob)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->off = mem_realloc(l->off, l->cap * sizeof(size_t));
        l->len = mem_realloc(l->len, l->cap * sizeof(size_t));
        l->blob = mem_realloc(l->blob, l->cap * sizeof(uint64_t));
    }
    l->off[l->n] = start;
    l->len[l->n] = l->text.len - start;
    l->blob[l->n++] = blob;
}

static void
publish__list_free(publish_list_t *l)
{
    buf_free(&l->text);
    free(l->off);
    free(l->len);
    free(l->blob);
}

static int
publish__list_put(publish_list_t *l, table_t *t, const char *key)
{
    table_part_t *parts = mem_alloc(2 * l->n * sizeof(table_part_t));
    size_t np = 0;
    for (size_t i = 0; i < l->n; i++) {
        parts[np++] = (table_part_t){.data = l->text.data + l->off[i], .len = l->len[i]};
        if (l->blob[i] != 0)
            parts[np++] = (table_part_t){.blob = l->blob[i]};
    }
    int rc = table_put(t, key, strlen(key), parts, np);
    free(parts);
    publish__list_free(l);
    return rc;
}

/* GET /schemas with no filter: every live version, by subject then
 * version, each schema text a shared blob. */
static int
publish__schema_list(store_subject_t **subs, size_t n, table_t *t, int dialect)
{
    publish_list_t l = {0};
    size_t start = 0;
    buf_puts(&l.text, "[");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < subs[i]->nversions; j++) {
            store_version_t *v = &subs[i]->versions[j];
            if (v->deleted)
                continue;
            uint64_t lit = publish__literal(t, v->schema);
            if (lit == 0) {
                publish__list_free(&l);
                return -1;
            }
            render_split_t sp = {0};
            render_subject_version(&sp, subs[i]->name, v, RENDER_STORED, dialect);
            if (l.n > 0)
                buf_puts(&l.text, ",");
            buf_append(&l.text, sp.head.data, sp.head.len);
            publish__list_add(&l, start, lit);
            start = l.text.len;
            buf_append(&l.text, sp.tail.data, sp.tail.len);
            render_split_free(&sp);
        }
    }
    buf_puts(&l.text, "]");
    publish__list_add(&l, start, 0);
    return publish__list_put(&l, t, "G");
}

/* Versions cleared since the last publish leave stale V/P/Q keys behind;
 * a subject's dirty pass only sees the versions it still has, so the
 * removed ones are found by probing the table for versions past the end. */
static void
publish__stale_versions(table_t *t, const store_subject_t *sub)
{
    char key[PUBLISH_KEY_MAX], ver[16];
    int hi = sub->nversions ? sub->versions[sub->nversions - 1].version : 0;
    for (int v = 1; v <= hi + 1; v++) {
        if (store_version(sub, v) != NULL)
            continue;
        snprintf(ver, sizeof(ver), "%d", v);
        size_t klen = publish_key(key, 'V', sub->name, ver);
        if (klen != 0)
            table_del(t, key, klen);    /* writes nothing when there is none */
    }
}

/*
 * The two lists, O(subjects) and O(versions) to render: for a small
 * registry at every change.  For a large one the subject list at most once
 * a second, its key removed meanwhile so that the workers ask the master,
 * and the schema list never: an admin's rare request, it would cost every
 * write a share of a render touching every version, and the table a copy
 * of every version's head each second.
 */
static int
publish__lists(publish_t *p, store_t *st, table_t *t)
{
    long long now = (long long)deadline_now_ms();
    int large = st->subjects.len > 1024 || st->nversions > 4096;
    int rc = 0;
    if (large)
        rc |= table_del(t, "G", 1);
    if (large && !st->dirty_lists) {
        st->dirty_versions = 0;
        return rc;
    }
    if (large && now - p->list_ms < 1000)
        return rc | table_del(t, "A", 1);
    p->list_ms = now;
    st->dirty_lists = 0;
    st->dirty_versions = 0;
    return rc | publish__subject_list(st, t, !large, p->dialect);
}

/*
 * A rebuild ends: readers swing to the new half, and every parked text moves
 * there first (the old half goes back as soon as no reader is in it, maybe
 * at once).  Or it is dropped: the handles into the new half are forgotten,
 * and the schemas stay parked in the old one, which stays.
 */
static int
publish__rebuild_done(store_t *st, table_t *t, int fits)
{
    store_schema_t *s;
    size_t pos = 0;
    /* Every schema was published into the new half, but a text left
     * behind in the old one would dangle: make sure. */
    while (fits && (s = ptrtab_next(&st->schemas, &pos)) != NULL)
        fits = publish__literal(t, s) != 0;
    pos = 0;
    while ((s = ptrtab_next(&st->schemas, &pos)) != NULL) {
        if (!fits)
            s->literal = 0;
        else
            publish__park(t, s, s->literal);
    }
    if (fits)
        table_rebuild_end(t);
    else
        table_rebuild_abort(t);
    return fits ? 0 : -1;
}

/*
 * When the table's half is mostly garbage, this publish writes a whole new
 * generation: everything, not only what changed.  Returns whether it does.
 */
static int
publish__begin_rebuild(publish_t *p, store_t *st, table_t *t)
{
    if (!table_compact_wanted(t) || table_rebuild_begin(t) != 0)
        return 0;
    store_apply_mark_all(st);
    p->list_ms = 0;     /* the lists too, whatever their size */
    return 1;
}

int
publish_dirty(publish_t *p, store_t *st, table_t *t)
{
    const char *default_level = p->default_level;
    int rebuild = publish__begin_rebuild(p, st, t);
    int rc = 0;
    /* The dead first: an id removed and bound again in one batch must end
     * up published with its new schema. */
    for (size_t i = 0; i < st->dead_schemas.n; i++)
        rc |= publish__schema(t, st, st->dead_schemas.p[i], p->dialect);
    for (size_t i = 0; i < st->dirty_schemas.n; i++) {
        store_schema_t *s = st->dirty_schemas.p[i];
        s->dirty = 0;
        if (s->uses > 0)
            rc |= publish__schema(t, st, s, p->dialect);
    }
    st->dirty_schemas.n = 0;
    for (size_t i = 0; i < st->dirty_subjects.n; i++) {
        store_subject_t *sub = st->dirty_subjects.p[i];
        sub->dirty = 0;
        publish__stale_versions(t, sub);
        rc |= publish__subject(t, sub, default_level, p->dialect);
    }
    st->dirty_subjects.n = 0;
    if (st->dirty_lists || st->dirty_versions)
        rc |= publish__lists(p, st, t);
    if (st->dirty_config) {
        buf_t c = {0}, m = {0};
        render_config(&c, st->global_config, default_level);
        render_mode(&m, st->global_mode ? st->global_mode : "READWRITE");
        rc |= publish__setting(t, 'C', NULL, &c);
        rc |= publish__setting(t, 'M', NULL, &m);
        buf_free(&c);
        buf_free(&m);
        /* The workers' hint of the dialect: 8 answers ?subject= with more. */
        rc |= table_put_bytes(t, "D", 1, p->dialect >= 8 ? "8" : "7", 1);
        if (publish__needs_master(st->global_config) || st->global_mode != NULL)
            rc |= table_put_bytes(t, "E", 1, "1", 1);
        else
            table_del(t, "E", 1);
    }
    st->dirty_config = 0;
    if (rebuild) {
        size_t used = table_used(t);
        rc = publish__rebuild_done(st, t, rc == 0);
        log_info("shared table %s: %zu bytes live", rc == 0 ? "compacted" : "compaction did not fit",
                 used);
    }
    store_collect(st);
    if (rc != 0 && !table_stale(t)) {
        /* Answers could now lag the store: from here on the workers ask
         * the master for everything, which stays exact. */
        table_set_stale(t);
        log_error("the shared table is full (table.size=%zu bytes used): workers now forward "
                  "every request to the master; raise table.size and restart",
                  table_used(t));
    }
    return rc ? -1 : 0;
}

