/*
 * test_schema_json.c - JSON Schema's row: Jackson's parse and stored text,
 * the documents Confluent's loaders refuse, the regex check, and the
 * compatibility rules of JsonSchemaDiff with Confluent's messages.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"
#include "schema_json_node.h"
#include "tally.h"

/* The stored text of `in` (normalized or not), or the error as "!rc err". */
static char *
canon(const char *in, int normalize)
{
    char *out = NULL, *err = NULL;
    int rc = schema_json_canonical(in, strlen(in), NULL, 0, normalize, &out, &err);
    if (rc == 0)
        return out;
    char *r = mem_printf("!%d %s", rc, err);
    free(err);
    return r;
}

static void
expect(tally_t *t, const char *in, int normalize, const char *want, const char *what)
{
    char *got = canon(in, normalize);
    int ok = strcmp(got, want) == 0;
    if (!ok)
        printf("  got %s\n  want %s\n", got, want);
    check(t, ok, what);
    free(got);
}

static void
test_canonical(tally_t *t)
{
    expect(t, "{ \"type\": \"object\", \"properties\": { \"a\": { \"type\": \"string\" } } }", 0,
           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}",
           "compact, members in order");
    expect(t, "{ \"type\": \"object\", \"properties\": { \"a\": { \"type\": \"string\" } } }", 1,
           "{\"properties\":{\"a\":{\"type\":\"string\"}},\"type\":\"object\"}",
           "normalized: members sorted at every level");
    expect(t, "true", 0, "true", "a boolean schema");
    expect(t, "false", 0, "false", "false too");
    expect(t, "[]", 0, "[]", "Confluent takes a top-level array");
    expect(t, "12", 0, "12", "and a number");
    expect(t, "{\"a\":1,\"b\":2,\"a\":3}", 0, "{\"a\":3,\"b\":2}",
           "a repeated key keeps its first place and its last value");
    expect(t, "{\"minimum\":1.50,\"maximum\":1e10,\"multipleOf\":0.0000001}", 0,
           "{\"minimum\":1.50,\"maximum\":1E+10,\"multipleOf\":1E-7}",
           "decimals as BigDecimal.toString()");
    expect(t, "{\"minimum\":-0,\"maximum\":-0.0,\"default\":123456789012345678901234567890}", 0,
           "{\"minimum\":0,\"maximum\":0.0,\"default\":123456789012345678901234567890}",
           "-0 is 0; big integers keep their digits");
    expect(t, "{\"description\":\"a/b\\u00e9\\u0001\\n\"}", 0,
           "{\"description\":\"a/b\xc3\xa9\\u0001\\n\"}", "Jackson's escapes");
    expect(t, "{\"b\":1,\"\xef\xbc\xa1\":2,\"\xf0\x9f\x98\x80\":3}", 1,
           "{\"b\":1,\"\xf0\x9f\x98\x80\":3,\"\xef\xbc\xa1\":2}",
           "sorted by UTF-16 units: a surrogate pair before U+FF21");
    expect(t, "{} trailing", 0, "{}", "text after the value is ignored, as readTree does");
}

static void
test_invalid(tally_t *t)
{
    expect(t, "{\"type\":", 0, "!-1 Invalid JSON {\"type\":", "not JSON");
    expect(t, "{\"a\":01}", 0, "!-1 Invalid JSON {\"a\":01}", "a leading zero");
    expect(t, "{\"type\":12}", 0, "!-2 Invalid JSON Schema", "type not a string");
    expect(t, "{\"type\":\"record\"}", 0, "!-2 Invalid JSON Schema", "unknown type");
    expect(t, "{\"$ref\":\"#/definitions/missing\"}", 0, "!-2 Invalid JSON Schema",
           "a $ref to nothing");
    expect(t, "{\"properties\":{\"d\":{\"$ref\":\"dep.json\"}}}", 0, "!-2 Invalid JSON Schema",
           "a $ref to another document without references");
    expect(t, "{\"type\":\"object\",\"required\":\"a\"}", 0, "!-2 Invalid JSON Schema",
           "required not an array");
    expect(t, "{\"minimum\":\"x\"}", 0, "!-2 Invalid JSON Schema", "minimum not a number");
    expect(t, "{\"type\":\"string\",\"pattern\":\"(\"}", 0, "!-2 Invalid JSON Schema",
           "a pattern Java does not compile");
    expect(t, "{\"type\":\"object\",\"properties\":[]}", 0, "!-2 Invalid JSON Schema",
           "properties not an object");
    expect(t, "{\"items\":{\"type\":\"nope\"}}", 0, "!-2 Invalid JSON Schema",
           "a bad subschema");
    expect(t, "null", 0, "!-2 Invalid JSON Schema", "null is no schema");
    expect(t, "{\"definitions\":{\"x\":{\"type\":\"nope\"}}}", 0,
           "{\"definitions\":{\"x\":{\"type\":\"nope\"}}}",
           "an unreferenced definition is not read");
    expect(t, "{\"definitions\":{\"x\":{\"type\":\"string\"}},\"properties\":"
              "{\"a\":{\"$ref\":\"#/definitions/x\"},\"b\":{\"$ref\":\"#\"}}}", 0,
           "{\"definitions\":{\"x\":{\"type\":\"string\"}},\"properties\":"
           "{\"a\":{\"$ref\":\"#/definitions/x\"},\"b\":{\"$ref\":\"#\"}}}",
           "$refs into the document and to itself");
    expect(t, "{\"$schema\":\"http://example.com/unknown\",\"type\":\"object\"}", 0,
           "{\"$schema\":\"http://example.com/unknown\",\"type\":\"object\"}",
           "an unknown $schema is draft-07");
    char *out = NULL, *err = NULL;
    const char *dep = "{\"type\":\"integer\"}";
    const char *holder = "{\"properties\":{\"d\":{\"$ref\":\"dep.json\"}}}";
    check(t, schema_json_canonical(holder, strlen(holder), &dep, 1, 0, &out, &err) == 0,
          "a $ref to another document with references");
    free(out);
    free(err);
}

static void
test_depth(tally_t *t)
{
    size_t n = 5000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    char *got = canon(deep, 0);
    check(t, strncmp(got, "!-1 Invalid JSON", 16) == 0, "nesting past Jackson's bound refused");
    free(got);
    free(deep);
    /* A long chain of $refs: bounded, never a stack overflow. */
    buf_t b = {0};
    buf_puts(&b, "{\"$ref\":\"#/definitions/d0\",\"definitions\":{");
    for (int i = 0; i < 3000; i++)
        buf_printf(&b, "%s\"d%d\":{\"$ref\":\"#/definitions/d%d\"}", i ? "," : "", i, i + 1);
    buf_puts(&b, ",\"d3000\":true}}");
    got = canon(b.data, 0);
    check(t, strcmp(got, "!-2 Invalid JSON Schema") == 0, "a $ref chain past the bound refused");
    free(got);
    buf_free(&b);
}

static void
test_regex(tally_t *t)
{
    const char *good[] = {"^x", "a{1,2}", "[a-z]+", "(?:a|b)*?", "\\d+", "[]a]", "a|", NULL};
    const char *bad[] = {"(", ")", "*a", "a{", "[a", "\\", "(?", "a|*", NULL};
    int ok = 1;
    for (const char **p = good; *p; p++)
        ok &= schema_json_regex_ok(*p, strlen(*p));
    check(t, ok, "patterns Java compiles");
    ok = 1;
    for (const char **p = bad; *p; p++)
        ok &= !schema_json_regex_ok(*p, strlen(*p));
    check(t, ok, "patterns Java refuses");
}

int
main(void)
{
    tally_t t = {0, 0};
    test_canonical(&t);
    test_invalid(&t);
    test_depth(&t);
    test_regex(&t);
    return tally_report(&t);
}
