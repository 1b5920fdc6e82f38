/*
 * api_reg.c - a request's schema made ready for register, lookup and
 * compatibility: decoded, references resolved, canonicalized, fingerprinted.
 */
#include "api_reg.h"

#include <stdlib.h>
#include <string.h>

#include "api_jtext.h"
#include "config.h"
#include "guid.h"
#include "utf8.h"

void
api_reg_free(api_reg_t *g)
{
    request_schema_free(&g->req);
    free(g->subject);
    free(g->context);
    free(g->canonical);
    json_decref(g->metadata);
    json_decref(g->rule_set);
    schema_refs_free(g->refs, g->nrefs);
    hmap_free(&g->refs_seen);
}

static void
api_reg__request_error(api_result_t *res, request_error_t *err)
{
    api_error(res, err->status, err->code, err->message ? err->message : "error");
    request_error_free(err);
}

/* Schema.toString() of the request: 7.9's, or 8.x's with guid, ts and
 * deleted (`key`: the cache key 8.x parses, no version or id). */
static void
api_reg__schema_text(buf_t *b, const api_reg_t *g, int dialect, int key)
{
    const char *type = g->req.schema_type ? g->req.schema_type : "AVRO";
    buf_printf(b, "{subject=%s,", g->subject);
    if (key)
        buf_puts(b, "version=null,id=null,");
    else
        buf_printf(b, "version=%d,id=%d,", g->req.version, g->req.id);
    if (dialect >= 8) {
        char guid[GUID_LEN + 1];
        const json_t *refs = json_array_size(g->req.references) ? g->req.references : NULL;
        guid_of(g->req.schema ? g->req.schema : "", refs, g->metadata, g->rule_set, guid);
        buf_printf(b, "guid=%s,", g->req.schema ? guid : "null");
    }
    buf_printf(b, "schemaType=%s,references=", type);
    api_jtext_refs(b, g->req.references);
    buf_puts(b, ",metadata=");
    api_jtext_metadata(b, g->metadata);
    buf_puts(b, ",ruleSet=");
    api_jtext_rule_set(b, g->rule_set, dialect);
    buf_puts(b, ",schema=");
    if (g->req.schema != NULL)
        buf_append(b, g->req.schema, g->req.schema_len);
    else
        buf_puts(b, "null");
    buf_puts(b, dialect >= 8 ? ",schemaTags=null,ts=null,deleted=null}" : ",schemaTags=null}");
}

/*
 * The message as a JSON string: the model's C0 80 (an escaped NUL, which
 * buf_json_string writes as \u0000) kept, any other byte that is not UTF-8
 * read as Java reads it, with U+FFFD.
 */
static void
api_reg__json_message(buf_t *out, const char *s, size_t n)
{
    static const char nul[2] = {(char)0xc0, (char)0x80};
    buf_t fixed = {0};
    const char *p = s, *end = s + n;
    for (;;) {
        const char *q = memmem(p, (size_t)(end - p), nul, 2);
        size_t seg = (size_t)((q ? q : end) - p);
        if (utf8_valid(p, seg)) {
            buf_append(&fixed, p, seg);
        } else {
            char *t = mem_alloc(UTF8_JAVA_DECODE_MAX(seg) + 1);
            buf_append(&fixed, t, utf8_java_decode((const unsigned char *)p, seg, t));
            free(t);
        }
        if (q == NULL)
            break;
        buf_append(&fixed, nul, 2);
        p = q + 2;
    }
    buf_json_string(out, fixed.data ? fixed.data : "", fixed.len);
    buf_free(&fixed);
}

/*
 * Confluent's 42201 wrapper around a parser's message: `loading` for a
 * failure to load the schema (its references included), else one of
 * validate() or normalize().  7.9: "Invalid schema {...} with refs [...] of
 * type T, details: ..." for the first, "Invalid schema {...}, details: ..."
 * for the second.  8.x: loadSchema's "Invalid schema of type T, details: "
 * around the provider's own wrapper (Avro's the 7.9 text of the cache key,
 * JSON's and Protobuf's "Invalid schema of type T, details: " again).
 */
static void
api_reg__invalid_schema(const api_t *api, api_result_t *res, const api_reg_t *g,
                        const char *details, int loading)
{
    int dialect = api->cf->confluent_version;
    const char *type = g->req.schema_type ? g->req.schema_type : "AVRO";
    buf_t b = {0};
    if (dialect >= 8 && loading) {
        buf_printf(&b, "Invalid schema of type %s, details: ", type);
        if (strcmp(type, "AVRO") != 0) {
            buf_printf(&b, "Invalid schema of type %s, details: %s", type, details);
            goto render;
        }
    }
    buf_puts(&b, "Invalid schema ");
    api_reg__schema_text(&b, g, dialect, dialect >= 8 && loading);
    if (loading) {
        buf_puts(&b, " with refs ");
        api_jtext_refs(&b, g->req.references);
        buf_printf(&b, " of type %s", type);
    }
    buf_printf(&b, ", details: %s", details);
render:
    /* render_error's body, from the bytes: the schema text may hold a NUL,
     * and a parser's "near '...'" may have cut a character in two (Java
     * would have read the bytes with U+FFFD; the answer stays valid JSON). */
    res->status = 422;
    res->body.len = 0;
    buf_puts(&res->body, "{\"error_code\":42201,\"message\":");
    api_reg__json_message(&res->body, b.data, b.len);
    buf_puts(&res->body, "}");
    buf_free(&b);
}

/* Java's trim().isEmpty(): every char at most U+0020, NUL included. */
int
api_reg_blank(const char *s, size_t len)
{
    if (s == NULL)
        return 1;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] > ' ')
            return 0;
    }
    return 1;
}

/*
 * Resolve the request's references: each must name an existing version
 * (latest for -1, rewritten to its number).  Returns 0 or -1 with res set.
 */
static int
api_reg__resolve_refs(const api_t *api, api_reg_t *g, int is_new, api_result_t *res)
{
    size_t i;
    json_t *ref;
    json_array_foreach(g->req.references, i, ref) {
        if (json_is_null(ref)) {
            api_reg__invalid_schema(api, res, g, "Cannot invoke \"io.confluent.kafka.schemaregistry."
                                "client.rest.entities.SchemaReference.getName()\" because "
                                "\"reference\" is null", 1);
            return -1;
        }
        json_t *jv = json_object_get(ref, "version");
        const char *name = json_string_value(json_object_get(ref, "name"));
        const char *rs = json_string_value(json_object_get(ref, "subject"));
        if (name == NULL || rs == NULL || !json_is_integer(jv)) {
            buf_t b = {0};
            buf_printf(&b, "Invalid reference: {name='%s', subject='%s', version=",
                       name ? name : "null", rs ? rs : "null");
            if (json_is_integer(jv))
                buf_printf(&b, "%lld}", (long long)json_integer_value(jv));
            else
                buf_puts(&b, "null}");
            api_reg__invalid_schema(api, res, g, b.data, 1);
            buf_free(&b);
            return -1;
        }
        int rv = (int)json_integer_value(jv);
        if (rv == 0 || rv < -1) {
            char *m = mem_printf("io.confluent.kafka.schemaregistry.exceptions."
                                 "InvalidVersionException: %d", rv);
            api_reg__invalid_schema(api, res, g, m, 1);
            free(m);
            return -1;
        }
        /* resolveReferences: an unqualified subject is in the referrer's
         * context; a soft-deleted version may be referenced, "latest" is
         * the newest live one. */
        char *qualified = store_ref_subject(g->context, rs);
        store_subject_t *sub = store_subject(api->store, qualified);
        store_version_t *v = NULL;
        if (sub != NULL)
            v = rv == -1 ? store_latest(sub) : store_version(sub, rv);
        /* 8.x resolves a new schema's references among live versions only. */
        if (v != NULL && v->deleted && is_new)
            v = NULL;
        if (v == NULL) {
            char *m = mem_printf("No schema reference found for subject \"%s\" and version %d",
                                 qualified, rv);
            api_reg__invalid_schema(api, res, g, m, 1);
            free(m);
            free(qualified);
            return -1;
        }
        free(qualified);
        json_object_set_new(ref, "version", json_integer(v->version));
        if (store_schema_deps(api->store, v->schema, name, &g->refs_seen, &g->refs,
                              &g->nrefs, 0) != 0) {
            api_reg__invalid_schema(api, res, g, "references nest too deeply", 1);
            return -1;
        }
    }
    return 0;
}

/* The compatibilityGroup the config in scope names, or NULL. */
const char *
api_reg_compat_group(const api_t *api, const char *subject)
{
    return json_string_value(api_config_field(api, subject, "compatibilityGroup"));
}

/* The canonicalized request as the compatibility checks take it, with the
 * policy of the config in scope. */
compat_schema_t
api_reg_compat_schema(const api_t *api, const api_reg_t *g)
{
    const char *policy =
        json_string_value(api_config_field(api, g->subject, "compatibilityPolicy"));
    compat_schema_t cs = {
        .type = schema_type_find(g->req.schema_type, api->cf->confluent_version),
        .lenient = policy != NULL && strcmp(policy, "LENIENT") == 0,
        .canonical = g->canonical,
        .refs = g->refs,
        .nrefs = g->nrefs,
        .metadata = g->metadata,
    };
    return cs;
}

/* The identity of the canonical text with its references, metadata and rule set. */
void
api_reg_fingerprint(api_reg_t *g)
{
    json_t *refs = g->req.references;
    store_fingerprint(g->canonical, json_array_size(refs) ? refs : NULL, g->metadata,
                      g->rule_set, g->fingerprint);
}

/* Parse, validate and canonicalize the request's schema.  0 or -1 (res set). */
int
api_reg_canonicalize(const api_t *api, api_reg_t *g, int flags, api_result_t *res)
{
    const char *type = g->req.schema_type;
    if (!schema_type_known(type)) {
        api_errorf(res, 422, 42201, "Invalid schema type %s", type);
        return -1;
    }
    int is_new = api->cf->confluent_version >= 8 && (flags & SCHEMA_VALIDATE_DEFAULTS);
    if (api_reg__resolve_refs(api, g, is_new, res) != 0)
        return -1;
    const schema_type_t *st = schema_type_find(type, api->cf->confluent_version);
    if (st == NULL) {
        api_reg__invalid_schema(api, res, g, "schemad does not support this schema type yet", 0);
        return -1;
    }
    char *err = NULL;
    const char *text = g->req.schema;
    free(g->canonical);
    g->canonical = NULL;
    int rc = st->canonical(text, g->req.schema_len, g->refs, g->nrefs,
                           flags, &g->canonical, &err);
    if (rc != 0) {
        api_reg__invalid_schema(api, res, g, err ? err : "invalid schema", rc != -2);
        free(err);
        return -1;
    }
    api_reg_fingerprint(g);
    return 0;
}

/* SCHEMA_NORMALIZE when the request or the config in scope asks for it. */
int
api_reg_normalize(const api_t *api, const route_t *r, const char *subject)
{
    if (route_query_bool(r, "normalize", 0))
        return SCHEMA_NORMALIZE;
    return json_is_true(api_config_field(api, subject, "normalize")) ? SCHEMA_NORMALIZE : 0;
}

/* The flags a new schema is canonicalized with (isNew in Confluent's
 * parse): on the normalize path its defaults are validated too. */
int
api_reg_new_flags(const api_t *api, const char *subject, int normalize)
{
    if (api->cf->confluent_version < 8)
        return normalize ? normalize | SCHEMA_VALIDATE_DEFAULTS : 0;
    /* 8.x parses a new schema as new (Avro: its defaults validated) unless
     * validateNewSchemas, in scope or schema.validate.new.schemas, is off. */
    const json_t *v = api_config_field(api, subject, "validateNewSchemas");
    int validate = json_is_boolean(v) ? json_is_true(v) : api->cf->validate_new_schemas;
    return validate ? normalize | SCHEMA_VALIDATE_DEFAULTS : normalize;
}

/* A live version of the subject holding exactly this schema, or NULL. */
store_version_t *
api_reg_find_in_subject(const store_subject_t *sub, const char *fingerprint, int deleted)
{
    if (sub == NULL)
        return NULL;
    for (size_t i = sub->nversions; i > 0; i--) {
        store_version_t *v = &sub->versions[i - 1];
        if ((!v->deleted || deleted) && strcmp(v->schema->fingerprint, fingerprint) == 0)
            return v;
    }
    return NULL;
}

int
api_reg_decode(api_reg_t *g, const char *arg, const char *body, size_t blen,
            api_result_t *res)
{
    request_error_t err = {0};
    if (request_schema_decode(body, blen, arg, &g->req, &err) != 0) {
        api_reg__request_error(res, &err);
        return -1;
    }
    g->metadata = g->req.metadata ? json_incref(g->req.metadata) : NULL;
    g->rule_set = g->req.rule_set ? json_incref(g->req.rule_set) : NULL;
    return 0;
}

/* A type Confluent has and schemad has not yet (its answers where no
 * parse is needed are still Confluent's). */
int
api_reg_unsupported_type(const char *type)
{
    /* Whether schemad has the row at all: every dialect has the same rows. */
    return schema_type_find(type, 8) == NULL && schema_type_known(type);
}
