/*
 * api_rules.c - RuleSet.validate() and Rule.validate(), as Confluent 7.9 and
 * 8.3 run them on a request's rule set (42210 when they throw).
 */
#include "api_rules.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "mem.h"
#include "schema_avro_model.h"

/* Rule.NAME_MAX_LENGTH, in UTF-16 units: 64 in 7.9, 256 in 8.x. */
#define API_RULES_NAME_MAX_7 64
#define API_RULES_NAME_MAX_8 256

/* One code point from valid UTF-8 (jansson's strings are); advances *i. */
static unsigned
api_rules__next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[(*i)++];
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
    while (more-- > 0 && *i < n)
        c = (c << 6) | (s[(*i)++] & 0x3f);
    return c;
}

/*
 * Rule.validateName over Java chars: a code point past the BMP is two
 * surrogates, neither a letter nor a digit.  NULL when the name is good,
 * else the message (static text; "Illegal..." ones are written to *owned).
 */
static const char *
api_rules__name(const json_t *jname, int dialect, char **owned)
{
    if (!json_is_string(jname))
        return "Missing rule name";
    const unsigned char *s = (const unsigned char *)json_string_value(jname);
    size_t n = json_string_length(jname), i = 0, units = 0;
    if (n == 0)
        return "Empty rule name";
    int bad_first = 0, bad_rest = 0;
    while (i < n) {
        unsigned cp = api_rules__next(s, n, &i);
        int first = units == 0;
        units += cp >= 0x10000 ? 2 : 1;
        int ok = cp < 0x10000 && (first ? avro_java_is_letter(cp) || cp == '_'
                                        : avro_java_is_letter_or_digit(cp) || cp == '_' ||
                                          cp == '-');
        if (cp >= 0x10000 && !first)
            ok = 0;
        if (!ok && first)
            bad_first = 1;
        else if (!ok)
            bad_rest = 1;
    }
    if (units > (size_t)(dialect >= 8 ? API_RULES_NAME_MAX_8 : API_RULES_NAME_MAX_7))
        return "Rule name too long";
    if (bad_first || bad_rest) {
        *owned = mem_printf("Illegal %scharacter in rule name: %s",
                            bad_first ? "initial " : "", (const char *)s);
        return *owned;
    }
    return NULL;
}

/* RuleMode, defaulted to WRITEREAD as Rule's constructor does. */
static const char *
api_rules__mode(const json_t *rule)
{
    const char *m = json_string_value(json_object_get(rule, "mode"));
    return m != NULL ? m : "WRITEREAD";
}

/* Rule.validateAction: several actions only where the mode runs both ways. */
static int
api_rules__action_ok(const char *mode, const json_t *action)
{
    const char *a = json_string_value(action);
    if (a == NULL || strcmp(mode, "WRITEREAD") == 0 || strcmp(mode, "UPDOWN") == 0)
        return 1;
    return strchr(a, ',') == NULL;
}

/* Rule.validate(); NULL or the message (*owned when written). */
static const char *
api_rules__rule(const json_t *rule, int dialect, char **owned)
{
    const char *m = api_rules__name(json_object_get(rule, "name"), dialect, owned);
    if (m != NULL)
        return m;
    if (!json_is_string(json_object_get(rule, "type")))
        return "Missing rule type";
    const char *mode = api_rules__mode(rule);
    if (!api_rules__action_ok(mode, json_object_get(rule, "onSuccess")) ||
        !api_rules__action_ok(mode, json_object_get(rule, "onFailure")))
        return "Multiple actions only valid with WRITEREAD and UPDOWN";
    return NULL;
}

static int
api_rules__is(const char *mode, const char *a, const char *b, const char *c)
{
    return strcmp(mode, a) == 0 || strcmp(mode, b) == 0 || strcmp(mode, c) == 0;
}

/* The names seen so far, as RuleSet.validate's HashSet (null is a name). */
typedef struct {
    hmap_t names;
    int null_seen;
} api_rules_seen_t;

static int
api_rules__seen(api_rules_seen_t *seen, const json_t *name)
{
    if (name == NULL) {
        int was = seen->null_seen;
        seen->null_seen = 1;
        return was;
    }
    const char *s = json_string_value(name);
    size_t n = json_string_length(name);
    if (hmap_get(&seen->names, s, n) != NULL)
        return 1;
    hmap_put(&seen->names, s, n, (void *)name);
    return 0;
}

/* One of the rule lists; 0, 1 with *msg, or -1 (a null rule). */
static int
api_rules__list(const json_t *list, int kind, int dialect, api_rules_seen_t *seen, char **msg)
{
    static const char *const wrong[] = {
        "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN",
        "Domain rules can only be WRITE, READ, WRITEREAD",
        "Encoding rules can only be WRITE, READ, WRITEREAD",
    };
    size_t i;
    json_t *rule;
    json_array_foreach(list, i, rule) {
        if (!json_is_object(rule))
            return -1;
        /* A name that is not a string fails the request decoder first. */
        const json_t *name = json_object_get(rule, "name");
        if (!json_is_string(name))
            name = NULL;
        if (api_rules__seen(seen, name)) {
            *msg = mem_printf("Found rule with duplicate name '%s'",
                              name ? json_string_value(name) : "null");
            return 1;
        }
        char *owned = NULL;
        const char *m = api_rules__rule(rule, dialect, &owned);
        if (m != NULL) {
            *msg = owned != NULL ? owned : mem_strdup(m);
            return 1;
        }
        const char *mode = api_rules__mode(rule);
        int ok = kind == 0 ? api_rules__is(mode, "UPGRADE", "DOWNGRADE", "UPDOWN")
                           : api_rules__is(mode, "WRITE", "READ", "WRITEREAD");
        if (!ok) {
            *msg = mem_strdup(wrong[kind]);
            return 1;
        }
    }
    return 0;
}

int
api_rules_validate(const json_t *rs, int dialect, char **msg)
{
    static const char *const lists[] = {"migrationRules", "domainRules", "encodingRules"};
    *msg = NULL;
    if (!json_is_object(rs))
        return 0;
    size_t nlists = dialect >= 8 ? 3 : 2;
    api_rules_seen_t seen = {0};
    int rc = 0;
    for (size_t k = 0; k < nlists && rc == 0; k++)
        rc = api_rules__list(json_object_get(rs, lists[k]), (int)k, dialect, &seen, msg);
    hmap_free(&seen.names);
    return rc;
}

int
api_rules_check(const json_t *rs, int dialect, api_result_t *res)
{
    char *msg = NULL;
    int rc = api_rules_validate(rs, dialect, &msg);
    if (rc < 0)
        api_error(res, 500, 500, "Internal Server Error");
    else if (rc > 0)
        api_error(res, 422, 42210, msg);
    free(msg);
    return rc != 0 ? -1 : 0;
}
