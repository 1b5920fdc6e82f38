/*
 * properties.h - reading java.util.Properties text (the syntax of
 * Confluent's schema-registry.properties).
 */
#ifndef SCHEMAD_PROPERTIES_H
#define SCHEMAD_PROPERTIES_H

#include <stddef.h>

/**
 * Called once per logical line with its key and value unescaped (each NULL
 * when it holds a malformed \uXXXX escape; both freed after the call) and
 * the number of the natural line it starts on.  A non-zero return stops
 * the parse and is returned by properties_parse().
 */
typedef int (*properties_fn)(void *ctx, const char *key, const char *val, int line);

/** Parse `len` bytes of properties text.  Returns 0 or the callback's stop value. */
int properties_parse(const char *text, size_t len, properties_fn fn, void *ctx);

#endif
