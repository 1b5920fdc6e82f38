/*
 * api.h - the REST API's semantics, on the master: every request a worker
 * could not answer from the shared table comes here.  Reads are answered
 * from the store at once.  A write yields the journal records to append and
 * the answer to give once they are applied (read-your-writes).
 */
#ifndef SCHEMAD_API_H
#define SCHEMAD_API_H

#include <stddef.h>

#include "ipc.h"
#include "mem.h"
#include "route.h"
#include "store.h"

struct config;

/** An id taken by a registration appended but not yet read back. */
typedef struct api_pending {
    int id;
    int refs;                   /* in-flight registrations that carry it */
} api_pending_t;

typedef struct api {
    store_t *store;             /* borrowed */
    const struct config *cf;    /* borrowed */
    int leader;                 /* this node may write */
    const char *cluster_id;     /* kafka cluster id for /v1/metadata/id, or "" */
    /* Registrations in flight on Kafka (default context only): fingerprint
     * -> api_pending_t, and the highest id they took, so that the next one
     * neither reuses an id nor gives the same schema a second id.  Owned
     * by the master; NULL when writes are not pipelined. */
    hmap_t *pending;
    int pending_max_id;
} api_t;

/** A record to append: Confluent's key and value bytes (val NULL = tombstone). */
typedef struct api_record {
    char *key;
    size_t klen;
    char *val;
    size_t vlen;
} api_record_t;

/** The outcome of one request; owns its buffers (api_result_free). */
typedef struct api_result {
    int status;
    buf_t body;
    api_record_t *records;      /* to append, in order, before answering */
    size_t nrecords;
    size_t caprecords;
    int new_id;                 /* a registration took this new id (default context), or 0 */
    char fingerprint[33];       /* ... for this schema */
} api_result_t;

/** Answer one request forwarded by a worker. */
void api_handle(api_t *api, const ipc_request_t *req, api_result_t *res);

/** The routes 8.x added (api_v8.c): GUIDs, associations, deployment; 7.9's 404 under
 * confluent.version=7. */
void api_v8(api_t *api, const route_t *r, api_result_t *res);
void api_result_free(api_result_t *res);

/** A subject's version as GET /subjects/{s}/versions/{v} answers it (200). */
void api_render_version(const api_t *api, const store_subject_t *sub, const store_version_t *v,
                        int shape, api_result_t *res);
/** Set an error answer: {"error_code":code,"message":msg}. */
void api_error(api_result_t *res, int status, int code, const char *msg);
/** A 200 answer of `body`. */
void api_ok(api_result_t *res, const char *body);
/** Confluent's 404 for a path it does not know. */
void api_not_found(api_result_t *res);
/** printf-style message variant. */
void api_errorf(api_result_t *res, int status, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Queue a record (takes ownership of key and val, malloc'd). */
void api_add_record(api_result_t *res, char *key, size_t klen, char *val, size_t vlen);

/* Handlers by resource (api_*.c), each for one route. */
void api_register(api_t *api, const route_t *r, const char *body, size_t blen,
                  api_result_t *res);
void api_lookup(api_t *api, const route_t *r, const char *body, size_t blen,
                api_result_t *res);
void api_delete_subject(api_t *api, const route_t *r, api_result_t *res);
void api_delete_version(api_t *api, const route_t *r, api_result_t *res);
/** DELETE /contexts/{context} (8.x; 7.9's 404 under confluent.version=7). */
void api_delete_context(api_t *api, const route_t *r, api_result_t *res);
void api_config(api_t *api, const route_t *r, const char *body, size_t blen,
                api_result_t *res);
void api_mode(api_t *api, const route_t *r, const char *body, size_t blen,
              api_result_t *res);
void api_compatibility(api_t *api, const route_t *r, const char *body, size_t blen,
                       api_result_t *res);

/* Data contracts (api_meta.c).  Returned values are new references. */
/** Metadata.mergeMetadata: newer tags and properties win, sensitive is the union; NULL when both are. */
json_t *api_metadata_merge(const json_t *old, const json_t *new);
/** RuleSet.mergeRuleSets: old rules not renamed by new, then new's; NULL when both are. */
json_t *api_rule_set_merge(const json_t *old, const json_t *new);
/** Whether metadata carries the reserved confluent:version property. */
int api_metadata_has_version(const json_t *md);
/** A copy of md (or of nothing) with confluent:version set. */
json_t *api_metadata_with_version(const json_t *md, int version);
/** md without confluent:version (a new reference, or NULL for NULL). */
json_t *api_metadata_without_version(const json_t *md);
/** GET /subjects/{s}/metadata for an already resolved subject. */
void api_subject_metadata(api_t *api, const route_t *r, const char *subject,
                          api_result_t *res);
/**
 * Register a schema derived from a stored one (its type and references)
 * as `version` of subject, with this text, metadata and rule set; the
 * answer is the full Schema object (api_register.c).
 */
void api_register_derived(api_t *api, const char *subject, const store_schema_t *from,
                          const char *text, const json_t *metadata, const json_t *rule_set,
                          int version, api_result_t *res);
/** POST /subjects/{s}/versions/{v}/tags (api_tags.c). */
void api_tags(api_t *api, const route_t *r, const char *body, size_t blen,
              api_result_t *res);

/* Subject resolution (api_resolve.c). */
/** The alias target of a subject (its own config's `alias`), qualified; malloc'd, or NULL. */
char *api_alias_of(const api_t *api, const char *subject);
/**
 * Rewrite a route's subject (subject routes) and `subject` parameter to
 * their alias targets; the rewritten names are stored in *owned_subject
 * and *owned_param (malloc'd, the caller frees them after the route).
 */
void api_alias_filter(const api_t *api, route_t *r, char **owned_subject, char **owned_param);

/* Shared helpers. */
/** The subjects ":.ctx:name" of every other context that has versions, in context order; malloc'd array, subjects borrowed. */
store_subject_t **api_context_subjects(const api_t *api, const char *subject, size_t *n);
/**
 * The config in force for a subject (Confluent's getConfigInScope): the
 * subject's own, else its context's outside the default context or the
 * global one inside it; NULL means the server's defaults.  Borrowed.  A
 * level's config applies whole: fields are never taken from two levels.
 */
const json_t *api_config_in_scope(const api_t *api, const char *subject);
/** A field of api_config_in_scope(); borrowed, or NULL. */
const json_t *api_config_field(const api_t *api, const char *subject, const char *key);
/** QualifiedSubject.normalize (":.:s" is "s", ":.ctx" is ":.ctx:"); malloc'd. */
char *api_subject_normalize(const char *subject);
/** Whether a normalized subject names a context other than the default one (":.ctx:s", ":*:s"). */
int api_subject_qualified(const char *subject);
/** The subject of a route, normalized, with its /contexts/{ctx} prefix applied; malloc'd. */
char *api_subject(const route_t *r);
/**
 * QualifiedSubject.isValidSubject: no ISO control character (U+0000-U+001F,
 * U+007F-U+009F), and the name within its context is not __GLOBAL or
 * __EMPTY (else 42208).
 */
int api_subject_valid(const char *subject);
/** Parse a {v} segment as Confluent's VersionId: -1 for latest.  0 or -1. */
int api_version_parse(const char *s, int *out);
/** The 42202 answer for an invalid {v} segment (echoed as sent). */
void api_version_error(api_result_t *res, const char *raw);
/** Effective compatibility level of a subject (upper case, static string). */
const char *api_compat_level(const api_t *api, const char *subject);
/** The mode in force for a subject (getModeInScope; NULL: the global mode), a static or store-owned string. */
const char *api_mode_of(const api_t *api, const char *subject);

#endif
