/*
 * api.c - request dispatch and the read-only routes of the REST API, as
 * Confluent Schema Registry 7.9 answers them.
 */
#include "api.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat.h"
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

/* The text `?format=` asks for (the type's formattedString), malloc'd, or
 * NULL: the stored text. */
static char *
api__formatted(const api_t *api, const route_t *r, const store_schema_t *s)
{
    const char *format = route_query(r, "format");
    if (format == NULL || format[0] == '\0')
        return NULL;
    const schema_type_t *st = schema_type_find(s->schema_type);
    if (st == NULL || st->formatted == NULL)
        return NULL;
    size_t n;
    schema_ref_t *refs = compat_schema_refs(api->store, s, &n);
    char *text = st->formatted(store_schema_text(api->store, s), refs, n, format);
    schema_refs_free(refs, n);
    return text;
}

/* Join a split around the formatted text, or the stored one. */
static void
api__join(const api_t *api, const route_t *r, buf_t *out, const render_split_t *sp,
          const store_schema_t *s)
{
    char *text = api__formatted(api, r, s);
    if (text == NULL) {
        render_join(out, sp, s);
        return;
    }
    buf_append(out, sp->head.data, sp->head.len);
    buf_json_string(out, text, strlen(text));
    buf_append(out, sp->tail.data, sp->tail.len);
    free(text);
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

static void
api__ok(api_result_t *res, const char *body)
{
    res->status = 200;
    res->body.len = 0;
    buf_puts(&res->body, body);
}

static void
api__not_found(api_result_t *res)
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

/* ---- /schemas ---------------------------------------------------------- */

static int
api__schema_id(const route_t *r, int *id)
{
    return route_parse_int(r->schema_id, id);
}

/* The context an id is looked up in: the `subject` parameter's, else ".". */
static char *
api__id_context(const route_t *r)
{
    const char *subject = route_query(r, "subject");
    if (r->context != NULL) {
        const char *ctx = r->context[0] == '.' ? r->context + 1 : r->context;
        return mem_printf(".%s", ctx);
    }
    return store_subject_context(subject);
}

/* An id by context, falling back to the other contexts for an unqualified
 * `subject` (Confluent looks through every context then). */
static store_schema_t *
api__find_id(const api_t *api, const route_t *r, int id)
{
    char *ctx = api__id_context(r);
    store_schema_t *s = store_schema_by_id(api->store, ctx, id);
    const char *subject = route_query(r, "subject");
    int qualified = subject != NULL && subject[0] == ':';
    free(ctx);
    if (s != NULL || qualified || r->context != NULL || subject == NULL)
        return s;
    /* Confluent walks its contexts in key order and takes the first that
     * has the id; the map's order is random. */
    store_schema_t *first = NULL;
    const char *first_ctx = NULL;
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&api->store->contexts, &pos)) != NULL) {
        store_context_t *c = slot->val;
        if (first_ctx != NULL && strcmp(c->name, first_ctx) >= 0)
            continue;
        if ((s = store_schema_by_id(api->store, c->name, id)) != NULL) {
            first = s;
            first_ctx = c->name;
        }
    }
    return first;
}

static void
api__schema_by_id(api_t *api, const route_t *r, api_result_t *res)
{
    int id;
    if (api__schema_id(r, &id) != 0) {
        api__not_found(res);
        return;
    }
    store_schema_t *s = api__find_id(api, r, id);
    if (s == NULL) {
        api_errorf(res, 404, 40403, "Schema %d not found", id);
        return;
    }
    int max_id = -1;
    if (route_query_bool(r, "fetchMaxId", 0))
        max_id = store_next_id(api->store, s->context) - 1;
    /* 8.x names the subject-version the id was found under. */
    const char *subject = route_query(r, "subject");
    const store_subject_t *sub = subject ? store_subject(api->store, subject) : NULL;
    const store_version_t *at = NULL;
    for (size_t i = sub ? sub->nversions : 0; i > 0 && at == NULL; i--)
        if (sub->versions[i - 1].schema == s)
            at = &sub->versions[i - 1];
    render_split_t sp = {0};
    render_schema_string_of(&sp, s, at ? sub->name : NULL, at, max_id,
                            api->cf->confluent_version);
    res->status = 200;
    api__join(api, r, &res->body, &sp, s);
    render_split_free(&sp);
}

static void
api__schema_by_id_raw(api_t *api, const route_t *r, api_result_t *res)
{
    int id;
    if (api__schema_id(r, &id) != 0) {
        api__not_found(res);
        return;
    }
    store_schema_t *s = api__find_id(api, r, id);
    if (s == NULL) {
        /* Confluent 7.9 dereferences the missing schema: a generic 500. */
        api_error(res, 500, 500, "Internal Server Error");
        return;
    }
    char *text = api__formatted(api, r, s);
    api__ok(res, text ? text : store_schema_text(api->store, s));
    free(text);
}

/* Java's String.hashCode of a UTF-8 string (over its UTF-16 units). */
static uint32_t
api__java_hash(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t h = 0;
    while (*p) {
        uint32_t c = *p++;
        int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0xff;
        for (; more > 0 && (*p & 0xc0) == 0x80; more--)
            c = (c << 6) | (*p++ & 0x3f);
        if (c >= 0x10000) {
            h = 31 * h + (0xd800 + ((c - 0x10000) >> 10));
            c = 0xdc00 + ((c - 0x10000) & 0x3ff);
        }
        h = 31 * h + c;
    }
    return h;
}

/* A subject with its bin in Confluent's ConcurrentHashMap of subjects. */
typedef struct api_bin {
    uint32_t bin;
    size_t rank;            /* subject order, for subjects in one bin */
    store_subject_t *sub;
} api_bin_t;

static int
api__bin_cmp(const void *a, const void *b)
{
    const api_bin_t *x = a, *y = b;
    if (x->bin != y->bin)
        return x->bin < y->bin ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/*
 * Every (subject, version) holding a schema, in the order Confluent lists
 * them: SchemaIdAndSubjects keeps them in a ConcurrentHashMap by subject,
 * so they come by hash bin (a table of 16 bins, doubled from 12 entries
 * on), subjects of one bin in subject order.
 */
static void
api__id_uses(api_t *api, const route_t *r, api_result_t *res, int with_versions)
{
    int id;
    if (api__schema_id(r, &id) != 0) {
        api__not_found(res);
        return;
    }
    store_schema_t *s = api__find_id(api, r, id);
    if (s == NULL) {
        api_error(res, 404, 40403, "Schema not found");
        return;
    }
    int deleted = route_query_bool(r, "deleted", 0);
    size_t n, k = 0;
    store_subject_t **subs = store_sorted_subjects(api->store, &n);
    api_bin_t *bins = mem_alloc((n + 1) * sizeof(*bins));
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < subs[i]->nversions; j++) {
            if (subs[i]->versions[j].schema == s) {
                bins[k++] = (api_bin_t){api__java_hash(subs[i]->name), i, subs[i]};
                break;
            }
        }
    }
    uint32_t cap = 16;
    while (k >= cap - cap / 4)
        cap *= 2;
    for (size_t i = 0; i < k; i++)
        bins[i].bin = (bins[i].bin ^ (bins[i].bin >> 16)) & (cap - 1);
    qsort(bins, k, sizeof(*bins), api__bin_cmp);
    int first = 1;
    res->status = 200;
    buf_puts(&res->body, "[");
    for (size_t i = 0; i < k; i++) {
        store_subject_t *sub = bins[i].sub;
        for (size_t j = 0; j < sub->nversions; j++) {
            store_version_t *v = &sub->versions[j];
            if (v->schema != s || (v->deleted && !deleted))
                continue;
            if (!first)
                buf_puts(&res->body, ",");
            first = 0;
            if (with_versions) {
                buf_puts(&res->body, "{\"subject\":");
                buf_json_string(&res->body, sub->name, strlen(sub->name));
                buf_printf(&res->body, ",\"version\":%d}", v->version);
            } else {
                buf_json_string(&res->body, sub->name, strlen(sub->name));
                break;
            }
        }
    }
    buf_puts(&res->body, "]");
    free(bins);
    free(subs);
}

/* offset/limit as Confluent reads them: a non-integer is a 404 (JAX-RS),
 * a negative offset a 500, and a limit <= 0 no limit. */
static int
api__paging(const route_t *r, api_result_t *res, int *offset, int *limit)
{
    const char *o = route_query(r, "offset"), *l = route_query(r, "limit");
    *offset = 0;
    *limit = -1;
    if ((o != NULL && route_parse_int(o, offset) != 0) ||
        (l != NULL && route_parse_int(l, limit) != 0)) {
        api__not_found(res);
        return -1;
    }
    if (*offset < 0) {
        api_error(res, 500, 500, "Internal Server Error");
        return -1;
    }
    if (*limit <= 0)
        *limit = -1;
    return 0;
}

static int
api__page_take(int *skip, int *left)
{
    if (*skip > 0) {
        (*skip)--;
        return 0;
    }
    if (*left == 0)
        return 0;
    if (*left > 0)
        (*left)--;
    return 1;
}

static int
api__prefix_match(const char *name, const char *prefix)
{
    if (prefix == NULL || strcmp(prefix, ":*:") == 0)
        return 1;
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Whether a schema's rule set holds a rule of this type. */
static int
api__has_rule_type(const store_schema_t *s, const char *type)
{
    static const char *const kinds[] = {"migrationRules", "domainRules"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *rule;
        json_array_foreach(json_object_get(s->rule_set, kinds[k]), i, rule) {
            const char *t = json_string_value(json_object_get(rule, "type"));
            if (t != NULL && strcmp(t, type) == 0)
                return 1;
        }
    }
    return 0;
}

/* One ExtendedSchema: the Schema object, plus the subjects aliasing it. */
static void
api__schema_entry(const api_t *api, buf_t *b, const store_subject_t *sub,
                  const store_version_t *v, int aliases)
{
    render_split_t sp = {0};
    render_subject_version(&sp, sub->name, v, RENDER_STORED, api->cf->confluent_version);
    render_join(b, &sp, v->schema);
    render_split_free(&sp);
    if (!aliases)
        return;
    size_t n, found = 0;
    store_subject_t **subs = store_sorted_subjects(api->store, &n);
    for (size_t i = 0; i < n; i++) {
        char *target = api_alias_of(api, subs[i]->name);
        if (target != NULL && strcmp(target, sub->name) == 0) {
            if (found++ == 0) {
                b->len--;       /* reopen the object */
                buf_puts(b, ",\"aliases\":[");
            } else {
                buf_puts(b, ",");
            }
            buf_json_string(b, subs[i]->name, strlen(subs[i]->name));
        }
        free(target);
    }
    if (found > 0)
        buf_puts(b, "]}");
    free(subs);
}

static void
api__schemas(api_t *api, const route_t *r, api_result_t *res)
{
    int offset, limit;
    if (api__paging(r, res, &offset, &limit) != 0)
        return;
    const char *prefix = route_query(r, "subjectPrefix");
    int deleted = route_query_bool(r, "deleted", 0);
    int latest_only = route_query_bool(r, "latestOnly", 0);
    int aliases = route_query_bool(r, "aliases", 0);
    const char *rule_type = route_query(r, "ruleType");
    size_t n;
    store_subject_t **subs = store_sorted_subjects(api->store, &n);
    int first = 1;
    res->status = 200;
    buf_puts(&res->body, "[");
    for (size_t i = 0; i < n; i++) {
        store_subject_t *sub = subs[i];
        if (!api__prefix_match(sub->name, prefix ? prefix : ""))
            continue;
        /* With deleted=true the latest may be a soft-deleted version. */
        store_version_t *latest = store_latest(sub);
        if (deleted && sub->nversions > 0)
            latest = &sub->versions[sub->nversions - 1];
        for (size_t j = 0; j < sub->nversions; j++) {
            store_version_t *v = &sub->versions[j];
            if ((v->deleted && !deleted) || (latest_only && v != latest))
                continue;
            if (rule_type != NULL && !api__has_rule_type(v->schema, rule_type))
                continue;
            if (!api__page_take(&offset, &limit))
                continue;
            if (!first)
                buf_puts(&res->body, ",");
            first = 0;
            api__schema_entry(api, &res->body, sub, v, aliases);
        }
    }
    buf_puts(&res->body, "]");
    free(subs);
}

/* ---- /subjects --------------------------------------------------------- */

static void
api__subjects(api_t *api, const route_t *r, api_result_t *res)
{
    int offset, limit;
    if (api__paging(r, res, &offset, &limit) != 0)
        return;
    const char *prefix = route_query(r, "subjectPrefix");
    int deleted = route_query_bool(r, "deleted", 0);
    int deleted_only = route_query_bool(r, "deletedOnly", 0);
    char *ctxprefix = NULL;
    if (r->context != NULL) {
        ctxprefix = api_subject(r);
        prefix = ctxprefix;
    }
    size_t n;
    store_subject_t **subs = store_sorted_subjects(api->store, &n);
    int first = 1;
    res->status = 200;
    buf_puts(&res->body, "[");
    for (size_t i = 0; i < n; i++) {
        store_subject_t *sub = subs[i];
        if (sub->nversions == 0 || !api__prefix_match(sub->name, prefix))
            continue;
        int all_deleted = store_subject_all_deleted(sub);
        int any_deleted = 0;
        for (size_t j = 0; j < sub->nversions; j++)
            any_deleted |= sub->versions[j].deleted;
        if (deleted_only ? !any_deleted : (all_deleted && !deleted))
            continue;
        if (!api__page_take(&offset, &limit))
            continue;
        if (!first)
            buf_puts(&res->body, ",");
        first = 0;
        buf_json_string(&res->body, sub->name, strlen(sub->name));
    }
    buf_puts(&res->body, "]");
    free(subs);
    free(ctxprefix);
}

static void
api__subject_not_found(api_result_t *res, const char *subject)
{
    api_errorf(res, 404, 40401, "Subject '%s' not found.", subject);
}

/* Whether a name is ":.ctx:" for a context that exists. */
static int
api__context_scope_exists(const api_t *api, const char *subject)
{
    size_t n = strlen(subject);
    if (n < 4 || strncmp(subject, ":.", 2) != 0 || subject[n - 1] != ':' ||
        memchr(subject + 1, ':', n - 2) != NULL)
        return 0;
    return hmap_get(&api->store->contexts, subject + 1, n - 2) != NULL;
}

static void
api__versions(api_t *api, const route_t *r, api_result_t *res)
{
    char *subject = api_subject(r);
    store_subject_t *sub = store_subject(api->store, subject);
    int deleted = route_query_bool(r, "deleted", 0);
    int deleted_only = route_query_bool(r, "deletedOnly", 0);
    if (sub == NULL && api__context_scope_exists(api, subject)) {
        /* ":.ctx:" is the empty subject of an existing context. */
        api__ok(res, "[]");
        free(subject);
        return;
    }
    if (sub == NULL || sub->nversions == 0 ||
        (store_subject_all_deleted(sub) && !deleted && !deleted_only)) {
        api__subject_not_found(res, subject);
        free(subject);
        return;
    }
    res->status = 200;
    render_versions(&res->body, sub, deleted, deleted_only);
    free(subject);
}

/* A version as KafkaSchemaRegistry.get finds it: "latest" is the newest
 * live one whatever `deleted` says; a number may be soft-deleted only
 * with `deleted`. */
static store_version_t *
api__version_in(const store_subject_t *sub, int v, int deleted)
{
    if (sub == NULL)
        return NULL;
    if (v == -1)
        return store_latest(sub);
    store_version_t *ver = store_version(sub, v);
    return ver != NULL && (!ver->deleted || deleted) ? ver : NULL;
}

/*
 * Find a subject's version for a GET (getUsingContexts): an unqualified
 * subject without that version in the default context is looked up in
 * every other context, in context order.  Not found: 40401 when the
 * default-context subject has no version to see, else 40402.
 */
static store_version_t *
api__get_version(api_t *api, const route_t *r, api_result_t *res,
                 store_subject_t **subp, char **subjectp, int deleted)
{
    int v;
    char *subject = api_subject(r);
    *subjectp = subject;
    if (api_version_parse(r->version, &v) != 0) {
        api_version_error(res, r->version);
        return NULL;
    }
    store_subject_t *sub = store_subject(api->store, subject);
    store_version_t *ver = api__version_in(sub, v, deleted);
    if (ver == NULL && !api_subject_qualified(subject)) {
        size_t n;
        store_subject_t **subs = api_context_subjects(api, subject, &n);
        for (size_t i = 0; i < n && ver == NULL; i++) {
            if ((ver = api__version_in(subs[i], v, deleted)) != NULL)
                sub = subs[i];
        }
        free(subs);
    }
    if (ver != NULL) {
        *subp = sub;
        return ver;
    }
    sub = store_subject(api->store, subject);
    if (sub == NULL || sub->nversions == 0 || (!deleted && store_subject_all_deleted(sub)))
        api__subject_not_found(res, subject);
    else
        api_errorf(res, 404, 40402, "Version %d not found.", v);
    return NULL;
}

static void
api__version(api_t *api, const route_t *r, api_result_t *res, int raw)
{
    store_subject_t *sub = NULL;
    char *subject = NULL;
    store_version_t *v = api__get_version(api, r, res, &sub, &subject,
                                          route_query_bool(r, "deleted", 0));
    if (v != NULL && raw) {
        char *text = api__formatted(api, r, v->schema);
        api__ok(res, text ? text : store_schema_text(api->store, v->schema));
        free(text);
    } else if (v != NULL) {
        render_split_t sp = {0};
        render_subject_version(&sp, sub->name, v, RENDER_STORED, api->cf->confluent_version);
        res->status = 200;
        api__join(api, r, &res->body, &sp, v->schema);
        render_split_free(&sp);
    }
    free(subject);
}

static int
api__cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
api__cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Whether a schema held in `context` references subject/version. */
static int
api__refers_to(const store_schema_t *s, const char *context, const char *subject, int version)
{
    size_t i;
    json_t *ref;
    json_array_foreach(s->references, i, ref) {
        const char *rs = json_string_value(json_object_get(ref, "subject"));
        if (rs == NULL || json_integer_value(json_object_get(ref, "version")) != version)
            continue;
        char *name = store_ref_subject(context, rs);
        int hit = strcmp(name, subject) == 0;
        free(name);
        if (hit)
            return 1;
    }
    return 0;
}

static void
api__referenced_by(api_t *api, const route_t *r, api_result_t *res)
{
    store_subject_t *sub = NULL;
    char *subject = NULL;
    /* Confluent reads the version with deleted=true here. */
    store_version_t *v = api__get_version(api, r, res, &sub, &subject, 1);
    if (v == NULL) {
        free(subject);
        return;
    }
    /* Ids of live versions whose references name this subject and version
     * (Confluent drops a referrer's id when it is soft-deleted), ascending. */
    hmap_t seen = {0};
    int *ids = NULL;
    size_t nids = 0;
    hmap_slot_t *slot;
    size_t pos = 0;
    while ((slot = hmap_next(&api->store->subjects, &pos)) != NULL) {
        store_subject_t *from = slot->val;
        for (size_t k = 0; k < from->nversions; k++) {
            const store_schema_t *s = from->versions[k].schema;
            if (from->versions[k].deleted || hmap_get(&seen, &s->id, sizeof(s->id)) != NULL ||
                !api__refers_to(s, from->context, sub->name, v->version))
                continue;
            hmap_put(&seen, &s->id, sizeof(s->id), &seen);
            ids = mem_realloc(ids, (nids + 1) * sizeof(int));
            ids[nids++] = s->id;
        }
    }
    hmap_free(&seen);
    if (nids > 1)   /* qsort(NULL, 0) is undefined behaviour */
        qsort(ids, nids, sizeof(int), api__cmp_int);
    res->status = 200;
    buf_puts(&res->body, "[");
    for (size_t i = 0; i < nids; i++)
        buf_printf(&res->body, i ? ",%d" : "%d", ids[i]);
    buf_puts(&res->body, "]");
    free(ids);
    free(subject);
}

static void
api__contexts(api_t *api, api_result_t *res)
{
    size_t n = api->store->contexts.len, i = 0, pos = 0;
    const char **names = mem_alloc((n + 1) * sizeof(char *));
    hmap_slot_t *slot;
    names[i++] = ".";
    while ((slot = hmap_next(&api->store->contexts, &pos)) != NULL) {
        store_context_t *c = slot->val;
        if (strcmp(c->name, ".") != 0 && c->listed)
            names[i++] = c->name;
    }
    /* The map's order is random; contexts are made by clients: n log n. */
    if (i > 2)
        qsort(names + 1, i - 1, sizeof(char *), api__cmp_str);
    res->status = 200;
    buf_puts(&res->body, "[");
    for (size_t k = 0; k < i; k++) {
        if (k)
            buf_puts(&res->body, ",");
        buf_json_string(&res->body, names[k], strlen(names[k]));
    }
    buf_puts(&res->body, "]");
    free(names);
}

static void
api__metadata_id(api_t *api, api_result_t *res)
{
    res->status = 200;
    buf_puts(&res->body, "{\"scope\":{\"path\":[],\"clusters\":{\"kafka-cluster\":");
    const char *cid = api->cluster_id ? api->cluster_id : "";
    buf_json_string(&res->body, cid, strlen(cid));
    buf_puts(&res->body, ",\"schema-registry-cluster\":");
    buf_json_string(&res->body, api->cf->group_id, strlen(api->cf->group_id));
    buf_puts(&res->body, "}}}");
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
            api__ok(res, "{}");
    }
    json_decref(j);
}

static void
api__dispatch_read(api_t *api, const route_t *r, api_result_t *res)
{
    switch (r->id) {
    case ROUTE_ROOT:
        api__ok(res, "{}");
        break;
    case ROUTE_SCHEMA_TYPES:
        api__ok(res, "[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
        break;
    case ROUTE_SCHEMA_ID:
        api__schema_by_id(api, r, res);
        break;
    case ROUTE_SCHEMA_ID_SCHEMA:
        api__schema_by_id_raw(api, r, res);
        break;
    case ROUTE_SCHEMA_ID_SUBJECTS:
        api__id_uses(api, r, res, 0);
        break;
    case ROUTE_SCHEMA_ID_VERSIONS:
        api__id_uses(api, r, res, 1);
        break;
    case ROUTE_SCHEMAS:
        api__schemas(api, r, res);
        break;
    case ROUTE_SUBJECTS:
        api__subjects(api, r, res);
        break;
    case ROUTE_VERSIONS:
        api__versions(api, r, res);
        break;
    case ROUTE_VERSION:
        api__version(api, r, res, 0);
        break;
    case ROUTE_VERSION_SCHEMA:
        api__version(api, r, res, 1);
        break;
    case ROUTE_VERSION_REFERENCEDBY:
        api__referenced_by(api, r, res);
        break;
    case ROUTE_CONTEXTS:
        api__contexts(api, res);
        break;
    case ROUTE_METADATA_ID:
        api__metadata_id(api, res);
        break;
    case ROUTE_METADATA_VERSION:
        if (api->cf->confluent_version >= 8)
            api__ok(res, "{\"version\":\"8.3.0\",\"commitId\":\"" PACKAGE_VERSION "\"}");
        else
            api__ok(res, "{\"version\":\"7.9.0\",\"commitId\":\"" PACKAGE_VERSION "\"}");
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
        api__not_found(res);
        break;
    }
}

/* 8.x paginates five more lists (a subject's versions, an id's subjects
 * and versions, referencedby, contexts): the page of the full answer. */
static void
api__page8(const api_t *api, const route_t *r, api_result_t *res)
{
    int offset, limit;
    if (api->cf->confluent_version < 8 || res->status != 200 ||
        (route_query(r, "offset") == NULL && route_query(r, "limit") == NULL))
        return;
    switch (r->id) {
    case ROUTE_VERSIONS:
    case ROUTE_SCHEMA_ID_SUBJECTS:
    case ROUTE_SCHEMA_ID_VERSIONS:
    case ROUTE_VERSION_REFERENCEDBY:
    case ROUTE_CONTEXTS:
        break;
    default:
        return;
    }
    json_t *all = json_loadb(res->body.data, res->body.len, 0, NULL);
    res->body.len = 0;
    if (api__paging(r, res, &offset, &limit) == 0) {
        json_t *page = json_array();
        for (size_t i = (size_t)offset; i < json_array_size(all) &&
                                        (limit < 0 || json_array_size(page) < (size_t)limit); i++)
            json_array_append(page, json_array_get(all, i));
        res->status = 200;
        render_json(&res->body, page);
        json_decref(page);
    }
    json_decref(all);
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
        api__not_found(res);
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
        api__page8(api, &r, res);
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
        api__not_found(res);
    }
    api__check_records(api, res);
    free(alias_subject);
    free(alias_param);
    route_free(&r);
}
