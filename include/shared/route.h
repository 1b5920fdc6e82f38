/*
 * route.h - the REST API's URL space: a request path (with its query) maps
 * to one route and its decoded parameters.  Shared by the workers (which
 * answer hot routes from the table and reject what is malformed) and the
 * master (which answers everything else).
 */
#ifndef SCHEMAD_ROUTE_H
#define SCHEMAD_ROUTE_H

#include <stddef.h>

typedef enum route_id {
    ROUTE_NOT_FOUND = 0,
    ROUTE_ROOT,                 /* / */
    ROUTE_HEALTH_LIVE,          /* /health/live */
    ROUTE_HEALTH_READY,         /* /health/ready */
    ROUTE_SUBJECTS,             /* /subjects */
    ROUTE_SUBJECT,              /* /subjects/{s} */
    ROUTE_SUBJECT_METADATA,     /* /subjects/{s}/metadata */
    ROUTE_VERSIONS,             /* /subjects/{s}/versions */
    ROUTE_VERSION,              /* /subjects/{s}/versions/{v} */
    ROUTE_VERSION_SCHEMA,       /* /subjects/{s}/versions/{v}/schema */
    ROUTE_VERSION_REFERENCEDBY, /* /subjects/{s}/versions/{v}/referencedby */
    ROUTE_SCHEMAS,              /* /schemas */
    ROUTE_SCHEMA_TYPES,         /* /schemas/types */
    ROUTE_SCHEMA_ID,            /* /schemas/ids/{id} */
    ROUTE_SCHEMA_ID_SCHEMA,     /* /schemas/ids/{id}/schema */
    ROUTE_SCHEMA_ID_SUBJECTS,   /* /schemas/ids/{id}/subjects */
    ROUTE_SCHEMA_ID_VERSIONS,   /* /schemas/ids/{id}/versions */
    ROUTE_CONFIG,               /* /config */
    ROUTE_CONFIG_SUBJECT,       /* /config/{s} */
    ROUTE_MODE,                 /* /mode */
    ROUTE_MODE_SUBJECT,         /* /mode/{s} */
    ROUTE_COMPAT_VERSIONS,      /* /compatibility/subjects/{s}/versions */
    ROUTE_COMPAT_VERSION,       /* /compatibility/subjects/{s}/versions/{v} */
    ROUTE_CONTEXTS,             /* /contexts */
    ROUTE_METADATA_ID,          /* /v1/metadata/id */
    ROUTE_METADATA_VERSION,     /* /v1/metadata/version */
    ROUTE_VERSION_TAGS,         /* /subjects/{s}/versions/{v}/tags */
    ROUTE_SCHEMA_GUID,          /* /schemas/guids/{guid} (8.x) */
    ROUTE_SCHEMA_GUID_IDS,      /* /schemas/guids/{guid}/ids (8.x) */
    ROUTE_ASSOC_RESOURCE,       /* /associations/resources/{ns}/{name} (8.x) */
    ROUTE_ASSOC_RESOURCE_ID,    /* /associations/resources/{id} (8.x) */
    ROUTE_ASSOC_SUBJECT,        /* /associations/subjects/{s} (8.x) */
    ROUTE_METADATA_DEPLOYMENT,  /* /v1/metadata/deployment (8.x) */
    ROUTE_CONTEXT,              /* /contexts/{context} (8.x: DELETE); the name in `subject` */
    ROUTE__COUNT
} route_id_t;

enum {
    ROUTE_M_GET = 1, ROUTE_M_POST = 2, ROUTE_M_PUT = 4, ROUTE_M_DELETE = 8
};

#define ROUTE_MAX_QUERY 16

typedef struct route_param {
    const char *key;    /* decoded, NUL-terminated, in route->mem */
    const char *value;
} route_param_t;

typedef struct route {
    route_id_t id;
    int method;             /* ROUTE_M_* of the request, 0 if another */
    const char *subject;    /* decoded; NULL when the route has none */
    const char *version;    /* the raw {v} segment, decoded */
    const char *schema_id;  /* the raw {id} or {guid} segment, decoded */
    const char *resource;   /* /associations/resources/{ns}/{name}: name, or the {id} */
    const char *resource_ns;    /* and its namespace, or NULL */
    const char *context;    /* from /contexts/{ctx}/..., or NULL */
    int context_error;      /* the /contexts/{ctx} prefix was malformed */
    route_param_t query[ROUTE_MAX_QUERY];
    int nquery;
    char *mem;              /* owns the strings above; free with route_free() */
} route_t;

/**
 * Parse `path` (with its query string) for `method`.  Always fills `r`
 * (ROUTE_NOT_FOUND when nothing matches); the caller calls route_free().
 */
void route_parse(const char *method, size_t mlen, const char *path, size_t plen,
                 route_t *r);
void route_free(route_t *r);

/** Methods a route accepts (ROUTE_M_* bits). */
int route_methods(route_id_t id);
/** Whether the route changes state for this method (goes to the journal). */
int route_is_write(const route_t *r);

/** The last value of a query parameter, or NULL. */
const char *route_query(const route_t *r, const char *key);
/** A boolean query parameter as JAX-RS reads it: case-insensitive "true". */
int route_query_bool(const route_t *r, const char *key, int dflt);

/**
 * Java Integer.parseInt: optional sign, decimal digits, 32-bit range.
 * Returns 0 and sets *out, or -1.
 */
int route_parse_int(const char *s, int *out);

#endif
