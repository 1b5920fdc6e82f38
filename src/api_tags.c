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

/* Whether a path names this record: its full name or its simple name. */
static int
api__names(const char *path, size_t plen, const char *full, const json_t *node)
{
    const char *simple = json_string_value(json_object_get(node, "name"));
    if (strlen(full) == plen && strncmp(full, path, plen) == 0)
        return 1;
    return simple && strlen(simple) == plen && strncmp(simple, path, plen) == 0;
}

/* Add or remove tags on one object's confluent:tags (insertion order, no repeats). */
static void
api__edit_tags(json_t *obj, const json_t *tags, int add)
{
    json_t *cur = json_object_get(obj, API_TAGS_PROP);
    json_t *out = json_array();
    size_t i, j;
    json_t *t, *u;
    json_array_foreach(cur, i, t) {
        int drop = 0;
        json_array_foreach(tags, j, u) drop |= !add && json_equal(t, u);
        if (!drop)
            json_array_append(out, t);
    }
    json_array_foreach(tags, j, u) {
        int have = 0;
        json_array_foreach(out, i, t) have |= json_equal(t, u);
        if (add && !have && json_is_string(u))
            json_array_append(out, u);
    }
    if (json_array_size(out) > 0)
        json_object_set_new(obj, API_TAGS_PROP, out);
    else {
        json_object_del(obj, API_TAGS_PROP);
        json_decref(out);
    }
}

typedef struct api_tag_edit {
    const char *path;
    int field;              /* sr_field, else sr_record */
    const json_t *tags;
    int add;
    int done;
} api_tag_edit_t;

static void api__walk(json_t *node, const char *ns, api_tag_edit_t *e, int depth);

static void
api__walk_record(json_t *node, const char *ns, api_tag_edit_t *e, int depth)
{
    const char *own_ns = ns;
    char *full = api__full_name(node, ns, &own_ns);
    if (full == NULL)
        return;
    const char *dot = strrchr(e->path, '.');
    json_t *fields = json_object_get(node, "fields");
    if (!e->field && api__names(e->path, strlen(e->path), full, node)) {
        api__edit_tags(node, e->tags, e->add);
        e->done = 1;
    } else if (e->field && dot != NULL &&
               api__names(e->path, (size_t)(dot - e->path), full, node)) {
        size_t i;
        json_t *f;
        json_array_foreach(fields, i, f) {
            const char *fname = json_string_value(json_object_get(f, "name"));
            if (fname != NULL && strcmp(fname, dot + 1) == 0) {
                api__edit_tags(f, e->tags, e->add);
                e->done = 1;
            }
        }
    }
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
        api__walk(json_object_get(f, "type"), own_ns, e, depth + 1);
    free(full);
}

/* Visit every record reachable from a type (unions, arrays, maps, fields). */
static void
api__walk(json_t *node, const char *ns, api_tag_edit_t *e, int depth)
{
    if (depth > 64)
        return;
    if (json_is_array(node)) {
        size_t i;
        json_t *b;
        json_array_foreach(node, i, b) api__walk(b, ns, e, depth + 1);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *type = json_string_value(json_object_get(node, "type"));
    if (type != NULL && (strcmp(type, "record") == 0 || strcmp(type, "error") == 0)) {
        api__walk_record(node, ns, e, depth);
        return;
    }
    api__walk(json_object_get(node, "items"), ns, e, depth + 1);
    api__walk(json_object_get(node, "values"), ns, e, depth + 1);
    if (json_is_object(json_object_get(node, "type")) || json_is_array(json_object_get(node, "type")))
        api__walk(json_object_get(node, "type"), ns, e, depth + 1);
}

/* Apply one list of {schemaEntity:{entityPath,entityType},tags}.  0 or -1. */
static int
api__apply(json_t *root, const json_t *list, int add, char **err)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const json_t *ent = json_object_get(item, "schemaEntity");
        const char *path = json_string_value(json_object_get(ent, "entityPath"));
        const char *type = json_string_value(json_object_get(ent, "entityType"));
        api_tag_edit_t e = {path ? path : "", type && strcmp(type, "sr_field") == 0,
                            json_object_get(item, "tags"), add, 0};
        if (e.field && strchr(e.path, '.') == NULL) {
            /* Java's substring(0, lastIndexOf('.')) on a path without a dot. */
            *err = mem_strdup("java.lang.IllegalArgumentException: 0 > -1");
            return -1;
        }
        api__walk(root, "", &e, 0);
        if (!e.done) {
            *err = mem_printf("java.lang.IllegalArgumentException: No matching path '%s' "
                              "found in the schema", e.path);
            return -1;
        }
    }
    return 0;
}

/* Drop the rules named in rulesToRemove from a rule set (a new reference). */
static json_t *
api__remove_rules(json_t *rs, const json_t *names)
{
    if (rs == NULL || !json_is_array(names))
        return rs;
    static const char *const kinds[] = {"migrationRules", "domainRules"};
    for (size_t k = 0; k < 2; k++) {
        json_t *rules = json_object_get(rs, kinds[k]);
        for (size_t i = json_array_size(rules); i > 0; i--) {
            json_t *name = json_object_get(json_array_get(rules, i - 1), "name");
            size_t j;
            json_t *n;
            json_array_foreach(names, j, n) {
                if (json_equal(n, name)) {
                    json_array_remove(rules, i - 1);
                    break;
                }
            }
        }
    }
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
    json_t *merged = api_metadata_merge(s->metadata, req_md);
    json_decref(req_md);
    *md = api_metadata_with_version(merged, version);
    json_decref(merged);
    json_t *r1 = api_rule_set_merge(s->rule_set, json_object_get(body, "ruleSet"));
    json_t *r2 = api_rule_set_merge(r1, json_object_get(body, "rulesToMerge"));
    json_decref(r1);
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
    json_t *j = NULL, *root = NULL, *md = NULL, *rs = NULL;
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
    if (api__apply(root, json_object_get(j, "tagsToAdd"), 1, &err) != 0 ||
        api__apply(root, json_object_get(j, "tagsToRemove"), 0, &err) != 0) {
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
    json_decref(root);
    json_decref(md);
    json_decref(rs);
}
