/*
 * api_resolve.c - which subject a request really names: Confluent's
 * AliasFilter (a subject whose config has `alias` stands for its target)
 * and the fall-back of unqualified reads to the other contexts.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

static int
api__cmp_subject(const void *a, const void *b)
{
    const store_subject_t *x = *(store_subject_t *const *)a;
    const store_subject_t *y = *(store_subject_t *const *)b;
    return strcmp(x->name, y->name);
}

store_subject_t **
api_context_subjects(const api_t *api, const char *subject, size_t *n)
{
    size_t cap = api->store->contexts.len + 1, pos = 0;
    store_subject_t **out = mem_alloc(cap * sizeof(*out));
    hmap_slot_t *slot;
    *n = 0;
    while ((slot = hmap_next(&api->store->contexts, &pos)) != NULL) {
        store_context_t *c = slot->val;
        if (strcmp(c->name, ".") == 0 || !c->listed)
            continue;
        char *q = mem_printf(":%s:%s", c->name, subject);
        store_subject_t *sub = store_subject(api->store, q);
        free(q);
        if (sub != NULL && sub->nversions > 0 && *n < cap)
            out[(*n)++] = sub;
    }
    /* Context order, as Confluent walks its sorted context list. */
    qsort(out, *n, sizeof(*out), api__cmp_subject);
    return out;
}

/* ---- aliases ----------------------------------------------------------- */

/* The alias target of a subject (its own config's `alias`), qualified; NULL if none. */
char *
api_alias_of(const api_t *api, const char *subject)
{
    store_subject_t *sub = store_subject(api->store, subject);
    const char *alias = sub ? json_string_value(json_object_get(sub->config, "alias")) : NULL;
    if (alias == NULL || alias[0] == '\0')
        return NULL;
    /* An unqualified target names the default context, from any context. */
    if (strncmp(alias, ":.:", 3) == 0 && alias[3] != '\0')
        alias += 3;
    return mem_strdup(alias);
}

static int
api__subject_route(route_id_t id)
{
    switch (id) {
    case ROUTE_SUBJECT: case ROUTE_SUBJECT_METADATA: case ROUTE_VERSIONS:
    case ROUTE_VERSION: case ROUTE_VERSION_SCHEMA: case ROUTE_VERSION_REFERENCEDBY:
    case ROUTE_VERSION_TAGS: case ROUTE_COMPAT_VERSIONS: case ROUTE_COMPAT_VERSION:
        return 1;
    default:
        return 0;
    }
}

/*
 * Confluent's AliasFilter: a subject path, and the `subject` parameter of
 * /schemas/ids, name the alias's target instead (one hop).  /config and
 * /mode keep the alias itself.  *owned keeps the rewritten names alive.
 */
void
api_alias_filter(const api_t *api, route_t *r, char **owned_subject, char **owned_param)
{
    if (api__subject_route(r->id)) {
        char *subject = api_subject(r);
        char *target = api_alias_of(api, subject);
        free(subject);
        if (target != NULL) {
            r->subject = *owned_subject = target;
            r->context = NULL;
        }
    }
    for (int i = r->nquery - 1; i >= 0; i--) {
        if (strcmp(r->query[i].key, "subject") != 0)
            continue;
        char *target = api_alias_of(api, r->query[i].value);
        if (target != NULL)
            r->query[i].value = *owned_param = target;
        break;
    }
}
