/*
 * api_meta.c - data contracts: how a registration's metadata and rule set
 * are merged with the previous version's and the config's defaults and
 * overrides (Confluent's Metadata.mergeMetadata / RuleSet.mergeRuleSets),
 * the reserved `confluent:version` property, and
 * GET /subjects/{s}/metadata.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "render.h"
#include "request.h"

#define API_CONFLUENT_VERSION "confluent:version"

/* Copy every member of src over dst (dst owned, src borrowed). */
static void
api__put_all(json_t *dst, const json_t *src)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)src, k, v) json_object_set(dst, k, v);
}

json_t *
api_metadata_merge(const json_t *old, const json_t *new)
{
    if (old == NULL)
        return new ? json_deep_copy(new) : NULL;
    if (new == NULL)
        return json_deep_copy(old);
    /* Tags and properties: the newer entry wins; sensitive: the union. */
    json_t *raw = json_object(), *tags = json_object(), *props = json_object();
    json_t *sens = json_array();
    const json_t *both[2] = {old, new};
    for (int i = 0; i < 2; i++) {
        api__put_all(tags, json_object_get(both[i], "tags"));
        api__put_all(props, json_object_get(both[i], "properties"));
        json_array_extend(sens, json_object_get(both[i], "sensitive"));
    }
    json_object_set_new(raw, "tags", tags);
    json_object_set_new(raw, "properties", props);
    json_object_set_new(raw, "sensitive", sens);
    request_error_t err = {0};
    json_t *out = request_metadata(raw, &err);   /* sorts, drops empties */
    request_error_free(&err);
    json_decref(raw);
    return out;
}

/* Rules of `old` whose name `new` does not reuse, then `new`'s rules. */
static json_t *
api__merge_rules(const json_t *old, const json_t *new)
{
    json_t *out = json_array();
    hmap_t names = {0};
    size_t i;
    json_t *r;
    json_array_foreach(new, i, r) {
        const char *nn = json_string_value(json_object_get(r, "name"));
        if (nn != NULL)
            hmap_put(&names, nn, strlen(nn), &names);
    }
    json_array_foreach(old, i, r) {
        const char *name = json_string_value(json_object_get(r, "name"));
        if (name == NULL || hmap_get(&names, name, strlen(name)) == NULL)
            json_array_append(out, r);
    }
    hmap_free(&names);
    json_array_extend(out, (json_t *)new);
    return out;
}

json_t *
api_rule_set_merge(const json_t *old, const json_t *new)
{
    if (old == NULL)
        return new ? json_deep_copy(new) : NULL;
    if (new == NULL)
        return json_deep_copy(old);
    json_t *out = json_object();
    static const char *const kinds[] = {"migrationRules", "domainRules"};
    for (size_t i = 0; i < 2; i++) {
        json_t *o = json_object_get(old, kinds[i]), *n = json_object_get(new, kinds[i]);
        if (o == NULL && n == NULL)
            continue;
        json_object_set_new(out, kinds[i], api__merge_rules(o, n));
    }
    return out;
}

int
api_metadata_has_version(const json_t *md)
{
    return json_object_get(json_object_get(md, "properties"), API_CONFLUENT_VERSION) != NULL;
}

json_t *
api_metadata_with_version(const json_t *md, int version)
{
    json_t *raw = md ? json_deep_copy(md) : json_object();
    json_t *props = json_object_get(raw, "properties");
    if (props == NULL) {
        props = json_object();
        json_object_set_new(raw, "properties", props);
    }
    char v[16];
    snprintf(v, sizeof(v), "%d", version);
    json_object_set_new(props, API_CONFLUENT_VERSION, json_string(v));
    request_error_t err = {0};
    json_t *out = request_metadata(raw, &err);
    request_error_free(&err);
    json_decref(raw);
    return out;
}

json_t *
api_metadata_without_version(const json_t *md)
{
    if (!api_metadata_has_version(md))
        return md ? json_incref((json_t *)md) : NULL;
    json_t *raw = json_deep_copy(md);
    json_object_del(json_object_get(raw, "properties"), API_CONFLUENT_VERSION);
    request_error_t err = {0};
    json_t *out = request_metadata(raw, &err);
    request_error_free(&err);
    json_decref(raw);
    /* Metadata that held only confluent:version is no metadata. */
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/*
 * The filter of GET /subjects/{s}/metadata as Confluent builds it: the
 * i-th `key` with the i-th `value`, as many pairs as the shorter list has
 * (a key without its value is dropped), a repeated key taking its last
 * value (a HashMap).  The caller owns the object.
 */
static json_t *
api__metadata_filter(const route_t *r)
{
    const char *keys[ROUTE_MAX_QUERY], *values[ROUTE_MAX_QUERY];
    int nk = 0, nv = 0;
    for (int i = 0; i < r->nquery; i++) {
        if (strcmp(r->query[i].key, "key") == 0)
            keys[nk++] = r->query[i].value;
        else if (strcmp(r->query[i].key, "value") == 0)
            values[nv++] = r->query[i].value;
    }
    json_t *filter = json_object();
    for (int i = 0; i < nk && i < nv; i++)
        json_object_set_new(filter, keys[i], json_string(values[i]));
    return filter;
}

/* Whether a version's metadata properties hold every entry of the filter;
 * a version without properties matches nothing, not even no filter. */
static int
api__props_match(const store_schema_t *s, const json_t *filter)
{
    const json_t *props = json_object_get(s->metadata, "properties");
    const char *k;
    json_t *want;
    if (!json_is_object(props))
        return 0;
    json_object_foreach((json_t *)filter, k, want) {
        if (!json_equal(json_object_get(props, k), want))
            return 0;
    }
    return 1;
}

void
api_subject_metadata(api_t *api, const route_t *r, const char *subject, api_result_t *res)
{
    store_subject_t *sub = store_subject(api->store, subject);
    int deleted = route_query_bool(r, "deleted", 0);
    if (sub == NULL || sub->nversions == 0 || (store_subject_all_deleted(sub) && !deleted)) {
        api_errorf(res, 404, 40401, "Subject '%s' not found.", subject);
        return;
    }
    json_t *filter = api__metadata_filter(r);
    for (size_t i = sub->nversions; i > 0; i--) {
        store_version_t *v = &sub->versions[i - 1];
        if ((v->deleted && !deleted) || !api__props_match(v->schema, filter))
            continue;
        api_render_version(api, sub, v, RENDER_STORED, res);
        json_decref(filter);
        return;
    }
    json_decref(filter);
    api_error(res, 404, 40403, "Schema not found");
}
