/*
 * api_config.c - /config and /mode, global and per subject: read, update
 * (merged field by field), delete; written as CONFIG and MODE records.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_rules.h"
#include "config.h"
#include "record.h"
#include "render.h"
#include "request.h"

/* Config fields in Confluent's order; `compatibility` is the request's
 * spelling of compatibilityLevel. */
static const char *const api_config_fields[] = {
    "alias", "aliasForDeks", "normalize", "validateFields", "validateNewSchemas",
    "validateRules", "compatibilityLevel", "compatibilityPolicy",
    "compatibilityGroup", "defaultMetadata", "overrideMetadata", "defaultRuleSet",
    "overrideRuleSet",
};
#define API_NCONFIG (sizeof(api_config_fields) / sizeof(api_config_fields[0]))

static const char *const api_levels[] = {
    "NONE", "BACKWARD", "FORWARD", "FULL", "BACKWARD_TRANSITIVE",
    "FORWARD_TRANSITIVE", "FULL_TRANSITIVE",
};

static const char *
api__level(const char *s)
{
    for (size_t i = 0; i < sizeof(api_levels) / sizeof(api_levels[0]); i++) {
        if (strcasecmp(s, api_levels[i]) == 0)
            return api_levels[i];
    }
    return NULL;
}

/* The config a scope answers with: stored fields, the level filled in. */
static void
api__render_config(const api_t *api, const json_t *cfg, api_result_t *res)
{
    res->status = 200;
    render_config(&res->body, cfg, api->cf->compatibility_level);
}

static const char *
api__scope(const route_t *r, char **owned)
{
    *owned = NULL;
    if (r->id == ROUTE_CONFIG_SUBJECT || r->id == ROUTE_MODE_SUBJECT ||
        r->context != NULL) {
        *owned = api_subject(r);
        if ((*owned)[0] == '\0' || strcmp(*owned, ":.:") == 0) {
            free(*owned);
            *owned = NULL;
        }
    }
    return *owned;
}

static int
api__boolish(const json_t *v, int *out, request_error_t *err)
{
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v) != 0;
        return 0;
    }
    if (json_is_string(v) && (strcasecmp(json_string_value(v), "true") == 0 ||
                              strcasecmp(json_string_value(v), "false") == 0)) {
        *out = strcasecmp(json_string_value(v), "true") == 0;
        return 0;
    }
    request_error_set(err, 400, 400, "Cannot deserialize value of type `java.lang.Boolean`");
    return -1;
}

/* The fields 8.x added (validateNewSchemas, aliasForDeks, compatibilityPolicy,
 * STRICT or LENIENT, anything else left unset as Confluent's enum does);
 * 0 also for a field that is not one of them. */
static int
api__config8_field(const char *k, const json_t *v, json_t *echo, json_t *set,
                   request_error_t *err)
{
    if (strcmp(k, "validateNewSchemas") == 0) {
        int b;
        if (api__boolish(v, &b, err) != 0)
            return -1;
        json_object_set_new(echo, k, json_boolean(b));
        json_object_set_new(set, k, json_boolean(b));
    } else if (strcmp(k, "aliasForDeks") == 0 || strcmp(k, "compatibilityPolicy") == 0) {
        char *s;
        if (request_string(v, &s, err) != 0)
            return -1;
        json_object_set_new(echo, k, json_string(s));
        if (strcmp(k, "aliasForDeks") == 0)
            json_object_set_new(set, k, json_string(s));
        else if (strcasecmp(s, "STRICT") == 0 || strcasecmp(s, "LENIENT") == 0)
            json_object_set_new(set, k, json_string(strcasecmp(s, "STRICT") == 0 ? "STRICT"
                                                                                  : "LENIENT"));
        free(s);
    }
    return 0;
}

/*
 * Decode a ConfigUpdateRequest into `echo` (the request's non-null fields as
 * sent, for the answer) and `set` (the fields to store).  0 or -1.
 */
static int
api__config_update(const json_t *body, json_t *echo, json_t *set, int dialect,
                   api_result_t *res)
{
    request_error_t err = {0};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)body, k, v) {
        if (json_is_null(v))
            continue;
        if (strcmp(k, "compatibility") == 0) {
            const char *lvl = json_is_string(v) ? api__level(json_string_value(v)) : NULL;
            if (lvl == NULL) {
                api_error(res, 422, 42203, "Invalid compatibility level. Valid values are "
                          "none, backward, forward, full, backward_transitive, "
                          "forward_transitive, and full_transitive");
                return -1;
            }
            json_object_set(echo, "compatibility", v);
            json_object_set_new(set, "compatibilityLevel", json_string(lvl));
        } else if (strcmp(k, "normalize") == 0 || strcmp(k, "validateFields") == 0 ||
                   strcmp(k, "validateRules") == 0) {
            int b;
            if (api__boolish(v, &b, &err) != 0)
                goto fail;
            json_object_set_new(echo, k, json_boolean(b));
            json_object_set_new(set, k, json_boolean(b));
        } else if (dialect >= 8 && api__config8_field(k, v, echo, set, &err) != 0) {
            goto fail;
        } else if (strcmp(k, "alias") == 0 || strcmp(k, "compatibilityGroup") == 0) {
            char *s;
            if (request_string(v, &s, &err) != 0)
                goto fail;
            json_object_set_new(echo, k, json_string(s));
            json_object_set_new(set, k, json_string(s));
            free(s);
        } else if (strcmp(k, "defaultMetadata") == 0 || strcmp(k, "overrideMetadata") == 0) {
            json_t *md = request_metadata(v, &err);
            if (md == NULL)
                goto fail;
            json_object_set(echo, k, md);
            json_object_set_new(set, k, md);
        } else if (strcmp(k, "defaultRuleSet") == 0 || strcmp(k, "overrideRuleSet") == 0) {
            json_t *rs;
            if (request_rule_set(v, &rs, &err) != 0)
                goto fail;
            json_object_set(echo, k, v);
            json_object_set_new(set, k, rs);
        }
    }
    return 0;
fail:
    api_error(res, err.status, err.code, err.message);
    request_error_free(&err);
    return -1;
}

/* The default rule set, then the override, as RuleSet.validate() checks them. */
static int
api__config_rules(const json_t *set, int dialect, api_result_t *res)
{
    if (api_rules_check(json_object_get(set, "defaultRuleSet"), dialect, res) != 0)
        return -1;
    return api_rules_check(json_object_get(set, "overrideRuleSet"), dialect, res);
}

static int
api__config_subject(const char *scope, api_result_t *res)
{
    if (scope == NULL || api_subject_valid(scope))
        return 0;
    api_errorf(res, 422, 42208, "The specified subject '%s' is not a valid.", scope);
    return -1;
}

static int
api__readonly(const api_t *api, const char *subject, api_result_t *res)
{
    const char *mode = api_mode_of(api, subject);
    if (strcasecmp(mode, "READONLY") == 0 || strcasecmp(mode, "READONLY_OVERRIDE") == 0) {
        api_errorf(res, 422, 42205, "Subject %s is in read-only mode",
                   subject ? subject : "null");
        return -1;
    }
    return 0;
}

static json_t *
api__stored_config(const api_t *api, const char *scope)
{
    if (scope == NULL)
        return api->store->global_config;
    store_subject_t *sub = store_subject(api->store, scope);
    return sub ? sub->config : NULL;
}

static void
api__config_put(api_t *api, const char *scope, const char *body, size_t blen,
                api_result_t *res)
{
    request_error_t err = {0};
    json_t *j = request_parse(body, blen, scope ? "updateSubjectLevelConfig.arg2"
                                                : "updateTopLevelConfig.arg1", &err);
    if (j == NULL) {
        api_error(res, err.status, err.code, err.message);
        request_error_free(&err);
        return;
    }
    if (!json_is_object(j)) {
        api_errorf(res, 400, 400, "Cannot deserialize value of type `ConfigUpdateRequest` "
                   "from %s value", json_is_array(j) ? "Array" : "String");
        json_decref(j);
        return;
    }
    json_t *echo = json_object(), *set = json_object();
    /* ConfigResource's order: the body, the level, the rule sets, the subject. */
    if (api__config_update(j, echo, set, api->cf->confluent_version, res) == 0 &&
        api__config_rules(set, api->cf->confluent_version, res) == 0 &&
        api__config_subject(scope, res) == 0 && api__readonly(api, scope, res) == 0) {
        /* Merge over what is stored, then write the whole value. */
        json_t *old = api__stored_config(api, scope);
        json_t *val = json_object();
        if (scope != NULL)
            json_object_set_new(val, "subject", json_string(scope));
        for (size_t i = 0; i < API_NCONFIG; i++) {
            const char *k = api_config_fields[i];
            json_t *v = json_object_get(set, k);
            if (v == NULL)
                v = json_object_get(old, k);
            if (v != NULL)
                json_object_set(val, k, v);
        }
        size_t klen, vlen;
        char *key = record_key_config(scope, &klen);
        char *v = record_value_encode(val, &vlen);
        api_add_record(res, key, klen, v, vlen);
        json_decref(val);
        res->status = 200;
        render_json(&res->body, echo);
    }
    json_decref(echo);
    json_decref(set);
    json_decref(j);
}

void
api_config(api_t *api, const route_t *r, const char *body, size_t blen,
           api_result_t *res)
{
    char *owned;
    const char *scope = api__scope(r, &owned);
    json_t *cfg = api__stored_config(api, scope);
    if (r->method == ROUTE_M_GET) {
        if (scope != NULL && cfg == NULL && !route_query_bool(r, "defaultToGlobal", 0)) {
            api_errorf(res, 404, 40408, "Subject '%s' does not have subject-level "
                       "compatibility configured", scope);
        } else {
            api__render_config(api, api_config_in_scope(api, scope), res);
        }
    } else if (r->method == ROUTE_M_PUT) {
        api__config_put(api, scope, body, blen, res);
    } else if (scope != NULL && cfg == NULL) {
        api_errorf(res, 404, 40401, "Subject '%s' not found.", scope);
    } else if (api__readonly(api, scope, res) == 0) {
        api__render_config(api, cfg, res);
        if (cfg != NULL) {
            size_t klen;
            {
                char *tk = record_key_config(scope, &klen);
                api_add_record(res, tk, klen, NULL, 0);
            }
        }
    }
    free(owned);
}

/* ---- /mode ------------------------------------------------------------- */


static const char *
api__mode_name(const char *s)
{
    static const char *const modes[] = {"READWRITE", "READONLY", "READONLY_OVERRIDE",
                                        "IMPORT", "FORWARD"};
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcasecmp(s, modes[i]) == 0)
            return modes[i];
    }
    return NULL;
}

/* Whether any live subject lies in the scope (the whole registry for NULL). */
static int
api__scope_has_subjects(const api_t *api, const char *scope)
{
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&api->store->subjects, &pos)) != NULL) {
        store_subject_t *sub = slot->val;
        if (store_subject_all_deleted(sub))
            continue;
        if (scope == NULL || strcmp(sub->name, scope) == 0)
            return 1;
        size_t n = strlen(scope);
        if (n > 0 && scope[n - 1] == ':' && strncmp(sub->name, scope, n) == 0)
            return 1;
    }
    return 0;
}

static void
api__clear_subject(const char *scope, api_result_t *res)
{
    size_t klen, vlen;
    char *key = record_key_clear_subject(scope, &klen);
    json_t *val = json_pack("{s:s}", "subject", scope);
    char *v = record_value_encode(val, &vlen);
    json_decref(val);
    api_add_record(res, key, klen, v, vlen);
}

static void
api__mode_put(api_t *api, const route_t *r, const char *scope, const char *body,
              size_t blen, api_result_t *res)
{
    request_error_t err = {0};
    json_t *j = request_parse(body, blen, scope ? "updateMode.arg2" : "updateTopLevelMode.arg1",
                              &err);
    if (j == NULL) {
        api_error(res, err.status, err.code, err.message);
        request_error_free(&err);
        return;
    }
    json_t *m = json_object_get(j, "mode");
    const char *mode = json_is_string(m) ? api__mode_name(json_string_value(m)) : NULL;
    /* Entering IMPORT (not forced) needs an empty scope, and first clears
     * what soft deletes left in the caches (a CLEAR_SUBJECT record). */
    int entering_import = mode != NULL && strcmp(mode, "IMPORT") == 0 &&
                          strcasecmp(api_mode_of(api, scope), "IMPORT") != 0 &&
                          !route_query_bool(r, "force", 0);
    if (!json_is_object(j)) {
        api_error(res, 400, 400, "Cannot deserialize value of type `ModeUpdateRequest` "
                  "from Array value (token `JsonToken.START_ARRAY`)");
    } else if (m == NULL || json_is_null(m)) {
        api_error(res, 500, 500, "Internal Server Error");
    } else if (scope != NULL && !api_subject_valid(scope)) {
        api_errorf(res, 422, 42208, "The specified subject '%s' is not a valid.", scope);
    } else if (mode == NULL) {
        api_error(res, 422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.");
    } else if (!api->cf->mode_mutability) {
        api_error(res, 422, 42205, "Mode changes are not allowed");
    } else if (strcmp(mode, "FORWARD") == 0 && scope != NULL) {
        api_error(res, 422, 42204, "Forward mode only supported on global level");
    } else if (entering_import && api__scope_has_subjects(api, scope)) {
        api_error(res, 422, 42205, "Cannot import since found existing subjects");
    } else {
        if (entering_import && scope != NULL)
            api__clear_subject(scope, res);
        json_t *val = json_object();
        if (scope != NULL)
            json_object_set_new(val, "subject", json_string(scope));
        json_object_set_new(val, "mode", json_string(mode));
        size_t klen, vlen;
        char *key = record_key_mode(scope, &klen);
        char *v = record_value_encode(val, &vlen);
        json_decref(val);
        api_add_record(res, key, klen, v, vlen);
        res->status = 200;
        buf_puts(&res->body, "{\"mode\":");
        buf_json_string(&res->body, json_string_value(m), json_string_length(m));
        buf_puts(&res->body, "}");
    }
    json_decref(j);
}

/* KafkaSchemaRegistry.getMode: READONLY_OVERRIDE set globally answers for
 * every scope, else the scope's own mode (the global one: its default). */
static const char *
api__mode_at(const api_t *api, const char *scope)
{
    const char *global = api->store->global_mode;
    if (global != NULL && strcmp(global, "READONLY_OVERRIDE") == 0)
        return global;
    if (scope == NULL)
        return global ? global : "READWRITE";
    store_subject_t *sub = store_subject(api->store, scope);
    return sub ? sub->mode : NULL;
}

static void
api__render_mode(const char *mode, api_result_t *res)
{
    res->status = 200;
    buf_puts(&res->body, "{\"mode\":");
    buf_json_string(&res->body, mode, strlen(mode));
    buf_puts(&res->body, "}");
}

void
api_mode(api_t *api, const route_t *r, const char *body, size_t blen, api_result_t *res)
{
    char *owned;
    const char *scope = api__scope(r, &owned);
    const char *mode = api__mode_at(api, scope);
    if (r->method == ROUTE_M_GET) {
        if (route_query_bool(r, "defaultToGlobal", 0))
            mode = api_mode_of(api, scope);
        if (mode == NULL)
            api_errorf(res, 404, 40409, "Subject '%s' does not have subject-level mode "
                       "configured", scope);
        else
            api__render_mode(mode, res);
    } else if (r->method == ROUTE_M_PUT) {
        api__mode_put(api, r, scope, body, blen, res);
    } else if (scope == NULL && api->cf->confluent_version < 8) {
        api_error(res, 405, 405, "HTTP 405 Method Not Allowed");   /* 8.x added DELETE /mode */
    } else if (scope == NULL && api->store->global_mode == NULL) {
        api__render_mode(api_mode_of(api, NULL), res);
    } else if (mode == NULL) {
        api_errorf(res, 404, 40401, "Subject '%s' not found.", scope ? scope : "");
    } else if (!api->cf->mode_mutability) {
        api_error(res, 422, 42205, "Mode changes are not allowed");
    } else {
        api__render_mode(mode, res);
        size_t klen;
        char *tk = record_key_mode(scope, &klen);
        api_add_record(res, tk, klen, NULL, 0);
    }
    free(owned);
}
