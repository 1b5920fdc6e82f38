/*
 * render.h - the JSON bodies of the API's answers, byte for byte as
 * Confluent's Jackson writes them.  Used by the master's API (slow path)
 * and by publish.c (the bodies stored in the shared table), so both paths
 * answer the same bytes.
 *
 * Bodies that embed a schema text are split in three: a head, the schema
 * text as a JSON string literal, and a tail; the middle is what the table
 * stores once per distinct text.
 */
#ifndef SCHEMAD_RENDER_H
#define SCHEMAD_RENDER_H

#include "mem.h"
#include "store.h"

typedef struct render_split {
    buf_t head;
    buf_t tail;
} render_split_t;

/** Free the buffers of a split. */
void render_split_free(render_split_t *r);

/** The schema text as a JSON string literal (the middle part). */
void render_schema_literal(buf_t *b, const store_schema_t *s);

/*
 * `dialect` is confluent.version: 7 answers as Confluent 7.9 (no GUID, no
 * schemaType for Avro), 8 as Confluent 8.3.
 */

/**
 * GET /schemas/ids/{id}: 7: {"schemaType"?,"schema","references"?,"metadata"?,
 * "ruleSet"?,"maxId"?}; 8 (SchemaString): {"guid","schemaType","schema",...,
 * "maxId"?,"ts"?,"deleted"}, `ts` and `deleted` those of the record of the
 * subject-version the id is found under (store_schema_holder; `ts` only
 * when the journal keeps timestamps).  max_id < 0 omits maxId.
 */
void render_schema_string(render_split_t *r, const store_schema_t *s, int max_id, int dialect);

/** The same with, in dialect 8, "subject" and "version" first, and `at`'s
 * ts and deleted, when `at` is not NULL (GET /schemas/ids/{id}?subject=). */
void render_schema_string_of(render_split_t *r, const store_schema_t *s, const char *subject,
                             const store_version_t *at, int max_id, int dialect);

/**
 * The Schema object: {"subject","version","id","guid"(8),"schemaType"(7: not
 * for Avro),"references"?,"metadata"?,"ruleSet"?,"schema","ts"(8, when
 * known),"deleted"(8)} as a stored version answers (toSchemaEntity); with
 * RENDER_LOOKUP the lookup's copy of the request, which has neither `ts`
 * nor `deleted`.
 */
enum { RENDER_STORED = 0, RENDER_LOOKUP = 1 };
void render_subject_version(render_split_t *r, const char *subject, const store_version_t *v,
                            int shape, int dialect);

/**
 * A registration's whole answer: {"id","version","guid"(8),"schemaType"(7:
 * not for Avro),"references"?,"metadata"?,"ruleSet"?,"schema"}.
 */
void render_registered(render_split_t *r, int version, const store_schema_t *s, int dialect);

/** Join a split around the schema literal into one body. */
void render_join(buf_t *out, const render_split_t *r, const store_schema_t *s);

/**
 * A Config answer: the stored fields in Confluent's order, the
 * compatibility level filled in with `default_level` when absent.
 */
void render_config(buf_t *b, const json_t *cfg, const char *default_level);

/** {"mode":"..."} */
void render_mode(buf_t *b, const char *mode);

/** {"error_code":code,"message":"..."} */
void render_error(buf_t *b, int code, const char *message);

/** Append a compact JSON value (key order kept). */
void render_json(buf_t *b, const json_t *j);

/** [1,2,3] of the live versions of a subject (all when deleted is set; only soft-deleted when deleted_only). */
void render_versions(buf_t *b, const store_subject_t *sub, int deleted, int deleted_only);

#endif
