/*
 * fuzz_schema_proto.c - Protobuf (src/schema/protobuf/): Google's parse
 * behind proto_pb.cc, the descriptor decoder, Confluent's printer,
 * normalization, the serialized form, SchemaDiff both ways.
 *
 * Input: up to two parts split on 0xFF.  The first is a schema text (or
 * base64 of a descriptor) and, as raw bytes, a FileDescriptorProto for
 * the decoder; the second, when present, is the other side of the
 * compatibility checks.  Checks: a failure has a message and is -1 or -2;
 * a decoded descriptor prints; the stored text loads again; the
 * serialized form is base64 of a descriptor that decodes and prints; a
 * verdict is 0 or 1 and an incompatible one has messages, all strings;
 * a schema is compatible with itself.
 */
#include "fuzz.h"

#include <jansson.h>

#include "schema_proto.h"
#include "schema_proto_print.h"

#define SELF_CHECK_MAX 2048

static int
canonical(const char *text, size_t len, int flags, char **out)
{
    char *err = NULL;
    int rc = schema_proto_canonical(text, len, NULL, 0, flags, out, &err);
    FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2);
    FUZZ_CHECK(rc == 0 ? *out != NULL && err == NULL : *out == NULL && err != NULL);
    free(err);
    return rc;
}

static int
compat(const char *reader, const char *writer, int reader_is_new)
{
    json_t *msgs = json_array();
    int rc = schema_proto_compatible(reader, NULL, 0, writer, NULL, 0, reader_is_new, msgs);
    FUZZ_CHECK(rc == 0 || rc == 1);
    FUZZ_CHECK(rc == 0 ? json_array_size(msgs) > 0 : json_array_size(msgs) == 0);
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
        FUZZ_CHECK(json_is_string(m));
    json_decref(msgs);
    return rc;
}

/* The raw bytes as a descriptor: decoding never reads past them, and a
 * decoded file prints in every mode. */
static void
descriptor(const uint8_t *data, size_t size)
{
    unsigned char *copy = malloc(size + 1);
    memcpy(copy, data, size);
    pm_file_t *f = NULL;
    if (pm_decode(copy, size, &f) == 0) {
        pm_scope_t scope = {0};
        pm_scope_add_known(&scope);
        pm_scope_add(&scope, f);
        for (int flags = 0; flags < 4; flags++) {
            char *err = NULL;
            char *text = pm_print(f, &scope, flags, &err);
            FUZZ_CHECK(text != NULL || err != NULL);
            free(text);
            free(err);
        }
        pm_scope_free(&scope);
        pm_file_free(f);
    }
    free(copy);
}

static void
reload(const char *text)
{
    char *again = NULL;
    FUZZ_CHECK(canonical(text, strlen(text), 0, &again) != -1);
    free(again);
    char *s = schema_proto_formatted(text, NULL, 0, "serialized");
    FUZZ_CHECK(s != NULL);
    pm_file_t *f = NULL;
    char *err = NULL;
    FUZZ_CHECK(schema_proto_load(s, strlen(s), &f, &err) == 0);
    pm_file_free(f);
    free(err);
    free(s);
}

static void
tag_edit(const char *text, const char *path, const char *type)
{
    json_t *list = json_pack("[{s:{s:s,s:s},s:[s,s]}]", "schemaEntity", "entityPath", path,
                             "entityType", type, "tags", "A", "B");
    json_t *none = json_array();
    char *out = NULL, *err = NULL;
    if (schema_proto_edit_tags(text, list, none, &out, &err) == 0) {
        pm_file_t *f = NULL;
        char *e2 = NULL;
        FUZZ_CHECK(schema_proto_load(out, strlen(out), &f, &e2) == 0);
        pm_file_free(f);
        free(e2);
        char *back = NULL;
        FUZZ_CHECK(schema_proto_edit_tags(out, none, list, &back, &e2) == 0);
        free(back);
        free(e2);
    } else {
        FUZZ_CHECK(err != NULL);
    }
    free(out);
    free(err);
    json_decref(list);
    json_decref(none);
}

/* Tags on the first message and on its first field. */
static void
tags(const char *text)
{
    pm_file_t *f = NULL;
    char *err = NULL;
    if (schema_proto_load(text, strlen(text), &f, &err) == 0 && f->msgs.n > 0) {
        const pm_msg_t *m = &f->msgs.v[0];
        tag_edit(text, m->name, "sr_record");
        if (m->fields.n > 0) {
            char *path = mem_printf("%s.%s", m->name, m->fields.v[0].name);
            tag_edit(text, path, "sr_field");
            free(path);
        }
    }
    pm_file_free(f);
    free(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part_t parts[2];
    int n = fuzz_split(data, size, parts, 2);
    char *text[2] = {NULL, NULL}, *plain[2] = {NULL, NULL}, *norm = NULL;
    int rc[2] = {-1, -1};
    descriptor(data, size);
    for (int i = 0; i < n; i++) {
        /* A copy, so that ASan sees a read past the text's end. */
        text[i] = fuzz_strndup(parts[i].p, parts[i].n);
        rc[i] = canonical(text[i], parts[i].n, 0, &plain[i]);
    }
    /* Both validate alike; only the stored text differs, and the raw one
     * may be refused where the normalized one loads again. */
    int nrc = canonical(text[0], parts[0].n, 1, &norm);
    FUZZ_CHECK((nrc == -1) == (rc[0] == -1));
    FUZZ_CHECK(rc[0] != 0 || nrc == 0);
    if (rc[0] == 0) {
        reload(plain[0]);
        tags(plain[0]);
        if (size <= SELF_CHECK_MAX)
            compat(plain[0], plain[0], 1);
    }
    if (n == 2 && rc[0] == 0 && rc[1] == 0) {
        for (int wording = 0; wording < 2; wording++) {
            compat(plain[0], plain[1], wording);
            compat(plain[1], plain[0], wording);
        }
    }
    for (int i = 0; i < 2; i++) {
        free(text[i]);
        free(plain[i]);
    }
    free(norm);
    return 0;
}
