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

typedef struct api {
    store_t *store;             /* borrowed */
    const struct config *cf;    /* borrowed */
    int leader;                 /* this node may write */
    const char *cluster_id;     /* kafka cluster id for /v1/metadata/id, or "" */
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
} api_result_t;

/** Answer one request forwarded by a worker. */
void api_handle(api_t *api, const ipc_request_t *req, api_result_t *res);
void api_result_free(api_result_t *res);

/** Set an error answer: {"error_code":code,"message":msg}. */
void api_error(api_result_t *res, int status, int code, const char *msg);
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
void api_config(api_t *api, const route_t *r, const char *body, size_t blen,
                api_result_t *res);
void api_mode(api_t *api, const route_t *r, const char *body, size_t blen,
              api_result_t *res);
void api_compatibility(api_t *api, const route_t *r, const char *body, size_t blen,
                       api_result_t *res);

/* Shared helpers. */
/** The subject of a route with its /contexts/{ctx} prefix applied; malloc'd. */
char *api_subject(const route_t *r);
/** Whether a subject name is acceptable for writes (else 42208). */
int api_subject_valid(const char *subject);
/** Parse a {v} segment as Confluent's VersionId: -1 for latest.  0 or -1. */
int api_version_parse(const char *s, int *out);
/** Effective compatibility level of a subject (upper case, static string). */
const char *api_compat_level(const api_t *api, const char *subject);
/** Effective mode of a subject (static or store-owned string). */
const char *api_mode_of(const api_t *api, const char *subject);

#endif
