/*
 * api_delete.c - DELETE /subjects/{s} and DELETE /subjects/{s}/versions/{v},
 * soft and permanent, with Confluent's preconditions (reference §3.3), and
 * DELETE /contexts/{context} (8.x).
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "record.h"


/*
 * The versions of `subject` that a live schema references (they block
 * deletes), as a set of version numbers: one pass over the registry
 * whatever the number of versions asked about.
 */
static void
api__referenced_versions(const api_t *api, const char *subject, hmap_t *out)
{
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&api->store->subjects, &pos)) != NULL) {
        store_subject_t *sub = slot->val;
        for (size_t i = 0; i < sub->nversions; i++) {
            store_version_t *v = &sub->versions[i];
            size_t k;
            json_t *ref;
            if (v->deleted)
                continue;
            json_array_foreach(v->schema->references, k, ref) {
                const char *rs = json_string_value(json_object_get(ref, "subject"));
                int rv = (int)json_integer_value(json_object_get(ref, "version"));
                char *name = rs ? store_ref_subject(sub->context, rs) : NULL;
                if (name != NULL && strcmp(name, subject) == 0)
                    hmap_put(out, &rv, sizeof(rv), out);
                free(name);
            }
        }
    }
}

/* 0, or -1 with Confluent's 42206 for the first of `versions` (n of
 * them) that a live schema references. */
static int
api__referenced_error(const api_t *api, const char *subject, const store_version_t *versions,
                      size_t n, api_result_t *res)
{
    hmap_t refd = {0};
    int rc = 0;
    api__referenced_versions(api, subject, &refd);
    for (size_t i = 0; i < n && refd.len > 0; i++) {
        int version = versions[i].version;
        if (hmap_get(&refd, &version, sizeof(version)) == NULL)
            continue;
        api_errorf(res, 422, 42206, "One or more references exist to the schema "
                   "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.", subject, version);
        rc = -1;
        break;
    }
    hmap_free(&refd);
    return rc;
}


static int
api__writable(const api_t *api, const char *subject, api_result_t *res)
{
    const char *mode = api_mode_of(api, subject);
    if (strcasecmp(mode, "READONLY") == 0 || strcasecmp(mode, "READONLY_OVERRIDE") == 0) {
        api_errorf(res, 422, 42205, "Subject %s is in read-only mode", subject);
        return -1;
    }
    if (!api->leader) {
        api_error(res, 500, 50004, "Leader not known.");
        return -1;
    }
    return 0;
}

/* After the last version goes for good, Confluent drops the subject's mode and config. */
static void
api__drop_subject_settings(const store_subject_t *sub, api_result_t *res)
{
    size_t klen;
    if (sub->mode != NULL)
        {
            char *tk = record_key_mode(sub->name, &klen);
            api_add_record(res, tk, klen, NULL, 0);
        }
    if (sub->config != NULL)
        {
            char *tk = record_key_config(sub->name, &klen);
            api_add_record(res, tk, klen, NULL, 0);
        }
}

static void
api__soft_delete_version(const store_t *st, const store_subject_t *sub,
                         const store_version_t *v,
                         api_result_t *res)
{
    const store_schema_t *s = v->schema;
    char *text = mem_strdup(store_schema_text(st, s));
    char *type = strcmp(s->schema_type, "AVRO") != 0 ? mem_strdup(s->schema_type) : NULL;
    record_schema_t rec = {
        .subject = sub->name,
        .version = v->version,
        .id = s->id,
        .schema_type = type,
        .type_written = st->dialect >= 8,
        .references = s->references,
        .metadata = s->metadata,
        .rule_set = s->rule_set,
        .schema = text,
        .deleted = 1,
    };
    size_t klen, vlen;
    char *key = record_key_schema(sub->name, v->version, &klen);
    char *val = record_schema_encode(&rec, &vlen);
    free(text);
    free(type);
    api_add_record(res, key, klen, val, vlen);
}

void
api_delete_version(api_t *api, const route_t *r, api_result_t *res)
{
    char *subject = api_subject(r);
    int permanent = route_query_bool(r, "permanent", 0);
    int vn;
    store_subject_t *sub = store_subject(api->store, subject);
    store_version_t *v = NULL;
    if (api_version_parse(r->version, &vn) != 0) {
        api_version_error(res, r->version);
        goto out;
    }
    if (sub == NULL || sub->nversions == 0) {
        api_errorf(res, 404, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    if (api__writable(api, subject, res) != 0)
        goto out;
    v = vn == -1 ? store_latest(sub) : store_version(sub, vn);
    if (v == NULL) {
        api_errorf(res, 404, 40402, "Version %d not found.", vn);
        goto out;
    }
    if (!permanent && v->deleted) {
        api_errorf(res, 404, 40406, "Subject '%s' Version %d was soft deleted.Set "
                   "permanent=true to delete permanently", subject, v->version);
        goto out;
    }
    if (permanent && !v->deleted) {
        api_errorf(res, 404, 40407, "Subject '%s' Version %d was not deleted first "
                   "before being permanently deleted", subject, v->version);
        goto out;
    }
    if (api__referenced_error(api, subject, v, 1, res) != 0)
        goto out;
    if (permanent) {
        size_t klen;
        {
            char *tk = record_key_schema(subject, v->version, &klen);
            api_add_record(res, tk, klen, NULL, 0);
        }
        if (sub->nversions == 1)
            api__drop_subject_settings(sub, res);
    } else {
        api__soft_delete_version(api->store, sub, v, res);
    }
    res->status = 200;
    buf_printf(&res->body, "%d", v->version);
out:
    free(subject);
}

void
api_delete_subject(api_t *api, const route_t *r, api_result_t *res)
{
    char *subject = api_subject(r);
    int permanent = route_query_bool(r, "permanent", 0);
    store_subject_t *sub = store_subject(api->store, subject);
    if (sub == NULL || sub->nversions == 0) {
        api_errorf(res, 404, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    if (api__writable(api, subject, res) != 0)
        goto out;
    int all_deleted = store_subject_all_deleted(sub);
    if (!permanent && all_deleted) {
        api_errorf(res, 404, 40404, "Subject '%s' was soft deleted.Set permanent=true "
                   "to delete permanently", subject);
        goto out;
    }
    /* KafkaSchemaRegistry.deleteSubject checks each version in turn: is
     * it referenced (42206), then, when permanent, was it soft-deleted
     * (40405); the live ones only when not permanent. */
    for (size_t i = 0; i < sub->nversions; i++) {
        if (!permanent && sub->versions[i].deleted)
            continue;
        if (api__referenced_error(api, subject, &sub->versions[i], 1, res) != 0)
            goto out;
        if (permanent && !sub->versions[i].deleted) {
            api_errorf(res, 404, 40405, "Subject '%s' was not deleted first before being "
                       "permanently deleted", subject);
            goto out;
        }
    }
    size_t klen, vlen;
    res->status = 200;
    buf_puts(&res->body, "[");
    int first = 1;
    for (size_t i = 0; i < sub->nversions; i++) {
        store_version_t *v = &sub->versions[i];
        if (!permanent && v->deleted)
            continue;
        buf_printf(&res->body, first ? "%d" : ",%d", v->version);
        first = 0;
        if (permanent)
            {
                char *tk = record_key_schema(subject, v->version, &klen);
                api_add_record(res, tk, klen, NULL, 0);
            }
    }
    buf_puts(&res->body, "]");
    if (permanent) {
        api__drop_subject_settings(sub, res);
    } else {
        json_t *val = json_pack("{s:s,s:i}", "subject", subject, "version",
                                sub->versions[sub->nversions - 1].version);
        char *v = record_value_encode(val, &vlen);
        json_decref(val);
        char *key = record_key_delete_subject(subject, &klen);
        api_add_record(res, key, klen, v, vlen);
    }
out:
    free(subject);
}

/* ---- DELETE /contexts/{context} ----------------------------------------- */

/*
 * The context a normalized name is in, as QualifiedSubject.getContext():
 * "." or ".ctx", and "*" for the wildcard ":*:".  malloc'd.
 */
static char *
api__context_of(const char *name)
{
    if (strncmp(name, ":*:", 3) == 0)
        return mem_strdup("*");
    return store_subject_context(name);
}

/* The subject part of a normalized name is empty (":.ctx:", ""): the name
 * stands for its whole context. */
static int
api__names_context(const char *name)
{
    if (strncmp(name, ":*:", 3) == 0)
        return name[3] == '\0';
    if (strncmp(name, ":.", 2) == 0) {
        const char *end = strchr(name + 2, ':');
        return end == NULL || end[1] == '\0';
    }
    return name[0] == '\0';
}

/*
 * hasSubjects(name, lookupDeletedSubjects=true): a subject with any
 * version not permanently deleted is `name` itself, or, when `name` names
 * a context, in that context (every subject for ".__GLOBAL").  One pass
 * over the subjects.
 */
static int
api__context_has_subjects(const api_t *api, const char *name, const char *context)
{
    int whole = api__names_context(name) && strcmp(context, "*") != 0;
    int global = whole && strcmp(context, ".__GLOBAL") == 0;
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&api->store->subjects, &pos)) != NULL) {
        const store_subject_t *sub = slot->val;
        if (sub->nversions == 0)
            continue;
        if (strcmp(sub->name, name) == 0 || global ||
            (whole && strcmp(sub->context, context) == 0))
            return 1;
    }
    return 0;
}

/*
 * ContextsResource.deleteContext: the path names the context as a
 * qualified subject (QualifiedSubject.normalize); a context that still has
 * subjects, soft-deleted ones included, is 42211 under 422; else the
 * CONTEXT key is tombstoned and the answer is 204 with no body.  Neither
 * the mode nor whether the context was ever created is checked.
 */
void
api_delete_context(api_t *api, const route_t *r, api_result_t *res)
{
    if (api->cf->confluent_version < 8) {
        api_error(res, 404, 404, "HTTP 404 Not Found");
        return;
    }
    if (r->method != ROUTE_M_DELETE) {
        api_error(res, 405, 405, "HTTP 405 Method Not Allowed");
        return;
    }
    char *name = api_subject_normalize(r->subject ? r->subject : "");
    char *context = api__context_of(name);
    if (api__context_has_subjects(api, name, context)) {
        api_errorf(res, 422, 42211, "The specified context '%s' is not empty.", name);
    } else {
        size_t klen;
        char *key = record_key_context("default", context, &klen);
        api_add_record(res, key, klen, NULL, 0);
        res->status = 204;
    }
    free(context);
    free(name);
}
