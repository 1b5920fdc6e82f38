/*
 * api_tags.c - POST /subjects/{s}/versions/{v}/tags (modifySchemaTags):
 * add and remove `confluent:tags` on an Avro schema's records and fields,
 * merge the request's metadata and rules over the version's, and register
 * the result as the next version (always a new version, even when nothing
 * changed: Confluent's confluent:version makes it distinct).
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "request.h"

#define API_TAGS_PROP "confluent:tags"

/* A tag edit failed: the 42201 text Confluent's Java answers with. */
typedef struct api_tag_err {
    char *message;
} api_tag_err_t;

/* The full name of a named Avro type given the enclosing namespace. */
static char *
api__full_name(const json_t *node, const char *ns, const char **own_ns)
{
    const char *name = json_string_value(json_object_get(node, "name"));
    const char *nsp = json_string_value(json_object_get(node, "namespace"));
    if (name == NULL)
        return NULL;
    if (strchr(name, '.') != NULL) {
        *own_ns = NULL;
        return mem_strdup(name);
    }
    if (nsp == NULL)
        nsp = ns;
    *own_ns = nsp;
    return nsp && *nsp ? mem_printf("%s.%s", nsp, name) : mem_strdup(name);
}

/* A tag's identity for set membership: equal JSON gives equal text. */
static char *
api__tag_key(const json_t *v, size_t *len)
{
    char *k = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    *len = k ? strlen(k) : 0;
    return k;
}

/* Put each tag of a list into a set. */
static void
api__tag_set(hmap_t *set, const json_t *tags)
{
    size_t i, len;
    json_t *u;
    json_array_foreach(tags, i, u) {
        char *k = api__tag_key(u, &len);
        if (k != NULL)
            hmap_put(set, k, len, set);
        free(k);
    }
}

/* Whether a tag is in a set; with `put`, it is afterwards. */
static int
api__tag_seen(hmap_t *set, const json_t *t, int put)
{
    size_t len;
    char *k = api__tag_key(t, &len);
    int seen = k == NULL || hmap_get(set, k, len) != NULL;
    if (!seen && put)
        hmap_put(set, k, len, set);
    free(k);
    return seen;
}

/* Add or remove tags on one object's confluent:tags (insertion order, no
 * repeats), in time linear in both lists. */
static void
api__edit_tags(json_t *obj, const json_t *tags, int add)
{
    json_t *cur = json_object_get(obj, API_TAGS_PROP);
    json_t *out = json_array();
    hmap_t set = {0};   /* add: the tags kept so far; remove: those to drop */
    size_t i;
    json_t *t;
    if (!add)
        api__tag_set(&set, tags);
    json_array_foreach(cur, i, t) {
        if (add)
            api__tag_seen(&set, t, 1);
        else if (api__tag_seen(&set, t, 0))
            continue;
        json_array_append(out, t);
    }
    json_array_foreach(tags, i, t) {
        if (add && json_is_string(t) && !api__tag_seen(&set, t, 1))
            json_array_append(out, t);
    }
    hmap_free(&set);
    if (json_array_size(out) > 0)
        json_object_set_new(obj, API_TAGS_PROP, out);
    else {
        json_object_del(obj, API_TAGS_PROP);
        json_decref(out);
    }
}

/*
 * The records and fields a tag path can name, found in one walk so that
 * each edit is one lookup: "r:NAME" lists the records whose full or simple
 * name is NAME, "f:NAME.FIELD" the fields FIELD of those records.
 */
static void api__index(json_t *idx, json_t *node, const char *ns, int depth);

static void
api__index_add(json_t *idx, char kind, const char *name, const char *field, json_t *node)
{
    char *key = field ? mem_printf("%c:%s.%s", kind, name, field) : mem_printf("%c:%s", kind, name);
    json_t *list = json_object_get(idx, key);
    if (list == NULL) {
        list = json_array();
        json_object_set_new(idx, key, list);
    }
    json_array_append(list, node);
    free(key);
}

static void
api__index_record(json_t *idx, json_t *node, const char *ns, int depth)
{
    const char *own_ns = ns;
    char *full = api__full_name(node, ns, &own_ns);
    if (full == NULL)
        return;
    const char *simple = json_string_value(json_object_get(node, "name"));
    int both = simple != NULL && strcmp(simple, full) != 0;
    json_t *fields = json_object_get(node, "fields");
    size_t i;
    json_t *f;
    api__index_add(idx, 'r', full, NULL, node);
    if (both)
        api__index_add(idx, 'r', simple, NULL, node);
    json_array_foreach(fields, i, f) {
        const char *fname = json_string_value(json_object_get(f, "name"));
        if (fname == NULL)
            continue;
        api__index_add(idx, 'f', full, fname, f);
        if (both)
            api__index_add(idx, 'f', simple, fname, f);
    }
    json_array_foreach(fields, i, f)
        api__index(idx, json_object_get(f, "type"), own_ns, depth + 1);
    free(full);
}

/* Visit every record reachable from a type (unions, arrays, maps, fields). */
static void
api__index(json_t *idx, json_t *node, const char *ns, int depth)
{
    if (depth > 64)
        return;
    if (json_is_array(node)) {
        size_t i;
        json_t *b;
        json_array_foreach(node, i, b) api__index(idx, b, ns, depth + 1);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *type = json_string_value(json_object_get(node, "type"));
    if (type != NULL && (strcmp(type, "record") == 0 || strcmp(type, "error") == 0)) {
        api__index_record(idx, node, ns, depth);
        return;
    }
    api__index(idx, json_object_get(node, "items"), ns, depth + 1);
    api__index(idx, json_object_get(node, "values"), ns, depth + 1);
    if (json_is_object(json_object_get(node, "type")) || json_is_array(json_object_get(node, "type")))
        api__index(idx, json_object_get(node, "type"), ns, depth + 1);
}

/* Apply one list of {schemaEntity:{entityPath,entityType},tags}.  0 or -1. */
static int
api__apply(const json_t *idx, const json_t *list, int add, char **err)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const json_t *ent = json_object_get(item, "schemaEntity");
        const char *path = json_string_value(json_object_get(ent, "entityPath"));
        const char *type = json_string_value(json_object_get(ent, "entityType"));
        int field = type && strcmp(type, "sr_field") == 0;
        if (path == NULL)
            path = "";
        if (field && strchr(path, '.') == NULL) {
            /* Java's substring(0, lastIndexOf('.')) on a path without a dot. */
            *err = mem_strdup("java.lang.IllegalArgumentException: 0 > -1");
            return -1;
        }
        char *key = mem_printf("%c:%s", field ? 'f' : 'r', path);
        const json_t *nodes = json_object_get(idx, key);
        free(key);
        if (json_array_size(nodes) == 0) {
            *err = mem_printf("java.lang.IllegalArgumentException: No matching path '%s' "
                              "found in the schema", path);
            return -1;
        }
        size_t k;
        json_t *node;
        json_array_foreach(nodes, k, node)
            api__edit_tags(node, json_object_get(item, "tags"), add);
    }
    return 0;
}

/* Drop the rules named in rulesToRemove from a rule set (a new reference). */
static json_t *
api__remove_rules(json_t *rs, const json_t *names)
{
    if (rs == NULL || !json_is_array(names))
        return rs;
    hmap_t drop = {0};
    api__tag_set(&drop, names);
    static const char *const kinds[] = {"migrationRules", "domainRules"};
    for (size_t k = 0; k < 2; k++) {
        json_t *rules = json_object_get(rs, kinds[k]);
        json_t *kept = json_array();
        size_t i;
        json_t *rule;
        json_array_foreach(rules, i, rule) {
            json_t *name = json_object_get(rule, "name");
            if (name == NULL || !api__tag_seen(&drop, name, 0))
                json_array_append(kept, rule);
        }
        if (json_is_array(rules))
            json_object_set(rs, kinds[k], kept);
        json_decref(kept);
    }
    hmap_free(&drop);
    return rs;
}

/* The version's metadata and rules with the request's merged over them. */
static int
api__contract(const store_schema_t *s, const json_t *body, int version,
              json_t **md, json_t **rs, api_result_t *res)
{
    request_error_t err = {0};
    json_t *req_md = NULL;
    const json_t *m = json_object_get(body, "metadata");
    if (m != NULL && !json_is_null(m) && (req_md = request_metadata(m, &err)) == NULL) {
        api_error(res, err.status, err.code, err.message);
        request_error_free(&err);
        return -1;
    }
    json_t *req_rs = NULL, *req_merge = NULL;
    if (request_rule_set(json_object_get(body, "ruleSet"), &req_rs, &err) != 0 ||
        request_rule_set(json_object_get(body, "rulesToMerge"), &req_merge, &err) != 0) {
        api_error(res, err.status, err.code, err.message);
        request_error_free(&err);
        json_decref(req_md);
        json_decref(req_rs);
        return -1;
    }
    json_t *merged = api_metadata_merge(s->metadata, req_md);
    json_decref(req_md);
    *md = api_metadata_with_version(merged, version);
    json_decref(merged);
    json_t *r1 = api_rule_set_merge(s->rule_set, req_rs);
    json_t *r2 = api_rule_set_merge(r1, req_merge);
    json_decref(r1);
    json_decref(req_rs);
    json_decref(req_merge);
    *rs = api__remove_rules(r2, json_object_get(body, "rulesToRemove"));
    return 0;
}

/* Find the version a tag request starts from, with Confluent's errors. */
static const store_version_t *
api__source(api_t *api, const route_t *r, const char *subject, store_subject_t **subp,
            api_result_t *res)
{
    int vn;
    if (api_version_parse(r->version, &vn) != 0) {
        api_version_error(res, r->version);
        return NULL;
    }
    store_subject_t *sub = store_subject(api->store, subject);
    if (sub == NULL || sub->nversions == 0 || store_subject_all_deleted(sub)) {
        api_errorf(res, 404, 40401, "Subject '%s' not found.", subject);
        return NULL;
    }
    const store_version_t *v = vn == -1 ? store_latest(sub) : store_version(sub, vn);
    if (v == NULL || v->deleted) {
        api_errorf(res, 404, 40402, "Version %d not found.", vn);
        return NULL;
    }
    *subp = sub;
    return v;
}

void
api_tags(api_t *api, const route_t *r, const char *body, size_t blen, api_result_t *res)
{
    char *subject = api_subject(r), *err = NULL;
    request_error_t rerr = {0};
    json_t *j = NULL, *root = NULL, *idx = NULL, *md = NULL, *rs = NULL;
    store_subject_t *sub = NULL;
    const store_version_t *v = api__source(api, r, subject, &sub, res);
    if (v == NULL)
        goto out;
    if ((j = request_parse(body, blen, "modifyTags.arg4", &rerr)) == NULL) {
        api_error(res, rerr.status, rerr.code, rerr.message);
        goto out;
    }
    int next = sub->versions[sub->nversions - 1].version + 1, asked;
    if (request_int(json_object_get(j, "newVersion"), 0, &asked, &rerr) != 0) {
        api_error(res, rerr.status, rerr.code, rerr.message);
        goto out;
    }
    if (asked != 0 && asked != next) {
        api_error(res, 422, 42201, "Version is not one more than previous version");
        goto out;
    }
    root = json_loads(store_schema_text(api->store, v->schema), JSON_DECODE_ANY, NULL);
    idx = json_object();
    api__index(idx, root, "", 0);
    if (api__apply(idx, json_object_get(j, "tagsToAdd"), 1, &err) != 0 ||
        api__apply(idx, json_object_get(j, "tagsToRemove"), 0, &err) != 0) {
        api_error(res, 422, 42201, err);
        goto out;
    }
    if (api__contract(v->schema, j, next, &md, &rs, res) != 0)
        goto out;
    char *text = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    api_register_derived(api, sub->name, v->schema, text, md, rs, next, res);
    free(text);
out:
    request_error_free(&rerr);
    free(err);
    free(subject);
    json_decref(j);
    json_decref(idx);
    json_decref(root);
    json_decref(md);
    json_decref(rs);
}
