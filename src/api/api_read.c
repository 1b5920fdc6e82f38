/*
 * api_read.c - the read-only routes of the REST API, as Confluent Schema
 * Registry 7.9 (and 8.x with confluent.version=8) answers them.
 */
#include "api_read.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "config.h"
#include "render.h"
#include "schema_type.h"

/* The text `?format=` asks for (the type's formattedString), malloc'd, or
 * NULL: the stored text. */
static char *
api_read__formatted(const api_t *api, const route_t *r, const store_schema_t *s)
{
    const char *format = route_query(r, "format");
    if (format == NULL || format[0] == '\0')
        return NULL;
    const schema_type_t *st = schema_type_find(s->schema_type, api->cf->confluent_version);
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
api_read__join(const api_t *api, const route_t *r, buf_t *out, const render_split_t *sp,
          const store_schema_t *s)
{
    char *text = api_read__formatted(api, r, s);
    if (text == NULL) {
        render_join(out, sp, s);
        return;
    }
    buf_append(out, sp->head.data, sp->head.len);
    buf_json_string(out, text, strlen(text));
    buf_append(out, sp->tail.data, sp->tail.len);
    free(text);
}

/* ---- /schemas ---------------------------------------------------------- */

static int
api_read__schema_id(const route_t *r, int *id)
{
    return route_parse_int(r->schema_id, id);
}

/* The context an id is looked up in: the `subject` parameter's, else ".". */
static char *
api_read__id_context(const route_t *r)
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
api_read__find_id(const api_t *api, const route_t *r, int id)
{
    char *ctx = api_read__id_context(r);
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

void
api_read_schema_by_id(api_t *api, const route_t *r, api_result_t *res)
{
    int id;
    if (api_read__schema_id(r, &id) != 0) {
        api_not_found(res);
        return;
    }
    store_schema_t *s = api_read__find_id(api, r, id);
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
    api_read__join(api, r, &res->body, &sp, s);
    render_split_free(&sp);
}

void
api_read_schema_by_id_raw(api_t *api, const route_t *r, api_result_t *res)
{
    int id;
    if (api_read__schema_id(r, &id) != 0) {
        api_not_found(res);
        return;
    }
    store_schema_t *s = api_read__find_id(api, r, id);
    if (s == NULL) {
        /* Confluent 7.9 dereferences the missing schema: a generic 500. */
        api_error(res, 500, 500, "Internal Server Error");
        return;
    }
    char *text = api_read__formatted(api, r, s);
    api_ok(res, text ? text : store_schema_text(api->store, s));
    free(text);
}

/* Java's String.hashCode of a UTF-8 string (over its UTF-16 units). */
static uint32_t
api_read__java_hash(const char *s)
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
api_read__bin_cmp(const void *a, const void *b)
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
void
api_read_id_uses(api_t *api, const route_t *r, api_result_t *res, int with_versions)
{
    int id;
    if (api_read__schema_id(r, &id) != 0) {
        api_not_found(res);
        return;
    }
    store_schema_t *s = api_read__find_id(api, r, id);
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
                bins[k++] = (api_bin_t){api_read__java_hash(subs[i]->name), i, subs[i]};
                break;
            }
        }
    }
    uint32_t cap = 16;
    while (k >= cap - cap / 4)
        cap *= 2;
    for (size_t i = 0; i < k; i++)
        bins[i].bin = (bins[i].bin ^ (bins[i].bin >> 16)) & (cap - 1);
    qsort(bins, k, sizeof(*bins), api_read__bin_cmp);
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
api_read__paging(const route_t *r, api_result_t *res, int *offset, int *limit)
{
    const char *o = route_query(r, "offset"), *l = route_query(r, "limit");
    *offset = 0;
    *limit = -1;
    if ((o != NULL && route_parse_int(o, offset) != 0) ||
        (l != NULL && route_parse_int(l, limit) != 0)) {
        api_not_found(res);
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
api_read__page_take(int *skip, int *left)
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
api_read__prefix_match(const char *name, const char *prefix)
{
    if (prefix == NULL || strcmp(prefix, ":*:") == 0)
        return 1;
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Whether a schema's rule set holds a rule of this type. */
static int
api_read__has_rule_type(const store_schema_t *s, const char *type)
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
api_read__schema_entry(const api_t *api, buf_t *b, const store_subject_t *sub,
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

void
api_read_schemas(api_t *api, const route_t *r, api_result_t *res)
{
    int offset, limit;
    if (api_read__paging(r, res, &offset, &limit) != 0)
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
        if (!api_read__prefix_match(sub->name, prefix ? prefix : ""))
            continue;
        /* With deleted=true the latest may be a soft-deleted version. */
        store_version_t *latest = store_latest(sub);
        if (deleted && sub->nversions > 0)
            latest = &sub->versions[sub->nversions - 1];
        for (size_t j = 0; j < sub->nversions; j++) {
            store_version_t *v = &sub->versions[j];
            if ((v->deleted && !deleted) || (latest_only && v != latest))
                continue;
            if (rule_type != NULL && !api_read__has_rule_type(v->schema, rule_type))
                continue;
            if (!api_read__page_take(&offset, &limit))
                continue;
            if (!first)
                buf_puts(&res->body, ",");
            first = 0;
            api_read__schema_entry(api, &res->body, sub, v, aliases);
        }
    }
    buf_puts(&res->body, "]");
    free(subs);
}

/* ---- /subjects --------------------------------------------------------- */

void
api_read_subjects(api_t *api, const route_t *r, api_result_t *res)
{
    int offset, limit;
    if (api_read__paging(r, res, &offset, &limit) != 0)
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
        if (sub->nversions == 0 || !api_read__prefix_match(sub->name, prefix))
            continue;
        int all_deleted = store_subject_all_deleted(sub);
        int any_deleted = 0;
        for (size_t j = 0; j < sub->nversions; j++)
            any_deleted |= sub->versions[j].deleted;
        if (deleted_only ? !any_deleted : (all_deleted && !deleted))
            continue;
        if (!api_read__page_take(&offset, &limit))
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
api_read__subject_not_found(api_result_t *res, const char *subject)
{
    api_errorf(res, 404, 40401, "Subject '%s' not found.", subject);
}

/* Whether a name is ":.ctx:" for a context that exists. */
static int
api_read__context_scope_exists(const api_t *api, const char *subject)
{
    size_t n = strlen(subject);
    if (n < 4 || strncmp(subject, ":.", 2) != 0 || subject[n - 1] != ':' ||
        memchr(subject + 1, ':', n - 2) != NULL)
        return 0;
    return hmap_get(&api->store->contexts, subject + 1, n - 2) != NULL;
}

void
api_read_versions(api_t *api, const route_t *r, api_result_t *res)
{
    char *subject = api_subject(r);
    store_subject_t *sub = store_subject(api->store, subject);
    int deleted = route_query_bool(r, "deleted", 0);
    int deleted_only = route_query_bool(r, "deletedOnly", 0);
    if (sub == NULL && api_read__context_scope_exists(api, subject)) {
        /* ":.ctx:" is the empty subject of an existing context. */
        api_ok(res, "[]");
        free(subject);
        return;
    }
    if (sub == NULL || sub->nversions == 0 ||
        (store_subject_all_deleted(sub) && !deleted && !deleted_only)) {
        api_read__subject_not_found(res, subject);
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
api_read__version_in(const store_subject_t *sub, int v, int deleted)
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
api_read__get_version(api_t *api, const route_t *r, api_result_t *res,
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
    store_version_t *ver = api_read__version_in(sub, v, deleted);
    if (ver == NULL && !api_subject_qualified(subject)) {
        size_t n;
        store_subject_t **subs = api_context_subjects(api, subject, &n);
        for (size_t i = 0; i < n && ver == NULL; i++) {
            if ((ver = api_read__version_in(subs[i], v, deleted)) != NULL)
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
        api_read__subject_not_found(res, subject);
    else
        api_errorf(res, 404, 40402, "Version %d not found.", v);
    return NULL;
}

void
api_read_version(api_t *api, const route_t *r, api_result_t *res, int raw)
{
    store_subject_t *sub = NULL;
    char *subject = NULL;
    store_version_t *v = api_read__get_version(api, r, res, &sub, &subject,
                                          route_query_bool(r, "deleted", 0));
    if (v != NULL && raw) {
        char *text = api_read__formatted(api, r, v->schema);
        api_ok(res, text ? text : store_schema_text(api->store, v->schema));
        free(text);
    } else if (v != NULL) {
        render_split_t sp = {0};
        render_subject_version(&sp, sub->name, v, RENDER_STORED, api->cf->confluent_version);
        res->status = 200;
        api_read__join(api, r, &res->body, &sp, v->schema);
        render_split_free(&sp);
    }
    free(subject);
}

static int
api_read__cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
api_read__cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Whether a schema held in `context` references subject/version. */
static int
api_read__refers_to(const store_schema_t *s, const char *context, const char *subject, int version)
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

void
api_read_referenced_by(api_t *api, const route_t *r, api_result_t *res)
{
    store_subject_t *sub = NULL;
    char *subject = NULL;
    /* Confluent reads the version with deleted=true here. */
    store_version_t *v = api_read__get_version(api, r, res, &sub, &subject, 1);
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
                !api_read__refers_to(s, from->context, sub->name, v->version))
                continue;
            hmap_put(&seen, &s->id, sizeof(s->id), &seen);
            ids = mem_realloc(ids, (nids + 1) * sizeof(int));
            ids[nids++] = s->id;
        }
    }
    hmap_free(&seen);
    if (nids > 1)   /* qsort(NULL, 0) is undefined behaviour */
        qsort(ids, nids, sizeof(int), api_read__cmp_int);
    res->status = 200;
    buf_puts(&res->body, "[");
    for (size_t i = 0; i < nids; i++)
        buf_printf(&res->body, i ? ",%d" : "%d", ids[i]);
    buf_puts(&res->body, "]");
    free(ids);
    free(subject);
}

void
api_read_contexts(api_t *api, api_result_t *res)
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
        qsort(names + 1, i - 1, sizeof(char *), api_read__cmp_str);
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

void
api_read_metadata_id(api_t *api, api_result_t *res)
{
    res->status = 200;
    buf_puts(&res->body, "{\"scope\":{\"path\":[],\"clusters\":{\"kafka-cluster\":");
    const char *cid = api->cluster_id ? api->cluster_id : "";
    buf_json_string(&res->body, cid, strlen(cid));
    buf_puts(&res->body, ",\"schema-registry-cluster\":");
    buf_json_string(&res->body, api->cf->group_id, strlen(api->cf->group_id));
    buf_puts(&res->body, "}}}");
}


/* 8.x paginates five more lists (a subject's versions, an id's subjects
 * and versions, referencedby, contexts): the page of the full answer. */
void
api_read_page8(const api_t *api, const route_t *r, api_result_t *res)
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
    if (api_read__paging(r, res, &offset, &limit) == 0) {
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
