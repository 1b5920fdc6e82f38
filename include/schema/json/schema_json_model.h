/*
 * schema_json_model.h - a JSON Schema as everit's SchemaLoader models it,
 * which is what Confluent's JsonSchemaDiff compares: a typed schema per
 * `type`, a synthetic allOf when a document mixes keywords of several
 * kinds, combined, enum, const, not, reference and empty schemas.  Built
 * lazily, once per JSON node (so loops of $refs meet the same schema
 * again), in the document's arena.  And the order in which Java's HashMap
 * and HashSet iterate keys, which orders Confluent's messages.  Private to
 * src/schema/json/.
 */
#ifndef SCHEMAD_SCHEMA_JSON_MODEL_H
#define SCHEMAD_SCHEMA_JSON_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "mem.h"
#include "schema_json_node.h"
#include "schema_json_refs.h"

/* everit's schema classes, as far as the diff tells them apart. */
typedef enum {
    SJM_EMPTY, SJM_TRUE, SJM_FALSE, SJM_STRING, SJM_NUMBER, SJM_BOOLEAN, SJM_NULL, SJM_OBJECT, SJM_ARRAY,
    SJM_ENUM, SJM_CONST, SJM_NOT, SJM_COMBINED, SJM_REF, SJM_COND
} sjm_kind_t;

/* A combined schema's criterion. */
enum { SJM_ALL, SJM_ANY, SJM_ONE };

typedef struct sjm_schema sjm_schema_t;
struct sjm_schema {
    sjm_kind_t kind;
    const jsn_t *src;           /* the object its keywords are read from */
    int integer;                /* NUMBER: requiresInteger */
    int criterion;              /* COMBINED */
    sjm_schema_t **subs;        /* COMBINED subschemas; NOT: subs[0] */
    size_t nsubs;
    const char *ref;            /* REF: the $ref, resolved in `doc` */
    struct sjm_doc *doc;        /* the document it was read from */
    const jsn_t *scope;         /* the $ref target it was loaded under, or NULL (see sjm_load) */
    int generated;              /* COMBINED: the allOf of one object's several parts, no keyword */
    int part;                   /* one of those parts (its object's other keywords are not its own) */
    const jsn_t *over;          /* STRING, NUMBER: the object of a schema joined into this one
                                 * (SchemaUtils.merge): its keywords first, or NULL */
};

/* One document: its root, its draft's id keyword, the model by node. */
typedef struct sjm_doc {
    const jsn_t *root;
    const char *id_key;
    int draft;                  /* jsn_draft of the root */
    int modern;                 /* 2019-09 or 2020-12 (json-sKema, both read as 2020-12):
                                 * prefixItems is the tuple, items what follows */
    hmap_t memo;                /* (scope, jsn address) -> sjm_schema_t */
    hmap_t anchors;             /* jsn_anchor's index of plain-name fragments */
    hmap_t main;                /* modern: the nodes SchemaTranslator's first pass
                                 * visits (not $defs), filled on first use */
    int main_done;
    const jsn_t *scope;         /* the scope of the schemas being built */
    mem_arena_t *arena;         /* where its model lives (freed by the owner at once) */
    struct sjm_lib *lib;        /* the documents its $refs may reach, or NULL */
    int dialect;                /* confluent.version: whose translator made the model (the lib's) */
} sjm_doc_t;

/* The documents one schema's references bring, each with its model, made
 * on the first $ref into it. */
typedef struct sjm_lib {
    sjr_set_t set;
    sjm_doc_t *docs;            /* per reference; root NULL until used */
    mem_arena_t *arena;
    int dialect;                /* confluent.version (7 without a lib) */
} sjm_lib_t;

/** Start the model of `root` in `arena` (the caller resets the arena); `lib` may be NULL. */
void sjm_doc_init(sjm_doc_t *d, const jsn_t *root, mem_arena_t *arena, sjm_lib_t *lib);

/** Free the document's index (the model itself is in the arena). */
void sjm_doc_free(sjm_doc_t *d);

/** A library over `n` references (borrowed; they outlive it). */
void sjm_lib_init(sjm_lib_t *l, const schema_ref_t *refs, size_t n, mem_arena_t *arena,
                  int dialect);

/** Free the library's documents and indexes. */
void sjm_lib_free(sjm_lib_t *l);

/**
 * The model of node `j` of `d` as the document's load reaches it (NULL for
 * NULL), built on first use.  everit loads a $ref's target afresh (one
 * instance per target, shared by every $ref to it), apart from the
 * instance the plain load of the document made of the same node: so a
 * `"$ref":"#"` leads to a second root, which Confluent's Context enters
 * once more.  The model keeps that by keying each schema on the $ref target
 * it was loaded under (its scope).
 */
sjm_schema_t *sjm_load(sjm_doc_t *d, const jsn_t *j);

/** The model of `j`, a node below `parent`'s, in `parent`'s scope. */
sjm_schema_t *sjm_child(const sjm_schema_t *parent, const jsn_t *j);

/** ReferenceSchema.getReferredSchema(): a $ref into its own document or a referenced one, else NULL. */
sjm_schema_t *sjm_referred(const sjm_schema_t *s);

/** A keyword of the object the schema was read from, or NULL. */
const jsn_t *sjm_kw(const sjm_schema_t *s, const char *key);

/** "allOf", "anyOf" or "oneOf". */
const char *sjm_criterion(int criterion);

typedef struct sjm_key {
    const char *key;
    size_t klen;
    size_t seq;
    uint32_t bucket;
} sjm_key_t;

/** The members of object `m` (NULL: none) in the order everit's HashMap holds them; free(). */
sjm_key_t *sjm_map_keys(const jsn_t *m, size_t *n);

/** The union of two objects' keys as `new HashSet<>(a.keySet()); addAll(b.keySet())`; free(). */
sjm_key_t *sjm_union_keys(const jsn_t *a, const jsn_t *b, size_t *n);

#endif
