/*
 * api_rules.h - a rule set checked as Confluent's RuleSet.validate() checks
 * it, before a register, a config update or a tag edit stores it.
 */
#ifndef SCHEMAD_API_RULES_H
#define SCHEMAD_API_RULES_H

#include <jansson.h>

#include "api.h"

/*
 * Check `rs` (a RuleSet the request decoder accepted; NULL or null passes)
 * in `dialect` (7 or 8).  0 when valid; 1 when refused, with *msg (the
 * caller frees) Confluent's 42210 text; -1 for a rule that is JSON null,
 * on which Confluent's check dereferences null (a generic 500).
 */
int api_rules_validate(const json_t *rs, int dialect, char **msg);

/** The same, answered: 0 when valid, else -1 with res set (42210, or 500). */
int api_rules_check(const json_t *rs, int dialect, api_result_t *res);

#endif
