/*
 * schema_proto_agg.h - an option's aggregate value (`= { tags: ["A"] }`),
 * read from the text Google's parser keeps (its tokens joined by spaces)
 * into wire's OptionElement map, and written back: as Confluent's printer
 * formats a MAP option (formatOptionMap), or as text-format tokens.
 */
#ifndef SCHEMAD_SCHEMA_PROTO_AGG_H
#define SCHEMAD_SCHEMA_PROTO_AGG_H

#include <stddef.h>

#include "mem.h"

typedef enum { PA_STR, PA_PRIM, PA_MAP, PA_LIST } pa_kind_t;

typedef struct pa_val pa_val_t;

struct pa_val {
    pa_kind_t kind;
    const char *text;       /* PA_STR: the unescaped text; PA_PRIM: as written */
    const char **keys;      /* PA_MAP: n keys (a repeated key's values are a list) */
    pa_val_t **vals;        /* PA_MAP: n values; PA_LIST: n items */
    size_t n;
    size_t cap;
};

/**
 * The map an aggregate's text holds, allocated in `a`, or NULL when the
 * text is no text-format message (or nests deeper than 64).
 */
pa_val_t *pa_parse(mem_arena_t *a, const char *text);

/** A new empty map, list, or string value in `a`. */
pa_val_t *pa_new(mem_arena_t *a, pa_kind_t kind, const char *text);

/** Append to a list, or set `key` in a map (replacing its value). */
void pa_push(mem_arena_t *a, pa_val_t *list, pa_val_t *item);
void pa_set(mem_arena_t *a, pa_val_t *map, const char *key, pa_val_t *val);

/** The value of `key` in a map, or NULL. */
pa_val_t *pa_get(const pa_val_t *map, const char *key);

/** Remove `key` from a map. */
void pa_del(pa_val_t *map, const char *key);

/**
 * Confluent's "{\n  key: value,\n ...}" of a map (formatOptionMap inside
 * braces); normalized: keys sorted, empty lists dropped, a one-item list
 * written as its item.
 */
void pa_format(buf_t *b, const pa_val_t *map, int normalize);

/**
 * Append `s` to `b` escaped for a quoted .proto string (Confluent's
 * ProtobufSchemaUtils.escapeChars): the printer's option values and an
 * aggregate's strings are written by this one rule.
 */
void pa_escape(buf_t *b, const char *s);

/** The map as text-format tokens, which Google's parser reads back. */
void pa_write(buf_t *b, const pa_val_t *map);

#endif
