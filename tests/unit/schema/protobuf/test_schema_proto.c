/*
 * test_schema_proto.c - Protobuf's row: the text Confluent stores (its
 * printer over Google's parse), normalization, the parse and resolution
 * errors, the serialized form both ways, references by import path, and
 * the rules of Confluent's SchemaDiff with its messages.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_proto.h"
#include "tally.h"

#define P3 "syntax = \"proto3\";\n"

/* The stored text of `in` with refs, or the error as "!rc err". */
static char *
canon_refs(const char *in, const schema_ref_t *refs, size_t nrefs, int flags)
{
    char *out = NULL, *err = NULL;
    int rc = schema_proto_canonical(in, strlen(in), refs, nrefs, flags, &out, &err);
    if (rc == 0)
        return out;
    char *r = mem_printf("!%d %s", rc, err ? err : "");
    free(err);
    return r;
}

static void
expect_refs(tally_t *t, const char *in, const schema_ref_t *refs, size_t nrefs, int flags,
            const char *want, const char *what)
{
    char *got = canon_refs(in, refs, nrefs, flags);
    int ok = strcmp(got, want) == 0;
    if (!ok)
        printf("  got  %s\n  want %s\n", got, want);
    check(t, ok, what);
    free(got);
}

static void
expect(tally_t *t, const char *in, int flags, const char *want, const char *what)
{
    expect_refs(t, in, NULL, 0, flags, want, what);
}

static void
test_canonical(tally_t *t)
{
    expect(t, "syntax = \"proto3\";\nmessage M {\n  string a = 1;\n}\n", 0,
           "syntax = \"proto3\";\n\nmessage M {\n  string a = 1;\n}\n", "a blank line after the head");
    expect(t, "syntax = \"proto3\";\n\n\nmessage   M { string a = 1; }\n", 0,
           "syntax = \"proto3\";\n\nmessage M {\n  string a = 1;\n}\n", "layout is the printer's");
    expect(t, "message M {\n  optional string a = 1;\n}\n", 0,
           "\nmessage M {\n  optional string a = 1;\n}\n", "no syntax: none printed, labels kept");
    expect(t, "syntax = \"proto3\";\npackage p.q;\nenum E { E_UNKNOWN = 0; }\nmessage M { E e = 1; }\n",
           0, "syntax = \"proto3\";\npackage p.q;\n\nmessage M {\n  E e = 1;\n}\nenum E {\n"
              "  E_UNKNOWN = 0;\n}\n", "messages before enums");
    expect(t, "syntax = \"proto3\";\nmessage M {\n  map<string, int32> m = 1;\n  oneof o {\n"
              "    string x = 2;\n    int32 y = 3;\n  }\n  reserved 5, 7 to 9;\n  reserved \"z\";\n}\n",
           0, "syntax = \"proto3\";\n\nmessage M {\n  reserved 5, 7 to 9;\n  reserved \"z\";\n\n"
              "  map<string, int32> m = 1;\n\n  oneof o {\n    string x = 2;\n    int32 y = 3;\n"
              "  }\n}\n", "reserved, fields, oneofs; maps as written");
    expect(t, "syntax = \"proto3\";\noption java_package = \"a.b\";\nmessage M {\n  string a = 1 "
              "[deprecated = true, json_name = \"A\"];\n}\nservice S {\n  rpc Get (M) returns (M);\n}\n",
           0, "syntax = \"proto3\";\n\noption java_package = \"a.b\";\n\nmessage M {\n  string a = 1 [\n"
              "    deprecated = true,\n    json_name = \"A\"\n  ];\n}\n\nservice S {\n"
              "  rpc Get (M) returns (M);\n}\n", "options one per line when several, json_name last");
    expect(t, "syntax = \"proto3\";\nmessage M { string a = 1; }\nservice S {\n  rpc B (M) returns "
              "(M) {\n    option deprecated = true;\n  }\n}\n",
           0, "syntax = \"proto3\";\n\nmessage M {\n  string a = 1;\n}\n\nservice S {\n"
              "  rpc B (M) returns (M) {\n    option deprecated = true;\n  };\n}\n",
           "an rpc's options block ends with };");
    expect(t, "syntax = \"proto2\";\nmessage M {\n  required int32 a = 1;\n  optional string b = 2 "
              "[default = \"hi\"];\n  extensions 100 to 199;\n}\nextend M {\n  optional int32 ext = 100;\n}\n",
           0, "syntax = \"proto2\";\n\nmessage M {\n  required int32 a = 1;\n  optional string b = 2 "
              "[default = \"hi\"];\n\n  extensions 100 to 199;\n}\n\nextend M {\n"
              "  optional int32 ext = 100;\n}\n", "proto2: default, extensions, extend");
    expect(t, "syntax = \"proto3\";\nenum E {\n  option allow_alias = true;\n  A = 0;\n  B = 0;\n"
              "  reserved 5, 7 to 9;\n  reserved \"X\";\n}\n",
           0, "syntax = \"proto3\";\n\nenum E {\n  reserved 5, 7 to 9;\n  reserved \"X\";\n"
              "  option allow_alias = true;\n  A = 0;\n  B = 0;\n}\n", "enum: reserved first, no blank line");
    expect(t, "syntax = \"proto3\";\nmessage O {\n  message I { string x = 1; }\n  I i = 1;\n}\n", 0,
           "syntax = \"proto3\";\n\nmessage O {\n  I i = 1;\n\n  message I {\n    string x = 1;\n"
           "  }\n}\n", "nested types after the fields, indented");
    expect(t, "syntax = \"proto3\";\nmessage M { string a = 1 [(x.y).z = \"q\\\"\"]; }\n", 0,
           "syntax = \"proto3\";\n\nmessage M {\n  string a = 1 [(x.y).z = \"q\\\"\"];\n}\n",
           "custom option with a path, escaped");
}

static void
test_errors(tally_t *t)
{
    char *got = canon_refs("message {", NULL, 0, 0);
    check(t, strncmp(got, "!-1 Could not parse Protobuf - Syntax error in :1:9: ", 52) == 0,
          "a syntax error names line and column");
    free(got);
    expect(t, "syntax = \"proto3\";\nmessage M {\n  Missing a = 1;\n}\n", 0,
           "!-2 Could not resolve type: Missing", "an unknown type is a validation error");
    expect(t, "syntax = \"proto3\";\nmessage M { string a = 1; }\nmessage M { string b = 1; }\n", 0,
           "!-1 Could not parse Protobuf - M (:3:1) is already defined at :2:1",
           "a name defined twice");
    expect(t, "syntax = \"proto3\";\nimport \"missing.proto\";\nmessage M { string a = 1; }\n", 0,
           "syntax = \"proto3\";\n\nimport \"missing.proto\";\n\nmessage M {\n  string a = 1;\n}\n",
           "an import nothing provides is kept (Confluent does not check it)");
    expect(t, "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\nmessage T {\n"
              "  google.protobuf.Timestamp ts = 1;\n}\n", 0,
           "syntax = \"proto3\";\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage T {\n"
           "  google.protobuf.Timestamp ts = 1;\n}\n", "well-known types need no reference");
    /* Google's parser recurses per block with no limit of its own. */
    buf_t deep = {0};
    for (int i = 0; i < 100000; i++)
        buf_puts(&deep, "message M { ");
    got = canon_refs(deep.data, NULL, 0, 0);
    check(t, strstr(got, "blocks nest deeper than 100") != NULL, "deep nesting is refused, not recursed");
    free(got);
    buf_free(&deep);
    got = canon_refs("syntax = \"proto4\";", NULL, 0, 0);
    check(t, strncmp(got, "!-1 Could not parse Protobuf - ", 31) == 0, "an unknown syntax");
    free(got);
}

static void
test_normalize(tally_t *t)
{
    expect(t, "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/timestamp.proto\";\n"
              "import \"google/protobuf/any.proto\";\nmessage M {\n  int32 b = 2;\n"
              "  google.protobuf.Any a = 1;\n  N n = 3;\n  map<string, N> m = 4;\n  message N {}\n}\n",
           SCHEMA_NORMALIZE,
           "syntax = \"proto3\";\npackage p;\n\nimport \"google/protobuf/any.proto\";\n"
           "import \"google/protobuf/timestamp.proto\";\n\nmessage M {\n"
           "  .google.protobuf.Any a = 1;\n  int32 b = 2;\n  .p.M.N n = 3;\n"
           "  map<string, .p.M.N> m = 4;\n\n  message N {}\n}\n",
           "imports sorted, fields by tag, types resolved");
    expect(t, P3 "message M {\n  string a = 1 [(confluent.field_meta).tags = \"B\", deprecated = true, "
              "(confluent.field_meta).doc = \"d\"];\n}\n", SCHEMA_NORMALIZE,
           P3 "\nmessage M {\n  string a = 1 [\n    (confluent.field_meta) = {\n      doc: \"d\",\n"
           "      tags: \"B\"\n    },\n    deprecated = true\n  ];\n}\n",
           "normalized: options sorted, Confluent's Meta options merged into one map");
    expect(t, "syntax = \"proto2\";\nenum E { B = 1; A = 1; C = 0; option allow_alias = true; }\n",
           SCHEMA_NORMALIZE, "\nenum E {\n  option allow_alias = true;\n  C = 0;\n  A = 1;\n  B = 1;\n}\n",
           "proto2 drops its syntax line; constants by number then name");
    expect(t, "syntax = \"proto3\";\nmessage M {\n  reserved 9, 2 to 3;\n  string a = 1;\n}\n",
           SCHEMA_NORMALIZE, "syntax = \"proto3\";\n\nmessage M {\n  reserved 2 to 3;\n  reserved 9;\n\n"
           "  string a = 1;\n}\n", "reserved split and sorted");
}

static void
test_serialized(tally_t *t)
{
    const char *g7 = "syntax = \"proto3\";\nmessage M {\n  map<string, int32> m = 1;\n  oneof o {\n"
                     "    string x = 2;\n    int32 y = 3;\n  }\n  reserved 5, 7 to 9;\n  reserved \"z\";\n}\n";
    char *s = schema_proto_formatted(g7, NULL, 0, "serialized");
    check(t, s && strcmp(s, "CgdkZWZhdWx0ImoKAU0SCwoBeBgCIAEoCUgAEgsKAXkYAyABKAVIABIPCgFtGAEgAzIG"
                            "bUVudHJ5GiQKBm1FbnRyeRIJCgNrZXkYASgJEgsKBXZhbHVlGAIoBToCOAFCBQoBbxIA"
                            "SgQIBRAGSgQIBxAKUgF6YgZwcm90bzM=") == 0,
          "serialized: oneof fields first, toMapEntry's name, empty oneof options");
    /* the descriptor registers as the same text */
    expect(t, s ? s : "", 0, "syntax = \"proto3\";\n\nmessage M {\n  reserved 5, 7 to 9;\n"
           "  reserved \"z\";\n\n  map<string, int32> m = 1;\n\n  oneof o {\n    string x = 2;\n"
           "    int32 y = 3;\n  }\n}\n", "a base64 FileDescriptorProto is accepted");
    free(s);
    const char *p1 = "syntax = \"proto3\";\nmessage M {\n  optional int32 a = 1;\n"
                     "  repeated string b = 2 [packed = false];\n  map<int32, M> c = 3;\n}\n";
    s = schema_proto_formatted(p1, NULL, 0, "serialized");
    check(t, s && strcmp(s, "CgdkZWZhdWx0ImQKAU0SDgoBYRgBIAEoBUgAiAEBEg0KAWIYAiADKAlCAhAAEg8KAWMY"
                            "AyADMgZjRW50cnkaJwoGY0VudHJ5EgkKA2tleRgBKAUSDgoFdmFsdWUYAigLMgFNOgI4"
                            "AUIGCgJfYRIAYgZwcm90bzM=") == 0, "serialized: proto3 optional's synthetic oneof");
    free(s);
    schema_ref_t ref = {"dep.proto", "syntax = \"proto3\";\npackage dep;\n\nmessage D {\n  int32 v = 1;\n}\n"};
    const char *holder = "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage H {\n  dep.D d = 1;\n}\n";
    s = schema_proto_formatted(holder, &ref, 1, "serialized");
    check(t, s && strcmp(s, "CgdkZWZhdWx0GglkZXAucHJvdG8iEwoBSBIOCgFkGAEoCzIFZGVwLkRiBnByb3RvMw==") == 0,
          "serialized: a referenced message type");
    free(s);
    ref.name = "other.proto";
    s = schema_proto_formatted(holder, &ref, 1, "serialized");
    check(t, s && strstr(s, "GglkZXAucHJvdG8") == NULL, "an import no reference names is no dependency");
    free(s);
    check(t, schema_proto_formatted(holder, &ref, 1, "unknown") == NULL, "an unknown format is the text");
    s = schema_proto_formatted("syntax = \"proto2\";\nmessage M {\n  optional int32 a = 1 [(x) = 1];\n"
                               "  extensions 100 to 199;\n}\n", NULL, 0, "ignore_extensions");
    check(t, s && strcmp(s, "syntax = \"proto2\";\n\nmessage M {\n  optional int32 a = 1;\n}\n") == 0,
          "ignore_extensions drops custom options and extensions");
    free(s);
}

/* protoc's descriptor of a file that tags with confluent/meta.proto's
 * options (message_meta, field_meta with doc, params and tags). */
#define META_B64 "Cgd0LnByb3RvEgFwGhRjb25mbHVlbnQvbWV0YS5wcm90byI7CgFNEi4KAWEYASABKAlCIBgBgkQbCgFkEg4KCXByZWNpc2lvbhIBNRoDUElJGgFYUgFhOgaCRAMaAVJiBnByb3RvMw=="

static void
test_meta(tally_t *t)
{
    char *text = canon_refs(META_B64, NULL, 0, 0);
    check(t, strstr(text, "  option (confluent.message_meta) = {\n    tags: [\n      \"R\"\n") != NULL &&
             strstr(text, "    (confluent.field_meta) = {\n      doc: \"d\",\n      params: [\n"
                          "        {\n          value: \"5\",\n          key: \"precision\"\n") != NULL,
          "a descriptor's Meta is its (confluent.*_meta) option, precision's value first");
    char *s = schema_proto_formatted(text, NULL, 0, "serialized");
    char *again = canon_refs(s ? s : "", NULL, 0, 0);
    check(t, strcmp(text, again) == 0, "the serialized form carries the Meta back");
    free(again);
    free(s);
    free(text);
    /* A descriptor's built-in options come in toProtoFile's order; the
     * ones it does not read (lazy) are gone. */
    s = schema_proto_formatted(P3 "message M {\n  string a = 1 [deprecated = true, lazy = true, "
                               "jstype = JS_STRING];\n}\n", NULL, 0, "serialized");
    expect(t, s ? s : "", 0, P3 "\nmessage M {\n  string a = 1 [\n    jstype = JS_STRING,\n"
           "    deprecated = true\n  ];\n}\n", "a descriptor's options in Confluent's order");
    free(s);
    const char *p3 = P3 "message M {\n  string a = 1 [default = \"x\"];\n}\n";
    expect(t, p3, 0, P3 "\nmessage M {\n  string a = 1 [default = \"x\"];\n}\n",
           "the text path keeps a proto3 default (wire does)");
    s = schema_proto_formatted(p3, NULL, 0, "serialized");
    expect(t, s ? s : "", 0, P3 "\nmessage M {\n  string a = 1;\n}\n",
           "a proto3 descriptor's default is dropped (toProtoFile)");
    free(s);
}

static void
test_references(tally_t *t)
{
    schema_ref_t ref = {"dep.proto", "syntax = \"proto3\";\npackage dep;\n\nmessage D {\n  int32 v = 1;\n}\n"};
    const char *holder = "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage H {\n  dep.D d = 1;\n}\n";
    expect_refs(t, holder, &ref, 1, 0, "syntax = \"proto3\";\n\nimport \"dep.proto\";\n\nmessage H {\n"
                "  dep.D d = 1;\n}\n", "a type of a referenced file resolves");
    expect(t, holder, 0, "!-2 Could not resolve type: dep.D", "not without the reference");
    ref.name = "other.proto";
    expect_refs(t, holder, &ref, 1, 0, "syntax = \"proto3\";\n\nimport \"dep.proto\";\n\nmessage H {\n"
                "  dep.D d = 1;\n}\n", "Confluent resolves over every reference, whatever its name");
}

/* The verdict and messages of `update` (new, the reader) against `orig`. */
static void
expect_compat(tally_t *t, const char *orig, const char *update, int want, const char *want_msg,
              const char *what)
{
    json_t *msgs = json_array();
    int rc = schema_proto_compatible(update, NULL, 0, orig, NULL, 0, 1, msgs);
    const char *first = json_string_value(json_array_get(msgs, 0));
    int ok = rc == want && (want_msg == NULL ? json_array_size(msgs) == 0
                                             : first != NULL && strcmp(first, want_msg) == 0);
    if (!ok)
        printf("  rc %d first %s\n", rc, first ? first : "(none)");
    check(t, ok, what);
    json_decref(msgs);
}

static void
test_compat(tally_t *t)
{
    expect_compat(t, P3 "message M {\n  string a = 1;\n  int32 b = 2;\n}\n", P3 "message M { int32 a = 1; }",
                  0, "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR "
                  "field at path '#/M/1' in the new schema does not match its kind in the old schema\"}",
                  "FIELD_SCALAR_KIND_CHANGED (and removing b is fine)");
    expect_compat(t, P3 "message M { string a = 1; }", P3 "message M { string b = 1; int64 c = 2; }",
                  1, NULL, "renaming and adding fields is compatible");
    expect_compat(t, P3 "message M { string a = 1; }", P3 "message M { bytes a = 1; }", 1, NULL,
                  "string and bytes are one kind");
    expect_compat(t, P3 "enum E { Z = 0; }\nmessage M { E a = 1; }", P3 "message M { int32 a = 1; }",
                  1, NULL, "an enum is a general number");
    expect_compat(t, P3 "message M { int32 a = 1; }", P3 "message M { sint32 a = 1; }", 0,
                  "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR "
                  "field at path '#/M/1' in the new schema does not match its kind in the old schema\"}",
                  "zigzag numbers are another kind");
    expect_compat(t, P3 "message N {}\nmessage M { N a = 1; }", P3 "message N {}\nmessage M { string a = 1; }",
                  0, "{errorType:\"FIELD_KIND_CHANGED\", description:\"The type of a field at path "
                  "'#/M/1' in the new schema does not match the old schema\"}", "message to scalar");
    expect_compat(t, P3 "message N {}\nmessage O {}\nmessage M { N a = 1; }",
                  P3 "message N {}\nmessage O {}\nmessage M { O a = 1; }", 0,
                  "{errorType:\"FIELD_NAMED_TYPE_CHANGED\", description:\"The type of a MESSAGE "
                  "field at path '#/M/1' in the new schema does not match its type in the old schema\"}",
                  "another message type");
    expect_compat(t, P3 "message M { optional int32 a = 1; }", P3 "message M { repeated int32 a = 1; }", 0,
                  "{errorType:\"FIELD_NUMERIC_LABEL_CHANGED\", description:\"The label for a NUMERIC "
                  "field at path '#/M/1' in the new schema does not match its label in the old schema\"}",
                  "an optional number made repeated");
    expect_compat(t, P3 "message M { int32 a = 1; }", P3 "message M { repeated int32 a = 1; }", 1,
                  NULL, "proto3 without a label has none to compare (wire's null label)");
    expect_compat(t, "syntax = \"proto2\";\nmessage M { optional int32 a = 1; }",
                  "syntax = \"proto2\";\nmessage M { repeated int32 a = 1; }", 0,
                  "{errorType:\"FIELD_NUMERIC_LABEL_CHANGED\", description:\"The label for a NUMERIC "
                  "field at path '#/M/1' in the new schema does not match its label in the old schema\"}",
                  "proto2 labels are compared");
    expect_compat(t, P3 "message M { string a = 1; }", P3 "message M { repeated string a = 1; }", 1,
                  NULL, "a string made repeated is fine");
    expect_compat(t, P3 "message M {}\nmessage N {}", P3 "message M {}", 0,
                  "{errorType:\"MESSAGE_REMOVED\", description:\"The new schema is missing a MESSAGE "
                  "type at path '#/N' in the old schema\"}", "a message removed");
    expect_compat(t, "syntax = \"proto2\";\nmessage M { required int32 a = 1; }",
                  "syntax = \"proto2\";\nmessage M {}", 0,
                  "{errorType:\"REQUIRED_FIELD_REMOVED\", description:\"The new schema is missing a "
                  "required field at path: '#/M/1' in the old schema\"}", "a required field removed");
    expect_compat(t, "syntax = \"proto2\";\nmessage M {}",
                  "syntax = \"proto2\";\nmessage M { required int32 a = 1; }", 0,
                  "{errorType:\"REQUIRED_FIELD_ADDED\", description:\"A required field  at path "
                  "'#/M/1' in the new schema is missing in the old schema\"}", "a required field added");
    expect_compat(t, P3 "package a;\nmessage M {}", P3 "package b;\nmessage M {}", 0,
                  "{errorType:\"PACKAGE_CHANGED\", description:\"The package at '#/' in the new "
                  "schema does not match the package in the old schema\"}", "the package changed");
    expect_compat(t, P3 "message M { string a = 1; string b = 2; }",
                  P3 "message M { oneof o { string a = 1; string b = 2; } }", 0,
                  "{errorType:\"MULTIPLE_FIELDS_MOVED_TO_ONEOF\", description:\"Multiple fields in "
                  "the oneof at path '#/M/o' in the new schema are outside a oneof in the old schema\"}",
                  "two fields moved into a oneof");
    expect_compat(t, P3 "message M { string a = 1; }", P3 "message M { oneof o { string a = 1; } }",
                  1, NULL, "one field moved into a new oneof");
    expect_compat(t, P3 "message M { oneof o { string a = 1; string b = 2; } }",
                  P3 "message M { oneof o { string a = 1; } }", 0,
                  "{errorType:\"ONEOF_FIELD_REMOVED\", description:\"The new schema is missing a "
                  "oneof field at path '#/M/o/2' in the old schema\"}", "a oneof field removed");
    expect_compat(t, P3 "message M { map<string, int32> m = 1; }",
                  P3 "message M { map<string, string> m = 1; }", 0,
                  "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR "
                  "field at path '#/M/1' in the new schema does not match its kind in the old schema\"}",
                  "a map's value kind");
    expect_compat(t, P3 "message M { map<string, int32> m = 1; }", P3 "message M { string m = 1; }", 0,
                  "{errorType:\"FIELD_KIND_CHANGED\", description:\"The type of a field at path "
                  "'#/M/1' in the new schema does not match the old schema\"}", "a map made a scalar");
    expect_compat(t, P3 "message M { message N { int32 a = 1; } }",
                  P3 "message M { message N { string a = 1; } }", 0,
                  "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR "
                  "field at path '#/M/N/1' in the new schema does not match its kind in the old schema\"}",
                  "nested messages are compared");
    /* FORWARD's wording: the reader is the old schema. */
    json_t *fw = json_array();
    check(t, schema_proto_compatible(P3 "message M { string a = 1; }", NULL, 0,
                                     P3 "message M { int32 a = 1; }", NULL, 0, 0, fw) == 0 &&
             strstr(json_string_value(json_array_get(fw, 0)),
                    "'#/M/1' in the old schema does not match its kind in the new schema") != NULL,
          "the roles swap when the reader is the old schema");
    json_decref(fw);
    /* A message type's change shows where it is used too (compareMessageTypes). */
    json_t *m2 = json_array();
    int rc = schema_proto_compatible(P3 "message N { string x = 1; }\nmessage M { N n = 1; }", NULL, 0,
                                     P3 "message N { int32 x = 1; }\nmessage M { N n = 1; }", NULL, 0,
                                     1, m2);
    /* in java.util.HashSet's order of {"N", "M"}: M first */
    const char *want[] = {"#/M/1/1' in the new", "FIELD_NAMED_TYPE_CHANGED", "#/N/1' in the new"};
    int ok = rc == 0 && json_array_size(m2) == 3;
    for (size_t i = 0; ok && i < 3; i++) {
        const char *got = json_string_value(json_array_get(m2, i));
        ok = strstr(got, want[i]) != NULL;
    }
    check(t, ok, "a used message's differences, then FIELD_NAMED_TYPE_CHANGED at the field");
    json_decref(m2);
    check(t, schema_proto_compatible(P3 "message M { M self = 1; int32 a = 2; }", NULL, 0,
                                     P3 "message M { M self = 1; int32 a = 2; }", NULL, 0, 1, NULL) == 1,
          "a type that uses itself is compared once");
    json_t *msgs = json_array();
    check(t, schema_proto_compatible("message {", NULL, 0, P3 "message M {}", NULL, 0, 1, msgs) == -1,
          "a text that does not parse");
    json_decref(msgs);
}

/* The text after a tag edit, or "!err". */
static char *
tagged(const char *text, const char *add, const char *remove)
{
    json_t *a = json_loads(add, 0, NULL), *r = json_loads(remove, 0, NULL);
    char *out = NULL, *err = NULL;
    int rc = schema_proto_edit_tags(text, a, r, &out, &err);
    json_decref(a);
    json_decref(r);
    if (rc == 0)
        return out;
    char *m = mem_printf("!%s", err);
    free(err);
    return m;
}

static void
expect_tags(tally_t *t, const char *text, const char *add, const char *remove, const char *want,
            const char *what)
{
    char *got = tagged(text, add, remove);
    int ok = strcmp(got, want) == 0;
    if (!ok)
        printf("  got  %s\n  want %s\n", got, want);
    check(t, ok, what);
    free(got);
}

#define FIELD_A(tags) "[{\"schemaEntity\":{\"entityPath\":\"M.a\",\"entityType\":\"sr_field\"}," \
                      "\"tags\":" tags "}]"

static void
test_tags(tally_t *t)
{
    const char *m = P3 "package p.q;\nmessage M {\n  string a = 1;\n}\n";
    expect_tags(t, m, FIELD_A("[\"PII\"]"), "[]",
                P3 "package p.q;\n\nmessage M {\n  string a = 1 [(confluent.field_meta) = {\n"
                "    tags: [\n      \"PII\"\n    ]\n  }];\n}\n", "a field's tags");
    const char *tagged_a = P3 "package p.q;\n\nmessage M {\n  string a = 1 [(confluent.field_meta) "
                           "= {\n    tags: [\n      \"PII\"\n    ]\n  }];\n}\n";
    expect_tags(t, tagged_a, FIELD_A("[\"X\", \"PII\"]"), "[]",
                P3 "package p.q;\n\nmessage M {\n  string a = 1 [(confluent.field_meta) = {\n"
                "    tags: [\n      \"PII\",\n      \"X\"\n    ]\n  }];\n}\n",
                "tags merge, existing first, no repeats");
    expect_tags(t, tagged_a, "[]", FIELD_A("[\"PII\"]"),
                P3 "package p.q;\n\nmessage M {\n  string a = 1;\n}\n",
                "removing the last tag removes the option");
    expect_tags(t, m, "[{\"schemaEntity\":{\"entityPath\":\".M\",\"entityType\":\"sr_record\"},"
                "\"tags\":[\"R\"]}]", "[]",
                P3 "package p.q;\n\nmessage M {\n  option (confluent.message_meta) = {\n    tags: [\n"
                "      \"R\"\n    ]\n  };\n\n  string a = 1;\n}\n", "a message's tags (leading dot)");
    expect_tags(t, P3 "message M {\n  oneof o {\n    string x = 1;\n  }\n}\n",
                "[{\"schemaEntity\":{\"entityPath\":\"M.o.x\",\"entityType\":\"sr_field\"},"
                "\"tags\":[\"T\"]}]", "[]",
                P3 "\nmessage M {\n  oneof o {\n    string x = 1 [(confluent.field_meta) = {\n"
                "      tags: [\n        \"T\"\n      ]\n    }];\n  }\n}\n", "a oneof's field by its path");
    expect_tags(t, P3 "message M {\n  string a = 1 [deprecated = true, (confluent.field_meta).doc = \"d\"];\n}\n",
                FIELD_A("[\"T\"]"), "[]",
                P3 "\nmessage M {\n  string a = 1 [\n    (confluent.field_meta) = {\n      doc: \"d\",\n"
                "      tags: [\n        \"T\"\n      ]\n    },\n    deprecated = true\n  ];\n}\n",
                "options merged by name, in java.util.HashMap's order");
    expect_tags(t, m, "[{\"schemaEntity\":{\"entityPath\":\"M.nope\",\"entityType\":\"sr_field\"},"
                "\"tags\":[\"X\"]}]", "[]",
                "!java.lang.IllegalArgumentException: No matching Field with name 'nope' found in the schema",
                "an unknown field");
    expect_tags(t, m, "[{\"schemaEntity\":{\"entityPath\":\"N.O\",\"entityType\":\"sr_record\"},"
                "\"tags\":[\"X\"]}]", "[]",
                "!java.lang.IllegalArgumentException: No matching Message with name 'N' found in the schema",
                "an unknown message");
}

int
main(void)
{
    tally_t t = {0};
    test_canonical(&t);
    test_errors(&t);
    test_normalize(&t);
    test_serialized(&t);
    test_references(&t);
    test_meta(&t);
    test_compat(&t);
    test_tags(&t);
    return tally_report(&t);
}
