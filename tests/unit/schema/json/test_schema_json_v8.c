/*
 * test_schema_json_v8.c - JSON Schema as Confluent 8.3 reads it
 * (confluent.version 8), beside 7.9's answers for the same documents:
 * its JsonSchemaDiff (the kinds of a property added to an open content
 * model, connect.type "bytes", minContains/maxContains,
 * unevaluatedProperties/Items as content models, everit 1.14.6's order of
 * subschemas, the LENIENT compatibility policy) and its loaders
 * (definitions bridged into $defs, no loop of one-keyword $ref targets,
 * their messages).  Each expectation was checked against Confluent's own
 * code (tests/diff/golden/make_golden.sh, both tags).
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "schema_json.h"
#include "schema_type.h"
#include "tally.h"

#define D20 "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
#define D19 "{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\","
#define S "{\"type\":\"string\"}"
#define I "{\"type\":\"integer\"}"
#define MSG(type, text) "{errorType:\"" type "\", description:\"" text "'}"
#define CHANGED(path) MSG("TYPE_CHANGED", "A type at path '" path "' is different between " \
                          "the new schema and the old schema")
#define OPEN(type, path) MSG(type, "The new schema has an open content model and has a property " \
                             "or item at path '" path "' which is missing in the old schema")
#define KEYWORD(type, path) MSG(type, "The keyword at path '" path "' in the new schema is not " \
                                "present in the old schema")
#define FEWER(type, path) MSG(type, "An array or combined type at path '" path "' has fewer " \
                              "elements in the new schema than the old schema")
#define CLOSED(type, path) MSG(type, "The new has a closed content model and is missing a " \
                               "property or item present at path '" path "' in the old schema")

/* Whether `in` loads (1) or is refused (0) under `dialect`. */
static void
loads(tally_t *t, int dialect, const char *in, const schema_ref_t *refs, size_t nrefs, int ok,
      const char *what)
{
    char *out = NULL, *err = NULL;
    int rc = schema_json_canonical_dialect(in, strlen(in), refs, nrefs, 0, dialect, &out, &err);
    const char *refused = dialect >= 8 ? "Invalid JSON" : "Invalid JSON Schema";
    int good = ok ? rc == 0 : rc == -2 && err != NULL && strcmp(err, refused) == 0;
    if (!good)
        printf("  rc %d (dialect %d) for %s\n", rc, dialect, in);
    check(t, good, what);
    free(out);
    free(err);
}

/* The messages of `reader` (the new schema) against `writer` under
 * `dialect` and, with `lenient`, 8.3's compatibilityPolicy LENIENT. */
static void
compat_as(tally_t *t, int dialect, int lenient, const char *writer, const char *reader,
          const char *want, const char *what)
{
    json_t *msgs = json_array();
    int rc = schema_json_compatible_dialect(reader, NULL, 0, writer, NULL, 0, 1, dialect,
                                            lenient, msgs);
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

/* The same under the STRICT policy (the default). */
static void
compat(tally_t *t, int dialect, const char *writer, const char *reader, const char *want,
       const char *what)
{
    compat_as(t, dialect, 0, writer, reader, want, what);
}

#define OBJ_A "{\"type\":\"object\",\"properties\":{\"a\":" S
static void
test_open_content_model(tally_t *t)
{
    compat(t, 8, OBJ_A "}}", OBJ_A ",\"b\":" I "},\"required\":[\"b\"]}",
           OPEN("REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b"),
           "8.3: a required property added to an open content model");
    compat(t, 8, OBJ_A "}}",
           OBJ_A ",\"b\":{\"type\":\"integer\",\"default\":1}},\"required\":[\"b\"]}",
           OPEN("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b"),
           "a required one with a default: its own kind, incompatible under STRICT too");
    compat(t, 8, OBJ_A "}}", OBJ_A ",\"b\":" I "}}",
           OPEN("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b"),
           "an optional one");
    compat(t, 8, OBJ_A "}}", OBJ_A ",\"b\":{}},\"required\":[\"b\"]}", "",
           "one with an empty schema is still compatible");
    compat(t, 7, OBJ_A "}}", OBJ_A ",\"b\":" I "},\"required\":[\"b\"]}",
           OPEN("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b"),
           "7.9: one kind for them all");
    compat(t, 8, D20 "\"type\":\"object\",\"properties\":{\"a\":" S "}}",
           D20 "\"type\":\"object\",\"properties\":{\"a\":" S ",\"b\":" I "}}",
           OPEN("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b"),
           "2020-12 too");
}

static void
test_connect_bytes(tally_t *t)
{
    const char *str = "{\"type\":\"string\",\"connect.type\":\"bytes\"}";
    const char *num = "{\"type\":\"number\",\"connect.type\":\"bytes\"}";
    compat(t, 8, str, num, "", "8.3: two types that both say connect.type bytes are one");
    compat(t, 7, str, num, CHANGED("#/"), "7.9: a changed type");
    compat(t, 8, S, num, CHANGED("#/"), "both sides must say it");
    compat(t, 8, "{\"type\":\"string\",\"connect.type\":\"int64\"}",
           "{\"type\":\"number\",\"connect.type\":\"int64\"}", CHANGED("#/"), "bytes only");
    compat(t, 8, D20 "\"type\":\"string\",\"connect.type\":\"bytes\"}",
           D20 "\"type\":\"integer\",\"connect.type\":\"bytes\"}", "",
           "2020-12: an unknown keyword json-sKema keeps unprocessed");
}

static void
test_contains(tally_t *t)
{
    compat(t, 8, "{\"type\":\"array\"}", "{\"type\":\"array\",\"maxContains\":3}",
           KEYWORD("MAX_CONTAINS_ADDED", "#/maxContains"),
           "draft-07: maxContains is an unprocessed number everit keeps, compared");
    compat(t, 8, "{\"type\":\"array\",\"minContains\":2}", "{\"type\":\"array\",\"minContains\":5}",
           MSG("MIN_CONTAINS_INCREASED", "The value at path '#/minContains' in the new schema "
               "is more than its value in the old schema"),
           "minContains raised, without a contains");
    compat(t, 7, "{\"type\":\"array\"}", "{\"type\":\"array\",\"maxContains\":3}", "",
           "7.9 reads neither");
    compat(t, 8, D20 "\"type\":\"array\",\"contains\":" S "}",
           D20 "\"type\":\"array\",\"contains\":" S ",\"minContains\":2,\"maxContains\":4}",
           KEYWORD("MAX_CONTAINS_ADDED", "#/maxContains") "|"
           MSG("MIN_CONTAINS_INCREASED", "The value at path '#/minContains' in the new schema "
               "is more than its value in the old schema"),
           "2020-12: a contains has minContains 1 unless given");
    compat(t, 8, D20 "\"type\":\"array\"}", D20 "\"type\":\"array\",\"minContains\":2}", "",
           "2020-12: no contains, no count");
    compat(t, 8, D20 "\"type\":\"array\",\"contains\":" S ",\"maxContains\":4}",
           D20 "\"type\":\"array\",\"contains\":" S "}", "", "a maxContains removed is compatible");
    compat(t, 8, "{\"type\":\"array\",\"maxContains\":6}",
           "{\"type\":\"array\",\"maxContains\":4294967301.5}",
           MSG("MAX_CONTAINS_DECREASED", "The value at path '#/maxContains' in the new schema "
               "is less than its value in the old schema"),
           "intValue() keeps the low 32 bits of the integer part: 2^32 + 5 is 5");
    compat(t, 8, "{\"type\":\"array\",\"maxContains\":6}",
           "{\"type\":\"array\",\"maxContains\":1e30}", "",
           "10^30 is 2^30 to it (and a literal past a double's range no harm)");
}

static void
test_bridge(tally_t *t)
{
    const char *d7 = "{\"definitions\":{\"x\":" S "},\"$ref\":\"#/$defs/x\"}";
    loads(t, 8, d7, NULL, 0, 1, "8.3: #/$defs/x finds a body kept under definitions");
    loads(t, 7, d7, NULL, 0, 0, "7.9: it does not");
    compat(t, 8, d7, "{\"definitions\":{\"x\":" I "},\"$ref\":\"#/$defs/x\"}", CHANGED("#/"),
           "and the diff follows the bridged $ref");
    compat(t, 8, "{\"definitions\":{\"x\":" S "},\"$defs\":{\"x\":" I "},\"$ref\":\"#/$defs/x\"}",
           I, "", "a $defs member of the same name wins");
    loads(t, 8, D20 "\"definitions\":{\"x\":{\"$ref\":\"#/nope\"}}}", NULL, 0, 0,
          "2020-12: bridged definitions are loaded as $defs are");
    loads(t, 7, D20 "\"definitions\":{\"x\":{\"$ref\":\"#/nope\"}}}", NULL, 0, 1,
          "7.9: definitions are no keyword to json-sKema");
    loads(t, 8, D20 "\"definitions\":{\"x\":" S "},\"$defs\":5}", NULL, 0, 0,
          "a $defs that is no object stays (and is refused)");
    loads(t, 8, D19 "\"definitions\":{\"d\":{\"$anchor\":\"q\",\"type\":\"string\"}},"
                "\"$ref\":\"#/definitions/d\"}", NULL, 0, 0,
          "a bridged copy gives its $anchor a second time: a clash");
    schema_ref_t dep[] = {{"dep.json", "{\"definitions\":{\"x\":" S "}}"}};
    const char *refd =
        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"dep.json#/$defs/x\"}}}";
    loads(t, 8, refd, dep, 1, 1, "a referenced document is bridged too");
    loads(t, 7, refd, dep, 1, 0, "7.9: not");
    char *out = NULL, *err = NULL;
    check(t, schema_json_canonical_dialect(d7, strlen(d7), NULL, 0, 0, 8, &out, &err) == 0 &&
                 strcmp(out, d7) == 0,
          "the stored text is the request's, unbridged");
    free(out);
    free(err);
}

static void
test_loops(tally_t *t)
{
    const char *self = D20 "\"allOf\":[{\"$ref\":\"#\"}]}";
    const char *not =
        D20 "\"$defs\":{\"x\":{\"not\":{\"$ref\":\"#/$defs/x\"}}},\"$ref\":\"#/$defs/x\"}";
    loads(t, 8, self, NULL, 0, 1, "8.3: a $ref to a one-keyword schema around it loads");
    loads(t, 7, self, NULL, 0, 0, "7.9: its translator never finishes");
    loads(t, 8, not, NULL, 0, 1, "a loop through a not");
    loads(t, 7, not, NULL, 0, 0, "7.9: refused");
    json_t *m = json_array();
    check(t, schema_json_compatible_dialect(self, NULL, 0, S, NULL, 0, 1, 8, 0, m) == 0,
          "its diff ends (Confluent's overflows: a 500), incompatible");
    json_decref(m);
}

#define UOBJ(props, rest) D20 "\"type\":\"object\",\"properties\":{" props "}" rest "}"
static void
test_unevaluated(tally_t *t)
{
    compat(t, 8, UOBJ("\"a\":" S, ""), UOBJ("\"a\":" S, ",\"unevaluatedProperties\":false"),
           KEYWORD("UNEVALUATED_PROPERTIES_REMOVED", "#/unevaluatedProperties"),
           "8.3: unevaluatedProperties false added");
    compat(t, 7, UOBJ("\"a\":" S, ""), UOBJ("\"a\":" S, ",\"unevaluatedProperties\":false"), "",
           "7.9: nothing");
    compat(t, 8, UOBJ("\"a\":" S, ""), UOBJ("\"a\":" S, ",\"unevaluatedProperties\":{}"),
           FEWER("UNEVALUATED_PROPERTIES_NARROWED", "#/unevaluatedProperties"),
           "an empty one added narrows");
    compat(t, 8, UOBJ("\"a\":" S, ",\"unevaluatedProperties\":" I), UOBJ("\"a\":" S, ""), "",
           "one removed extends: compatible");
    compat(t, 8, UOBJ("\"a\":" S ",\"b\":" I, ",\"unevaluatedProperties\":false"),
           UOBJ("\"a\":" S, ",\"unevaluatedProperties\":false"),
           CLOSED("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/b"),
           "false closes the content model");
    compat(t, 8, UOBJ("\"a\":" S, ",\"unevaluatedProperties\":" I),
           UOBJ("\"a\":" S ",\"b\":" S, ",\"unevaluatedProperties\":" I),
           CHANGED("#/properties/b") "|"
           MSG("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
               "The new schema has a property or item at path '#/properties/b' which is missing "
               "in the old schema and is not covered by its partially open content model"),
           "a schema makes it partially open");
    compat(t, 8, D20 "\"type\":\"array\",\"prefixItems\":[" S "," I "],\"unevaluatedItems\":false}",
           D20 "\"type\":\"array\",\"prefixItems\":[" S "],\"unevaluatedItems\":false}",
           CLOSED("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/items/1"),
           "unevaluatedItems false closes a tuple");
    compat(t, 8, D20 "\"type\":\"array\",\"prefixItems\":[" S "]}",
           D20 "\"type\":\"array\",\"prefixItems\":[" S "],\"unevaluatedItems\":" S "}",
           FEWER("UNEVALUATED_ITEMS_NARROWED", "#/unevaluatedItems"), "unevaluatedItems added");
}

static void
test_order(tally_t *t)
{
    compat(t, 8, "{\"oneOf\":[" S ",{\"type\":\"string\",\"additionalProperties\":true}]}",
           "{\"oneOf\":[{\"type\":\"string\",\"additionalProperties\":true}," S "]}",
           MSG("COMBINED_TYPE_SUBSCHEMAS_CHANGED", "A type at path '#/' is different between "
               "the new schema and the old schema"),
           "everit 1.14.6 keeps the subschemas as given: another pairing");
    compat(t, 7, "{\"oneOf\":[" S ",{\"type\":\"string\",\"additionalProperties\":true}]}",
           "{\"oneOf\":[{\"type\":\"string\",\"additionalProperties\":true}," S "]}", "",
           "1.14.3 put the combined ones first");
}

#define CLOSED_AB "{\"type\":\"object\",\"properties\":{\"a\":" S ",\"b\":" I "}," \
                  "\"additionalProperties\":false}"
#define ONE_OF(x) "{\"oneOf\":[{\"type\":\"null\"}," x "]}"
static void
test_lenient(tally_t *t)
{
    compat_as(t, 8, 1, OBJ_A "}}", OBJ_A ",\"b\":" I "}}", "",
              "LENIENT: an optional property added to an open content model passes");
    compat_as(t, 8, 1, OBJ_A "}}",
              OBJ_A ",\"b\":{\"type\":\"integer\",\"default\":1}},\"required\":[\"b\"]}", "",
              "so does a required one with a default");
    compat_as(t, 8, 1, OBJ_A "}}", OBJ_A ",\"b\":" I "},\"required\":[\"b\"]}",
              OPEN("REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b"),
              "not a required one without");
    compat_as(t, 8, 1, CLOSED_AB, OBJ_A "},\"additionalProperties\":false}", "",
              "a property removed from a closed content model passes");
    compat_as(t, 8, 1, OBJ_A "}}", OBJ_A "},\"additionalProperties\":false}", "",
              "additionalProperties false added passes");
    compat_as(t, 8, 1, ONE_OF(OBJ_A "}}"), ONE_OF(OBJ_A ",\"b\":" I "}}"), "",
              "the policy's set pairs the subschemas of a combination too");
    compat_as(t, 8, 0, ONE_OF(OBJ_A "}}"), ONE_OF(OBJ_A ",\"b\":" I "}}"),
              MSG("COMBINED_TYPE_SUBSCHEMAS_CHANGED", "A type at path '#/' is different between "
                  "the new schema and the old schema"),
              "STRICT does not pair them");
    compat_as(t, 7, 1, OBJ_A "}}", OBJ_A ",\"b\":" I "}}",
              OPEN("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b"),
              "7.9 has no policy");
    const schema_type_t *j7 = schema_type_find("JSON", 7), *j8 = schema_type_find("JSON", 8);
    check(t, j8->compatible_lenient != NULL && j7->compatible_lenient == NULL &&
              schema_type_find("AVRO", 8)->compatible_lenient == NULL,
          "only 8.x's JSON row has a LENIENT hook");
}

/* The texts after "details: " of 8.3's JsonSchema, which words both
 * refusals otherwise than 7.9. */
static void
test_messages(tally_t *t)
{
    static const struct { const char *in; int dialect, rc; const char *err; } cases[] = {
        {"{\"type\":", 7, -1, "Invalid JSON {\"type\":"},
        {"{\"type\":", 8, -1, "Invalid JSON schema"},
        {"{\"type\":5}", 7, -2, "Invalid JSON Schema"},
        {"{\"type\":5}", 8, -2, "Invalid JSON"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL, *err = NULL;
        int rc = schema_json_canonical_dialect(cases[i].in, strlen(cases[i].in), NULL, 0, 0,
                                               cases[i].dialect, &out, &err);
        check(t, rc == cases[i].rc && err != NULL && strcmp(err, cases[i].err) == 0,
              cases[i].err);
        free(out);
        free(err);
    }
}

static void
test_rows(tally_t *t)
{
    const schema_type_t *j7 = schema_type_find("JSON", 7), *j8 = schema_type_find("JSON", 8);
    const char *d7 = "{\"definitions\":{\"x\":" S "},\"$ref\":\"#/$defs/x\"}";
    char *out = NULL, *err = NULL;
    check(t, j8->canonical(d7, strlen(d7), NULL, 0, 0, &out, &err) == 0, "the row's 8.x hooks");
    free(out);
    free(err);
    out = err = NULL;
    check(t, j7->canonical(d7, strlen(d7), NULL, 0, 0, &out, &err) == -2, "the row's 7.9 hooks");
    free(out);
    free(err);
}

int
main(void)
{
    tally_t t = {0, 0};
    test_open_content_model(&t);
    test_connect_bytes(&t);
    test_contains(&t);
    test_bridge(&t);
    test_loops(&t);
    test_unevaluated(&t);
    test_order(&t);
    test_lenient(&t);
    test_messages(&t);
    test_rows(&t);
    return tally_report(&t);
}
