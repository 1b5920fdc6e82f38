/*
 * test_schema_json.c - JSON Schema's row: Jackson's parse and stored text,
 * the documents Confluent's loaders refuse, the regex check, and the
 * compatibility rules of JsonSchemaDiff with Confluent's messages.
 */
#include <regex.h>
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
    expect(t, "{\"a\xd3\x35\":1}", 0, "!-1 Invalid JSON {\"a\xd3\x35\":1}",
           "invalid UTF-8 (no Java string holds it)");
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
    expect(t, "{\"title\":1}", 0, "!-2 Invalid JSON Schema", "a title not a string");
    expect(t, "{\"$id\":true}", 0, "!-2 Invalid JSON Schema", "an $id not a string");
    expect(t, "{\"multipleOf\":0.0}", 0, "!-2 Invalid JSON Schema", "multipleOf 0");
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
    schema_ref_t dep = {.name = "dep.json", .text = "{\"type\":\"integer\"}"};
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
    /* Properties nested as deep as Jackson reads: parsed, checked and
     * compared within the stack (each level is two JSON objects). */
    buf_t d = {0};
    for (int i = 0; i < 499; i++)
        buf_puts(&d, "{\"type\":\"object\",\"properties\":{\"p\":");
    buf_puts(&d, "{\"type\":\"string\"}");
    for (int i = 0; i < 499; i++)
        buf_puts(&d, "}}");
    got = canon(d.data, 0);
    check(t, strcmp(got, d.data) == 0, "499 levels of properties are a schema");
    json_t *msgs = json_array();
    check(t, schema_json_compatible(got, NULL, 0, got, NULL, 0, 1, msgs) == 1,
          "and compatible with themselves");
    json_decref(msgs);
    free(got);
    buf_free(&d);
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

/* Whether the Java `pattern`, through its POSIX spelling, finds a match in `s`. */
static int
java_find(const char *pattern, const char *s)
{
    int icase;
    char *posix = schema_json_regex_posix(pattern, strlen(pattern), &icase);
    regex_t re;
    if (posix == NULL || regcomp(&re, posix, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0))) {
        free(posix);
        return -1;
    }
    int found = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    free(posix);
    return found;
}

/* patternProperties keys are Java regexes: found as java.util.regex's find() would. */
static void
test_regex_posix(tally_t *t)
{
    static const struct { const char *pattern, *s; int found; } cases[] = {
        {"^\\d+$", "123", 1}, {"^\\d+$", "12a", 0}, {"^\\d+$", "ddd", 0},
        {"\\s", "a b", 1}, {"\\S+", "   ", 0}, {"^\\w+$", "a_1", 1}, {"^\\w+$", "a-1", 0},
        {"\\W", "ab", 0}, {"^[\\d-]+$", "1-2", 1}, {"^[\\d-]+$", "1_2", 0},
        {"^[a\\]]+$", "a]a", 1}, {"^[\\^a]$", "^", 1}, {"^[\\^a]$", "b", 0},
        {"^[^\\d]+$", "abc", 1}, {"^[^\\d]+$", "a1", 0}, {"(?i)^abc$", "ABC", 1},
        {"^(?:ab)+?$", "abab", 1}, {"^a*+b", "aab", 1}, {"\\.", "a", 0}, {"\\.", "a.", 1},
        {"^x_[\\w.]{1,3}$", "x_a.b", 1}, {"^[\\[]", "[", 1}, {"[a[b]]", "a", -1}, {"(?=a)", "a", -1},
        {"\\1", "a", -1}, {"[a&&b]", "a", -1},
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = java_find(cases[i].pattern, cases[i].s);
        if (got != cases[i].found) {
            printf("  %s on %s: %d, want %d\n", cases[i].pattern, cases[i].s, got,
                   cases[i].found);
            ok = 0;
        }
    }
    check(t, ok, "Java patterns find in POSIX what they find in Java");
}

/*
 * Check `reader` against `writer` (BACKWARD words: the reader is new) and
 * compare the verdict and the messages joined by '|' with `want` ("" when
 * compatible).
 */
static void
compat(tally_t *t, const char *writer, const char *reader, const char *want, const char *what)
{
    json_t *msgs = json_array();
    int rc = schema_json_compatible(reader, NULL, 0, writer, NULL, 0, 1, msgs);
    buf_t b = {0};
    for (size_t i = 0; i < json_array_size(msgs); i++) {
        if (i)
            buf_puts(&b, "|");
        buf_puts(&b, json_string_value(json_array_get(msgs, i)));
    }
    buf_append(&b, "", 1);
    int ok = rc == (want[0] == '\0') && strcmp(b.data, want) == 0;
    if (!ok)
        printf("  rc %d got %s\n  want %s\n", rc, b.data, want);
    check(t, ok, what);
    buf_free(&b);
    json_decref(msgs);
}

#define OBJ_A_STRING "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"

static void
test_compat_types(tally_t *t)
{
    compat(t, OBJ_A_STRING, "{\"properties\":{\"a\":{\"type\":\"string\"}},\"type\":\"object\"}",
           "", "member order is no change");
    compat(t, OBJ_A_STRING, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}",
           "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/a' is "
           "different between the new schema and the old schema'}",
           "a property's type changed (the recorded message)");
    json_t *msgs = json_array();
    schema_json_compatible(OBJ_A_STRING, NULL, 0,
                           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}",
                           NULL, 0, 0, msgs);
    check(t, strstr(json_string_value(json_array_get(msgs, 0)),
                    "between the old schema and the new schema") != NULL,
          "FORWARD words: the reader is the old schema");
    json_decref(msgs);
    compat(t, "{\"type\":\"integer\"}", "{\"type\":\"number\"}", "", "integer to number extends");
    compat(t, "{\"type\":\"number\"}", "{\"type\":\"integer\"}",
           "{errorType:\"TYPE_NARROWED\", description:\"A type at path '#/' is different between "
           "the new schema and the old schema'}", "number to integer narrows");
    compat(t, "{\"type\":\"string\"}", "{}", "", "anything to the empty schema");
    compat(t, "{\"type\":\"string\"}", "true", "", "anything to true");
    compat(t, "false", "{\"type\":\"string\"}", "", "false to anything");
    compat(t, "{\"type\":\"string\"}", "{\"type\":[\"string\",\"null\"]}", "",
           "a union that takes the old type extends it");
    compat(t, "{\"type\":[\"string\",\"null\"]}", "{\"type\":\"string\"}",
           "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/' is different between "
           "the new schema and the old schema'}", "a union narrowed to one of its types");
}

static void
test_compat_objects(tally_t *t)
{
    compat(t, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
              "\"additionalProperties\":false}",
           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
           "\"b\":{\"type\":\"string\"}},\"additionalProperties\":false}",
           "", "an optional property added to a closed model");
    compat(t, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
              "\"additionalProperties\":false}",
           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
           "\"b\":{\"type\":\"string\"}},\"required\":[\"b\"],\"additionalProperties\":false}",
           "{errorType:\"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL\", description:\"The new "
           "schema has an unopen content model and has a required property at path "
           "'#/properties/b' which is missing in the old schema'}",
           "a required property added to a closed model");
    compat(t, OBJ_A_STRING,
           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
           "\"b\":{\"type\":\"string\"}}}",
           "{errorType:\"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL\", description:\"The new schema has "
           "an open content model and has a property or item at path '#/properties/b' which is "
           "missing in the old schema'}",
           "a property added to an open model");
    compat(t, OBJ_A_STRING, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                            "\"b\":{}}}",
           "", "a property with the empty schema added to an open model");
    compat(t, OBJ_A_STRING, "{\"type\":\"object\"}", "", "a property removed from an open model");
    compat(t, OBJ_A_STRING, "{\"type\":\"object\",\"additionalProperties\":false}",
           "{errorType:\"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL\", description:\"The new has "
           "a closed content model and is missing a property or item present at path "
           "'#/properties/a' in the old schema'}|{errorType:\"ADDITIONAL_PROPERTIES_REMOVED\", "
           "description:\"The keyword at path '#/additionalProperties' in the new schema is not "
           "present in the old schema'}",
           "a property removed from a closed model, additional properties refused");
    compat(t, OBJ_A_STRING,
           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}",
           "{errorType:\"REQUIRED_ATTRIBUTE_ADDED\", description:\"The keyword at path "
           "'#/required/a' in the new schema is not present in the old schema'}",
           "a property made required");
    compat(t, OBJ_A_STRING,
           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"default\":\"x\"}},"
           "\"required\":[\"a\"]}",
           "", "a property with a default made required");
    compat(t, "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}",
           "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"integer\"}},"
           "\"additionalProperties\":{\"type\":\"string\"}}",
           "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/b' is "
           "different between the new schema and the old schema'}|"
           "{errorType:\"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL\", "
           "description:\"The new schema has a property or item at path '#/properties/b' which "
           "is missing in the old schema and is not covered by its partially open content "
           "model'}",
           "a property the old additionalProperties schema does not cover");
    compat(t, "{\"type\":\"object\",\"maxProperties\":3}", "{\"type\":\"object\",\"maxProperties\":2}",
           "{errorType:\"MAX_PROPERTIES_DECREASED\", description:\"The value at path "
           "'#/maxProperties' in the new schema is less than its value in the old schema'}",
           "maxProperties decreased");
    compat(t, "{\"type\":\"object\",\"dependencies\":{\"a\":[\"b\"]}}",
           "{\"type\":\"object\",\"dependencies\":{\"a\":[\"b\",\"c\"]}}",
           "{errorType:\"DEPENDENCY_ARRAY_EXTENDED\", description:\"An array or combined type at "
           "path '#/dependencies/a' has more elements in the new schema than the old schema'}",
           "a dependency array extended");
}

static void
test_compat_values(tally_t *t)
{
    compat(t, "{\"type\":\"string\",\"maxLength\":5}", "{\"type\":\"string\",\"maxLength\":4}",
           "{errorType:\"MAX_LENGTH_DECREASED\", description:\"The value at path '#/maxLength' in "
           "the new schema is less than its value in the old schema'}", "maxLength decreased");
    compat(t, "{\"type\":\"string\"}", "{\"type\":\"string\",\"pattern\":\"^a\"}",
           "{errorType:\"PATTERN_ADDED\", description:\"The keyword at path '#/pattern' in the "
           "new schema is not present in the old schema'}", "a pattern added");
    compat(t, "{\"type\":\"number\",\"minimum\":1}", "{\"type\":\"number\",\"minimum\":1.5}",
           "{errorType:\"MINIMUM_INCREASED\", description:\"The value at path '#/minimum' in the "
           "new schema is more than its value in the old schema'}", "minimum increased");
    compat(t, "{\"type\":\"number\",\"minimum\":1}", "{\"type\":\"number\",\"minimum\":1.0}",
           "", "an equal minimum written otherwise");
    compat(t, "{\"type\":\"integer\",\"multipleOf\":2}", "{\"type\":\"integer\",\"multipleOf\":4}",
           "{errorType:\"MULTIPLE_OF_EXPANDED\", description:\"The value at path '#/multipleOf' in "
           "the new schema is more than its value in the old schema'}", "multipleOf expanded");
    compat(t, "{\"enum\":[\"a\",\"b\"]}", "{\"enum\":[\"a\",\"b\",\"c\"]}", "",
           "an enum extended");
    compat(t, "{\"enum\":[\"a\",\"b\"]}", "{\"enum\":[\"a\"]}",
           "{errorType:\"ENUM_ARRAY_NARROWED\", description:\"An array or combined type at path "
           "'#/enum' has fewer elements in the new schema than the old schema'}", "an enum narrowed");
    compat(t, "{\"const\":1}", "{\"const\":2}",
           "{errorType:\"ENUM_ARRAY_CHANGED\", description:\"A type at path '#/const' is "
           "different between the new schema and the old schema'}", "a const changed");
    compat(t, "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"const\":1}",
           "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"const\":2}", "",
           "draft-04 has no const");
    compat(t, "{\"not\":{\"type\":\"string\"}}", "{\"not\":{\"type\":[\"string\",\"null\"]}}",
           "{errorType:\"NOT_TYPE_EXTENDED\", description:\"An array or combined type at path "
           "'#/not' has more elements in the new schema than the old schema'}", "not extended");
}

static void
test_compat_arrays_and_unions(tally_t *t)
{
    compat(t, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
           "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
           "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/items' is different "
           "between the new schema and the old schema'}", "array items changed");
    compat(t, "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}",
           "{\"type\":\"array\",\"items\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
           "{errorType:\"ITEM_ADDED_TO_OPEN_CONTENT_MODEL\", description:\"The new schema has an "
           "open content model and has a property or item at path '#/items/1' which is missing "
           "in the old schema'}", "a tuple item added to an open model");
    compat(t, "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}",
           "{\"type\":\"array\",\"items\":[{\"type\":\"string\"},{\"type\":\"integer\"}],"
           "\"additionalItems\":false}", "", "a tuple item added to a closed model");
    compat(t, "{\"type\":\"array\"}", "{\"type\":\"array\",\"uniqueItems\":true}",
           "{errorType:\"UNIQUE_ITEMS_ADDED\", description:\"The keyword at path '#/uniqueItems' "
           "in the new schema is not present in the old schema'}", "uniqueItems added");
    compat(t, "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
           "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},{\"type\":\"null\"}]}",
           "", "a oneOf extended");
    compat(t, "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
           "{\"oneOf\":[{\"type\":\"string\"}]}",
           "{errorType:\"SUM_TYPE_NARROWED\", description:\"An array or combined type at path '#/' "
           "has fewer elements in the new schema than the old schema'}", "a oneOf narrowed");
    compat(t, "{\"anyOf\":[{\"type\":\"string\"}]}", "{\"oneOf\":[{\"type\":\"string\"}]}", "",
           "singletons of any criterion");
    compat(t, "{\"allOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
           "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
           "{errorType:\"COMBINED_TYPE_CHANGED\", description:\"A type at path '#/' is different "
           "between the new schema and the old schema'}", "allOf to oneOf");
    compat(t, "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/definitions/x\"}},"
              "\"definitions\":{\"x\":{\"type\":\"string\"}}}",
           "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}",
           "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/a' is "
           "different between the new schema and the old schema'}", "a $ref is followed");
    compat(t, "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#\"}}}",
           "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#\"}}}", "",
           "a recursive schema ends");
}

/* Edit tags: `add` and `remove` are JSON lists of {schemaEntity, tags}. */
static void
tags(tally_t *t, const char *text, const char *add, const char *remove, const char *want,
     const char *what)
{
    json_t *a = json_loads(add, 0, NULL), *r = json_loads(remove, 0, NULL);
    char *out = NULL, *err = NULL;
    int rc = schema_json_edit_tags(text, a, r, &out, &err);
    const char *got = rc == 0 ? out : err;
    int ok = got != NULL && strcmp(got, want) == 0;
    if (!ok)
        printf("  got %s\n  want %s\n", got ? got : "(null)", want);
    check(t, ok, what);
    free(out);
    free(err);
    json_decref(a);
    json_decref(r);
}

static void
test_tags(tally_t *t)
{
    tags(t, OBJ_A_STRING,
         "[{\"schemaEntity\":{\"entityPath\":\"object.a\",\"entityType\":\"sr_field\"},"
         "\"tags\":[\"PII\"]}]", "[]",
         "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
         "\"confluent:tags\":[\"PII\"]}}}", "a field's tag");
    tags(t, OBJ_A_STRING,
         "[{\"schemaEntity\":{\"entityPath\":\"object\",\"entityType\":\"sr_record\"},"
         "\"tags\":[\"R\",\"R\"]}]", "[]",
         "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
         "\"confluent:tags\":[\"R\"]}", "the record's tag, once");
    tags(t, "{\"type\":\"object\",\"confluent:tags\":[\"R\",\"S\"],\"title\":\"x\"}", "[]",
         "[{\"schemaEntity\":{\"entityPath\":\"object\",\"entityType\":\"sr_record\"},"
         "\"tags\":[\"R\",\"S\"]}]",
         "{\"type\":\"object\",\"title\":\"x\"}", "the last tags removed take the member");
    tags(t, "{\"type\":\"object\",\"definitions\":{\"a.b\":{\"type\":\"object\","
            "\"properties\":{\"c\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
            "\"properties\":{\"d\":{}}}}}}}}",
         "[{\"schemaEntity\":{\"entityPath\":\"object.definitions.a.b.object.c.array.object.d\","
         "\"entityType\":\"sr_field\"},\"tags\":[\"T\"]}]", "[]",
         "{\"type\":\"object\",\"definitions\":{\"a.b\":{\"type\":\"object\","
         "\"properties\":{\"c\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
         "\"properties\":{\"d\":{\"confluent:tags\":[\"T\"]}}}}}}}}",
         "dotted names, definitions and arrays on the way");
    tags(t, OBJ_A_STRING,
         "[{\"schemaEntity\":{\"entityPath\":\"object.nope\",\"entityType\":\"sr_field\"},"
         "\"tags\":[\"X\"]}]", "[]",
         "java.lang.IllegalArgumentException: No matching path 'object.nope' found in the schema",
         "no such property");
    tags(t, OBJ_A_STRING,
         "[{\"schemaEntity\":{\"entityPath\":\"a\",\"entityType\":\"sr_field\"},"
         "\"tags\":[\"X\"]}]", "[]",
         "java.lang.IllegalArgumentException: No matching path 'a' found in the schema",
         "a path without its type word");
}

/* The verdict of `reader` (with its one reference `rdep`) against
 * `writer` (with `wdep`), both referring to it as `name`. */
static int
compat_refs(const char *writer, const char *wdep, const char *reader, const char *rdep,
            const char *name, json_t *msgs)
{
    schema_ref_t w = {.name = (char *)name, .text = (char *)wdep};
    schema_ref_t r = {.name = (char *)name, .text = (char *)rdep};
    return schema_json_compatible(reader, &r, 1, writer, &w, 1, 1, msgs);
}

/* Canonical with one reference: the rc. */
static int
canon_ref(const char *holder, const char *name, const char *dep)
{
    char *out = NULL, *err = NULL;
    schema_ref_t r = {.name = (char *)name, .text = (char *)dep};
    int rc = schema_json_canonical(holder, strlen(holder), &r, 1, 0, &out, &err);
    free(out);
    free(err);
    return rc;
}

/* $refs to other subjects' documents, found by the reference's name as
 * Confluent's loaders register them (resolved against the referrer's $id). */
static void
test_refs(tally_t *t)
{
    const char *dep = "{\"definitions\":{\"x\":{\"type\":\"string\"}},\"type\":\"object\"}";
    check(t, canon_ref("{\"properties\":{\"d\":{\"$ref\":\"dep.json#/definitions/x\"}}}",
                       "dep.json", dep) == 0, "a $ref into a referenced document");
    check(t, canon_ref("{\"properties\":{\"d\":{\"$ref\":\"./dep.json\"}}}", "dep.json", dep) == 0,
          "./name names the same document");
    check(t, canon_ref("{\"properties\":{\"d\":{\"$ref\":\"dep.json#/definitions/nope\"}}}",
                       "dep.json", dep) == -2, "a pointer to nothing in a referenced document");
    check(t, canon_ref("{\"$id\":\"http://example.com/s/holder.json\",\"properties\":"
                       "{\"d\":{\"$ref\":\"dep.json#/definitions/x\"}}}",
                       "http://example.com/s/dep.json", dep) == 0,
          "a relative $ref resolved against the referrer's $id");
    check(t, canon_ref("{\"properties\":{\"d\":{\"$ref\":\"dep.json#/definitions/y\"}}}",
                       "dep.json", "{\"definitions\":{\"y\":{\"$ref\":\"#/definitions/z\"}}}") == -2,
          "the referenced document's own $refs resolve in it");

    const char *holder = "{\"type\":\"object\",\"properties\":{\"d\":{\"$ref\":\"dep.json\"}}}";
    const char *a_str = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}";
    const char *a_int = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}";
    json_t *msgs = json_array();
    check(t, compat_refs(holder, a_str, holder, a_str, "dep.json", msgs) == 1,
          "equal referenced documents are compatible");
    check(t, compat_refs(holder, a_str, holder, a_int, "dep.json", msgs) == 0,
          "a change inside a referenced document is seen through the $ref");
    const char *m = json_string_value(json_array_get(msgs, 0));
    check(t, m != NULL && strstr(m, "TYPE_CHANGED") != NULL &&
             strstr(m, "#/properties/d/properties/a") != NULL,
          "and worded at its path through the $ref");
    json_decref(msgs);
}

/* The messages of `reader` against `writer`, joined by '|' (malloc'd). */
static char *
messages(const char *writer, const char *reader)
{
    json_t *msgs = json_array();
    schema_json_compatible(reader, NULL, 0, writer, NULL, 0, 1, msgs);
    buf_t b = {0};
    for (size_t i = 0; i < json_array_size(msgs); i++)
        buf_printf(&b, "%s|", json_string_value(json_array_get(msgs, i)));
    buf_append(&b, "", 1);
    json_decref(msgs);
    return buf_steal(&b, NULL);
}

/* Draft 2020-12's arrays (prefixItems, items after it) compare as their
 * draft-07 spelling does, as Confluent's SchemaTranslator maps them. */
static void
test_draft2020_arrays(tally_t *t)
{
    static const char *const pairs[][4] = {
        {"{\"type\":\"array\",\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}",
         "{\"type\":\"array\",\"items\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"additionalItems\":false}",
         "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}],\"items\":false}",
         "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":false}"},
        {"{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}",
         "{\"type\":\"array\",\"items\":[{\"type\":\"integer\"}],\"additionalItems\":{\"type\":\"string\"}}",
         "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}]}",
         "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"}],\"items\":{\"type\":\"string\"}}"},
        {"{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
         "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
         "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
         "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        char *old = messages(pairs[i][0], pairs[i][1]);
        char *now = messages(pairs[i][2], pairs[i][3]);
        int ok = strcmp(old, now) == 0 && (i == 0 || old[0] != '\0');
        if (!ok)
            printf("  draft-07: %s\n  2020-12: %s\n", old, now);
        check(t, ok, "2020-12 arrays compare as their draft-07 spelling");
        free(old);
        free(now);
    }
}

int
main(void)
{
    tally_t t = {0, 0};
    test_canonical(&t);
    test_invalid(&t);
    test_depth(&t);
    test_regex(&t);
    test_regex_posix(&t);
    test_compat_types(&t);
    test_compat_objects(&t);
    test_compat_values(&t);
    test_compat_arrays_and_unions(&t);
    test_tags(&t);
    test_refs(&t);
    test_draft2020_arrays(&t);
    return tally_report(&t);
}
