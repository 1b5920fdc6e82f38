/*
 * api_jtext.h - Java's toString() of the entities a request carries
 * (references, Metadata, RuleSet, Rule), for Confluent's messages that
 * print them (the 42201 wrapper around a parser's message).
 */
#ifndef SCHEMAD_API_JTEXT_H
#define SCHEMAD_API_JTEXT_H

#include <jansson.h>

#include "mem.h"

/** List<SchemaReference>.toString(), appended to b. */
void api_jtext_refs(buf_t *b, const json_t *refs);

/** Metadata.toString() (its maps and sets sorted as its constructor sorts
 *  them), or "null"; appended to b. */
void api_jtext_metadata(buf_t *b, const json_t *md);

/** RuleSet.toString() in `dialect` (8.x adds encodingRules and enableAt),
 *  or "null"; appended to b. */
void api_jtext_rule_set(buf_t *b, const json_t *rs, int dialect);

#endif
