/*
 * schema_proto_model.c - a serialized FileDescriptorProto decoded into the
 * C model (descriptor.proto's field numbers).  Arrays are sized by a
 * first count of their field over the message's bytes, so every node is
 * one arena allocation; work is linear in the bytes, depth is bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_proto_agg.h"
#include "schema_proto_model.h"

#define PM_MAX_DEPTH 128

typedef struct pm_rd {
    const unsigned char *p;
    const unsigned char *end;
} pm_rd_t;

/* One field of a message: its number, wire type and value. */
typedef struct pm_fld {
    uint32_t num;
    int wt;
    uint64_t v;                 /* varint, fixed64, fixed32 */
    const unsigned char *data;  /* length-delimited */
    size_t len;
} pm_fld_t;

static int
pm__varint(pm_rd_t *r, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return -1;
        unsigned char b = *r->p++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* The next field, or 1 at the end, -1 on malformed bytes. */
static int
pm__next(pm_rd_t *r, pm_fld_t *f)
{
    if (r->p >= r->end)
        return 1;
    uint64_t key;
    if (pm__varint(r, &key) != 0 || (key >> 3) == 0 || (key >> 3) > 0x1fffffff)
        return -1;
    f->num = (uint32_t)(key >> 3);
    f->wt = (int)(key & 7);
    f->data = NULL;
    f->len = 0;
    f->v = 0;
    switch (f->wt) {
    case 0:
        return pm__varint(r, &f->v);
    case 1:
        if (r->end - r->p < 8)
            return -1;
        memcpy(&f->v, r->p, 8);
        r->p += 8;
        return 0;
    case 5: {
        if (r->end - r->p < 4)
            return -1;
        uint32_t w;
        memcpy(&w, r->p, 4);
        f->v = w;
        r->p += 4;
        return 0;
    }
    case 2: {
        uint64_t n;
        if (pm__varint(r, &n) != 0 || n > (uint64_t)(r->end - r->p))
            return -1;
        f->data = r->p;
        f->len = (size_t)n;
        r->p += n;
        return 0;
    }
    default:
        return -1;  /* groups: descriptor.proto has none */
    }
}

/* How many times field `num` occurs, or -1 if the bytes are malformed. */
static long
pm__count(const unsigned char *d, size_t len, uint32_t num)
{
    pm_rd_t r = {d, d + len};
    pm_fld_t f;
    long n = 0;
    int rc;
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.num == num)
            n++;
    }
    return rc < 0 ? -1 : n;
}

static void *
pm__array(pm_file_t *F, const unsigned char *d, size_t len, uint32_t num, size_t size, size_t *n)
{
    long c = pm__count(d, len, num);
    *n = 0;
    if (c <= 0)
        return NULL;
    void *p = mem_arena_alloc(&F->arena, (size_t)c * size);
    memset(p, 0, (size_t)c * size);
    return p;
}

static const char *
pm__str(pm_file_t *F, const pm_fld_t *f)
{
    return mem_arena_strndup(&F->arena, (const char *)f->data, f->len);
}

static const char *
pm__fmt(pm_file_t *F, const char *fmt, uint64_t v, int is_signed)
{
    char tmp[32];
    if (is_signed)
        snprintf(tmp, sizeof(tmp), fmt, (long long)v);
    else
        snprintf(tmp, sizeof(tmp), fmt, (unsigned long long)v);
    return mem_arena_strndup(&F->arena, tmp, strlen(tmp));
}

/* ------------------------------------------------------------ options */

typedef enum { PK_BOOL, PK_STR, PK_ENUM, PK_INT } pm_known_kind_t;

/* A built-in option, in the order Confluent's toProtoFile reads them;
 * `skip`: one it does not read from a descriptor (DynamicSchema may still
 * write it). */
typedef struct pm_known {
    uint32_t num;
    const char *name;
    pm_known_kind_t kind;
    const char *const *enums;   /* PK_ENUM: names by value */
    int skip;
} pm_known_t;

static const char *const pm_optimize[] = {"", "SPEED", "CODE_SIZE", "LITE_RUNTIME", NULL};
static const char *const pm_ctype[] = {"STRING", "CORD", "STRING_PIECE", NULL};
static const char *const pm_jstype[] = {"JS_NORMAL", "JS_STRING", "JS_NUMBER", NULL};
static const char *const pm_idempotency[] = {"IDEMPOTENCY_UNKNOWN", "NO_SIDE_EFFECTS",
                                             "IDEMPOTENT", NULL};

static const pm_known_t pm_file_opts[] = {
    {1, "java_package", PK_STR, NULL},          {8, "java_outer_classname", PK_STR, NULL},
    {10, "java_multiple_files", PK_BOOL, NULL}, {20, "java_generate_equals_and_hash", PK_BOOL, NULL},
    {27, "java_string_check_utf8", PK_BOOL, NULL, 1}, {9, "optimize_for", PK_ENUM, pm_optimize},
    {11, "go_package", PK_STR, NULL},           {16, "cc_generic_services", PK_BOOL, NULL},
    {17, "java_generic_services", PK_BOOL, NULL}, {18, "py_generic_services", PK_BOOL, NULL},
    {42, "php_generic_services", PK_BOOL, NULL}, {23, "deprecated", PK_BOOL, NULL},
    {31, "cc_enable_arenas", PK_BOOL, NULL},    {36, "objc_class_prefix", PK_STR, NULL},
    {37, "csharp_namespace", PK_STR, NULL},     {39, "swift_prefix", PK_STR, NULL},
    {40, "php_class_prefix", PK_STR, NULL},     {41, "php_namespace", PK_STR, NULL},
    {44, "php_metadata_namespace", PK_STR, NULL}, {45, "ruby_package", PK_STR, NULL},
    {0, NULL, PK_BOOL, NULL},
};
static const pm_known_t pm_msg_opts[] = {
    {2, "no_standard_descriptor_accessor", PK_BOOL, NULL},
    {3, "deprecated", PK_BOOL, NULL},
    {1, "message_set_wire_format", PK_BOOL, NULL, 1},
    {0, NULL, PK_BOOL, NULL},
};
static const pm_known_t pm_field_opts[] = {
    {1, "ctype", PK_ENUM, pm_ctype}, {2, "packed", PK_BOOL, NULL},
    {6, "jstype", PK_ENUM, pm_jstype}, {3, "deprecated", PK_BOOL, NULL},
    {16, "debug_redact", PK_BOOL, NULL}, {5, "lazy", PK_BOOL, NULL, 1},
    {15, "unverified_lazy", PK_BOOL, NULL, 1}, {10, "weak", PK_BOOL, NULL, 1},
    {0, NULL, PK_BOOL, NULL},
};
static const pm_known_t pm_enum_opts[] = {
    {2, "allow_alias", PK_BOOL, NULL}, {3, "deprecated", PK_BOOL, NULL}, {0, NULL, PK_BOOL, NULL},
};
static const pm_known_t pm_value_opts[] = {
    {1, "deprecated", PK_BOOL, NULL}, {3, "debug_redact", PK_BOOL, NULL},
    {0, NULL, PK_BOOL, NULL},
};
static const pm_known_t pm_service_opts[] = {
    {33, "deprecated", PK_BOOL, NULL}, {0, NULL, PK_BOOL, NULL},
};
static const pm_known_t pm_method_opts[] = {
    {33, "deprecated", PK_BOOL, NULL},
    {34, "idempotency_level", PK_ENUM, pm_idempotency},
    {0, NULL, PK_BOOL, NULL},
};
static const pm_known_t pm_none_opts[] = {{0, NULL, PK_BOOL, NULL}};

/* The text of a double as the shortest that reads back the same. */
static const char *
pm__double(pm_file_t *F, uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof(d));
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
        double back;
        if (sscanf(tmp, "%lf", &back) == 1 && back == d)
            break;
    }
    return mem_arena_strndup(&F->arena, tmp, strlen(tmp));
}

/* UninterpretedOption.name: parts joined, extensions in parentheses. */
static int
pm__opt_name(pm_file_t *F, const pm_fld_t *f, buf_t *name)
{
    pm_rd_t r = {f->data, f->data + f->len};
    pm_fld_t g;
    const unsigned char *part = NULL;
    size_t plen = 0;
    int ext = 0, rc;
    while ((rc = pm__next(&r, &g)) == 0) {
        if (g.num == 1 && g.wt == 2) {
            part = g.data;
            plen = g.len;
        } else if (g.num == 2 && g.wt == 0) {
            ext = g.v != 0;
        }
    }
    (void)F;
    if (rc < 0 || part == NULL)
        return -1;
    if (name->len > 0)
        buf_puts(name, ".");
    if (ext)
        buf_puts(name, "(");
    buf_append(name, part, plen);
    if (ext)
        buf_puts(name, ")");
    return 0;
}

static int
pm__uninterpreted(pm_file_t *F, const pm_fld_t *f, pm_opt_t *o)
{
    pm_rd_t r = {f->data, f->data + f->len};
    pm_fld_t g;
    buf_t name = {0};
    int rc;
    o->kind = PM_OPT_IDENT;
    o->value = "";
    while ((rc = pm__next(&r, &g)) == 0) {
        if (g.num == 2 && g.wt == 2) {
            if (pm__opt_name(F, &g, &name) != 0) {
                rc = -1;
                break;
            }
        } else if (g.num == 3 && g.wt == 2) {
            o->kind = PM_OPT_IDENT;
            o->value = pm__str(F, &g);
        } else if (g.num == 4 && g.wt == 0) {
            o->kind = PM_OPT_NUMBER;
            o->value = pm__fmt(F, "%llu", g.v, 0);
        } else if (g.num == 5 && g.wt == 0) {
            o->kind = PM_OPT_NUMBER;
            o->value = pm__fmt(F, "%lld", g.v, 1);
        } else if (g.num == 6 && g.wt == 1) {
            o->kind = PM_OPT_NUMBER;
            o->value = pm__double(F, g.v);
        } else if (g.num == 7 && g.wt == 2) {
            o->kind = PM_OPT_STRING;
            o->value = pm__str(F, &g);
        } else if (g.num == 8 && g.wt == 2) {
            o->kind = PM_OPT_AGGREGATE;
            o->value = pm__str(F, &g);
        }
    }
    if (rc < 0 || name.len == 0) {
        buf_free(&name);
        return -1;
    }
    o->name = mem_arena_strndup(&F->arena, name.data, name.len);
    buf_free(&name);
    return 0;
}

static int
pm__known(pm_file_t *F, const pm_known_t *k, const pm_fld_t *f, pm_opt_t *o)
{
    o->name = k->name;
    switch (k->kind) {
    case PK_STR:
        if (f->wt != 2)
            return -1;
        o->kind = PM_OPT_STRING;
        o->value = pm__str(F, f);
        return 0;
    case PK_BOOL:
        if (f->wt != 0)
            return -1;
        o->kind = PM_OPT_IDENT;
        o->value = f->v ? "true" : "false";
        return 0;
    case PK_ENUM:
        if (f->wt != 0)
            return -1;
        o->kind = PM_OPT_IDENT;
        for (uint64_t i = 0; k->enums[i] != NULL; i++) {
            if (i == f->v) {
                o->value = k->enums[i];
                return 0;
            }
        }
        o->kind = PM_OPT_NUMBER;
        o->value = pm__fmt(F, "%lld", f->v, 1);
        return 0;
    case PK_INT:
        o->kind = PM_OPT_NUMBER;
        o->value = pm__fmt(F, "%lld", f->v, 1);
        return 0;
    }
    return -1;
}

/* Confluent's meta.proto extends each options message with a Meta at
 * field 1088; its option's name by the options message. */
#define PM_META_FIELD 1088

static const char *
pm__meta_name(const pm_known_t *table)
{
    if (table == pm_file_opts)
        return "(confluent.file_meta)";
    if (table == pm_msg_opts)
        return "(confluent.message_meta)";
    if (table == pm_field_opts)
        return "(confluent.field_meta)";
    if (table == pm_enum_opts)
        return "(confluent.enum_meta)";
    if (table == pm_value_opts)
        return "(confluent.enum_value_meta)";
    return NULL;
}

/* One Meta.params entry (map<string, string>): Confluent writes the value
 * first for precision and scale. */
static int
pm__meta_param(pm_file_t *F, const pm_fld_t *f, pa_val_t *list)
{
    pm_rd_t r = {f->data, f->data + f->len};
    pm_fld_t g;
    const char *key = "", *value = "";
    int rc;
    while ((rc = pm__next(&r, &g)) == 0) {
        if (g.num == 1 && g.wt == 2)
            key = pm__str(F, &g);
        else if (g.num == 2 && g.wt == 2)
            value = pm__str(F, &g);
    }
    if (rc < 0)
        return -1;
    pa_val_t *kv = pa_new(&F->arena, PA_MAP, NULL);
    pa_val_t *k = pa_new(&F->arena, PA_STR, key), *v = pa_new(&F->arena, PA_STR, value);
    if (strcmp(key, "precision") == 0 || strcmp(key, "scale") == 0) {
        pa_set(&F->arena, kv, "value", v);
        pa_set(&F->arena, kv, "key", k);
    } else {
        pa_set(&F->arena, kv, "key", k);
        pa_set(&F->arena, kv, "value", v);
    }
    pa_push(&F->arena, list, kv);
    return 0;
}

/* ProtobufSchema.toOption(name, Meta): doc, params, tags, the empty ones
 * left out.  0 with o set, 1 when the Meta is empty, -1 malformed. */
static int
pm__meta(pm_file_t *F, const pm_fld_t *f, const char *name, pm_opt_t *o)
{
    pm_rd_t r = {f->data, f->data + f->len};
    pm_fld_t g;
    const char *doc = NULL;
    pa_val_t *params = pa_new(&F->arena, PA_LIST, NULL);
    pa_val_t *tags = pa_new(&F->arena, PA_LIST, NULL);
    int rc;
    while ((rc = pm__next(&r, &g)) == 0) {
        if (g.wt != 2)
            continue;
        if (g.num == 1)
            doc = pm__str(F, &g);
        else if (g.num == 2 && pm__meta_param(F, &g, params) != 0)
            return -1;
        else if (g.num == 3)
            pa_push(&F->arena, tags, pa_new(&F->arena, PA_STR, pm__str(F, &g)));
    }
    if (rc < 0)
        return -1;
    pa_val_t *map = pa_new(&F->arena, PA_MAP, NULL);
    if (doc != NULL && doc[0] != '\0')
        pa_set(&F->arena, map, "doc", pa_new(&F->arena, PA_STR, doc));
    if (params->n > 0)
        pa_set(&F->arena, map, "params", params);
    if (tags->n > 0)
        pa_set(&F->arena, map, "tags", tags);
    if (map->n == 0)
        return 1;
    buf_t text = {0};
    pa_write(&text, map);
    *o = (pm_opt_t){name, PM_OPT_AGGREGATE, mem_arena_strndup(&F->arena, text.data, text.len)};
    buf_free(&text);
    return 0;
}

#define PM_MAX_KNOWN 32

/* An options message as Confluent's toProtoFile reads it: the built-in
 * options in its order (the last value of each), Confluent's Meta, then
 * the uninterpreted ones (the parser's) in theirs.  *map_entry gets
 * MessageOptions.map_entry. */
static int
pm__opts(pm_file_t *F, const pm_fld_t *of, const pm_known_t *table, pm_opts_t *out,
         int *map_entry)
{
    pm_rd_t r = {of->data, of->data + of->len};
    pm_fld_t f, known[PM_MAX_KNOWN], meta;
    int have[PM_MAX_KNOWN] = {0}, have_meta = 0, rc;
    size_t cap = 0;
    while ((rc = pm__next(&r, &f)) == 0) {
        cap++;
        if (map_entry != NULL && f.num == 7 && f.wt == 0)
            *map_entry = f.v != 0;
        if (f.num == PM_META_FIELD && f.wt == 2) {
            meta = f;
            have_meta = 1;
        }
        for (size_t k = 0; table[k].name != NULL && k < PM_MAX_KNOWN; k++) {
            if (table[k].num == f.num && !table[k].skip) {
                known[k] = f;
                have[k] = 1;
            }
        }
    }
    if (rc < 0)
        return -1;
    out->v = cap ? mem_arena_alloc(&F->arena, cap * sizeof(pm_opt_t)) : NULL;
    out->n = 0;
    for (size_t k = 0; table[k].name != NULL && k < PM_MAX_KNOWN; k++) {
        if (have[k] && pm__known(F, &table[k], &known[k], &out->v[out->n++]) != 0)
            return -1;
    }
    const char *meta_name = pm__meta_name(table);
    if (have_meta && meta_name != NULL) {
        int m = pm__meta(F, &meta, meta_name, &out->v[out->n]);
        if (m < 0)
            return -1;
        out->n += m == 0;
    }
    r.p = of->data;
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.num == 999 && f.wt == 2 && pm__uninterpreted(F, &f, &out->v[out->n++]) != 0)
            return -1;
    }
    return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ elements */

static int
pm__range(const pm_fld_t *f, pm_range_t *out)
{
    pm_rd_t r = {f->data, f->data + f->len};
    pm_fld_t g;
    int rc;
    out->start = 0;
    out->end = 0;
    while ((rc = pm__next(&r, &g)) == 0) {
        if (g.num == 1 && g.wt == 0)
            out->start = (int32_t)g.v;
        else if (g.num == 2 && g.wt == 0)
            out->end = (int32_t)g.v;
    }
    return rc < 0 ? -1 : 0;
}

static int
pm__field(pm_file_t *F, const pm_fld_t *ff, pm_field_t *o)
{
    pm_rd_t r = {ff->data, ff->data + ff->len};
    pm_fld_t f;
    int rc;
    memset(o, 0, sizeof(*o));
    o->name = "";
    o->label = PM_LABEL_OPTIONAL;   /* descriptor.proto's default */
    o->oneof_index = -1;
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.wt == 2) {
            switch (f.num) {
            case 1: o->name = pm__str(F, &f); break;
            case 2: o->extendee = pm__str(F, &f); break;
            case 6: o->type_name = pm__str(F, &f); break;
            case 7: o->default_value = pm__str(F, &f); break;
            case 10: o->json_name = pm__str(F, &f); break;
            case 8:
                if (pm__opts(F, &f, pm_field_opts, &o->opts, NULL) != 0)
                    return -1;
                break;
            default: break;
            }
        } else if (f.wt == 0) {
            switch (f.num) {
            case 3: o->number = (int32_t)f.v; break;
            case 4:
                /* protobuf-java reads an unknown label as the default, optional */
                o->label = f.v >= 1 && f.v <= 3 ? (int)f.v : PM_LABEL_OPTIONAL;
                break;
            case 5: o->type = (int)(f.v & 0xff); break;
            case 9: o->oneof_index = (int32_t)f.v; break;
            case 17: o->proto3_optional = f.v != 0; break;
            default: break;
            }
        }
    }
    return rc < 0 ? -1 : 0;
}

static int
pm__enum_value(pm_file_t *F, const pm_fld_t *vf, pm_enum_value_t *o)
{
    pm_rd_t r = {vf->data, vf->data + vf->len};
    pm_fld_t f;
    int rc;
    o->name = "";
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.num == 1 && f.wt == 2)
            o->name = pm__str(F, &f);
        else if (f.num == 2 && f.wt == 0)
            o->number = (int32_t)f.v;
        else if (f.num == 3 && f.wt == 2 && pm__opts(F, &f, pm_value_opts, &o->opts, NULL) != 0)
            return -1;
    }
    return rc < 0 ? -1 : 0;
}

static int
pm__enum(pm_file_t *F, const pm_fld_t *ef, pm_enum_t *o)
{
    pm_rd_t r = {ef->data, ef->data + ef->len};
    pm_fld_t f;
    int rc;
    o->name = "";
    if (pm__count(ef->data, ef->len, 0) < 0)
        return -1;  /* arrays are sized by a count over well-formed bytes */
    o->values = pm__array(F, ef->data, ef->len, 2, sizeof(pm_enum_value_t), &o->nvalues);
    o->reserved.v = pm__array(F, ef->data, ef->len, 4, sizeof(pm_range_t), &o->reserved.n);
    o->reserved_names.v = pm__array(F, ef->data, ef->len, 5, sizeof(char *),
                                    &o->reserved_names.n);
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.wt != 2)
            continue;
        if (f.num == 1) {
            o->name = pm__str(F, &f);
        } else if (f.num == 2) {
            if (pm__enum_value(F, &f, &o->values[o->nvalues++]) != 0)
                return -1;
        } else if (f.num == 3) {
            if (pm__opts(F, &f, pm_enum_opts, &o->opts, NULL) != 0)
                return -1;
        } else if (f.num == 4) {
            pm_range_t *g = &o->reserved.v[o->reserved.n++];
            if (pm__range(&f, g) != 0)
                return -1;
            g->end = g->end + 1;    /* EnumReservedRange is inclusive */
        } else if (f.num == 5) {
            o->reserved_names.v[o->reserved_names.n++] = pm__str(F, &f);
        }
    }
    return rc < 0 ? -1 : 0;
}

static int pm__msg(pm_file_t *F, const pm_fld_t *mf, pm_msg_t *o, int depth);

static int
pm__msg_part(pm_file_t *F, const pm_fld_t *f, pm_msg_t *o, int depth)
{
    switch (f->num) {
    case 1: o->name = pm__str(F, f); return 0;
    case 2: return pm__field(F, f, &o->fields.v[o->fields.n++]);
    case 6: return pm__field(F, f, &o->extensions.v[o->extensions.n++]);
    case 3: return pm__msg(F, f, &o->nested.v[o->nested.n++], depth + 1);
    case 4: return pm__enum(F, f, &o->enums.v[o->enums.n++]);
    case 5: return pm__range(f, &o->ext_ranges.v[o->ext_ranges.n++]);
    case 7: return pm__opts(F, f, pm_msg_opts, &o->opts, &o->map_entry);
    case 8: {
        pm_oneof_t *x = &o->oneofs[o->noneofs++];
        pm_rd_t r = {f->data, f->data + f->len};
        pm_fld_t g;
        int rc;
        x->name = "";
        while ((rc = pm__next(&r, &g)) == 0) {
            if (g.num == 1 && g.wt == 2)
                x->name = pm__str(F, &g);
            else if (g.num == 2 && g.wt == 2 && pm__opts(F, &g, pm_none_opts, &x->opts, NULL))
                return -1;
        }
        return rc < 0 ? -1 : 0;
    }
    case 9: return pm__range(f, &o->reserved.v[o->reserved.n++]);
    case 10: o->reserved_names.v[o->reserved_names.n++] = pm__str(F, f); return 0;
    default: return 0;
    }
}

static int
pm__msg(pm_file_t *F, const pm_fld_t *mf, pm_msg_t *o, int depth)
{
    if (depth > PM_MAX_DEPTH)
        return -1;
    const unsigned char *d = mf->data;
    size_t n = mf->len;
    o->name = "";
    if (pm__count(d, n, 0) < 0)
        return -1;  /* arrays are sized by a count over well-formed bytes */
    o->fields.v = pm__array(F, d, n, 2, sizeof(pm_field_t), &o->fields.n);
    o->extensions.v = pm__array(F, d, n, 6, sizeof(pm_field_t), &o->extensions.n);
    o->nested.v = pm__array(F, d, n, 3, sizeof(pm_msg_t), &o->nested.n);
    o->enums.v = pm__array(F, d, n, 4, sizeof(pm_enum_t), &o->enums.n);
    o->ext_ranges.v = pm__array(F, d, n, 5, sizeof(pm_range_t), &o->ext_ranges.n);
    o->oneofs = pm__array(F, d, n, 8, sizeof(pm_oneof_t), &o->noneofs);
    o->reserved.v = pm__array(F, d, n, 9, sizeof(pm_range_t), &o->reserved.n);
    o->reserved_names.v = pm__array(F, d, n, 10, sizeof(char *), &o->reserved_names.n);
    pm_rd_t r = {d, d + n};
    pm_fld_t f;
    int rc;
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.wt == 2 && pm__msg_part(F, &f, o, depth) != 0)
            return -1;
    }
    return rc < 0 ? -1 : 0;
}

static int
pm__method(pm_file_t *F, const pm_fld_t *mf, pm_method_t *o)
{
    pm_rd_t r = {mf->data, mf->data + mf->len};
    pm_fld_t f;
    int rc;
    o->name = o->input = o->output = "";
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.wt == 2) {
            if (f.num == 1)
                o->name = pm__str(F, &f);
            else if (f.num == 2)
                o->input = pm__str(F, &f);
            else if (f.num == 3)
                o->output = pm__str(F, &f);
            else if (f.num == 4 && pm__opts(F, &f, pm_method_opts, &o->opts, NULL) != 0)
                return -1;
        } else if (f.wt == 0) {
            if (f.num == 5)
                o->client_streaming = f.v != 0;
            else if (f.num == 6)
                o->server_streaming = f.v != 0;
        }
    }
    return rc < 0 ? -1 : 0;
}

static int
pm__service(pm_file_t *F, const pm_fld_t *sf, pm_service_t *o)
{
    pm_rd_t r = {sf->data, sf->data + sf->len};
    pm_fld_t f;
    int rc;
    o->name = "";
    if (pm__count(sf->data, sf->len, 0) < 0)
        return -1;  /* arrays are sized by a count over well-formed bytes */
    o->methods = pm__array(F, sf->data, sf->len, 2, sizeof(pm_method_t), &o->nmethods);
    while ((rc = pm__next(&r, &f)) == 0) {
        if (f.wt != 2)
            continue;
        if (f.num == 1)
            o->name = pm__str(F, &f);
        else if (f.num == 2 && pm__method(F, &f, &o->methods[o->nmethods++]) != 0)
            return -1;
        else if (f.num == 3 && pm__opts(F, &f, pm_service_opts, &o->opts, NULL) != 0)
            return -1;
    }
    return rc < 0 ? -1 : 0;
}

static int
pm__file_part(pm_file_t *F, const pm_fld_t *f)
{
    if (f->wt == 0) {
        if (f->num == 10)
            F->public_deps[F->npublic++] = (int32_t)f->v;
        return 0;
    }
    if (f->wt != 2)
        return 0;
    switch (f->num) {
    case 1: F->name = pm__str(F, f); return 0;
    case 2: F->package = pm__str(F, f); return 0;
    case 3: F->deps.v[F->deps.n++] = pm__str(F, f); return 0;
    case 4: return pm__msg(F, f, &F->msgs.v[F->msgs.n++], 0);
    case 5: return pm__enum(F, f, &F->enums.v[F->enums.n++]);
    case 6: return pm__service(F, f, &F->services[F->nservices++]);
    case 7: return pm__field(F, f, &F->extensions.v[F->extensions.n++]);
    case 8: return pm__opts(F, f, pm_file_opts, &F->opts, NULL);
    case 12: F->syntax = pm__str(F, f); return 0;
    default: return 0;
    }
}

int
pm_decode(const unsigned char *data, size_t len, pm_file_t **out)
{
    *out = NULL;
    if (pm__count(data, len, 0) < 0)
        return -1;
    pm_file_t *F = mem_calloc(1, sizeof(*F));
    F->deps.v = pm__array(F, data, len, 3, sizeof(char *), &F->deps.n);
    F->public_deps = pm__array(F, data, len, 10, sizeof(int32_t), &F->npublic);
    F->msgs.v = pm__array(F, data, len, 4, sizeof(pm_msg_t), &F->msgs.n);
    F->enums.v = pm__array(F, data, len, 5, sizeof(pm_enum_t), &F->enums.n);
    F->services = pm__array(F, data, len, 6, sizeof(pm_service_t), &F->nservices);
    F->extensions.v = pm__array(F, data, len, 7, sizeof(pm_field_t), &F->extensions.n);
    pm_rd_t r = {data, data + len};
    pm_fld_t f;
    int rc;
    while ((rc = pm__next(&r, &f)) == 0) {
        if (pm__file_part(F, &f) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc < 0) {
        pm_file_free(F);
        return -1;
    }
    if (F->package != NULL && F->package[0] == '\0')
        F->package = NULL;
    /* Confluent's toProtoFile knows two syntaxes; any other is none. */
    if (F->syntax != NULL && strcmp(F->syntax, "proto2") != 0 && strcmp(F->syntax, "proto3") != 0)
        F->syntax = NULL;
    *out = F;
    return 0;
}

void
pm_file_free(pm_file_t *f)
{
    if (f == NULL)
        return;
    mem_arena_reset(&f->arena);
    free(f);
}

static const char *const pm_scalars[] = {
    NULL, "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool",
    "string", NULL, NULL, "bytes", "uint32", NULL, "sfixed32", "sfixed64", "sint32", "sint64",
};

const char *
pm_scalar_name(int type)
{
    if (type < 0 || type > PM_TYPE_MAX)
        return NULL;
    return pm_scalars[type];
}

int
pm_known_option(pm_opts_of_t of, const pm_opt_t *o, uint32_t *num, uint64_t *varint)
{
    static const pm_known_t *const tables[] = {
        pm_file_opts, pm_msg_opts, pm_field_opts, pm_enum_opts, pm_value_opts,
        pm_service_opts, pm_method_opts,
    };
    for (const pm_known_t *k = tables[of]; k->name != NULL; k++) {
        if (strcmp(k->name, o->name) != 0)
            continue;
        *num = k->num;
        if (k->kind == PK_STR)
            return o->kind == PM_OPT_STRING ? 2 : -1;
        if (k->kind == PK_BOOL) {
            *varint = strcmp(o->value, "true") == 0;
            return o->kind == PM_OPT_IDENT ? 0 : -1;
        }
        if (k->kind == PK_ENUM) {
            for (uint64_t i = 0; k->enums[i] != NULL; i++) {
                if (k->enums[i][0] != '\0' && strcmp(k->enums[i], o->value) == 0) {
                    *varint = i;
                    return 0;
                }
            }
        }
        return -1;
    }
    return -1;
}

int
pm_is_public(const pm_file_t *f, size_t i)
{
    for (size_t k = 0; k < f->npublic; k++) {
        if (f->public_deps[k] >= 0 && (size_t)f->public_deps[k] == i)
            return 1;
    }
    return 0;
}

const pm_msg_t *
pm_map_entry(const pm_msg_t *m, const pm_field_t *fd)
{
    if (m == NULL || fd->label != PM_LABEL_REPEATED || fd->type_name == NULL)
        return NULL;
    const char *dot = strrchr(fd->type_name, '.');
    const char *last = dot ? dot + 1 : fd->type_name;
    for (size_t i = 0; i < m->nested.n; i++) {
        const pm_msg_t *e = &m->nested.v[i];
        if (e->map_entry && e->fields.n == 2 && strcmp(e->name, last) == 0)
            return e;
    }
    return NULL;
}
