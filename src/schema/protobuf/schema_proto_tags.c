/*
 * schema_proto_tags.c - add and remove tags on a Protobuf schema's
 * messages (sr_record: `option (confluent.message_meta) = { tags: [...] }`)
 * and fields (sr_field: `[(confluent.field_meta) = { tags: [...] }]`), as
 * ProtobufSchema.copy(tagsToAdd, tagsToRemove): the element is found as
 * findMatchingElement finds it, its options are merged by name as
 * mergeOptions merges them (an option with a path becomes a map, maps of
 * one name merge, a key's values gather into a list without repeats), and
 * come out in the order of the java.util.HashMap that holds them.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_proto.h"
#include "schema_proto_agg.h"
#include "schema_proto_optmap.h"
#include "schema_proto_print.h"

#define PT_FIELD_META "confluent.field_meta"
#define PT_MESSAGE_META "confluent.message_meta"

/* One entity of the request, with the tags to add and to remove. */
typedef struct pt_entity {
    const char *path;       /* without a leading dot */
    int record;
    json_t *add;            /* arrays of tag strings, in order, no repeats */
    json_t *remove;
} pt_entity_t;

typedef struct pt_req {
    pt_entity_t *v;
    size_t n;
} pt_req_t;

static void
pt__union(json_t *into, const json_t *tags)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t) {
        if (!json_is_string(t))
            continue;
        int seen = 0;
        size_t k;
        json_t *u;
        json_array_foreach(into, k, u) {
            if (json_equal(u, t))
                seen = 1;
        }
        if (!seen)
            json_array_append(into, t);
    }
}

/* The request's entities in order: the ones to add to, then the others. */
static void
pt__collect(pt_req_t *r, const json_t *list, int add)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const json_t *ent = json_object_get(item, "schemaEntity");
        const char *path = json_string_value(json_object_get(ent, "entityPath"));
        const char *type = json_string_value(json_object_get(ent, "entityType"));
        if (path == NULL)
            path = "";
        if (path[0] == '.')
            path++;
        int record = type != NULL && strcmp(type, "sr_record") == 0;
        pt_entity_t *e = NULL;
        for (size_t k = 0; k < r->n && e == NULL; k++) {
            if (r->v[k].record == record && strcmp(r->v[k].path, path) == 0)
                e = &r->v[k];
        }
        if (e == NULL) {
            r->v = mem_realloc(r->v, (r->n + 1) * sizeof(*r->v));
            e = &r->v[r->n++];
            *e = (pt_entity_t){path, record, json_array(), json_array()};
        }
        pt__union(add ? e->add : e->remove, json_object_get(item, "tags"));
    }
}

static void
pt__req_free(pt_req_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_decref(r->v[i].add);
        json_decref(r->v[i].remove);
    }
    free(r->v);
}

/* ------------------------------------------------------------ finding */

static pm_msg_t *
pt__message(pm_msgs_t *msgs, const char *name, size_t len)
{
    for (size_t i = 0; i < msgs->n; i++) {
        if (!msgs->v[i].map_entry && strlen(msgs->v[i].name) == len &&
            memcmp(msgs->v[i].name, name, len) == 0)
            return &msgs->v[i];
    }
    return NULL;
}

/* Java's split("\\.") of the path into (pointer, length) words. */
static size_t
pt__split(const char *path, const char **w, size_t *wl, size_t max)
{
    size_t n = 0;
    const char *p = path;
    while (n < max) {
        const char *dot = strchr(p, '.');
        w[n] = p;
        wl[n] = dot ? (size_t)(dot - p) : strlen(p);
        n++;
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    while (n > 1 && wl[n - 1] == 0)
        n--;
    return n;
}

static pm_field_t *
pt__field_in(pm_msg_t *m, const char *name, size_t len, int oneof)
{
    for (size_t i = 0; i < m->fields.n; i++) {
        pm_field_t *fd = &m->fields.v[i];
        int in = fd->oneof_index >= 0 && (size_t)fd->oneof_index < m->noneofs &&
                 !fd->proto3_optional;
        if (oneof == -2 ? in : oneof == -1 ? !in : !in || fd->oneof_index != oneof)
            continue;
        if (strlen(fd->name) == len && memcmp(fd->name, name, len) == 0)
            return fd;
    }
    return NULL;
}

/* findMatchingElement: the options of the message or field the path
 * names, or NULL with *err Confluent's message. */
static pm_opts_t *
pt__find(pm_file_t *f, const pt_entity_t *e, char **err)
{
    const char *w[64];
    size_t wl[64];
    size_t n = pt__split(e->path, w, wl, 64);
    size_t end = e->record ? n : n - 1, i = 0;
    pm_msg_t *m = NULL;
    for (; i < end; i++) {
        pm_msg_t *found = pt__message(i == 0 ? &f->msgs : &m->nested, w[i], wl[i]);
        if (found != NULL) {
            m = found;
        } else if (i == end - 1 && !e->record) {
            break;
        } else {
            *err = mem_printf("java.lang.IllegalArgumentException: No matching Message with "
                              "name '%.*s' found in the schema", (int)wl[i], w[i]);
            return NULL;
        }
    }
    if (e->record)
        return m ? &m->opts : NULL;
    pm_field_t *fd = NULL;
    if (m != NULL && i == end) {
        fd = pt__field_in(m, w[n - 1], wl[n - 1], -1);
        if (fd == NULL)
            fd = pt__field_in(m, w[n - 1], wl[n - 1], -2);
    } else if (m != NULL) {
        for (size_t k = 0; k < m->noneofs && fd == NULL; k++) {
            if (strlen(m->oneofs[k].name) == wl[i] && memcmp(m->oneofs[k].name, w[i], wl[i]) == 0)
                fd = pt__field_in(m, w[n - 1], wl[n - 1], (int)k);
        }
    }
    if (fd == NULL)
        *err = mem_printf("java.lang.IllegalArgumentException: No matching Field with name "
                          "'%.*s' found in the schema", (int)wl[n - 1], w[n - 1]);
    return fd ? &fd->opts : NULL;
}

/* ------------------------------------------------------------ merging */

/* java.util.HashMap's bucket of a String key in a table of `cap`. */
static uint32_t
pt__bucket(const char *s, uint32_t cap)
{
    uint32_t h = 0;
    for (; *s; s++)
        h = 31 * h + (unsigned char)*s;
    return (h ^ (h >> 16)) & (cap - 1);
}

/* The iteration order of a HashMap holding these keys, inserted in order. */
static void
pt__hash_order(pmo_opt_t *v, size_t n)
{
    uint32_t cap = 16;
    while ((double)n > 0.75 * cap)
        cap *= 2;
    for (size_t i = 1; i < n; i++) {   /* stable insertion sort by bucket */
        pmo_opt_t x = v[i];
        uint32_t bx = pt__bucket(x.key, cap);
        size_t j = i;
        while (j > 0 && pt__bucket(v[j - 1].key, cap) > bx) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static pa_val_t *
pt__tag_list(mem_arena_t *a, const json_t *tags)
{
    pa_val_t *list = pa_new(a, PA_LIST, NULL);
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
        pa_push(a, list, pa_new(a, PA_STR, mem_arena_strndup(a, json_string_value(t),
                                                             json_string_length(t))));
    return list;
}

/* Remove tags from the meta map; drop the option when nothing is left. */
static void
pt__remove(mem_arena_t *a, pmo_opt_t *meta, const json_t *tags)
{
    pa_val_t *cur = pa_get(meta->map, "tags");
    if (cur == NULL)
        return;
    pa_val_t *left = pa_new(a, PA_LIST, NULL);
    size_t n = cur->kind == PA_LIST ? cur->n : 1;
    for (size_t i = 0; i < n; i++) {
        pa_val_t *t = cur->kind == PA_LIST ? cur->vals[i] : cur;
        int drop = 0;
        size_t k;
        json_t *r;
        json_array_foreach(tags, k, r) {
            if (t->kind == PA_STR && json_is_string(r) && strcmp(t->text, json_string_value(r)) == 0)
                drop = 1;
        }
        if (!drop)
            pa_push(a, left, t);
    }
    if (left->n == 0)
        pa_del(meta->map, "tags");
    else
        pa_set(a, meta->map, "tags", left);
}

/* The option the request adds: (meta) = { tags: [...] }. */
static pm_opt_t
pt__added(mem_arena_t *a, const char *meta_name, const json_t *tags)
{
    pa_val_t *map = pa_new(a, PA_MAP, NULL);
    pa_set(a, map, "tags", pt__tag_list(a, tags));
    buf_t txt = {0}, name = {0};
    pa_write(&txt, map);
    buf_printf(&name, "(%s)", meta_name);
    pm_opt_t o = {mem_arena_strndup(a, name.data, name.len), PM_OPT_AGGREGATE,
                  mem_arena_strndup(a, txt.data, txt.len)};
    buf_free(&name);
    buf_free(&txt);
    return o;
}

/* mergeOptions over the element's options (and the added one): one entry
 * per key, in first-seen order.  Returns the count; v has room. */
static size_t
pt__merged(mem_arena_t *a, const pm_opts_t *opts, const pm_opt_t *added, pmo_opt_t *v)
{
    size_t n = 0, total = opts->n + (added != NULL);
    for (size_t i = 0; i < total; i++) {
        pmo_opt_t t;
        pmo_transform(a, i < opts->n ? &opts->v[i] : added, &t);
        size_t k = 0;
        while (k < n && strcmp(v[k].key, t.key) != 0)
            k++;
        if (k < n)
            pmo_merge(a, &v[k], &t);
        else
            v[n++] = t;
    }
    return n;
}

/* Write the merged options back as the element's, maps as aggregates. */
static void
pt__write_back(mem_arena_t *a, const pmo_opt_t *v, size_t n, pm_opts_t *opts)
{
    pm_opt_t *out = n ? mem_arena_alloc(a, n * sizeof(*out)) : NULL;
    for (size_t k = 0; k < n; k++)
        out[k] = pmo_to_opt(a, &v[k]);
    opts->v = out;
    opts->n = n;
}

/* The entity's options after the edit, written back into `opts`. */
static void
pt__edit(pm_file_t *f, pm_opts_t *opts, const pt_entity_t *e)
{
    mem_arena_t *a = &f->arena;
    const char *meta_name = e->record ? PT_MESSAGE_META : PT_FIELD_META;
    pmo_opt_t *v = mem_alloc((opts->n + 2) * sizeof(*v));
    pm_opt_t added;
    int adding = json_array_size(e->add) > 0;
    if (adding)
        added = pt__added(a, meta_name, e->add);
    size_t n = pt__merged(a, opts, adding ? &added : NULL, v);
    for (size_t k = 0; k < n && json_array_size(e->remove) > 0; k++) {
        if (strcmp(v[k].key, meta_name) != 0 || v[k].map == NULL)
            continue;
        pt__remove(a, &v[k], e->remove);
        if (v[k].map->n == 0) {
            memmove(&v[k], &v[k + 1], (n - k - 1) * sizeof(*v));
            n--;
        }
        break;
    }
    pt__hash_order(v, n);
    pt__write_back(a, v, n, opts);
    free(v);
}

int
schema_proto_edit_tags(const char *text, const json_t *add, const json_t *remove, char **out,
                       char **err)
{
    pm_file_t *f;
    *out = NULL;
    *err = NULL;
    if (schema_proto_load(text, strlen(text), &f, err) != 0)
        return -1;
    pt_req_t req = {0};
    pt__collect(&req, add, 1);
    pt__collect(&req, remove, 0);
    int rc = 0;
    for (size_t i = 0; i < req.n && rc == 0; i++) {
        pm_opts_t *opts = pt__find(f, &req.v[i], err);
        if (opts == NULL) {
            if (*err == NULL)
                *err = mem_printf("java.lang.IllegalArgumentException: No matching Message "
                                  "with name '%s' found in the schema", req.v[i].path);
            rc = -1;
            break;
        }
        pt__edit(f, opts, &req.v[i]);
    }
    if (rc == 0) {
        pm_scope_t scope = {0};
        *out = pm_print(f, &scope, 0, err);
        pm_scope_free(&scope);
        rc = *out ? 0 : -1;
    }
    pt__req_free(&req);
    pm_file_free(f);
    return rc;
}
