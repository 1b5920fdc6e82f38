/*
 * schema_avro_model.h - the parsed form of an Avro schema, shared by the
 * schema_avro_*.c files (parse, write, compat).  Not part of the public API:
 * use schema_avro.h.
 *
 * Every node is owned by the avro_ctx_t that parsed it and lives until
 * avro_ctx_free(); nodes point at each other freely (named types are shared
 * and may be recursive).
 */
#ifndef SCHEMAD_SCHEMA_AVRO_MODEL_H
#define SCHEMAD_SCHEMA_AVRO_MODEL_H

#include <stddef.h>
#include <jansson.h>

#include "hmap.h"
#include "mem.h"

typedef enum avro_type {
    AVRO_RECORD, AVRO_ENUM, AVRO_ARRAY, AVRO_MAP, AVRO_UNION, AVRO_FIXED,
    AVRO_STRING, AVRO_BYTES, AVRO_INT, AVRO_LONG, AVRO_FLOAT, AVRO_DOUBLE,
    AVRO_BOOLEAN, AVRO_NULL
} avro_type_t;

typedef enum avro_order {
    AVRO_ORDER_ASCENDING, AVRO_ORDER_DESCENDING, AVRO_ORDER_IGNORE
} avro_order_t;

/** Java's Schema.Name: space is NULL for the null namespace. All owned. */
typedef struct avro_name {
    char *name;
    char *space;
    char *full;
} avro_name_t;

struct avro_schema;

typedef struct avro_field {
    char *name;
    struct avro_schema *schema; /* owned by the ctx */
    char *doc;                  /* NULL when absent */
    json_t *def;                /* reference held; NULL when no default */
    avro_order_t order;
    char **aliases;             /* raw strings, de-duplicated, owned */
    size_t naliases;
    json_t *props;              /* object in insertion order, reference held */
    int pos;
} avro_field_t;

typedef struct avro_schema {
    avro_type_t type;
    avro_name_t name;           /* records, enums, fixed */
    char *doc;
    int is_error;
    avro_field_t *fields;
    size_t nfields;
    char **symbols;
    size_t nsymbols;
    char *enum_default;
    int size;
    struct avro_schema *child;  /* array items or map values */
    struct avro_schema **branches;
    size_t nbranches;
    avro_name_t *aliases;
    size_t naliases;
    json_t *props;              /* object in insertion order, reference held */
    const char *logical;        /* static name of a valid logical type, or NULL */
    int precision;
    int scale;
} avro_schema_t;

/** Parser state: the arena of nodes and the names defined so far. */
typedef struct avro_ctx {
    avro_schema_t **nodes;
    size_t nnodes, capnodes;
    hmap_t defined;             /* full name -> avro_schema_t *, borrowed */
    const char *space;          /* default namespace while parsing, borrowed */
    char *err;                  /* first error, owned */
    int validate_defaults;      /* check each field's default (Parser.setValidateDefaults) */
} avro_ctx_t;

void avro_ctx_init(avro_ctx_t *c);
void avro_ctx_free(avro_ctx_t *c);

/**
 * Parse one schema text (JSON with comments allowed) into `c`, adding its
 * named types to those already known.  Returns NULL and sets c->err (Java's
 * message) on failure.
 */
avro_schema_t *avro_parse_text(avro_ctx_t *c, const char *text, size_t len);

/**
 * Java's Schema.isValidDefault: whether `def` (NULL: none) is a valid
 * default for `s` (1) or not (0); a union's is its first branch's, a
 * record's takes each missing field's own default.  -1 when Java throws
 * instead: a value reaches an empty union ("Index 0 out of bounds for
 * length 0").  `depth` is 0 from the caller.
 */
int avro_default_valid(const avro_schema_t *s, const json_t *def, int depth);

/** Java's Schema.toString() with `known` named types pre-registered.  Caller frees. */
char *avro_to_string(avro_schema_t *s, avro_schema_t *const *known, size_t nknown);

/** Confluent's AvroSchemaUtils.toNormalizedString text (not yet re-parsed).  Caller frees. */
char *avro_normalized_text(avro_schema_t *s, avro_schema_t *const *refs, size_t nrefs);

/*
 * Numbers Jackson reads that jansson cannot hold: an integer past a long
 * (BigIntegerNode, written as its digits) and a double past the finite
 * range or a float field's "NaN"/"Infinity" default (DoubleNode, written
 * quoted).  The parser keeps one as a jansson string no parsed text can
 * be (a 0xFF byte, the kind, the text Jackson writes); it is no text to
 * the rules (avro_is_text) and a number to the default checks.
 */
#define AVRO_NUM_BIG 'B'
#define AVRO_NUM_NONFINITE 'D'
/** The kind of a special number, or 0 for any other value. */
int avro_json_special(const json_t *v);
/** A new special number of `kind` written as `text` (len bytes). */
json_t *avro_json_special_new(int kind, const char *text, size_t len);
/** JsonNode.isTextual(): a string that is no special number. */
int avro_is_text(const json_t *v);

/** JDK 17's Character.isLetter / isLetterOrDigit of a code point (0 past the BMP). */
int avro_java_is_letter(unsigned cp);
int avro_java_is_letter_or_digit(unsigned cp);

/** Compact JSON as Jackson writes a JsonNode; `sorted` orders object keys. */
void avro_write_json(buf_t *b, json_t *v, int sorted);
/** Same as avro_write_json into a new string.  Caller frees. */
char *avro_json_text(json_t *v);
/** Java Double.toString / Float.toString. */
void avro_write_double(buf_t *b, double d);
void avro_write_float(buf_t *b, float f);

/** "record", "int", ... (Schema.Type.getName()). */
const char *avro_type_name(avro_type_t t);
/** "RECORD", "INT", ... (Schema.Type.name()). */
const char *avro_type_upper(avro_type_t t);
/** Java's getFullName(): full name for named types, else the type name. */
const char *avro_full_name(const avro_schema_t *s);
/** Java Schema.equals(): structural, ignoring doc and aliases. */
int avro_schema_equal(const avro_schema_t *a, const avro_schema_t *b);

#endif
