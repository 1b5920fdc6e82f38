/*
 * store.h - the master's model of the registry: schemas by id, subjects and
 * their versions, configs, modes and contexts, rebuilt by applying journal
 * records in log order.  The model is the truth the API answers from; the
 * shared table (publish.h) is a rendered copy of its hot parts.
 *
 * Ownership: the store owns every object reachable from it.  Pointers handed
 * out stay valid until the next store_apply() or store_collect().
 */
#ifndef SCHEMAD_STORE_H
#define SCHEMAD_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "guid.h"
#include "hmap.h"
#include "mem.h"
#include "ptrtab.h"
#include "schema_type.h"

typedef struct store_schema {
    int id;
    const char *context;    /* "." is the default context (shared, see store.c) */
    const char *schema_type; /* "AVRO", "JSON" or "PROTOBUF" (shared, see store.c) */
    char *text;             /* the canonical text, or NULL once parked: read
                             * it with store_schema_text() */
    int text_in_arena;      /* text is in the store's arena, else malloc'd */
    const char *lit;        /* parked: the text's JSON string literal, borrowed
                             * from the shared table (publish.c), or NULL */
    size_t litlen;
    json_t *references;     /* array, or NULL when none */
    json_t *metadata;       /* object or NULL */
    json_t *rule_set;       /* object or NULL */
    char fingerprint[33];   /* hex MD5 of the identity (text, refs, metadata, rules) */
    unsigned char guid[GUID_BYTES]; /* Confluent 8's GUID (guid.h): the record's md5,
                             * else computed (guid_format() spells it) */
    int uses;               /* subject-versions that hold it, soft-deleted included */
    const struct store_subject *holder; /* the subject-version GET /schemas/ids/{id}
                             * answers with (store_schema_holder), or NULL */
    int holder_version;
    int dirty;              /* to be re-published */
    uint64_t literal;       /* publish.c's table handle of its JSON literal, or 0 */
} store_schema_t;

typedef struct store_version {
    int version;
    int deleted;            /* soft-deleted */
    int dirty;              /* changed since the last publish */
    store_schema_t *schema; /* borrowed from the store */
    int64_t ts;             /* its SCHEMA record's timestamp (ms), -1 if none */
} store_version_t;

typedef struct store_subject {
    char *name;             /* as written in records: "s" or ":.ctx:s" */
    char *context;
    store_version_t *versions;  /* ascending by version */
    size_t nversions;
    size_t capversions;
    json_t *config;         /* subject-level CONFIG value, or NULL */
    char *mode;             /* subject-level mode, or NULL */
    int dirty;
} store_subject_t;

typedef struct store_context {
    char *name;
    int max_id;
    int listed;             /* GET /contexts names it: it has a CONTEXT record
                             * (or came with a schema), not tombstoned since.
                             * Kept when tombstoned: its ids are never given again. */
} store_context_t;

typedef struct store_ptrs {
    void **p;
    size_t n;
    size_t cap;
} store_ptrs_t;

typedef struct store {
    hmap_t subjects;        /* name -> store_subject_t, owned */
    ptrtab_t schemas;       /* by (context, id): store_schema_t, owned */
    ptrtab_t fingerprints;  /* by (context, fingerprint): store_schema_t, borrowed */
    hmap_t contexts;        /* name -> store_context_t, owned */
    hmap_t assocs;          /* an ASSOC record's key bytes -> its value (json_t,
                             * owned): 8.x's associations, kept as written */
    ptrtab_t guids;         /* by GUID: store_schema_t, borrowed: the default
                             * context's, else the highest id */
    json_t *global_config;  /* CONFIG value with no subject, or NULL */
    char *global_mode;      /* or NULL = READWRITE */
    int64_t offset;         /* last applied journal offset, -1 before any */
    int id_floor;           /* every new id is above it (RECORD_KEYTYPE_ID_FLOOR) */
    uint64_t records;       /* records applied */
    int dialect;            /* confluent.version: whose records the API writes
                             * (8: "schemaType" also for Avro); set by the master */

    /* What changed since the last publish. */
    store_ptrs_t dirty_subjects;
    store_ptrs_t dirty_schemas;
    store_ptrs_t dead_schemas;      /* removed from the maps, freed by store_collect() */
    int dirty_lists;                /* a subject joined or left the subject list */
    int dirty_versions;             /* some version changed (the /schemas list) */
    size_t nversions;               /* versions of all subjects */
    int dirty_config;               /* global config or mode */

    /* Texts of schemas applied since the last store_collect(): publishing
     * parks most, and the arena's pages go back together. */
    mem_arena_t arena;
    store_ptrs_t arena_schemas;

    /* Subjects in name order, kept for the lists: new ones are sorted and
     * merged in when next asked (subjects are never removed).  Behind a
     * pointer for the same reason as texts. */
    struct store_order *order;

    /* Texts of parked schemas unescaped by store_schema_text(): schema
     * pointer -> text, both owned here, emptied by store_collect().  Behind
     * a pointer so that readers holding a const store can fill it. */
    hmap_t *texts;
} store_t;

void store_init(store_t *st);
void store_free(store_t *st);

/**
 * The subject a reference names, seen from a schema in `context`
 * (QualifiedSubject.qualifySubjectWithParent): an unqualified subject is
 * in the referrer's context.  malloc'd; the caller frees.
 */
char *store_ref_subject(const char *context, const char *ref_subject);

/**
 * Take note of a record that is skipped because a fenced writer wrote it:
 * the offset moves past it, and a SCHEMA record's id raises the id floor
 * (an id that ever appeared in the topic is never given again).
 */
void store_fenced(store_t *st, int64_t offset, const char *key, size_t klen,
                  const char *val, size_t vlen);

/**
 * Append `s` (referred to as `name`) to (*refs, *n), after every schema it
 * references, transitively, each text once, each under the name its first
 * referrer gave it: `seen` (zeroed by the caller, freed with hmap_free)
 * holds the texts already appended.  A schema whose text is seen is not
 * walked again, so a reference graph with shared parts costs its size, not
 * its number of paths.  The caller frees the array with schema_refs_free().
 * -1 when a chain is deeper than 32.
 */
int store_schema_deps(const store_t *st, const store_schema_t *s, const char *name,
                      hmap_t *seen, schema_ref_t **refs, size_t *n, int depth);

/**
 * Whether store_apply() would take this record as it stands now: the key
 * and value decode, the key type is known, a SCHEMA value names the key's
 * subject and version and binds no known id to another schema.  0 when it
 * would; -1 with a static reason in *why when it would skip it.  The
 * master checks every record a request planned before appending any.
 */
int store_check_record(const store_t *st, const char *key, size_t klen,
                       const char *val, size_t vlen, const char **why);

/**
 * Free the schemas removed since the last call and the texts
 * store_schema_text() unescaped, and move texts not parked out of the
 * arena (after publishing).
 */
void store_collect(store_t *st);

/**
 * Drop the texts store_schema_text() unescaped for the answer just given:
 * a read that renders texts must not keep copies of parked schemas until
 * the next publish (a flood of reads would rebuild the whole registry in
 * the master's heap).  Pointers from store_schema_text() die with them.
 */
void store_forget_texts(store_t *st);

/**
 * The canonical text of `s`: its own copy, or, once parked, its literal
 * unescaped into the store's text cache.  Valid until the next
 * store_apply() or store_collect(); the store owns it.
 */
const char *store_schema_text(const store_t *st, const store_schema_t *s);

/**
 * Park `s`: from now on its text is read from `lit`, its JSON string
 * literal (`len` bytes, quotes included), which the caller keeps alive and
 * unchanged until it parks `s` elsewhere or the store frees `s`.  Frees the
 * schema's own copy: the master keeps each text once, in the shared table.
 */
void store_schema_park(store_schema_t *s, const char *lit, size_t len);

/** The context of a subject name: "." or ".ctx" for ":.ctx:name".  malloc'd. */
char *store_subject_context(const char *subject);

store_subject_t *store_subject(const store_t *st, const char *name);
store_schema_t *store_schema_by_id(const store_t *st, const char *context, int id);
/** The schema GET /schemas/guids/{guid} answers with, or NULL. */
store_schema_t *store_schema_by_guid(const store_t *st, const unsigned char guid[GUID_BYTES]);

store_schema_t *store_schema_by_fingerprint(const store_t *st, const char *context,
                                            const char *fingerprint);
store_version_t *store_version(const store_subject_t *sub, int version);
/**
 * The subject-version whose record GET /schemas/ids/{id} (and by GUID)
 * answers with under 8.x (its `ts` and `deleted`): the first, in Java's
 * ConcurrentHashMap order of subject names, of those that hold the
 * schema in its context, soft-deleted included (InMemoryCache's
 * schemaKeyById).  NULL when none holds it.
 */
const store_version_t *store_schema_holder(const store_schema_t *s);
/** Highest version that is not soft-deleted, or NULL. */
store_version_t *store_latest(const store_subject_t *sub);
/** Whether every version is soft-deleted (or there are none). */
int store_subject_all_deleted(const store_subject_t *sub);
/** The next id to allocate in a context. */
int store_next_id(const store_t *st, const char *context);

/**
 * The identity fingerprint of a schema: hex MD5 over the canonical text,
 * references, metadata and rule set.  Writes 33 bytes to out.  A schema
 * with none of the three has the MD5 of its text alone: its GUID's bytes,
 * so that the master hashes such a text once for both.
 */
void store_fingerprint(const char *schema, const json_t *references,
                       const json_t *metadata, const json_t *rule_set,
                       char out[33]);

/** Subject names in Java string order; the array is malloc'd, names borrowed. */
store_subject_t **store_sorted_subjects(const store_t *st, size_t *n);

void store_ptrs_push(store_ptrs_t *v, void *p);

/* For store_apply.c, which changes the model. */

/** The subject `name`, added (empty, listed last by name) when new. */
store_subject_t *store_subject_add(store_t *st, const char *name);

/**
 * `name` itself when it is one of the names nearly every schema has (the
 * default context, the three types), shared, else a copy; the store frees
 * it with the schema.
 */
const char *store_shared_name(const char *name);

/**
 * A new schema's fingerprint and GUID (from `md5`, the record's base64
 * MD5, when it has one): for a schema without references, metadata and
 * rule set both are the MD5 of its text, hashed once.
 */
void store_schema_digests(store_schema_t *s, const char *md5);

#endif
