/*
 * record.h - the `_schemas` record codec: keys and values exactly as
 * Confluent Schema Registry writes them (compact Jackson JSON, fixed property
 * order), and read leniently as Confluent and Karapace write them.
 */
#ifndef SCHEMAD_RECORD_H
#define SCHEMAD_RECORD_H

#include <stddef.h>
#include <jansson.h>

typedef enum record_type {
    RECORD_UNKNOWN = 0,
    RECORD_SCHEMA,
    RECORD_CONFIG,
    RECORD_MODE,
    RECORD_DELETE_SUBJECT,
    RECORD_CLEAR_SUBJECT,
    RECORD_NOOP,
    RECORD_CONTEXT,
} record_type_t;

/**
 * A record only schemad writes, into a file journal repaired over damage:
 * value {"id":N,"bump":K}.  Every later id is above N and above every id
 * known when the record is applied plus K (journal_file.c, store.c).  Other
 * readers skip it as an unknown keytype.
 */
#define RECORD_KEYTYPE_ID_FLOOR "SCHEMAD_ID_FLOOR"

/** A decoded key.  Strings are owned by the key; free with record_key_free(). */
typedef struct record_key {
    record_type_t type;
    char *keytype;      /* as written, also for RECORD_UNKNOWN */
    char *subject;      /* NULL for a global CONFIG/MODE and for NOOP */
    int version;        /* SCHEMA only */
    int magic;
    char *tenant;       /* CONTEXT only */
    char *context;      /* CONTEXT only */
} record_key_t;

/**
 * Decode key bytes.  Returns 0, or -1 when the bytes are not a JSON object
 * with a string `keytype`, or a known field has the wrong type (a SCHEMA key
 * needs a subject and an int version); the caller logs and skips the
 * record.  An unknown keytype decodes with type RECORD_UNKNOWN.  A
 * `"subject":null` (Karapace's global CONFIG) decodes as subject NULL.
 * `magic` is not checked.
 */
int record_key_decode(const char *buf, size_t len, record_key_t *out);
void record_key_free(record_key_t *k);

/**
 * Encode a key as Confluent does.  Returns a malloc'd NUL-terminated string
 * the caller frees with free(); *len (if not NULL) gets its length.
 * `subject` NULL means global.  NULL when a string is not valid UTF-8;
 * *len is set on every path (0 with NULL).
 */
char *record_key_schema(const char *subject, int version, size_t *len);
char *record_key_config(const char *subject, size_t *len);
char *record_key_mode(const char *subject, size_t *len);
char *record_key_delete_subject(const char *subject, size_t *len);
char *record_key_clear_subject(const char *subject, size_t *len);
char *record_key_noop(size_t *len);
char *record_key_context(const char *tenant, const char *context, size_t *len);
/** Encode a decoded key back (dispatching on k->type); NULL for RECORD_UNKNOWN. */
char *record_key_encode(const record_key_t *k, size_t *len);

/** A SCHEMA value.  Pointers are borrowed by the encoder, owned by the decoder's result. */
typedef struct record_schema {
    char *subject;
    int version;
    int id;
    char *md5;          /* optional, NULL if absent */
    char *schema_type;  /* NULL means AVRO (omitted when written) */
    int type_written;   /* encoder: write "schemaType" for AVRO too, as Confluent 8 does */
    json_t *references; /* array or NULL; omitted when NULL or empty */
    json_t *metadata;   /* object or NULL */
    json_t *rule_set;   /* object or NULL */
    char *schema;
    int deleted;
} record_schema_t;

/**
 * Decode a SCHEMA value (either property order).  Missing schemaType means
 * AVRO (an explicit "AVRO" is also stored as NULL), missing deleted means
 * false.  Returns 0, or -1 (with *out left empty) when the bytes are not a
 * JSON object with string subject and schema and int version and id.
 * Free with record_schema_free().
 */
int record_schema_decode(const char *buf, size_t len, record_schema_t *out);
void record_schema_free(record_schema_t *s);

/**
 * Encode a SCHEMA value in Confluent's order.  malloc'd; caller frees with
 * free().  NULL when subject/schema is NULL or a string is not valid UTF-8.
 */
char *record_schema_encode(const record_schema_t *s, size_t *len);

/**
 * Decode any other value (CONFIG, MODE, DELETE_SUBJECT, CLEAR_SUBJECT,
 * CONTEXT) into a JSON object with key order preserved.  The caller owns the
 * reference (json_decref).  NULL when the bytes are not a JSON object.
 */
json_t *record_value_decode(const char *buf, size_t len);

/**
 * Encode a JSON object compactly with its key order preserved, as Jackson
 * writes (no spaces, `/` unescaped, non-ASCII raw).  malloc'd; caller frees
 * with free().  NULL when obj is not an object.
 */
char *record_value_encode(const json_t *obj, size_t *len);

#endif
