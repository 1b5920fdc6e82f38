/*
 * test_schema_json_modern.c - JSON Schema 2019-09 and 2020-12 as Confluent
 * 7.9 reads them: json-sKema 0.19 loads the document (both drafts as
 * 2020-12) and Confluent's SchemaTranslator turns it into everit's model
 * for JsonSchemaDiff.  Each expectation was checked against Confluent's
 * own code (tests/diff/golden/make_golden.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"
#include "tally.h"
#include "mem.h"

#define D19 "{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\","
#define D20 "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
#define D7 "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
#define S "{\"type\":\"string\"}"
#define I "{\"type\":\"integer\"}"
#define AT(type, path, text) "{errorType:\"" type "\", description:\"" text "'}"
#define CHANGED(path) AT("TYPE_CHANGED", path, "A type at path '" path "' is different between " \
                         "the new schema and the old schema")

/* Whether `in` loads (rc 0) or is refused ("Invalid JSON Schema", rc -2). */
static void
loads(tally_t *t, const char *in, int ok, const char *what)
{
    char *out = NULL, *err = NULL;
    int rc = schema_json_canonical(in, strlen(in), NULL, 0, 0, &out, &err);
    int good = ok ? rc == 0 : rc == -2 && err != NULL && strcmp(err, "Invalid JSON Schema") == 0;
    if (!good)
        printf("  rc %d for %s\n", rc, in);
    check(t, good, what);
    free(out);
    free(err);
}

/* The messages of `reader` against `writer`, '|'-joined, against `want`. */
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

/* json-sKema's loader: what it reads, and how. */
static void
test_load(tally_t *t)
{
    loads(t, D20 "\"type\":\"array\",\"items\":[" S "]}", 0, "2020-12: items is one schema");
    loads(t, D19 "\"type\":\"array\",\"items\":[" S "]}", 0, "2019-09 too (json-sKema knows 2020-12 only)");
    loads(t, "{\"$schema\":\"http://json-schema.org/draft/2019-09/schema#\",\"items\":[" S "]}", 0,
          "http:// and a trailing '#' name the draft as well");
    loads(t, D7 "\"type\":\"array\",\"items\":[" S "]}", 1, "draft-07: a tuple");
    loads(t, D20 "\"$defs\":{\"x\":{\"$ref\":\"#/nope\"}}}", 0, "$defs are loaded, used or not");
    loads(t, D20 "\"definitions\":{\"x\":{\"$ref\":\"#/nope\"}}}", 1, "definitions is no keyword to it");
    loads(t, D20 "\"$defs\":5}", 0, "$defs is an object");
    loads(t, D20 "\"$ref\":\"#nope\"}", 0, "a name no $anchor gives: an invalid pointer");
    loads(t, D7 "\"$ref\":\"#nope\"}", 1, "draft-07: the document itself");
    loads(t, D20 "\"definitions\":{\"d\":{\"$anchor\":\"a\",\"type\":\"string\"}},\"$ref\":\"#a\"}", 1,
          "an $anchor is found anywhere (Confluent's tree has no locations)");
    loads(t, D20 "\"$anchor\":5}", 1, "an $anchor that is no string is passed over");
    loads(t, D20 "\"$dynamicAnchor\":5}", 0, "a $dynamicAnchor is a string");
    loads(t, D20 "\"$dynamicRef\":5}", 0, "so is a $dynamicRef");
    loads(t, D20 "\"type\":\"number\",\"exclusiveMinimum\":true}", 0, "exclusiveMinimum is a number");
    loads(t, D20 "\"deprecated\":\"x\"}", 0, "deprecated is a boolean");
    loads(t, D20 "\"dependentRequired\":{\"a\":\"b\"}}", 0, "dependentRequired holds lists");
    loads(t, D20 "\"dependentSchemas\":{\"a\":5}}", 0, "dependentSchemas holds schemas");
    loads(t, D20 "\"dependencies\":{\"a\":5}}", 1, "dependencies is no keyword to it");
    loads(t, D20 "\"additionalItems\":5}", 1, "nor additionalItems");
    loads(t, D7 "\"dependencies\":{\"a\":5}}", 0, "which everit reads");
    loads(t, D7 "\"prefixItems\":5,\"dependentSchemas\":{\"a\":5},\"unevaluatedItems\":5}", 1,
          "and everit reads no 2019-09 keyword");
}

/* $dynamicRef and SchemaTranslator's loops: a StackOverflowError, an invalid schema. */
static void
test_loops(tally_t *t)
{
    loads(t, D20 "\"$dynamicAnchor\":\"m\",\"type\":\"object\",\"properties\":{\"a\":"
              "{\"$dynamicRef\":\"#m\"}}}", 0, "a $dynamicRef to a schema it is inside of");
    loads(t, D20 "\"$defs\":{\"x\":{\"$dynamicAnchor\":\"n\",\"type\":\"string\"}},\"$dynamicRef\":\"#n\"}",
          1, "to one beside it");
    loads(t, D20 "\"not\":{\"properties\":{\"a\":{\"$ref\":\"#\"}}}}", 0,
          "a $ref loop through a schema of one keyword (translated anew each time)");
    loads(t, D20 "\"allOf\":[{\"$ref\":\"#\"}]}", 0, "the shortest one");
    loads(t, D20 "\"$defs\":{\"x\":{\"not\":{\"$ref\":\"#/$defs/x\"}}},\"$ref\":\"#/$defs/x\"}", 0,
          "through $defs");
    loads(t, D20 "\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"}}}", 1,
          "a target of several products is remembered: no loop");
    loads(t, D20 "\"$defs\":{\"x\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/x\"}}}},"
              "\"$ref\":\"#/$defs/x\"}", 1, "in $defs too");
    loads(t, D7 "\"not\":{\"properties\":{\"a\":{\"$ref\":\"#\"}}}}", 1, "everit has no such loop");
}

/* SchemaTranslator's model as JsonSchemaDiff compares it. */
static void
test_compat(tally_t *t)
{
    compat(t, D19 "\"type\":\"array\",\"prefixItems\":[" S "]}", D19 "\"type\":\"array\",\"prefixItems\":[" S "," I "]}",
           AT("ITEM_ADDED_TO_OPEN_CONTENT_MODEL", "", "The new schema has an open content model and has a "
              "property or item at path '#/items/1' which is missing in the old schema"),
           "2019-09's prefixItems is the tuple too");
    compat(t, D20 "\"type\":\"object\",\"properties\":{\"a\":" S ",\"b\":" I "}}",
           D20 "\"type\":\"object\",\"properties\":{\"a\":" S ",\"b\":" I "},\"dependentRequired\":{\"a\":[\"b\"]}}",
           AT("DEPENDENCY_ARRAY_ADDED", "", "The keyword at path '#/dependencies/a' in the new schema "
              "is not present in the old schema"), "dependentRequired is everit's property dependency");
    compat(t, D20 "\"type\":\"object\",\"properties\":{\"a\":" S "}}",
           D20 "\"type\":\"object\",\"properties\":{\"a\":" S "},\"dependentSchemas\":{\"a\":{\"required\":[\"b\"]}}}",
           AT("DEPENDENCY_SCHEMA_ADDED", "", "The keyword at path '#/dependencies/a' in the new schema "
              "is not present in the old schema"), "dependentSchemas its schema dependency");
    compat(t, D20 "\"type\":\"object\",\"properties\":{\"a\":" S ",\"b\":" I "}}",
           D20 "\"type\":\"object\",\"properties\":{\"a\":" S ",\"b\":" I "},\"dependencies\":{\"a\":[\"b\"]}}",
           "", "dependencies is nothing");
    compat(t, D20 "\"$defs\":{\"x\":" S "},\"$ref\":\"#/$defs/x\"}",
           D20 "\"$defs\":{\"x\":" S "},\"$ref\":\"#/$defs/x\",\"maxLength\":3}", CHANGED("#/"),
           "a $ref's siblings count: the $ref and a string schema, joined");
    compat(t, D20 "\"format\":\"email\"}", S, CHANGED("#/"), "a format alone is no string schema");
    compat(t, D20 "\"then\":{\"maxLength\":3}}", D20 "\"if\":" S ",\"then\":{\"maxLength\":3}}", CHANGED("#/"),
           "then without if is nothing");
    compat(t, D20 "\"anyOf\":[" S "," I ",{\"type\":\"boolean\",\"maximum\":1}]}", D20 "\"anyOf\":[" S "," I ","
           "{\"type\":\"boolean\"}]}", AT("SUM_TYPE_NARROWED", "", "An array or combined type at path '#/' "
           "has fewer elements in the new schema than the old schema"),
           "a member of several parts is flattened into the anyOf");
    compat(t, D20 "\"$defs\":{\"x\":{\"$anchor\":\"xx\",\"type\":\"string\"}},\"$ref\":\"#xx\"}",
           D20 "\"$defs\":{\"x\":{\"$anchor\":\"xx\",\"type\":\"integer\"}},\"$ref\":\"#xx\"}", CHANGED("#/"),
           "#xx is the schema of $anchor xx");
    compat(t, D20 "\"$defs\":{\"x\":{\"$anchor\":\"xx\",\"type\":\"string\"}},\"$ref\":\"#xx\"}",
           D20 "\"$defs\":{\"x\":{\"$dynamicAnchor\":\"n\",\"type\":\"string\"}},\"$dynamicRef\":\"#n\"}",
           CHANGED("#/"), "a $dynamicRef's target is joined with the schema (an allOf)");
    compat(t, D20 "\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/n\"},"
           "\"v\":" S "}}},\"$ref\":\"#/$defs/n\"}",
           D20 "\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/n\"},"
           "\"v\":" I "}}},\"$ref\":\"#/$defs/n\"}",
           CHANGED("#/properties/next/properties/v") "|" CHANGED("#/properties/v"),
           "each $ref builds its target anew: a loop into $defs is compared one level deeper");
    compat(t, D20 "\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"},\"b\":" S "}}",
           D20 "\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"},\"b\":" I "}}",
           CHANGED("#/properties/a/properties/b") "|" CHANGED("#/properties/b"),
           "over the children of the first pass, which are entered once");
    compat(t, D20 "\"$defs\":{\"x\":{\"$dynamicAnchor\":\"n\",\"type\":\"integer\"}},\"$dynamicRef\":\"#n\","
           "\"minimum\":1}",
           D20 "\"$defs\":{\"x\":{\"$dynamicAnchor\":\"n\",\"type\":\"integer\"}},\"$dynamicRef\":\"#n\","
           "\"minimum\":2}",
           AT("MINIMUM_INCREASED", "", "The value at path '#/minimum' in the new schema is more than its "
              "value in the old schema"),
           "a $dynamicRef's number target and the schema's own number merge into one");
    compat(t, D20 "\"anyOf\":[{},{\"$anchor\":5,\"maximum\":2}]}", D20 "\"anyOf\":[{},{\"$anchor\":5}]}",
           AT("SUM_TYPE_NARROWED", "", "An array or combined type at path '#/' has fewer elements in the "
              "new schema than the old schema"),
           "a member prints without what the translator drops: {} twice is one member");
    compat(t, D20 "\"anyOf\":[{},{\"minLength\":1}]}", D20 "\"anyOf\":[{},{\"readOnly\":true,\"format\":\"email\"}]}",
           AT("SUM_TYPE_NARROWED", "", "An array or combined type at path '#/' has fewer elements in the "
              "new schema than the old schema"), "readOnly and format as well");
    compat(t, D20 "\"anyOf\":[{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},{\"type\":\"string\",\"minLength\":1}]}",
           D20 "\"anyOf\":[{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}," S "]}",
           AT("SUM_TYPE_NARROWED", "", "An array or combined type at path '#/' has fewer elements in the "
              "new schema than the old schema"),
           "a flattened part prints as its own keywords: the string of {type, enum} meets a plain string");
}

int
main(void)
{
    tally_t t = {0, 0};
    test_load(&t);
    test_loops(&t);
    test_compat(&t);
    return tally_report(&t);
}
