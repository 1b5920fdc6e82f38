/*
 * api_tags.c - POST /subjects/{s}/versions/{v}/tags (modifySchemaTags):
 * the schema type adds and removes `confluent:tags` (its edit_tags hook),
 * this merges the request's metadata and rules over the version's, and register
 * the result as the next version (always a new version, even when nothing
 * changed: Confluent's confluent:version makes it distinct).
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "api_rules.h"
#include "config.h"
#include "jsonset.h"
#include "request.h"
#include "schema_type.h"

/* Drop the rules named in rulesToRemove from a rule set (a new reference). */
static json_t *
api__remove_rules(json_t *rs, const json_t *names)
{
    if (rs == NULL || !json_is_array(names))
        return rs;
    hmap_t drop = {0};
    jsonset_add_all(&drop, names);
    static const char *const kinds[] = {"migrationRules", "domainRules"};
    for (size_t k = 0; k < 2; k++) {
        json_t *rules = json_object_get(rs, kinds[k]);
        json_t *kept = json_array();
        size_t i;
        json_t *rule;
        json_array_foreach(rules, i, rule) {
            json_t *name = json_object_get(rule, "name");
            if (name == NULL || !jsonset_has(&drop, name, 0))
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

/* modifySchemaTags' checks of the request's rules, once the version is
 * found: decoded, not both a rule set and edits, each valid. */
static int
api__rules(const json_t *body, int dialect, api_result_t *res)
{
    request_error_t err = {0};
    json_t *rs = NULL, *merge = NULL;
    int rc = -1;
    if (request_rule_set(json_object_get(body, "ruleSet"), &rs, &err) != 0 ||
        request_rule_set(json_object_get(body, "rulesToMerge"), &merge, &err) != 0) {
        api_error(res, err.status, err.code, err.message);
        request_error_free(&err);
        goto out;
    }
    const json_t *remove = json_object_get(body, "rulesToRemove");
    if (rs != NULL && (merge != NULL || (remove != NULL && !json_is_null(remove)))) {
        api_error(res, 422, 42210,
                  "ruleSet should be omitted if specifying rulesToMerge or rulesToRemove");
        goto out;
    }
    if (api_rules_check(merge, dialect, res) == 0 && api_rules_check(rs, dialect, res) == 0)
        rc = 0;
out:
    json_decref(rs);
    json_decref(merge);
    return rc;
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
    char *subject = api_subject(r), *err = NULL, *text = NULL;
    request_error_t rerr = {0};
    json_t *j = NULL, *md = NULL, *rs = NULL;
    store_subject_t *sub = NULL;
    if ((j = request_parse(body, blen, "modifyTags.arg4", &rerr)) == NULL) {
        api_error(res, rerr.status, rerr.code, rerr.message);
        goto out;
    }
    int asked;
    if (request_int(json_object_get(j, "newVersion"), 0, &asked, &rerr) != 0) {
        api_error(res, rerr.status, rerr.code, rerr.message);
        goto out;
    }
    const store_version_t *v = api__source(api, r, subject, &sub, res);
    if (v == NULL || api__rules(j, api->cf->confluent_version, res) != 0)
        goto out;
    int next = sub->versions[sub->nversions - 1].version + 1;
    if (asked != 0 && asked != next) {
        api_error(res, 422, 42201, "Version is not one more than previous version");
        goto out;
    }
    const schema_type_t *type =
        schema_type_find(v->schema->schema_type, api->cf->confluent_version);
    if (type == NULL || type->edit_tags == NULL) {
        api_error(res, 422, 42201, "schemad cannot edit tags of this schema type yet");
        goto out;
    }
    if (type->edit_tags(store_schema_text(api->store, v->schema),
                        json_object_get(j, "tagsToAdd"), json_object_get(j, "tagsToRemove"),
                        &text, &err) != 0) {
        api_error(res, 422, 42201, err);
        goto out;
    }
    if (api__contract(v->schema, j, next, &md, &rs, res) != 0)
        goto out;
    api_register_derived(api, sub->name, v->schema, text, md, rs, next, res);
out:
    request_error_free(&rerr);
    free(err);
    free(text);
    free(subject);
    json_decref(j);
    json_decref(md);
    json_decref(rs);
}
