/*
 * api_v8.c - what Confluent 8.x added for its clients: schemas by GUID,
 * the associations a serializer asks for on a topic's first use, and the
 * deployment metadata.  Under confluent.version=7 these routes do not
 * exist (7.9's JSON 404).
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "guid.h"
#include "render.h"

static int
api__v8(const api_t *api, api_result_t *res)
{
    if (api->cf->confluent_version >= 8)
        return 1;
    api_error(res, 404, 404, "HTTP 404 Not Found");
    return 0;
}

/* GET /schemas/guids/{guid}: the schema string of the default context's
 * schema with that GUID, else another context's (publish.c's U key). */
static void
api__by_guid(const api_t *api, const route_t *r, api_result_t *res)
{
    unsigned char guid[GUID_BYTES];
    int ok = guid_parse(r->schema_id, strlen(r->schema_id), guid) == 0;
    store_schema_t *s = ok ? store_schema_by_guid(api->store, guid) : NULL;
    if (s == NULL || s->uses == 0) {
        api_errorf(res, 404, 40403, "Schema %s not found", r->schema_id);
        return;
    }
    render_split_t sp = {0};
    render_schema_string(&sp, s, -1, api->cf->confluent_version);
    res->status = 200;
    render_join(&res->body, &sp, s);
    render_split_free(&sp);
}

typedef struct api_ctxid {
    const char *context;
    int id;
} api_ctxid_t;

static int
api__ctxid_cmp(const void *a, const void *b)
{
    const api_ctxid_t *x = a, *y = b;
    int c = strcmp(x->context, y->context);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* GET /schemas/guids/{guid}/ids: [{"context","id"}] sorted, one per context
 * (the newest id there); [] when none.  One pass over the schemas: a rare
 * admin's request. */
static void
api__guid_ids(const api_t *api, const route_t *r, api_result_t *res)
{
    unsigned char guid[GUID_BYTES];
    int ok = guid_parse(r->schema_id, strlen(r->schema_id), guid) == 0;
    size_t n = 0, cap = 8;
    api_ctxid_t *ids = malloc(cap * sizeof(*ids));
    const store_schema_t *s;
    size_t pos = 0;
    while (ok && (s = ptrtab_next(&api->store->schemas, &pos)) != NULL) {
        if (s->uses == 0 || memcmp(s->guid, guid, GUID_BYTES) != 0)
            continue;
        size_t i = 0;
        while (i < n && strcmp(ids[i].context, s->context) != 0)
            i++;
        if (i < n) {
            if (s->id > ids[i].id)
                ids[i].id = s->id;
            continue;
        }
        if (n == cap) {
            cap *= 2;
            ids = realloc(ids, cap * sizeof(*ids));
        }
        ids[n++] = (api_ctxid_t){s->context, s->id};
    }
    qsort(ids, n, sizeof(*ids), api__ctxid_cmp);
    res->status = 200;
    buf_puts(&res->body, "[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(&res->body, i ? ",{\"context\":" : "{\"context\":");
        buf_json_string(&res->body, ids[i].context, strlen(ids[i].context));
        buf_printf(&res->body, ",\"id\":%d}", ids[i].id);
    }
    buf_puts(&res->body, "]");
    free(ids);
}

/* Whether an association value matches the route and its filters. */
static int
api__assoc_match(const json_t *v, const route_t *r)
{
    const char *want[][2] = {
        {"resourceName", r->id == ROUTE_ASSOC_RESOURCE ? r->resource : NULL},
        {"resourceNamespace", r->resource_ns},
        {"resourceId", r->id == ROUTE_ASSOC_RESOURCE_ID ? r->resource : NULL},
        {"subject", r->id == ROUTE_ASSOC_SUBJECT ? r->subject : NULL},
        {"resourceType", route_query(r, "resourceType")},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const char *got = json_string_value(json_object_get(v, want[i][0]));
        if (want[i][1] != NULL && (got == NULL || strcmp(got, want[i][1]) != 0))
            return 0;
    }
    const char *type = json_string_value(json_object_get(v, "associationType"));
    int typed = 0, hit = 0;
    for (int i = 0; i < r->nquery; i++) {
        if (strcmp(r->query[i].key, "associationType") != 0)
            continue;
        typed = 1;
        hit |= type != NULL && strcmp(type, r->query[i].value) == 0;
    }
    return !typed || hit;
}

/* One Association entity, in its property order. */
static void
api__assoc_render(buf_t *b, const json_t *v)
{
    static const char *const fields[] = {
        "subject", "guid", "resourceName", "resourceNamespace", "resourceId",
        "resourceType", "associationType", "lifecycle",
    };
    json_t *out = json_object();
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_t *f = json_object_get(v, fields[i]);
        if (json_is_string(f) && json_string_length(f) > 0)
            json_object_set(out, fields[i], f);
    }
    json_object_set_new(out, "frozen", json_boolean(json_is_true(json_object_get(v, "frozen"))));
    render_json(b, out);
    json_decref(out);
}

static int
api__key_cmp(const void *a, const void *b)
{
    const hmap_slot_t *x = *(const hmap_slot_t *const *)a, *y = *(const hmap_slot_t *const *)b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* GET /associations/...: the kept ASSOC records that match, in key order,
 * paginated by offset and limit; [] when there is none. */
static void
api__associations(const api_t *api, const route_t *r, api_result_t *res)
{
    size_t n = 0;
    const hmap_slot_t **hits = malloc((api->store->assocs.len + 1) * sizeof(*hits));
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&api->store->assocs, &pos)) != NULL)
        if (api__assoc_match(slot->val, r))
            hits[n++] = slot;
    qsort(hits, n, sizeof(*hits), api__key_cmp);
    const char *o = route_query(r, "offset"), *l = route_query(r, "limit");
    int offset = o ? atoi(o) : 0, limit = l ? atoi(l) : -1;
    if (offset < 0)
        offset = 0;
    res->status = 200;
    buf_puts(&res->body, "[");
    int shown = 0;
    for (size_t i = (size_t)offset; i < n && (limit <= 0 || shown < limit); i++) {
        if (shown++)
            buf_puts(&res->body, ",");
        api__assoc_render(&res->body, hits[i]->val);
    }
    buf_puts(&res->body, "]");
    free(hits);
}

void
api_v8(api_t *api, const route_t *r, api_result_t *res)
{
    if (!api__v8(api, res))
        return;
    switch (r->id) {
    case ROUTE_SCHEMA_GUID:
        api__by_guid(api, r, res);
        break;
    case ROUTE_SCHEMA_GUID_IDS:
        api__guid_ids(api, r, res);
        break;
    case ROUTE_ASSOC_RESOURCE:
    case ROUTE_ASSOC_RESOURCE_ID:
    case ROUTE_ASSOC_SUBJECT:
        api__associations(api, r, res);
        break;
    case ROUTE_METADATA_DEPLOYMENT:
        res->status = 200;
        buf_puts(&res->body, "{\"attributes\":[]}");
        break;
    default:
        api_error(res, 404, 404, "HTTP 404 Not Found");
        break;
    }
}
