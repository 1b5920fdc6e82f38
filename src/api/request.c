/* request.c - Jackson's decoding rules for the request entities. */
#include "request.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

void
request_error_set(request_error_t *err, int status, int code, const char *msg)
{
    free(err->message);
    err->status = status;
    err->code = code;
    err->message = mem_strdup(msg);
}

void
request_error_free(request_error_t *err)
{
    free(err->message);
    err->message = NULL;
}

static const char *
request__token(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "Object value (token `JsonToken.START_OBJECT`)";
    case JSON_ARRAY: return "Array value (token `JsonToken.START_ARRAY`)";
    case JSON_STRING: return "String value (token `JsonToken.VALUE_STRING`)";
    case JSON_TRUE: return "Boolean value (token `JsonToken.VALUE_TRUE`)";
    case JSON_FALSE: return "Boolean value (token `JsonToken.VALUE_FALSE`)";
    default: return "value";
    }
}

static void
request__cannot(request_error_t *err, const char *type, const json_t *v)
{
    char *m = mem_printf("Cannot deserialize value of type `%s` from %s", type,
                         request__token(v));
    request_error_set(err, 400, 400, m);
    free(m);
}

json_t *
request_parse(const char *body, size_t len, const char *arg, request_error_t *err)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)body[i]))
        i++;
    json_error_t jerr;
    json_t *j = i < len ? json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr)
                        : NULL;
    if (i < len && j == NULL) {
        char *m = mem_printf("Unexpected character: %s", jerr.text);
        request_error_set(err, 400, 400, m);
        free(m);
        return NULL;
    }
    if (j == NULL || json_is_null(j)) {
        json_decref(j);
        char *m = mem_printf("%s must not be null (was null)", arg);
        request_error_set(err, 422, 422, m);
        free(m);
        return NULL;
    }
    return j;
}

/* Jackson's text of a scalar: a number or boolean as written. */
static char *
request__scalar_text(const json_t *v)
{
    if (json_is_string(v))
        return mem_strndup(json_string_value(v), json_string_length(v));
    if (json_is_true(v))
        return mem_strdup("true");
    if (json_is_false(v))
        return mem_strdup("false");
    if (json_is_integer(v))
        return mem_printf("%lld", (long long)json_integer_value(v));
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    return s;
}

/* Jackson's refusal of a scalar where an object was expected. */
static void
request__no_creator(request_error_t *err, const char *type, const json_t *v)
{
    char *t = request__scalar_text(v);
    char *m = mem_printf("Cannot construct instance of `%s` (although at least one "
                         "Creator exists): no String-argument constructor/factory method "
                         "to deserialize from String value ('%s')", type, t);
    request_error_set(err, 400, 400, m);
    free(m);
    free(t);
}

int
request_string(const json_t *v, char **out, request_error_t *err)
{
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_object(v) || json_is_array(v)) {
        request__cannot(err, "String", v);
        return -1;
    }
    *out = request__scalar_text(v);
    return 0;
}

/* An Integer field: numbers truncate, numeric strings parse, "" is absent. */
static int
request__int(const json_t *v, int absent, int *out, request_error_t *err)
{
    *out = absent;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n > INT_MAX || n < INT_MIN) {
            char *m = mem_printf("Numeric value (%lld) out of range of int "
                                 "(-2147483648 - 2147483647)", (long long)n);
            request_error_set(err, 400, 400, m);
            free(m);
            return -1;
        }
        *out = (int)n;
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d > INT_MAX || d < INT_MIN) {
            request_error_set(err, 400, 400, "Numeric value out of range of int");
            return -1;
        }
        *out = (int)trunc(d);
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        if (*s == '\0')
            return 0;
        long long n = strtoll(s, &end, 10);
        if (*end != '\0' || n > INT_MAX || n < INT_MIN) {
            char *m = mem_printf("Cannot deserialize value of type `Integer` from "
                                 "String \"%s\": not a valid `java.lang.Integer` value", s);
            request_error_set(err, 400, 400, m);
            free(m);
            return -1;
        }
        *out = (int)n;
        return 0;
    }
    request__cannot(err, "Integer", v);
    return -1;
}

static json_t *
request__string_set(const json_t *v, request_error_t *err)
{
    if (!json_is_array(v)) {
        request__no_creator(err, "HashSet", v);
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        char *s;
        if (request_string(e, &s, err) != 0) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, s ? json_string(s) : json_null());
        free(s);
    }
    return out;
}

static int
request__cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A sorted set of strings (Confluent keeps metadata sets sorted): sorted
 * first, so that repeats are neighbours. */
static json_t *
request__sorted(json_t *arr)
{
    size_t n = json_array_size(arr), k = 0;
    const char **v = mem_alloc((n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s != NULL)
            v[k++] = s;
    }
    qsort(v, k, sizeof(char *), request__cmp_str);
    json_t *out = json_array();
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || strcmp(v[i - 1], v[i]) != 0)
            json_array_append_new(out, json_string(v[i]));
    }
    free(v);
    json_decref(arr);
    return out;
}

/* Object keys in sorted order (Confluent's metadata maps are sorted). */
static json_t *
request__sorted_object(json_t *obj)
{
    size_t n = json_object_size(obj), k = 0;
    const char **keys = mem_alloc((n + 1) * sizeof(char *));
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) keys[k++] = key;
    qsort(keys, k, sizeof(char *), request__cmp_str);
    json_t *out = json_object();
    for (size_t i = 0; i < k; i++)
        json_object_set(out, keys[i], json_object_get(obj, keys[i]));
    free(keys);
    json_decref(obj);
    return out;
}

json_t *
request_metadata(const json_t *v, request_error_t *err)
{
    if (!json_is_object(v)) {
        request__no_creator(err, "Metadata", v);
        return NULL;
    }
    json_t *out = json_object();
    json_t *tags = json_object_get(v, "tags");
    json_t *props = json_object_get(v, "properties");
    json_t *sens = json_object_get(v, "sensitive");
    if (tags != NULL && !json_is_null(tags)) {
        json_t *t = json_object();
        const char *k;
        json_t *e;
        json_object_foreach(tags, k, e) {
            json_t *set = request__string_set(e, err);
            if (set == NULL) {
                json_decref(t);
                goto fail;
            }
            json_object_set_new(t, k, request__sorted(set));
        }
        /* Jackson writes no empty collection: {"tags":{}} is no tags. */
        if (json_object_size(t) > 0)
            json_object_set_new(out, "tags", request__sorted_object(t));
        else
            json_decref(t);
    }
    if (props != NULL && !json_is_null(props)) {
        json_t *p = json_object();
        const char *k;
        json_t *e;
        json_object_foreach(props, k, e) {
            char *s;
            if (request_string(e, &s, err) != 0) {
                json_decref(p);
                goto fail;
            }
            json_object_set_new(p, k, s ? json_string(s) : json_null());
            free(s);
        }
        if (json_object_size(p) > 0)
            json_object_set_new(out, "properties", request__sorted_object(p));
        else
            json_decref(p);
    }
    if (sens != NULL && !json_is_null(sens)) {
        json_t *set = request__string_set(sens, err);
        if (set == NULL)
            goto fail;
        if (json_array_size(set) > 0)
            json_object_set_new(out, "sensitive", request__sorted(set));
        else
            json_decref(set);
    }
    return out;
fail:
    json_decref(out);
    return NULL;
}

static int
request__references(const json_t *v, json_t **out, request_error_t *err)
{
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v)) {
        request__cannot(err, "SchemaReference>", v);
        return -1;
    }
    json_t *refs = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (json_is_null(e)) {
            json_array_append_new(refs, json_null());
            continue;
        }
        if (!json_is_object(e)) {
            request__cannot(err, "SchemaReference", e);
            json_decref(refs);
            return -1;
        }
        json_t *ref = json_object();
        char *name = NULL, *subject = NULL;
        int version;
        if (request_string(json_object_get(e, "name"), &name, err) != 0 ||
            request_string(json_object_get(e, "subject"), &subject, err) != 0 ||
            request__int(json_object_get(e, "version"), INT_MIN, &version, err) != 0) {
            free(name);
            free(subject);
            json_decref(ref);
            json_decref(refs);
            return -1;
        }
        json_object_set_new(ref, "name", name ? json_string(name) : json_null());
        json_object_set_new(ref, "subject", subject ? json_string(subject) : json_null());
        json_object_set_new(ref, "version",
                            version == INT_MIN ? json_null() : json_integer(version));
        json_array_append_new(refs, ref);
        free(name);
        free(subject);
    }
    *out = refs;
    return 0;
}

/* An enum value as Jackson reads it: one of `values`, or its refusal. */
static int
request__enum(const json_t *v, const char *type, const char *const *values, size_t n,
              const char *listed, request_error_t *err)
{
    const char *s = json_string_value(v);
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, values[i]) == 0)
            return 0;
    }
    char *m = mem_printf("Cannot deserialize value of type `%s` from String \"%s\": not one "
                         "of the values accepted for Enum class: [%s]", type, s, listed);
    request_error_set(err, 400, 400, m);
    free(m);
    return -1;
}

/* One element of a rule list: null (refused later, as Confluent's check
 * dereferences it), or an object whose kind and mode are RuleKind and
 * RuleMode names. */
static int
request__rule(const json_t *rule, request_error_t *err)
{
    static const char *const kinds[] = {"CONDITION", "TRANSFORM"};
    static const char *const modes[] = {"UPGRADE", "DOWNGRADE", "UPDOWN",
                                        "WRITE", "READ", "WRITEREAD"};
    if (json_is_null(rule))
        return 0;
    if (json_is_array(rule)) {
        request__cannot(err, "Rule", rule);
        return -1;
    }
    if (!json_is_object(rule)) {
        request__no_creator(err, "Rule", rule);
        return -1;
    }
    if (request__enum(json_object_get(rule, "kind"), "RuleKind", kinds, 2,
                      "CONDITION, TRANSFORM", err) != 0)
        return -1;
    return request__enum(json_object_get(rule, "mode"), "RuleMode", modes, 6,
                         "UPGRADE, DOWNGRADE, UPDOWN, WRITE, READ, WRITEREAD", err);
}

int
request_rule_set(const json_t *v, json_t **out, request_error_t *err)
{
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_object(v)) {
        request__no_creator(err, "RuleSet", v);
        return -1;
    }
    static const char *const lists[] = {"migrationRules", "domainRules"};
    for (size_t i = 0; i < 2; i++) {
        json_t *rules = json_object_get(v, lists[i]);
        if (rules != NULL && !json_is_null(rules) && !json_is_array(rules)) {
            request__cannot(err, "Rule>", rules);
            return -1;
        }
        size_t k;
        json_t *rule;
        json_array_foreach(rules, k, rule) {
            if (request__rule(rule, err) != 0)
                return -1;
        }
    }
    *out = json_deep_copy(v);
    return 0;
}

int
request_schema_decode(const char *body, size_t len, const char *arg,
                      request_schema_t *out, request_error_t *err)
{
    memset(out, 0, sizeof(*out));
    out->id = -1;
    json_t *j = request_parse(body, len, arg, err);
    if (j == NULL)
        return -1;
    if (!json_is_object(j)) {
        if (json_is_array(j)) {
            request__cannot(err, "RegisterSchemaRequest", j);
        } else {
            char *t = request__scalar_text(j);
            char *m = mem_printf("Cannot construct instance of `RegisterSchemaRequest` "
                                 "(although at least one Creator exists): no %s-argument "
                                 "constructor/factory method to deserialize from %s value (%s%s%s)",
                                 json_is_string(j) ? "String" : "int/Int",
                                 json_is_string(j) ? "String" : "Number",
                                 json_is_string(j) ? "'" : "", t, json_is_string(j) ? "'" : "");
            request_error_set(err, 400, 400, m);
            free(m);
            free(t);
        }
        json_decref(j);
        return -1;
    }
    json_t *md = json_object_get(j, "metadata");
    int id;
    if (request_string(json_object_get(j, "schema"), &out->schema, err) != 0 ||
        request_string(json_object_get(j, "schemaType"), &out->schema_type, err) != 0 ||
        request__references(json_object_get(j, "references"), &out->references, err) != 0 ||
        request__int(json_object_get(j, "version"), 0, &out->version, err) != 0 ||
        request__int(json_object_get(j, "id"), -1, &id, err) != 0 ||
        request_rule_set(json_object_get(j, "ruleSet"), &out->rule_set, err) != 0 ||
        (md != NULL && !json_is_null(md) &&
         (out->metadata = request_metadata(md, err)) == NULL)) {
        json_decref(j);
        request_schema_free(out);
        return -1;
    }
    out->id = id;
    /* A JSON string may carry \u0000: its length, not strlen, ends the text. */
    json_t *sv = json_object_get(j, "schema");
    if (out->schema != NULL)
        out->schema_len = json_is_string(sv) ? json_string_length(sv) : strlen(out->schema);
    json_decref(j);
    return 0;
}

int
request_int(const json_t *v, int absent, int *out, request_error_t *err)
{
    return request__int(v, absent, out, err);
}

void
request_schema_free(request_schema_t *r)
{
    free(r->schema);
    free(r->schema_type);
    json_decref(r->references);
    json_decref(r->metadata);
    json_decref(r->rule_set);
    memset(r, 0, sizeof(*r));
    r->id = -1;
}
