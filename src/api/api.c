/*
 * api.c - request dispatch of the REST API (its read-only routes are in
 * api_read.c), and what the routes share: results, errors, subject and
 * version parsing, the config and mode in scope.
 */
#include "api.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_read.h"
#include "config.h"
#include "log.h"
#include "render.h"
#include "schema_type.h"

void
api_render_version(const api_t *api, const store_subject_t *sub, const store_version_t *v,
                   int shape, api_result_t *res)
{
    render_split_t sp = {0};
    render_subject_version(&sp, sub->name, v, shape, api->cf->confluent_version);
    res->status = 200;
    render_join(&res->body, &sp, v->schema);
    render_split_free(&sp);
}

void
api_result_free(api_result_t *res)
{
    buf_free(&res->body);
    for (size_t i = 0; i < res->nrecords; i++) {
        free(res->records[i].key);
        free(res->records[i].val);
    }
    free(res->records);
    memset(res, 0, sizeof(*res));
}

void
api_error(api_result_t *res, int status, int code, const char *msg)
{
    res->status = status;
    res->body.len = 0;
    render_error(&res->body, code, msg);
}

void
api_errorf(api_result_t *res, int status, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    api_error(res, status, code, msg ? msg : "error");
    free(msg);
}

void
api_add_record(api_result_t *res, char *key, size_t klen, char *val, size_t vlen)
{
    if (res->nrecords == res->caprecords) {
        res->caprecords = res->caprecords ? res->caprecords * 2 : 4;
        res->records = mem_realloc(res->records, res->caprecords * sizeof(api_record_t));
    }
    res->records[res->nrecords++] = (api_record_t){key, klen, val, vlen};
}

void
api_ok(api_result_t *res, const char *body)
{
    res->status = 200;
    res->body.len = 0;
    buf_puts(&res->body, body);
}

void
api_not_found(api_result_t *res)
{
    api_error(res, 404, 404, "HTTP 404 Not Found");
}

/*
 * QualifiedSubject.normalize: ":.:name" is the default context's "name", a
 * context without its closing colon (":.ctx") is that context's empty
 * subject, spelled ":.ctx:".  Caller frees.
 */
char *
api_subject_normalize(const char *s)
{
    if (strncmp(s, ":.", 2) != 0)
        return mem_strdup(s);
    const char *end = strchr(s + 2, ':');
    size_t clen = end ? (size_t)(end - s - 1) : strlen(s + 1);
    const char *rest = end ? end + 1 : "";
    if (clen == 1)
        return mem_strdup(rest);    /* the default context "." */
    return mem_printf(":%.*s:%s", (int)clen, s + 1, rest);
}

char *
api_subject(const route_t *r)
{
    const char *s = r->subject ? r->subject : "";
    if (r->context == NULL)
        return api_subject_normalize(s);
    const char *ctx = r->context[0] == '.' ? r->context + 1 : r->context;
    return mem_printf(":.%s:%s", ctx, s);
}

int
api_subject_qualified(const char *s)
{
    return strncmp(s, ":.", 2) == 0 || strncmp(s, ":*:", 3) == 0;
}

/* The subject part of a qualified name (QualifiedSubject.getSubject()). */
static const char *
api__unqualified(const char *s)
{
    if (strncmp(s, ":.", 2) == 0) {
        const char *end = strchr(s + 2, ':');
        return end ? end + 1 : "";
    }
    if (strncmp(s, ":*:", 3) == 0)
        return s + 3;
    return s;
}

/* Java's Character.isISOControl over UTF-8: U+0000-U+001F, U+007F-U+009F. */
static int
api__has_iso_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return 1;
        if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            return 1;
    }
    return 0;
}

int
api_subject_valid(const char *subject)
{
    if (api__has_iso_control(subject))
        return 0;
    const char *name = api__unqualified(subject);
    return strcmp(name, "__GLOBAL") != 0 && strcmp(name, "__EMPTY") != 0;
}

int
api_version_parse(const char *s, int *out)
{
    /* VersionId: trimmed; "latest" (any case) and -1 mean the latest. */
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    char tmp[32];
    if (n == 0 || n >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (strcasecmp(tmp, "latest") == 0) {
        *out = -1;
        return 0;
    }
    int v;
    if (route_parse_int(tmp, &v) != 0 || (v <= 0 && v != -1))
        return -1;
    *out = v;
    return 0;
}

void
api_version_error(api_result_t *res, const char *raw)
{
    api_errorf(res, 422, 42202,
               "The specified version '%s' is not a valid version id. Allowed values "
               "are between [1, 2^31-1] and the string \"latest\"", raw);
}

/*
 * Where a subject's settings fall back to: 1 inside the default context
 * (the global level), else 0 with *scope the context's ":.ctx:" settings
 * holder, or NULL when the context has none.
 */
static int
api__default_context(const api_t *api, const char *subject, const store_subject_t **scope)
{
    char *ctx = store_subject_context(subject);
    int dflt = strcmp(ctx, ".") == 0;
    *scope = NULL;
    if (!dflt) {
        char *name = mem_printf(":%s:", ctx);
        *scope = store_subject(api->store, name);
        free(name);
    }
    free(ctx);
    return dflt;
}

/*
 * The stored config of the level a subject falls back to
 * (InMemoryCache.config with returnTopLevelIfNotFound): its context's
 * outside the default context, the global one inside it.  NULL if none.
 */
static const json_t *
api__parent_config(const api_t *api, const char *subject)
{
    const store_subject_t *cs;
    if (api__default_context(api, subject, &cs))
        return api->store->global_config;
    return cs ? cs->config : NULL;
}

const json_t *
api_config_in_scope(const api_t *api, const char *subject)
{
    if (subject == NULL)
        return api->store->global_config;
    store_subject_t *sub = store_subject(api->store, subject);
    if (sub != NULL && sub->config != NULL)
        return sub->config;
    return api__parent_config(api, subject);
}

const json_t *
api_config_field(const api_t *api, const char *subject, const char *key)
{
    const json_t *v = json_object_get(api_config_in_scope(api, subject), key);
    return json_is_null(v) ? NULL : v;
}

const char *
api_compat_level(const api_t *api, const char *subject)
{
    static const char *const levels[] = {
        "NONE", "BACKWARD", "FORWARD", "FULL", "BACKWARD_TRANSITIVE",
        "FORWARD_TRANSITIVE", "FULL_TRANSITIVE",
    };
    /* The config in force whole, its level filled in from the server's
     * default (Confluent never mixes the fields of two levels). */
    const json_t *cfg = api_config_in_scope(api, subject);
    const char *lvl = json_string_value(json_object_get(cfg, "compatibilityLevel"));
    if (lvl == NULL)
        lvl = api->cf->compatibility_level;
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (lvl != NULL && strcasecmp(lvl, levels[i]) == 0)
            return levels[i];
    }
    return "BACKWARD";
}

/* The stored mode of the level a subject falls back to (its context's
 * outside the default context, the global one inside it), or NULL. */
static const char *
api__parent_mode(const api_t *api, const char *subject)
{
    const store_subject_t *cs;
    if (api__default_context(api, subject, &cs))
        return api->store->global_mode;
    return cs ? cs->mode : NULL;
}

const char *
api_mode_of(const api_t *api, const char *subject)
{
    /* KafkaSchemaRegistry.getModeInScope: READONLY_OVERRIDE set globally
     * wins everywhere; otherwise the subject's mode, its parent's, else
     * the default. */
    const store_t *st = api->store;
    if (st->global_mode != NULL && strcmp(st->global_mode, "READONLY_OVERRIDE") == 0)
        return st->global_mode;
    if (subject == NULL)
        return st->global_mode ? st->global_mode : "READWRITE";
    store_subject_t *sub = store_subject(st, subject);
    if (sub != NULL && sub->mode != NULL)
        return sub->mode;
    const char *mode = api__parent_mode(api, subject);
    return mode ? mode : "READWRITE";
}

/* ---- dispatch ---------------------------------------------------------- */

static void
api__root_post(const char *body, size_t blen, api_result_t *res)
{
    json_error_t err;
    json_t *j = blen ? json_loadb(body, blen, JSON_DECODE_ANY, &err) : NULL;
    if (blen > 0 && (j == NULL || !json_is_object(j))) {
        api_error(res, 400, 400, j ? "Cannot deserialize value of type `LinkedHashMap<String,String>` from Array value"
                                   : "Unrecognized token");
    } else {
        const char *k;
        json_t *v;
        int bad = 0;
        json_object_foreach(j, k, v) bad |= json_is_object(v) || json_is_array(v);
        if (bad)
            api_error(res, 400, 400, "Cannot deserialize value of type `String` from Object value (token `JsonToken.START_OBJECT`)");
        else
            api_ok(res, "{}");
    }
    json_decref(j);
}

static void
api__dispatch_read(api_t *api, const route_t *r, api_result_t *res)
{
    switch (r->id) {
    case ROUTE_ROOT:
        api_ok(res, "{}");
        break;
    case ROUTE_SCHEMA_TYPES:
        api_ok(res, "[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
        break;
    case ROUTE_SCHEMA_ID:
        api_read_schema_by_id(api, r, res);
        break;
    case ROUTE_SCHEMA_ID_SCHEMA:
        api_read_schema_by_id_raw(api, r, res);
        break;
    case ROUTE_SCHEMA_ID_SUBJECTS:
        api_read_id_uses(api, r, res, 0);
        break;
    case ROUTE_SCHEMA_ID_VERSIONS:
        api_read_id_uses(api, r, res, 1);
        break;
    case ROUTE_SCHEMAS:
        api_read_schemas(api, r, res);
        break;
    case ROUTE_SUBJECTS:
        api_read_subjects(api, r, res);
        break;
    case ROUTE_VERSIONS:
        api_read_versions(api, r, res);
        break;
    case ROUTE_VERSION:
        api_read_version(api, r, res, 0);
        break;
    case ROUTE_VERSION_SCHEMA:
        api_read_version(api, r, res, 1);
        break;
    case ROUTE_VERSION_REFERENCEDBY:
        api_read_referenced_by(api, r, res);
        break;
    case ROUTE_CONTEXTS:
        api_read_contexts(api, res);
        break;
    case ROUTE_METADATA_ID:
        api_read_metadata_id(api, res);
        break;
    case ROUTE_METADATA_VERSION:
        if (api->cf->confluent_version >= 8)
            api_ok(res, "{\"version\":\"8.3.0\",\"commitId\":\"" PACKAGE_VERSION "\"}");
        else
            api_ok(res, "{\"version\":\"7.9.0\",\"commitId\":\"" PACKAGE_VERSION "\"}");
        break;
    case ROUTE_SCHEMA_GUID:
    case ROUTE_SCHEMA_GUID_IDS:
    case ROUTE_ASSOC_RESOURCE:
    case ROUTE_ASSOC_RESOURCE_ID:
    case ROUTE_ASSOC_SUBJECT:
    case ROUTE_METADATA_DEPLOYMENT:
        api_v8(api, r, res);
        break;
    default:
        api_not_found(res);
        break;
    }
}

/*
 * The last guard before the journal: a record the store would skip must
 * never be appended, or its id or version would be acknowledged and then
 * handed out again.  A planner that built one has a bug; the client gets
 * a 500 and nothing is written.
 */
static void
api__check_records(const api_t *api, api_result_t *res)
{
    for (size_t i = 0; i < res->nrecords; i++) {
        const api_record_t *rec = &res->records[i];
        const char *why;
        if (store_check_record(api->store, rec->key, rec->klen, rec->val, rec->vlen,
                               &why) == 0)
            continue;
        log_error("refusing to append %s (record %zu of %zu planned)", why, i + 1,
                  res->nrecords);
        for (size_t j = 0; j < res->nrecords; j++) {
            free(res->records[j].key);
            free(res->records[j].val);
        }
        res->nrecords = 0;
        res->new_id = 0;
        api_error(res, 500, 50001, "Error while writing to the journal");
        return;
    }
}

void
api_handle(api_t *api, const ipc_request_t *req, api_result_t *res)
{
    route_t r;
    memset(res, 0, sizeof(*res));
    char *alias_subject = NULL, *alias_param = NULL;
    route_parse(req->method, req->method_len, req->path, req->path_len, &r);
    if (r.id != ROUTE_NOT_FOUND && !r.context_error)
        api_alias_filter(api, &r, &alias_subject, &alias_param);
    if (r.id == ROUTE_NOT_FOUND) {
        api_not_found(res);
    } else if (r.context_error) {
        api_error(res, 400, 400, "Context name cannot contain a colon");
    } else if (r.id == ROUTE_CONTEXT) {
        api_delete_context(api, &r, res);
    } else if ((route_methods(r.id) & r.method) == 0) {
        api_error(res, 405, 405, "HTTP 405 Method Not Allowed");
    } else if (r.method == ROUTE_M_GET && (r.id == ROUTE_CONFIG || r.id == ROUTE_CONFIG_SUBJECT)) {
        api_config(api, &r, req->body, req->body_len, res);
    } else if (r.method == ROUTE_M_GET && (r.id == ROUTE_MODE || r.id == ROUTE_MODE_SUBJECT)) {
        api_mode(api, &r, req->body, req->body_len, res);
    } else if (r.method == ROUTE_M_GET && r.id == ROUTE_SUBJECT_METADATA) {
        char *subject = api_subject(&r);
        api_subject_metadata(api, &r, subject, res);
        free(subject);
    } else if (r.method == ROUTE_M_GET) {
        api__dispatch_read(api, &r, res);
        api_read_page8(api, &r, res);
    } else if (r.id == ROUTE_VERSION_TAGS) {
        api_tags(api, &r, req->body, req->body_len, res);
    } else if (r.id == ROUTE_ROOT) {
        api__root_post(req->body, req->body_len, res);
    } else if (r.id == ROUTE_VERSIONS) {
        api_register(api, &r, req->body, req->body_len, res);
    } else if (r.id == ROUTE_SUBJECT && r.method == ROUTE_M_POST) {
        api_lookup(api, &r, req->body, req->body_len, res);
    } else if (r.id == ROUTE_SUBJECT) {
        api_delete_subject(api, &r, res);
    } else if (r.id == ROUTE_VERSION) {
        api_delete_version(api, &r, res);
    } else if (r.id == ROUTE_CONFIG || r.id == ROUTE_CONFIG_SUBJECT) {
        api_config(api, &r, req->body, req->body_len, res);
    } else if (r.id == ROUTE_MODE || r.id == ROUTE_MODE_SUBJECT) {
        api_mode(api, &r, req->body, req->body_len, res);
    } else if (r.id == ROUTE_COMPAT_VERSION || r.id == ROUTE_COMPAT_VERSIONS) {
        api_compatibility(api, &r, req->body, req->body_len, res);
    } else {
        api_not_found(res);
    }
    api__check_records(api, res);
    free(alias_subject);
    free(alias_param);
    route_free(&r);
}
