/*
 * api_register.c - POST /subjects/{s}/versions (register) and
 * POST /subjects/{s} (lookup), following Confluent's registration algorithm
 * (reference §3.1): canonicalize, reuse what exists, check mode and
 * compatibility, allocate the id and version, write the SCHEMA record.
 */
#include "api_reg.h"
#include "api_rules.h"

#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "config.h"
#include "guid.h"
#include "record.h"
#include "render.h"
#include "request.h"
#include "schema_type.h"

/* The check a registration makes: 0 when compatible, else -1 with the 409
 * answer set (error_code 40901 in 8.x, 409 before). */
static int
api__check_compat(const api_t *api, const char *subject, const compat_schema_t *s,
                  api_result_t *res)
{
    const char *level = api_compat_level(api, subject);
    json_t *messages = json_array();
    int ok = compat_evaluate(api->store, subject, level, api_reg_compat_group(api, subject), s,
                             NULL, messages);
    if (!ok) {
        buf_t b = {0};
        buf_printf(&b, "Schema being registered is incompatible with an earlier schema "
                       "for subject \"%s\", details: [", subject);
        size_t i;
        json_t *m;
        json_array_foreach(messages, i, m) {
            if (i)
                buf_puts(&b, ", ");
            buf_puts(&b, json_string_value(m));
        }
        buf_puts(&b, "]");
        api_error(res, 409, api->cf->confluent_version >= 8 ? 40901 : 409, b.data);
        buf_free(&b);
    }
    json_decref(messages);
    return ok ? 0 : -1;
}

/* The live subject a lookup reads, or NULL. */
static store_subject_t *
api__lookup_subject(const api_t *api, const char *subject, int deleted)
{
    store_subject_t *sub = store_subject(api->store, subject);
    if (sub == NULL || sub->nversions == 0 || (store_subject_all_deleted(sub) && !deleted))
        return NULL;
    return sub;
}

static int api__can_lookup(const store_t *st, const api_reg_t *g, const store_version_t *v);

/* lookUpSchemaUnderSubject: a version with this content, else one that
 * canLookup matches, newest first. */
static store_version_t *
api__lookup_in(const store_t *st, const api_reg_t *g, const store_subject_t *sub, int deleted)
{
    store_version_t *v = api_reg_find_in_subject(sub, g->fingerprint, deleted);
    for (size_t i = sub ? sub->nversions : 0; v == NULL && i > 0; i--) {
        store_version_t *c = &sub->versions[i - 1];
        if ((!c->deleted || deleted) && api__can_lookup(st, g, c))
            v = c;
    }
    return v;
}

/*
 * An unqualified subject missing from the default context is looked up in
 * every other context, in context order (lookUpSchemaUnderSubjectUsingContexts).
 */
static store_version_t *
api__lookup_contexts(const api_t *api, const api_reg_t *g, int deleted,
                     store_subject_t **found)
{
    store_subject_t **ctxs = NULL;
    size_t n = 0;
    store_version_t *v = NULL;
    if (api_subject_qualified(g->subject))
        return NULL;
    ctxs = api_context_subjects(api, g->subject, &n);
    for (size_t i = 0; i < n && v == NULL; i++) {
        if (api__lookup_subject(api, ctxs[i]->name, deleted) == NULL)
            continue;
        v = api__lookup_in(api->store, g, ctxs[i], deleted);
        if (v != NULL)
            *found = ctxs[i];
    }
    free(ctxs);
    return v;
}

/* Whether a subject holds a version a read may see (hasSubjects). */
static int
api__has_versions(const store_subject_t *sub, int deleted)
{
    return sub != NULL && sub->nversions > 0 && (deleted || !store_subject_all_deleted(sub));
}

/*
 * POST /subjects/{s} (lookUpSchemaUnderSubjectUsingContexts): the schema is
 * parsed first, so an invalid one is a 42201 even in a subject that does
 * not exist; a blank one matches nothing.  Not found: 40401 when the
 * subject has no version to see, else 40403.
 */
void
api_lookup(api_t *api, const route_t *r, const char *body, size_t blen,
           api_result_t *res)
{
    api_reg_t g = {0};
    g.subject = api_subject(r);
    if (api_reg_decode(&g, "lookUpSchemaUnderSubject.arg4", body, blen, res) != 0)
        goto out;
    int deleted = route_query_bool(r, "deleted", 0);
    store_subject_t *sub = NULL;
    store_version_t *v = NULL;
    /* A type Confluent has and schemad has not cannot be stored here, so
     * it matches nothing. */
    if (!api_reg_blank(g.req.schema, g.req.schema_len) &&
        !api_reg_unsupported_type(g.req.schema_type)) {
        if (api_reg_canonicalize(api, &g, api_reg_normalize(api, r, g.subject), res) != 0)
            goto out;
        sub = store_subject(api->store, g.subject);
        v = api__lookup_in(api->store, &g, sub, deleted);
        if (v == NULL)
            v = api__lookup_contexts(api, &g, deleted, &sub);
    }
    if (v == NULL) {
        if (!api__has_versions(store_subject(api->store, g.subject), deleted))
            api_errorf(res, 404, 40401, "Subject '%s' not found.", g.subject);
        else
            api_error(res, 404, 40403, "Schema not found");
        goto out;
    }
    /* The lookup answers with a copy of the request (Confluent's
     * lookUpSchemaUnderSubject): no ts, no deleted. */
    api_render_version(api, sub, v, RENDER_LOOKUP, res);
out:
    api_reg_free(&g);
}

/* Mode rules for a registration (reference §3.5).  0, or -1 with res set. */
static int
api__check_mode(const api_t *api, const api_reg_t *g, api_result_t *res)
{
    const char *mode = api_mode_of(api, g->subject);
    if (strcasecmp(mode, "READONLY") == 0 || strcasecmp(mode, "READONLY_OVERRIDE") == 0) {
        api_errorf(res, 422, 42205, "Subject %s is in read-only mode", g->subject);
        return -1;
    }
    int import = strcasecmp(mode, "IMPORT") == 0 || strcasecmp(mode, "FORWARD") == 0;
    if (g->req.id >= 0 && !import) {
        api_errorf(res, 422, 42205, "Subject %s is not in import mode", g->subject);
        return -1;
    }
    if (g->req.id < 0 && import) {
        api_errorf(res, 422, 42205, "Subject %s is not in read-write mode", g->subject);
        return -1;
    }
    return 0;
}

static int
api__next_version(const store_subject_t *sub)
{
    if (sub == NULL || sub->nversions == 0)
        return 1;
    return sub->versions[sub->nversions - 1].version + 1;
}

/* The SCHEMA record (and a CONTEXT record for a new context). */
static void
api__write_schema(api_t *api, const api_reg_t *g, int id, int version,
                  api_result_t *res)
{
    size_t klen, vlen;
    store_context_t *ctx = hmap_get(&api->store->contexts, g->context, strlen(g->context));
    if (strcmp(g->context, ".") != 0 && (ctx == NULL || !ctx->listed)) {
        char *key = record_key_context("default", g->context, &klen);
        json_t *v = json_pack("{s:s,s:s}", "tenant", "default", "context", g->context);
        char *val = record_value_encode(v, &vlen);
        json_decref(v);
        api_add_record(res, key, klen, val, vlen);
    }
    /* A soft-deleted earlier version with the same id is replaced: Confluent
     * tombstones it. */
    store_subject_t *sub = store_subject(api->store, g->subject);
    for (size_t i = 0; sub != NULL && i < sub->nversions; i++) {
        store_version_t *v = &sub->versions[i];
        if (v->deleted && v->schema->id == id && v->version < version) {
            char *key = record_key_schema(g->subject, v->version, &klen);
            api_add_record(res, key, klen, NULL, 0);
        }
    }
    record_schema_t rec = {
        .subject = g->subject,
        .version = version,
        .id = id,
        .schema_type = g->req.schema_type && strcmp(g->req.schema_type, "AVRO") != 0
                           ? g->req.schema_type : NULL,
        .type_written = api->cf->confluent_version >= 8,
        .references = g->req.references,
        .metadata = g->metadata,
        .rule_set = g->rule_set,
        .schema = g->canonical,
        .deleted = 0,
    };
    char *key = record_key_schema(g->subject, version, &klen);
    char *val = record_schema_encode(&rec, &vlen);
    api_add_record(res, key, klen, val, vlen);
}

/* The full answer: {"id","version","guid"(8),"schemaType"(7: not for Avro),
 * "references"?,"metadata"?,"ruleSet"?,"schema"}. */
static void
api__full_answer(buf_t *b, int id, int version, const char *type, const json_t *refs,
                 const json_t *metadata, const json_t *rule_set, const char *schema,
                 int dialect)
{
    buf_printf(b, "{\"id\":%d,\"version\":%d", id, version);
    if (dialect >= 8) {
        char guid[GUID_LEN + 1];
        guid_of(schema, refs, metadata, rule_set, guid);
        buf_printf(b, ",\"guid\":\"%s\"", guid);
    }
    if (type == NULL && dialect >= 8)
        type = "AVRO";
    if (type != NULL && (dialect >= 8 || strcmp(type, "AVRO") != 0)) {
        buf_puts(b, ",\"schemaType\":");
        buf_json_string(b, type, strlen(type));
    }
    if (json_array_size(refs) > 0) {
        buf_puts(b, ",\"references\":");
        render_json(b, refs);
    }
    if (metadata != NULL) {
        buf_puts(b, ",\"metadata\":");
        render_json(b, metadata);
    }
    if (rule_set != NULL) {
        buf_puts(b, ",\"ruleSet\":");
        render_json(b, rule_set);
    }
    buf_puts(b, ",\"schema\":");
    buf_json_string(b, schema, strlen(schema));
    buf_puts(b, "}");
}

/* A version that exists answers {"id"}, or in full when `full`; 8.x always
 * in full (as the table's Q key, publish.c). */
static void
api__existing_answer(const api_t *api, const store_version_t *v, int full,
                     api_result_t *res)
{
    const store_schema_t *s = v->schema;
    int dialect = api->cf->confluent_version;
    res->status = 200;
    res->body.len = 0;
    if (dialect >= 8) {
        render_split_t sp = {0};
        render_registered(&sp, v->version, s, dialect);
        render_join(&res->body, &sp, s);
        render_split_free(&sp);
        return;
    }
    if (!full) {
        buf_printf(&res->body, "{\"id\":%d}", s->id);
        return;
    }
    api__full_answer(&res->body, s->id, v->version, s->schema_type, s->references,
                     s->metadata, s->rule_set, store_schema_text(api->store, s), dialect);
}

static void
api__register_answer(const api_t *api, const api_reg_t *g, int id, int version,
                     api_result_t *res)
{
    int dialect = api->cf->confluent_version;
    res->status = 200;
    if (!g->modified && dialect < 8) {
        buf_printf(&res->body, "{\"id\":%d}", id);
        return;
    }
    api__full_answer(&res->body, id, version, g->req.schema_type, g->req.references,
                     g->metadata, g->rule_set, g->canonical, dialect);
}

/* Choose the id: explicit (IMPORT), the same content's, or the next one. */
/* The next id, above the ones in-flight registrations took; the same
 * schema in flight keeps its id. */
static int
api__new_id(const api_t *api, const api_reg_t *g)
{
    int id = store_next_id(api->store, g->context);
    if (api->pending == NULL || strcmp(g->context, ".") != 0)
        return id;
    api_pending_t *p = hmap_get(api->pending, g->fingerprint, 32);
    if (p != NULL)
        return p->id;
    return api->pending_max_id >= id ? api->pending_max_id + 1 : id;
}

static int
api__choose_id(api_t *api, const api_reg_t *g, api_result_t *res)
{
    store_schema_t *same = store_schema_by_fingerprint(api->store, g->context, g->fingerprint);
    if (g->req.id < 0 && same != NULL)
        return same->id;
    if (g->req.id < 0)
        return api__new_id(api, g);
    store_schema_t *byid = store_schema_by_id(api->store, g->context, g->req.id);
    if (byid != NULL && strcmp(byid->fingerprint, g->fingerprint) != 0) {
        api_errorf(res, 422, 42205, "Overwrite new schema with id %d is not permitted.",
                   g->req.id);
        return -1;
    }
    return g->req.id;
}

static int
api__is_import(const api_t *api, const char *subject)
{
    const char *mode = api_mode_of(api, subject);
    return strcasecmp(mode, "IMPORT") == 0 || strcasecmp(mode, "FORWARD") == 0;
}

/* Config.hasDefaultsOrOverrides: metadata or rules the config adds. */
static int
api__config_fills(const api_t *api, const char *subject)
{
    static const char *const fields[] = {"defaultMetadata", "overrideMetadata",
                                         "defaultRuleSet", "overrideRuleSet"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (api_config_field(api, subject, fields[i]) != NULL)
            return 1;
    }
    return 0;
}

/* The confluent:version of metadata as a number, or 0 when absent. */
static int
api__confluent_version(const json_t *md)
{
    const char *v = json_string_value(json_object_get(json_object_get(md, "properties"),
                                                      "confluent:version"));
    int n;
    return v != NULL && route_parse_int(v, &n) == 0 ? n : 0;
}

/*
 * ParsedSchema.canLookup (AbstractSchemaProvider.canLookupIgnoringVersion):
 * when the request or the stored version carries confluent:version and the
 * other does not, they match if equal without it (a request's own number
 * must then be the stored version's); when both carry one, only if equal.
 * Without any, canLookup says no: the content index decides.
 */
static int
api__can_lookup(const store_t *st, const api_reg_t *g, const store_version_t *v)
{
    int cur = api_metadata_has_version(g->metadata);
    int prev = api_metadata_has_version(v->schema->metadata);
    const json_t *refs = json_array_size(g->req.references) ? g->req.references : NULL;
    char fp[33];
    if (!cur && !prev)
        return 0;
    if (cur && prev)
        return strcmp(g->fingerprint, v->schema->fingerprint) == 0;
    if (!cur) {
        json_t *pm = api_metadata_without_version(v->schema->metadata);
        store_fingerprint(store_schema_text(st, v->schema), v->schema->references, pm,
                          v->schema->rule_set, fp);
        json_decref(pm);
        return strcmp(g->fingerprint, fp) == 0;
    }
    if (api__confluent_version(g->metadata) != v->version)
        return 0;
    json_t *cm = api_metadata_without_version(g->metadata);
    store_fingerprint(g->canonical, refs, cm, g->rule_set, fp);
    json_decref(cm);
    return strcmp(fp, v->schema->fingerprint) == 0;
}

/*
 * registerOrForward's shortcut, for a request without an explicit version
 * and a config that adds no metadata or rules: the request as sent is
 * already a live version of the subject, by the content index or by
 * canLookup over the versions newest first; `version: -1` asks canLookup
 * of the latest only.  Returns 1 when answered.
 */
static int
api__fast_path(const api_t *api, api_reg_t *g, const store_subject_t *sub,
               api_result_t *res)
{
    const store_t *st = api->store;
    if (sub == NULL || g->req.version > 0 || api__config_fills(api, g->subject))
        return 0;
    store_version_t *v = NULL;
    if (g->req.version == -1) {
        store_version_t *latest = store_latest(sub);
        if (latest != NULL && api__can_lookup(st, g, latest))
            v = latest;
    } else {
        v = api_reg_find_in_subject(sub, g->fingerprint, 0);
        /* Confluent's content index holds the newest id with this content:
         * an older duplicate does not match. */
        if (v != NULL &&
            store_schema_by_fingerprint(st, v->schema->context, v->schema->fingerprint) != v->schema)
            v = NULL;
        for (size_t i = sub->nversions; v == NULL && i > 0; i--) {
            store_version_t *c = &sub->versions[i - 1];
            if (!c->deleted && api__can_lookup(st, g, c))
                v = c;
        }
    }
    if (v == NULL || (g->req.id >= 0 && g->req.id != v->schema->id))
        return 0;
    api__existing_answer(api, v, 0, res);
    return 1;
}

/*
 * Fill what the request left out (maybePopulateFromPrevious): an empty
 * schema from the latest live version, metadata and rule set merged as
 * override <- (request or previous) <- default, and confluent:version.
 */
static void
api__populate(const api_t *api, api_reg_t *g, const store_version_t *latest, int version)
{
    if (api_reg_blank(g->req.schema, g->req.schema_len) && latest != NULL) {
        const store_schema_t *p = latest->schema;
        free(g->req.schema);
        g->req.schema = mem_strdup(store_schema_text(api->store, p));
        g->req.schema_len = strlen(g->req.schema);
        free(g->req.schema_type);
        g->req.schema_type = strcmp(p->schema_type, "AVRO") ? mem_strdup(p->schema_type) : NULL;
        json_decref(g->req.references);
        g->req.references = p->references ? json_deep_copy(p->references) : NULL;
        g->modified = 1;
    }
    const json_t *md = g->req.metadata, *rules = g->req.rule_set;
    if (md == NULL && latest != NULL)
        md = latest->schema->metadata;
    if (rules == NULL && latest != NULL)
        rules = latest->schema->rule_set;
    json_t *m1 = api_metadata_merge(api_config_field(api, g->subject, "defaultMetadata"), md);
    json_t *m2 = api_metadata_merge(m1, api_config_field(api, g->subject, "overrideMetadata"));
    json_t *r1 = api_rule_set_merge(api_config_field(api, g->subject, "defaultRuleSet"), rules);
    json_t *r2 = api_rule_set_merge(r1, api_config_field(api, g->subject, "overrideRuleSet"));
    json_decref(m1);
    json_decref(r1);
    /* confluent:version is set when the request names a version (-1
     * too), and kept up to date once the metadata carries one. */
    if (m2 != NULL && (g->req.version != 0 || api_metadata_has_version(m2))) {
        json_t *m3 = api_metadata_with_version(m2, version);
        json_decref(m2);
        m2 = m3;
    } else if (m2 == NULL && g->req.version != 0) {
        m2 = api_metadata_with_version(NULL, version);
    }
    json_decref(g->metadata);
    json_decref(g->rule_set);
    g->metadata = m2;
    g->rule_set = r2;
    g->modified |= m2 != NULL || r2 != NULL;
}

void
api_register(api_t *api, const route_t *r, const char *body, size_t blen,
             api_result_t *res)
{
    api_reg_t g = {0};
    g.subject = api_subject(r);
    g.context = store_subject_context(g.subject);
    if (api_reg_decode(&g, "register.arg5", body, blen, res) != 0)
        goto out;
    if (api_rules_check(g.req.rule_set, api->cf->confluent_version, res) != 0)
        goto out;
    if (!api_subject_valid(g.subject)) {
        api_errorf(res, 422, 42208, "The specified subject '%s' is not a valid.", g.subject);
        goto out;
    }
    store_subject_t *sub = store_subject(api->store, g.subject);
    store_version_t *latest = sub ? store_latest(sub) : NULL;
    int import = api__is_import(api, g.subject);
    int normalize = api_reg_normalize(api, r, g.subject);
    int canonical = !api_reg_blank(g.req.schema, g.req.schema_len);
    if (canonical) {
        if (api_reg_canonicalize(api, &g, normalize, res) != 0)
            goto out;
        if (api__fast_path(api, &g, sub, res))
            goto out;
    }
    if (!api->leader) {
        api_error(res, 500, 50004, "Leader not known.");
        goto out;
    }
    if (api__check_mode(api, &g, res) != 0)
        goto out;
    int version = api__next_version(sub);
    if (!import)
        api__populate(api, &g, latest, version);
    if (api_reg_blank(g.req.schema, g.req.schema_len)) {
        api_error(res, 422, 42201, "Empty schema");
        goto out;
    }
    /* A new schema (no id of its own) on the normalize path is parsed
     * again with its defaults validated, as register() does after the
     * lookup that answered known ones. */
    int flags = g.req.id < 0 ? api_reg_new_flags(api, g.subject, normalize) : normalize;
    if (canonical && !(flags & SCHEMA_VALIDATE_DEFAULTS)) {
        /* The text and its references stay what was canonicalized above
         * (only a blank schema is filled in); metadata and rule set may not. */
        api_reg_fingerprint(&g);
    } else if (api_reg_canonicalize(api, &g, flags, res) != 0) {
        goto out;
    }
    /* Already registered here: answer it (in full when filled in, or when
     * the request named its version) without writing. */
    store_version_t *known = api_reg_find_in_subject(sub, g.fingerprint, 0);
    if (known != NULL && (g.req.version == 0 || g.req.version == known->version) &&
        (g.req.id < 0 || g.req.id == known->schema->id)) {
        api__existing_answer(api, known, g.modified || g.req.version > 0, res);
        goto out;
    }
    if (g.req.version > 0) {
        if (!import && g.req.version != version) {
            api_error(res, 422, 42201, "Version is not one more than previous version");
            goto out;
        }
        version = g.req.version;
    }
    compat_schema_t cs = api_reg_compat_schema(api, &g);
    if (!import && api__check_compat(api, g.subject, &cs, res) != 0)
        goto out;
    int id = api__choose_id(api, &g, res);
    if (id < 0)
        goto out;
    api__write_schema(api, &g, id, version, res);
    api__register_answer(api, &g, id, version, res);
    if (strcmp(g.context, ".") == 0 && store_schema_by_id(api->store, ".", id) == NULL) {
        res->new_id = id;
        memcpy(res->fingerprint, g.fingerprint, sizeof(res->fingerprint));
    }
out:
    api_reg_free(&g);
}

void
api_register_derived(api_t *api, const char *subject, const store_schema_t *from,
                     const char *text, const json_t *metadata, const json_t *rule_set,
                     int version, api_result_t *res)
{
    api_reg_t g = {0};
    request_schema_free(&g.req);
    g.subject = mem_strdup(subject);
    g.context = store_subject_context(subject);
    g.req.schema = mem_strdup(text);
    g.req.schema_len = strlen(text);
    if (strcmp(from->schema_type, "AVRO") != 0)
        g.req.schema_type = mem_strdup(from->schema_type);
    g.req.references = from->references ? json_deep_copy(from->references) : NULL;
    g.metadata = metadata ? json_deep_copy(metadata) : NULL;
    g.rule_set = rule_set ? json_deep_copy(rule_set) : NULL;
    g.modified = 1;
    if (!api->leader) {
        api_error(res, 500, 50004, "Leader not known.");
    } else if (api__check_mode(api, &g, res) == 0 &&
               api_reg_canonicalize(api, &g, 0, res) == 0) {
        int id = api__choose_id(api, &g, res);
        if (id >= 0) {
            api__write_schema(api, &g, id, version, res);
            api__register_answer(api, &g, id, version, res);
        }
    }
    api_reg_free(&g);
}

static void
api__compat_answer(int ok, json_t *messages, int verbose, api_result_t *res)
{
    res->status = 200;
    res->body.len = 0;
    buf_printf(&res->body, "{\"is_compatible\":%s", ok ? "true" : "false");
    if (verbose) {
        buf_puts(&res->body, ",\"messages\":");
        render_json(&res->body, messages);
    }
    buf_puts(&res->body, "}");
}

void
api_compatibility(api_t *api, const route_t *r, const char *body, size_t blen,
                  api_result_t *res)
{
    api_reg_t g = {0};
    g.subject = api_subject(r);
    int verbose = route_query_bool(r, "verbose", 0);
    int vn = -1;
    json_t *messages = json_array();
    const store_version_t *only = NULL;
    if (r->id == ROUTE_COMPAT_VERSION && api_version_parse(r->version, &vn) != 0) {
        api_version_error(res, r->version);
        goto out;
    }
    if (api_reg_decode(&g, "testCompatibilityForSubject.arg3", body, blen, res) != 0)
        goto out;
    store_subject_t *sub = store_subject(api->store, g.subject);
    if (r->id == ROUTE_COMPAT_VERSION) {
        only = sub ? (vn == -1 ? store_latest(sub) : store_version(sub, vn)) : NULL;
        if (only != NULL && only->deleted)
            only = NULL;
        if (only == NULL && vn != -1) {
            api_errorf(res, 404, 40402, "Version %d not found.", vn);
            goto out;
        }
    }
    /* "latest" of a subject without versions checks against nothing, but
     * the schema is still parsed (isCompatible canonicalizes first). */
    int against_none = r->id == ROUTE_COMPAT_VERSION && only == NULL;
    if (against_none && api_reg_unsupported_type(g.req.schema_type)) {
        api__compat_answer(1, messages, verbose, res);
        goto out;
    }
    if (api_reg_blank(g.req.schema, g.req.schema_len)) {
        api_error(res, 422, 42201, "Empty schema");
        goto out;
    }
    if (api_reg_canonicalize(api, &g,
                             api_reg_new_flags(api, g.subject, api_reg_normalize(api, r, g.subject)),
                             res) != 0) {
        if (verbose && res->status == 422) {
            json_t *body_json = json_loadb(res->body.data, res->body.len, JSON_ALLOW_NUL, NULL);
            json_array_append(messages, json_object_get(body_json, "message"));
            json_decref(body_json);
            api__compat_answer(0, messages, 1, res);
        }
        goto out;
    }
    const char *level = api_compat_level(api, g.subject);
    compat_schema_t cs = api_reg_compat_schema(api, &g);
    int ok = against_none || compat_evaluate(api->store, g.subject, level,
                                             api_reg_compat_group(api, g.subject), &cs, only,
                                             messages);
    api__compat_answer(ok, messages, verbose, res);
out:
    json_decref(messages);
    api_reg_free(&g);
}
