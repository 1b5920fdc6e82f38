/*
 * api_reg.h - a schema a request brings (register, lookup, compatibility),
 * made ready as Confluent's registration algorithm takes it (reference
 * §3.1): decoded, its references resolved, parsed and canonicalized, with
 * its identity fingerprint.  api_register.c decides what to do with it.
 */
#ifndef SCHEMAD_API_REG_H
#define SCHEMAD_API_REG_H

#include "api.h"
#include "compat.h"
#include "request.h"
#include "schema_type.h"

/* The pieces of a request after canonicalization. */
typedef struct api_reg {
    request_schema_t req;
    char *subject;
    char *context;
    char *canonical;        /* the text to store */
    schema_ref_t *refs;     /* the references, dependencies first */
    size_t nrefs;
    hmap_t refs_seen;       /* the texts in refs */
    json_t *metadata;       /* effective metadata (merged), or NULL */
    json_t *rule_set;       /* effective rule set (merged), or NULL */
    int modified;           /* schema, metadata or rules were filled in */
    char fingerprint[33];
} api_reg_t;

/** Free what `g` holds (not `g`). */
void api_reg_free(api_reg_t *g);

/** Decode the request body into g->req (`arg`: the subject).  0, or -1 with res set. */
int api_reg_decode(api_reg_t *g, const char *arg, const char *body, size_t blen,
                   api_result_t *res);

/** Java's trim().isEmpty(): every char at most U+0020, NUL included. */
int api_reg_blank(const char *s, size_t len);

/** Whether `type` is one Confluent has and schemad has not yet. */
int api_reg_unsupported_type(const char *type);

/** SCHEMA_NORMALIZE when the request or the config in scope asks for it, else 0. */
int api_reg_normalize(const api_t *api, const route_t *r, const char *subject);

/** The flags a new schema is canonicalized with (isNew in Confluent's parse). */
int api_reg_new_flags(const api_t *api, const char *subject, int normalize);

/**
 * Resolve the references, then parse, validate and canonicalize the
 * request's schema into g->canonical and g->fingerprint.  0, or -1 with
 * Confluent's error in res.
 */
int api_reg_canonicalize(const api_t *api, api_reg_t *g, int flags, api_result_t *res);

/** Set g->fingerprint: the canonical text with references, metadata and rule set. */
void api_reg_fingerprint(api_reg_t *g);

/** The canonicalized request as the compatibility checks take it (borrows from g), the
 *  dialect's hooks and the policy of the config in scope. */
compat_schema_t api_reg_compat_schema(const api_t *api, const api_reg_t *g);

/** The compatibilityGroup the config in scope names, or NULL. */
const char *api_reg_compat_group(const api_t *api, const char *subject);

/** The newest version of `sub` (soft-deleted ones with `deleted`) holding this fingerprint, or NULL. */
store_version_t *api_reg_find_in_subject(const store_subject_t *sub, const char *fingerprint,
                                         int deleted);

#endif
