/*
 * route.c - maps a request path to a route.  Empty segments are skipped
 * (Confluent tolerates double and trailing slashes); segments and query
 * parameters are percent-decoded into one allocation owned by the route.
 */
#include "route.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "text.h"
#include "utf8.h"

#define ROUTE_MAX_SEGS 8

static const int route_method_table[ROUTE__COUNT] = {
    [ROUTE_NOT_FOUND] = 0,
    [ROUTE_ROOT] = ROUTE_M_GET | ROUTE_M_POST,
    [ROUTE_HEALTH_LIVE] = ROUTE_M_GET,
    [ROUTE_HEALTH_READY] = ROUTE_M_GET,
    [ROUTE_SUBJECTS] = ROUTE_M_GET,
    [ROUTE_SUBJECT] = ROUTE_M_POST | ROUTE_M_DELETE,
    [ROUTE_SUBJECT_METADATA] = ROUTE_M_GET,
    [ROUTE_VERSIONS] = ROUTE_M_GET | ROUTE_M_POST,
    [ROUTE_VERSION] = ROUTE_M_GET | ROUTE_M_DELETE,
    [ROUTE_VERSION_SCHEMA] = ROUTE_M_GET,
    [ROUTE_VERSION_REFERENCEDBY] = ROUTE_M_GET,
    [ROUTE_SCHEMAS] = ROUTE_M_GET,
    [ROUTE_SCHEMA_TYPES] = ROUTE_M_GET,
    [ROUTE_SCHEMA_ID] = ROUTE_M_GET,
    [ROUTE_SCHEMA_ID_SCHEMA] = ROUTE_M_GET,
    [ROUTE_SCHEMA_ID_SUBJECTS] = ROUTE_M_GET,
    [ROUTE_SCHEMA_ID_VERSIONS] = ROUTE_M_GET,
    [ROUTE_CONFIG] = ROUTE_M_GET | ROUTE_M_PUT | ROUTE_M_DELETE,
    [ROUTE_CONFIG_SUBJECT] = ROUTE_M_GET | ROUTE_M_PUT | ROUTE_M_DELETE,
    [ROUTE_MODE] = ROUTE_M_GET | ROUTE_M_PUT | ROUTE_M_DELETE,     /* DELETE: 8.x */
    [ROUTE_MODE_SUBJECT] = ROUTE_M_GET | ROUTE_M_PUT | ROUTE_M_DELETE,
    [ROUTE_COMPAT_VERSIONS] = ROUTE_M_POST,
    [ROUTE_COMPAT_VERSION] = ROUTE_M_POST,
    [ROUTE_CONTEXTS] = ROUTE_M_GET,
    [ROUTE_METADATA_ID] = ROUTE_M_GET,
    [ROUTE_METADATA_VERSION] = ROUTE_M_GET,
    [ROUTE_VERSION_TAGS] = ROUTE_M_POST,
    [ROUTE_SCHEMA_GUID] = ROUTE_M_GET,
    [ROUTE_SCHEMA_GUID_IDS] = ROUTE_M_GET,
    [ROUTE_ASSOC_RESOURCE] = ROUTE_M_GET,
    [ROUTE_ASSOC_RESOURCE_ID] = ROUTE_M_GET,
    [ROUTE_ASSOC_SUBJECT] = ROUTE_M_GET,
    [ROUTE_METADATA_DEPLOYMENT] = ROUTE_M_GET,
    /* 8.x has DELETE only (405 for the rest), 7.9 no such path (404 for
     * all): the API tells them apart by the dialect. */
    [ROUTE_CONTEXT] = ROUTE_M_GET | ROUTE_M_POST | ROUTE_M_PUT | ROUTE_M_DELETE,
};

int
route_methods(route_id_t id)
{
    return route_method_table[id];
}

int
route_is_write(const route_t *r)
{
    if (r->method == ROUTE_M_GET)
        return 0;
    switch (r->id) {
    case ROUTE_VERSIONS:
    case ROUTE_SUBJECT:
    case ROUTE_VERSION:
    case ROUTE_CONFIG:
    case ROUTE_CONFIG_SUBJECT:
    case ROUTE_MODE:
    case ROUTE_MODE_SUBJECT:
    case ROUTE_VERSION_TAGS:
        return r->id == ROUTE_SUBJECT ? r->method == ROUTE_M_DELETE : 1;
    case ROUTE_CONTEXT:
        return r->method == ROUTE_M_DELETE;
    default:
        return 0;
    }
}

/*
 * Decode [s, s+n) into *out (advancing it), NUL-terminated, as Jersey
 * does: percent escapes to octets, then the octets as UTF-8 with each
 * malformed sequence replaced by U+FFFD.  `scratch` holds n bytes.
 */
static char *
route__decode(const char *s, size_t n, char **out, char *scratch, int plus_is_space)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int hi = i + 2 < n ? text_hex_digit((unsigned char)s[i + 1]) : -1;
        int lo = i + 2 < n ? text_hex_digit((unsigned char)s[i + 2]) : -1;
        /* %00 stays encoded: a NUL would cut the name short, and such a
         * name must reach the API whole to be refused there. */
        if (s[i] == '%' && hi >= 0 && lo >= 0 && (hi | lo) != 0) {
            scratch[m++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            scratch[m++] = ' ';
        } else {
            scratch[m++] = s[i];
        }
    }
    char *start = *out;
    size_t len = utf8_java_decode((const unsigned char *)scratch, m, start);
    start[len] = '\0';
    *out = start + len + 1;
    return start;
}

static int
route__method(const char *m, size_t n)
{
    if (n == 3 && memcmp(m, "GET", 3) == 0)
        return ROUTE_M_GET;
    if (n == 4 && memcmp(m, "POST", 4) == 0)
        return ROUTE_M_POST;
    if (n == 3 && memcmp(m, "PUT", 3) == 0)
        return ROUTE_M_PUT;
    if (n == 6 && memcmp(m, "DELETE", 6) == 0)
        return ROUTE_M_DELETE;
    if (n == 4 && memcmp(m, "HEAD", 4) == 0)
        return ROUTE_M_GET;
    return 0;
}

static void
route__parse_query(const char *q, size_t n, route_t *r, char **out, char *scratch)
{
    size_t i = 0;
    while (i < n && r->nquery < ROUTE_MAX_QUERY) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        if (j > i) {
            const char *eq = memchr(q + i, '=', j - i);
            size_t klen = eq ? (size_t)(eq - (q + i)) : j - i;
            route_param_t *p = &r->query[r->nquery++];
            p->key = route__decode(q + i, klen, out, scratch, 1);
            p->value = eq ? route__decode(eq + 1, (size_t)(q + j - eq - 1), out, scratch, 1)
                          : route__decode("", 0, out, scratch, 1);
        }
        i = j + 1;
    }
}

static int
route__is(const char *seg, const char *word)
{
    return seg != NULL && strcmp(seg, word) == 0;
}

/* Route the segments after /subjects/{s}. */
static route_id_t
route__subject(char **seg, int n, route_t *r)
{
    r->subject = seg[1];
    if (n == 2)
        return ROUTE_SUBJECT;
    if (n == 3 && route__is(seg[2], "metadata"))
        return ROUTE_SUBJECT_METADATA;
    if (!route__is(seg[2], "versions"))
        return ROUTE_NOT_FOUND;
    if (n == 3)
        return ROUTE_VERSIONS;
    r->version = seg[3];
    if (n == 4)
        return ROUTE_VERSION;
    if (n == 5 && route__is(seg[4], "schema"))
        return ROUTE_VERSION_SCHEMA;
    if (n == 5 && route__is(seg[4], "referencedby"))
        return ROUTE_VERSION_REFERENCEDBY;
    if (n == 5 && route__is(seg[4], "tags"))
        return ROUTE_VERSION_TAGS;
    return ROUTE_NOT_FOUND;
}

static route_id_t
route__schemas(char **seg, int n, route_t *r)
{
    if (n == 1)
        return ROUTE_SCHEMAS;
    if (n == 2 && route__is(seg[1], "types"))
        return ROUTE_SCHEMA_TYPES;
    if (route__is(seg[1], "guids") && (n == 3 || n == 4)) {
        r->schema_id = seg[2];
        if (n == 3)
            return ROUTE_SCHEMA_GUID;
        return route__is(seg[3], "ids") ? ROUTE_SCHEMA_GUID_IDS : ROUTE_NOT_FOUND;
    }
    if (!route__is(seg[1], "ids") || n < 3)
        return ROUTE_NOT_FOUND;
    r->schema_id = seg[2];
    if (n == 3)
        return ROUTE_SCHEMA_ID;
    if (n == 4 && route__is(seg[3], "schema"))
        return ROUTE_SCHEMA_ID_SCHEMA;
    if (n == 4 && route__is(seg[3], "subjects"))
        return ROUTE_SCHEMA_ID_SUBJECTS;
    if (n == 4 && route__is(seg[3], "versions"))
        return ROUTE_SCHEMA_ID_VERSIONS;
    return ROUTE_NOT_FOUND;
}

static route_id_t
route__match(char **seg, int n, route_t *r)
{
    if (n == 0)
        return ROUTE_ROOT;
    const char *s0 = seg[0];
    if (route__is(s0, "subjects"))
        return n == 1 ? ROUTE_SUBJECTS : route__subject(seg, n, r);
    if (route__is(s0, "schemas"))
        return route__schemas(seg, n, r);
    if (route__is(s0, "config") || route__is(s0, "mode")) {
        int cfg = route__is(s0, "config");
        if (n == 1)
            return cfg ? ROUTE_CONFIG : ROUTE_MODE;
        if (n != 2)
            return ROUTE_NOT_FOUND;
        r->subject = seg[1];
        return cfg ? ROUTE_CONFIG_SUBJECT : ROUTE_MODE_SUBJECT;
    }
    if (route__is(s0, "compatibility")) {
        if (n < 4 || !route__is(seg[1], "subjects") || !route__is(seg[3], "versions"))
            return ROUTE_NOT_FOUND;
        r->subject = seg[2];
        if (n == 4)
            return ROUTE_COMPAT_VERSIONS;
        r->version = seg[4];
        return n == 5 ? ROUTE_COMPAT_VERSION : ROUTE_NOT_FOUND;
    }
    if (route__is(s0, "contexts") && n == 2) {
        r->subject = seg[1];
        return ROUTE_CONTEXT;
    }
    if (route__is(s0, "contexts"))
        return n == 1 ? ROUTE_CONTEXTS : ROUTE_NOT_FOUND;
    if (route__is(s0, "associations") && n >= 3) {
        if (route__is(seg[1], "subjects") && n == 3) {
            r->subject = seg[2];
            return ROUTE_ASSOC_SUBJECT;
        }
        if (!route__is(seg[1], "resources") || n > 4)
            return ROUTE_NOT_FOUND;
        r->resource = seg[n - 1];
        r->resource_ns = n == 4 ? seg[2] : NULL;
        return n == 4 ? ROUTE_ASSOC_RESOURCE : ROUTE_ASSOC_RESOURCE_ID;
    }
    if (route__is(s0, "health") && n == 2) {
        if (route__is(seg[1], "live"))
            return ROUTE_HEALTH_LIVE;
        if (route__is(seg[1], "ready"))
            return ROUTE_HEALTH_READY;
    }
    if (route__is(s0, "v1") && n == 3 && route__is(seg[1], "metadata")) {
        if (route__is(seg[2], "id"))
            return ROUTE_METADATA_ID;
        if (route__is(seg[2], "version"))
            return ROUTE_METADATA_VERSION;
        if (route__is(seg[2], "deployment"))
            return ROUTE_METADATA_DEPLOYMENT;
    }
    return ROUTE_NOT_FOUND;
}

void
route_parse(const char *method, size_t mlen, const char *path, size_t plen,
            route_t *r)
{
    memset(r, 0, sizeof(*r));
    r->method = route__method(method, mlen);
    /* A byte grows to at most three (U+FFFD for a stray one), each string
     * gets a NUL, and a key without '=' gets an empty value: this is room
     * for every segment and parameter.  The scratch holds one undecoded
     * string's octets. */
    r->mem = mem_alloc(UTF8_JAVA_DECODE_MAX(plen) + ROUTE_MAX_QUERY * 2 + ROUTE_MAX_SEGS + 16);
    char *scratch = mem_alloc(plen + 1);
    char *out = r->mem;
    const char *q = memchr(path, '?', plen);
    size_t pathlen = q ? (size_t)(q - path) : plen;
    if (q != NULL)
        route__parse_query(q + 1, plen - pathlen - 1, r, &out, scratch);

    char *seg[ROUTE_MAX_SEGS];
    int n = 0;
    size_t i = 0;
    while (i < pathlen) {
        size_t j = i;
        while (j < pathlen && path[j] != '/')
            j++;
        if (j > i) {
            if (n == ROUTE_MAX_SEGS) {
                free(scratch);
                r->id = ROUTE_NOT_FOUND;
                return;
            }
            seg[n++] = route__decode(path + i, j - i, &out, scratch, 0);
        }
        i = j + 1;
    }
    free(scratch);
    if (n >= 3 && route__is(seg[0], "contexts")) {
        r->context = seg[1];
        r->context_error = strchr(seg[1], ':') != NULL;
        r->id = route__match(seg + 2, n - 2, r);
        return;
    }
    r->id = route__match(seg, n, r);
}

void
route_free(route_t *r)
{
    free(r->mem);
    r->mem = NULL;
}

const char *
route_query(const route_t *r, const char *key)
{
    /* Jersey hands a @QueryParam the first of repeated values. */
    for (int i = 0; i < r->nquery; i++) {
        if (strcmp(r->query[i].key, key) == 0)
            return r->query[i].value;
    }
    return NULL;
}

int
route_query_bool(const route_t *r, const char *key, int dflt)
{
    const char *v = route_query(r, key);
    if (v == NULL)
        return dflt;
    return strcasecmp(v, "true") == 0;
}

int
route_parse_int(const char *s, int *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (*p == '\0')
        return -1;
    long long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > (long long)INT_MAX + 1)
            return -1;
    }
    if (neg)
        v = -v;
    if (v > INT_MAX || v < INT_MIN)
        return -1;
    *out = (int)v;
    return 0;
}
