/*
 * schema_avro_text.h - a schema's JSON text as Java Avro's Jackson reads
 * it, where jansson reads it otherwise: comments allowed, nesting bounded
 * at 1,000, an escaped NUL a character like any other; and a double
 * default's string as Double.valueOf reads it.  The parser
 * (schema_avro_parse.c) prepares the text and the tree with these.
 */
#ifndef SCHEMAD_SCHEMA_AVRO_TEXT_H
#define SCHEMAD_SCHEMA_AVRO_TEXT_H

#include <stddef.h>
#include <jansson.h>

/* StreamReadConstraints' default maximum nesting depth (Jackson 2.15+). */
#define AVRO_TEXT_MAX_NESTING 1000

/**
 * A copy of `len` bytes of `text` with its comments outside strings
 * blanked (Jackson's ALLOW_COMMENTS), at the same offsets; NUL-terminated,
 * malloc'd (the caller frees).
 */
char *avro_text_strip_comments(const char *text, size_t len);

/** Whether the n bytes at p are all at most U+0020 (none counts). */
int avro_text_blank(const char *p, size_t n);

/**
 * The offset of the first opening brace or bracket past
 * AVRO_TEXT_MAX_NESTING in the first JSON value of t, or len when none.
 */
size_t avro_text_too_deep_at(const char *t, size_t len);

/**
 * Rewrite every string of `j` holding a NUL in place, each NUL as C0 80
 * (modified UTF-8), so the model's C strings keep it.  Recursive: call it
 * on a tree avro_text_too_deep_at() bounded.
 */
void avro_text_nul_to_modified(json_t *j);

/**
 * Java's Double.valueOf(String) of a NUL-terminated text: trimmed, NaN,
 * Infinity and an f/d suffix accepted.  0 with *out, or -1 where Java
 * throws NumberFormatException.
 */
int avro_text_parse_double(const char *text, double *out);

#endif
