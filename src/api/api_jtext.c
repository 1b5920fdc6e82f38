/*
 * api_jtext.c - Java's toString() of a request's references, Metadata,
 * RuleSet and Rule, as Confluent's messages print them.  Maps and sets are
 * the constructors' TreeMap and TreeSet, so their members print sorted.
 */
#include "api_jtext.h"

#include <stdlib.h>
#include <string.h>

void
api_jtext_refs(buf_t *b, const json_t *refs)
{
    size_t i;
    json_t *ref;
    buf_puts(b, "[");
    json_array_foreach(refs, i, ref) {
        if (i)
            buf_puts(b, ", ");
        if (json_is_null(ref)) {
            buf_puts(b, "null");
            continue;
        }
        const char *name = json_string_value(json_object_get(ref, "name"));
        const char *subject = json_string_value(json_object_get(ref, "subject"));
        json_t *v = json_object_get(ref, "version");
        /* SchemaReference.toString() quotes even a null name or subject. */
        buf_printf(b, "{name='%s', subject='%s'", name ? name : "null",
                   subject ? subject : "null");
        if (json_is_integer(v))
            buf_printf(b, ", version=%lld}", (long long)json_integer_value(v));
        else
            buf_puts(b, ", version=null}");
    }
    buf_puts(b, "]");
}

static int
api_jtext__cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A string, or a scalar as Jackson coerces it into one. */
static void
api_jtext__scalar(buf_t *b, const json_t *v)
{
    if (json_is_string(v)) {
        buf_append(b, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        buf_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_boolean(v)) {
        buf_puts(b, json_is_true(v) ? "true" : "false");
    } else {
        buf_puts(b, "null");
    }
}

/* A TreeSet<String> of the array's strings. */
static void
api_jtext__set(buf_t *b, const json_t *arr)
{
    size_t n = json_array_size(arr), k = 0;
    const char **s = mem_calloc(n + 1, sizeof(*s));
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        if (v != NULL)
            s[k++] = v;
    }
    qsort(s, k, sizeof(*s), api_jtext__cmp);
    buf_puts(b, "[");
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && strcmp(s[i], s[i - 1]) == 0)
            continue;
        buf_printf(b, "%s%s", i ? ", " : "", s[i]);
    }
    buf_puts(b, "]");
    free(s);
}

/* A TreeMap<String, ?>: each value a set (sets != 0) or a string. */
static void
api_jtext__map(buf_t *b, const json_t *obj, int sets)
{
    size_t n = json_object_size(obj), k = 0;
    const char **keys = mem_calloc(n + 1, sizeof(*keys));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
        keys[k++] = key;
    qsort(keys, k, sizeof(*keys), api_jtext__cmp);
    buf_puts(b, "{");
    for (size_t i = 0; i < k; i++) {
        buf_printf(b, "%s%s=", i ? ", " : "", keys[i]);
        v = json_object_get(obj, keys[i]);
        if (sets)
            api_jtext__set(b, v);
        else
            api_jtext__scalar(b, v);
    }
    buf_puts(b, "}");
    free(keys);
}

void
api_jtext_metadata(buf_t *b, const json_t *md)
{
    if (!json_is_object(md)) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "Metadata{tags=");
    api_jtext__map(b, json_object_get(md, "tags"), 1);
    buf_puts(b, ", properties=");
    api_jtext__map(b, json_object_get(md, "properties"), 0);
    buf_puts(b, ", sensitive=");
    api_jtext__set(b, json_object_get(md, "sensitive"));
    buf_puts(b, "}");
}

/* One field of Rule.toString(): quoted ones print 'value'. */
static void
api_jtext__field(buf_t *b, const char *label, const json_t *rule, const char *key,
                 const char *dflt, int quoted)
{
    const json_t *v = json_object_get(rule, key);
    buf_printf(b, "%s%s", label, quoted ? "'" : "");
    if (v == NULL || json_is_null(v))
        buf_puts(b, dflt);
    else
        api_jtext__scalar(b, v);
    if (quoted)
        buf_puts(b, "'");
}

static void
api_jtext__rule(buf_t *b, const json_t *rule)
{
    if (!json_is_object(rule)) {
        buf_puts(b, "null");
        return;
    }
    api_jtext__field(b, "Rule{name=", rule, "name", "null", 0);
    api_jtext__field(b, ", doc=", rule, "doc", "null", 0);
    api_jtext__field(b, ", kind=", rule, "kind", "TRANSFORM", 0);
    api_jtext__field(b, ", mode=", rule, "mode", "WRITEREAD", 0);
    api_jtext__field(b, ", type=", rule, "type", "null", 1);
    buf_puts(b, ", tags='");
    api_jtext__set(b, json_object_get(rule, "tags"));
    buf_puts(b, "', params='");
    api_jtext__map(b, json_object_get(rule, "params"), 0);
    buf_puts(b, "'");
    api_jtext__field(b, ", expr=", rule, "expr", "null", 1);
    api_jtext__field(b, ", onSuccess=", rule, "onSuccess", "null", 1);
    api_jtext__field(b, ", onFailure=", rule, "onFailure", "null", 1);
    api_jtext__field(b, ", disabled=", rule, "disabled", "false", 1);
    buf_puts(b, "}");
}

static void
api_jtext__rules(buf_t *b, const json_t *list)
{
    size_t i;
    json_t *rule;
    buf_puts(b, "[");
    json_array_foreach(list, i, rule) {
        if (i)
            buf_puts(b, ", ");
        api_jtext__rule(b, rule);
    }
    buf_puts(b, "]");
}

void
api_jtext_rule_set(buf_t *b, const json_t *rs, int dialect)
{
    if (!json_is_object(rs)) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "Rules{migrationRules=");
    api_jtext__rules(b, json_object_get(rs, "migrationRules"));
    buf_puts(b, ", domainRules=");
    api_jtext__rules(b, json_object_get(rs, "domainRules"));
    if (dialect >= 8) {
        buf_puts(b, ", encodingRules=");
        api_jtext__rules(b, json_object_get(rs, "encodingRules"));
        const char *at = json_string_value(json_object_get(rs, "enableAt"));
        buf_printf(b, ", enableAt=%s", at ? at : "null");
    }
    buf_puts(b, "}");
}
