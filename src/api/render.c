/* render.c - answer bodies, in Confluent's property order. */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "guid.h"
#include "utf8.h"

void
render_split_free(render_split_t *r)
{
    buf_free(&r->head);
    buf_free(&r->tail);
}

void
render_json(buf_t *b, const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    buf_puts(b, s);
    free(s);
}

void
render_schema_literal(buf_t *b, const store_schema_t *s)
{
    if (s->lit != NULL)
        buf_append(b, s->lit, s->litlen);
    else
        buf_json_string(b, s->text, strlen(s->text));
}

static int
render__is_avro(const store_schema_t *s)
{
    return strcmp(s->schema_type, "AVRO") == 0;
}

/* The optional members that follow the type: references, metadata, ruleSet. */
static void
render__extras(buf_t *b, const store_schema_t *s)
{
    if (s->references != NULL && json_array_size(s->references) > 0) {
        buf_puts(b, ",\"references\":");
        render_json(b, s->references);
    }
    if (s->metadata != NULL) {
        buf_puts(b, ",\"metadata\":");
        render_json(b, s->metadata);
    }
    if (s->rule_set != NULL) {
        buf_puts(b, ",\"ruleSet\":");
        render_json(b, s->rule_set);
    }
}

/* "guid":"..." with `sep` before it. */
static void
render__guid(buf_t *b, const store_schema_t *s, const char *sep)
{
    char g[GUID_LEN + 1];
    guid_format(s->guid, g);
    buf_puts(b, sep);
    buf_puts(b, "\"guid\":\"");
    buf_append(b, g, GUID_LEN);
    buf_puts(b, "\"");
}

/* "schemaType": 7.9 leaves it out for Avro, 8.x always writes it. */
static void
render__type(buf_t *b, const store_schema_t *s, int dialect, const char *sep)
{
    if (dialect < 8 && render__is_avro(s))
        return;
    buf_puts(b, sep);
    buf_puts(b, "\"schemaType\":");
    buf_json_string(b, s->schema_type, strlen(s->schema_type));
}

/* 8.x's "ts" (when the record had a timestamp) and "deleted" of a stored
 * version, as toSchemaEntity gives them. */
static void
render__state(buf_t *b, const store_version_t *v)
{
    if (v == NULL)
        return;
    if (v->ts >= 0)
        buf_printf(b, ",\"ts\":%lld", (long long)v->ts);
    buf_puts(b, v->deleted ? ",\"deleted\":true" : ",\"deleted\":false");
}

void
render_schema_string(render_split_t *r, const store_schema_t *s, int max_id, int dialect)
{
    render_schema_string_of(r, s, NULL, NULL, max_id, dialect);
}

void
render_schema_string_of(render_split_t *r, const store_schema_t *s, const char *subject,
                        const store_version_t *at, int max_id, int dialect)
{
    buf_puts(&r->head, "{");
    if (dialect >= 8) {
        if (subject != NULL && at != NULL) {
            buf_puts(&r->head, "\"subject\":");
            buf_json_string(&r->head, subject, strlen(subject));
            buf_printf(&r->head, ",\"version\":%d,", at->version);
        }
        render__guid(&r->head, s, "");
        buf_puts(&r->head, ",");
    }
    render__type(&r->head, s, dialect, "");
    if (r->head.len > 1 && r->head.data[r->head.len - 1] != ',')
        buf_puts(&r->head, ",");
    buf_puts(&r->head, "\"schema\":");
    buf_puts(&r->tail, "");
    render__extras(&r->tail, s);
    if (max_id >= 0)
        buf_printf(&r->tail, ",\"maxId\":%d", max_id);
    if (dialect >= 8)
        render__state(&r->tail, subject != NULL && at != NULL ? at : store_schema_holder(s));
    buf_puts(&r->tail, "}");
}

void
render_subject_version(render_split_t *r, const char *subject, const store_version_t *v,
                       int shape, int dialect)
{
    const store_schema_t *s = v->schema;
    buf_puts(&r->head, "{\"subject\":");
    buf_json_string(&r->head, subject, strlen(subject));
    buf_printf(&r->head, ",\"version\":%d,\"id\":%d", v->version, s->id);
    if (dialect >= 8)
        render__guid(&r->head, s, ",");
    render__type(&r->head, s, dialect, ",");
    render__extras(&r->head, s);
    buf_puts(&r->head, ",\"schema\":");
    if (dialect >= 8 && shape == RENDER_STORED)
        render__state(&r->tail, v);
    buf_puts(&r->tail, "}");
}

void
render_registered(render_split_t *r, int version, const store_schema_t *s, int dialect)
{
    buf_printf(&r->head, "{\"id\":%d,\"version\":%d", s->id, version);
    if (dialect >= 8)
        render__guid(&r->head, s, ",");
    render__type(&r->head, s, dialect, ",");
    render__extras(&r->head, s);
    buf_puts(&r->head, ",\"schema\":");
    buf_puts(&r->tail, "}");
}

void
render_join(buf_t *out, const render_split_t *r, const store_schema_t *s)
{
    buf_append(out, r->head.data, r->head.len);
    render_schema_literal(out, s);
    buf_append(out, r->tail.data, r->tail.len);
}

void
render_error(buf_t *b, int code, const char *message)
{
    /* A message may quote client bytes (a parser's "near '...'"); Java
     * would have read them as UTF-8 with U+FFFD, and the answer must stay
     * valid JSON. */
    size_t n = strlen(message);
    char *fixed = NULL;
    if (!utf8_valid(message, n)) {
        fixed = mem_alloc(UTF8_JAVA_DECODE_MAX(n) + 1);
        n = utf8_java_decode((const unsigned char *)message, n, fixed);
        message = fixed;
    }
    buf_printf(b, "{\"error_code\":%d,\"message\":", code);
    buf_json_string(b, message, n);
    buf_puts(b, "}");
    free(fixed);
}

void
render_versions(buf_t *b, const store_subject_t *sub, int deleted, int deleted_only)
{
    int first = 1;
    buf_puts(b, "[");
    for (size_t i = 0; i < sub->nversions; i++) {
        const store_version_t *v = &sub->versions[i];
        if (deleted_only ? !v->deleted : (v->deleted && !deleted))
            continue;
        buf_printf(b, first ? "%d" : ",%d", v->version);
        first = 0;
    }
    buf_puts(b, "]");
}

void
render_config(buf_t *b, const json_t *cfg, const char *default_level)
{
    /* 8.x's order; its three new fields are only stored under confluent.version=8. */
    static const char *const fields[] = {
        "alias", "aliasForDeks", "normalize", "validateFields", "validateNewSchemas",
        "validateRules", "compatibilityLevel", "compatibilityPolicy",
        "compatibilityGroup", "defaultMetadata", "overrideMetadata", "defaultRuleSet",
        "overrideRuleSet",
    };
    json_t *out = json_object();
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_t *v = json_object_get(cfg, fields[i]);
        if (v == NULL && strcmp(fields[i], "compatibilityLevel") == 0)
            json_object_set_new(out, fields[i], json_string(default_level));
        else if (v != NULL && !json_is_null(v))
            json_object_set(out, fields[i], v);
    }
    render_json(b, out);
    json_decref(out);
}

void
render_mode(buf_t *b, const char *mode)
{
    buf_puts(b, "{\"mode\":");
    buf_json_string(b, mode, strlen(mode));
    buf_puts(b, "}");
}
