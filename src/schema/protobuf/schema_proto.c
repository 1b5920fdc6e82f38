/*
 * schema_proto.c - Protobuf's row: load a schema (text through Google's
 * parser, else base64 of a FileDescriptorProto, as ProtobufSchema's
 * toProtoFile tries them), refuse what Confluent's parse refuses, check
 * that every type resolves (Confluent validates by normalizing), and
 * print the text it stores.
 */
#include <stdlib.h>
#include <string.h>

#include "proto_pb.h"
#include "schema_proto.h"
#include "schema_proto_encode.h"
#include "schema_proto_print.h"
#include "schema_proto_scope.h"

static int
sp__b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Java's Base64.getDecoder(): the basic alphabet, padding optional at the
 * end only, nothing else.  0 with *out (malloc'd, the caller frees). */
static int
sp__b64_decode(const char *s, size_t len, unsigned char **out, size_t *out_len)
{
    for (int pad = 0; pad < 2 && len > 0 && s[len - 1] == '='; pad++)
        len--;
    if (len % 4 == 1 || len == 0)
        return -1;
    unsigned char *o = mem_alloc(len / 4 * 3 + 3);
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = sp__b64_value((unsigned char)s[i]);
        if (v < 0) {
            free(o);
            return -1;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[n++] = (unsigned char)(acc >> bits);
        }
    }
    *out = o;
    *out_len = n;
    return 0;
}

/* Google's parser gives line:column of each top-level type; wire refused
 * a name defined twice in one scope while parsing. */
static int
sp__duplicates(const pm_file_t *f, const int *lines, size_t nlines, char **err)
{
    size_t n = f->msgs.n + f->enums.n;
    for (size_t i = 0; i < n && i < nlines; i++) {
        const char *a = i < f->msgs.n ? f->msgs.v[i].name : f->enums.v[i - f->msgs.n].name;
        for (size_t j = 0; j < i; j++) {
            const char *b = j < f->msgs.n ? f->msgs.v[j].name : f->enums.v[j - f->msgs.n].name;
            if (strcmp(a, b) == 0) {
                *err = mem_printf("Could not parse Protobuf - %s (:%d:%d) is already defined "
                                  "at :%d:%d", a, lines[2 * i], lines[2 * i + 1],
                                  lines[2 * j], lines[2 * j + 1]);
                return -1;
            }
        }
    }
    return 0;
}

/* In proto3 Confluent's label() gives a required field no label, and
 * toProtoFile keeps no default value. */
static void
sp__drop_defaults(pm_fields_t *fields)
{
    for (size_t i = 0; i < fields->n; i++) {
        fields->v[i].default_value = NULL;
        if (fields->v[i].label == PM_LABEL_REQUIRED)
            fields->v[i].label = PM_LABEL_OPTIONAL;
    }
}

static void
sp__drop_msg_defaults(pm_msgs_t *msgs)
{
    for (size_t i = 0; i < msgs->n; i++) {
        sp__drop_defaults(&msgs->v[i].fields);
        sp__drop_defaults(&msgs->v[i].extensions);
        sp__drop_msg_defaults(&msgs->v[i].nested);
    }
}

/* What Confluent's toProtoFile(FileDescriptorProto) drops in proto3 (the
 * text path keeps what wire read). */
static void
sp__descriptor_rules(pm_file_t *f)
{
    if (f->syntax == NULL || strcmp(f->syntax, "proto3") != 0)
        return;
    sp__drop_msg_defaults(&f->msgs);
    sp__drop_defaults(&f->extensions);
}

int
schema_proto_load(const char *text, size_t len, pm_file_t **out, char **err)
{
    unsigned char *bytes = NULL;
    size_t blen = 0;
    int *lines = NULL;
    size_t nlines = 0;
    char *perr = NULL;
    *out = NULL;
    *err = NULL;
    if (proto_pb_parse(text, len, &bytes, &blen, &lines, &nlines, &perr) == 0) {
        int rc = pm_decode(bytes, blen, out);
        free(bytes);
        if (rc != 0) {
            free(lines);
            *err = mem_strdup("Could not parse Protobuf - descriptor");
            return -1;
        }
        if (nlines < 64 && sp__duplicates(*out, lines, nlines, err) != 0) {
            free(lines);
            pm_file_free(*out);
            *out = NULL;
            return -1;
        }
        free(lines);
        return 0;
    }
    if (sp__b64_decode(text, len, &bytes, &blen) == 0) {
        int rc = pm_decode(bytes, blen, out);
        free(bytes);
        if (rc == 0) {
            sp__descriptor_rules(*out);
            free(perr);
            return 0;
        }
    }
    *err = mem_printf("Could not parse Protobuf - %s", perr ? perr : "");
    free(perr);
    return -1;
}

/* The scope of `f`: itself, every reference, the bundled files.  The
 * references' models go to refs_out (freed by the caller). */
int
schema_proto_scope(const pm_file_t *f, const schema_ref_t *refs, size_t nrefs,
                   pm_scope_t *scope, pm_file_t **ref_files, char **err)
{
    memset(scope, 0, sizeof(*scope));
    pm_scope_add_known(scope);
    for (size_t i = 0; i < nrefs; i++) {
        ref_files[i] = NULL;
        if (schema_proto_load(refs[i].text, strlen(refs[i].text), &ref_files[i], err) != 0)
            return -1;
        pm_scope_add(scope, ref_files[i]);
    }
    pm_scope_add(scope, f);
    return 0;
}

void
schema_proto_free_refs(pm_file_t **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pm_file_free(files[i]);
    free(files);
}

/* Whether a printed text loads again (*err set when not). */
static int
sp__reloads(const char *text, char **err)
{
    pm_file_t *again = NULL;
    int rc = schema_proto_load(text, strlen(text), &again, err);
    pm_file_free(again);
    return rc;
}

/* Confluent's validate() (normalize: every type resolves, the normalized
 * text parses again), then the text to store.  0 with *out, -2 with *err. */
static int
sp__validated_text(const pm_file_t *f, const pm_scope_t *scope, int flags, char **out,
                   char **err)
{
    char *norm = pm_print(f, scope, PM_PRINT_NORMALIZE, err);
    if (norm == NULL || sp__reloads(norm, err) != 0) {
        free(norm);
        return -2;
    }
    if (flags & SCHEMA_NORMALIZE) {
        *out = norm;
        return 0;
    }
    free(norm);
    *out = pm_print(f, scope, 0, err);
    /* The stored text must load again.  Google's grammar is stricter than
     * wire's in a few corners a descriptor can reach (an empty oneof):
     * such a schema is refused rather than stored unreadable. */
    if (*out == NULL || sp__reloads(*out, err) != 0) {
        free(*out);
        *out = NULL;
        return -2;
    }
    return 0;
}

int
schema_proto_canonical(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                       int flags, char **out, char **err)
{
    pm_file_t *f;
    *out = NULL;
    *err = NULL;
    if (schema_proto_load(text, len, &f, err) != 0)
        return -1;
    pm_file_t **ref_files = mem_calloc(nrefs + 1, sizeof(*ref_files));
    pm_scope_t scope;
    int rc = -1;
    if (schema_proto_scope(f, refs, nrefs, &scope, ref_files, err) == 0)
        rc = sp__validated_text(f, &scope, flags, out, err);
    pm_scope_free(&scope);
    schema_proto_free_refs(ref_files, nrefs);
    pm_file_free(f);
    return rc;
}

char *
schema_proto_formatted(const char *text, const schema_ref_t *refs, size_t nrefs,
                       const char *format)
{
    int serialized = strcmp(format, "serialized") == 0;
    if (!serialized && strcmp(format, "ignore_extensions") != 0)
        return NULL;
    pm_file_t *f;
    char *err = NULL;
    if (schema_proto_load(text, strlen(text), &f, &err) != 0) {
        free(err);
        return NULL;
    }
    pm_file_t **ref_files = mem_calloc(nrefs + 1, sizeof(*ref_files));
    pm_scope_t scope;
    char *out = NULL;
    if (schema_proto_scope(f, refs, nrefs, &scope, ref_files, &err) == 0) {
        if (serialized) {
            buf_t bytes = {0}, b64 = {0};
            const char **names = mem_alloc((nrefs + 1) * sizeof(*names));
            for (size_t i = 0; i < nrefs; i++)
                names[i] = refs[i].name;
            pm_encode(f, &scope, names, nrefs, &bytes);
            free(names);
            pm_base64((const unsigned char *)bytes.data, bytes.len, &b64);
            buf_puts(&b64, "");
            out = buf_steal(&b64, NULL);
            buf_free(&bytes);
        } else {
            out = pm_print(f, &scope, PM_PRINT_IGNORE_EXTENSIONS, &err);
        }
    }
    free(err);
    pm_scope_free(&scope);
    schema_proto_free_refs(ref_files, nrefs);
    pm_file_free(f);
    return out;
}

const schema_type_t schema_proto_type = {
    .name = "PROTOBUF",
    .canonical = schema_proto_canonical,
    .compatible = schema_proto_compatible,
    .edit_tags = schema_proto_edit_tags,
    .formatted = schema_proto_formatted,
};
