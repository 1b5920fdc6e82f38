/*
 * request.h - request bodies decoded as Confluent's Jackson does it: the
 * same scalar coercions (a numeric string is an int, a number is a string),
 * the same failures (400 with Jackson's text, 422 for a missing body).
 */
#ifndef SCHEMAD_REQUEST_H
#define SCHEMAD_REQUEST_H

#include <stddef.h>
#include <jansson.h>

/** Why a body was refused: HTTP status, error_code and message (malloc'd). */
typedef struct request_error {
    int status;
    int code;
    char *message;
} request_error_t;

/** A RegisterSchemaRequest.  Owns its members; free with request_schema_free(). */
typedef struct request_schema {
    char *schema;           /* NULL when absent or null; may hold NUL bytes */
    size_t schema_len;      /* bytes in schema (0 when NULL): the whole text is the schema */
    char *schema_type;      /* as sent, NULL when absent or null (AVRO) */
    json_t *references;     /* array, or NULL */
    json_t *metadata;       /* object (properties coerced to strings), or NULL */
    json_t *rule_set;       /* object, or NULL */
    int version;            /* 0 when absent */
    int id;                 /* -1 when absent */
} request_schema_t;

/**
 * Parse a whole body as JSON, Jackson-style (duplicate keys: the last wins).
 * A body that is empty, blank or `null` is Jersey's 422 "<arg> must not be
 * null (was null)".  Returns the value (caller decrefs) or NULL with *err set.
 */
json_t *request_parse(const char *body, size_t len, const char *arg,
                      request_error_t *err);

/** Decode a RegisterSchemaRequest body.  0, or -1 with *err set. */
int request_schema_decode(const char *body, size_t len, const char *arg,
                          request_schema_t *out, request_error_t *err);
void request_schema_free(request_schema_t *r);

/** Coerce a JSON value to an int as Jackson does (absent or null gives `absent`).  0 or -1. */
int request_int(const json_t *v, int absent, int *out, request_error_t *err);

/** Coerce a JSON value to text as Jackson does for a String field.  0 or -1. */
int request_string(const json_t *v, char **out, request_error_t *err);

/** Coerce a metadata object (properties to strings, tags and sensitive checked).  NULL on error. */
json_t *request_metadata(const json_t *v, request_error_t *err);
/**
 * A RuleSet as Jackson binds it: absent or null gives *out NULL and 0; an
 * object gives a deep copy the caller owns (json_decref) and 0; anything
 * else, or a rule of an unknown kind, fills *err and gives -1.
 */
int request_rule_set(const json_t *v, json_t **out, request_error_t *err);

void request_error_set(request_error_t *err, int status, int code, const char *msg);
void request_error_free(request_error_t *err);

#endif
