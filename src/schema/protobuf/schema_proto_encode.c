/*
 * schema_proto_encode.c - Confluent's DynamicSchema, serialized.  Each
 * message is written into its own buffer and then framed into its parent,
 * fields in number order (protobuf-java's order).
 */
#include <stdlib.h>
#include <string.h>

#include "schema_proto_agg.h"
#include "schema_proto_encode.h"

typedef struct pe {
    const pm_file_t *f;
    const pm_scope_t *scope;
    buf_t where;
    int proto3;
} pe_t;

static void
pe__varint(buf_t *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        tmp[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            tmp[n] |= 0x80;
        n++;
    } while (v);
    buf_append(b, tmp, n);
}

static void
pe__int(buf_t *b, uint32_t num, uint64_t v)
{
    pe__varint(b, (uint64_t)num << 3);
    pe__varint(b, v);
}

/* An int32 field: a negative one is sign-extended to ten bytes, as
 * protobuf-java writes it. */
static void
pe__int32(buf_t *b, uint32_t num, int64_t v)
{
    pe__int(b, num, (uint64_t)(int64_t)(int32_t)v);
}

static void
pe__bytes(buf_t *b, uint32_t num, const void *data, size_t len)
{
    pe__varint(b, ((uint64_t)num << 3) | 2);
    pe__varint(b, len);
    buf_append(b, data, len);
}

static void
pe__str(buf_t *b, uint32_t num, const char *s)
{
    pe__bytes(b, num, s, strlen(s));
}

/* Frame `sub` as field `num` of `b` and empty it. */
static void
pe__sub(buf_t *b, uint32_t num, buf_t *sub)
{
    pe__bytes(b, num, sub->data ? sub->data : "", sub->len);
    buf_free(sub);
}

static const char *const pe_meta_names[] = {
    "(confluent.file_meta)", "(confluent.message_meta)", "(confluent.field_meta)",
    "(confluent.enum_meta)", "(confluent.enum_value_meta)", NULL, NULL,
};

/* A string of a Meta (a map's string value), or NULL. */
static const char *
pe__meta_str(const pa_val_t *v)
{
    return v != NULL && (v->kind == PA_STR || v->kind == PA_PRIM) ? v->text : NULL;
}

static void
pe__meta_param(buf_t *m, const pa_val_t *kv)
{
    if (kv->kind != PA_MAP)
        return;
    const char *k = pe__meta_str(pa_get(kv, "key")), *v = pe__meta_str(pa_get(kv, "value"));
    buf_t e = {0};
    pe__str(&e, 1, k ? k : "");
    pe__str(&e, 2, v ? v : "");
    pe__sub(m, 2, &e);
}

/* Confluent's Meta (meta.proto) at field 1088 of the options, as its
 * DynamicSchema sets it from the (confluent.*_meta) option. */
static void
pe__meta(buf_t *o, pm_opts_of_t of, const pm_opts_t *opts)
{
    const char *name = pe_meta_names[of];
    for (size_t i = 0; name != NULL && i < opts->n; i++) {
        if (opts->v[i].kind != PM_OPT_AGGREGATE || strcmp(opts->v[i].name, name) != 0)
            continue;
        mem_arena_t a = {0};
        pa_val_t *map = pa_parse(&a, opts->v[i].value);
        if (map != NULL) {
            buf_t m = {0};
            const char *doc = pe__meta_str(pa_get(map, "doc"));
            if (doc != NULL)
                pe__str(&m, 1, doc);
            const pa_val_t *params = pa_get(map, "params");
            for (size_t k = 0; params != NULL && k < (params->kind == PA_LIST ? params->n : 1); k++)
                pe__meta_param(&m, params->kind == PA_LIST ? params->vals[k] : params);
            const pa_val_t *tags = pa_get(map, "tags");
            for (size_t k = 0; tags != NULL && k < (tags->kind == PA_LIST ? tags->n : 1); k++) {
                const char *t = pe__meta_str(tags->kind == PA_LIST ? tags->vals[k] : tags);
                if (t != NULL)
                    pe__str(&m, 3, t);
            }
            pe__sub(o, 1088, &m);
        }
        mem_arena_reset(&a);
        return;
    }
}

/* The built-in options of `opts`, by field number (the last of a name
 * wins), then Confluent's Meta. */
static void
pe__opts(buf_t *b, uint32_t num, pm_opts_of_t of, const pm_opts_t *opts, int map_entry,
         int always)
{
    buf_t o = {0};
    for (uint32_t want = 1; want < 64; want++) {
        const pm_opt_t *last = NULL;
        uint64_t v = 0, lv = 0;
        int kind = -1, lk = -1;
        for (size_t i = 0; i < opts->n; i++) {
            uint32_t n;
            kind = pm_known_option(of, &opts->v[i], &n, &v);
            if (kind >= 0 && n == want) {
                last = &opts->v[i];
                lv = v;
                lk = kind;
            }
        }
        if (last != NULL && lk == 0)
            pe__int(&o, want, lv);
        else if (last != NULL)
            pe__str(&o, want, last->value);
        if (want == 7 && map_entry)
            pe__int(&o, 7, 1);
    }
    pe__meta(&o, of, opts);
    if (o.len > 0 || always)
        pe__sub(b, num, &o);
    buf_free(&o);
}

/* ------------------------------------------------------------ fields */

/* Confluent's toMapEntry: lower_underscore to UpperCamel when the name
 * has an underscore, then "Entry". */
static void
pe__map_entry_name(const char *field, buf_t *out)
{
    if (strchr(field, '_') == NULL) {
        buf_puts(out, field);
    } else {
        int up = 1;
        for (const char *p = field; *p; p++) {
            if (*p == '_') {
                up = 1;
                continue;
            }
            char c = *p;
            if (up && c >= 'a' && c <= 'z')
                c = (char)(c - 'a' + 'A');
            else if (!up && c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            buf_append(out, &c, 1);
            up = 0;
        }
    }
    buf_puts(out, "Entry");
}

/* FieldDefinition's type: a scalar's number, or 11/14 for a name that
 * resolves to a message/enum (0: the name alone). */
static int
pe__type(pe_t *e, const pm_field_t *fd)
{
    if (fd->type_name == NULL)
        return fd->type;
    buf_t full = {0};
    int t = 0;
    if (pm_scope_resolve(e->scope, e->where.data ? e->where.data : "", fd->type_name, &full) == 0)
        t = pm_scope_is_enum(e->scope, full.data) ? PM_TYPE_ENUM : PM_TYPE_MESSAGE;
    buf_free(&full);
    return t;
}

typedef struct pe_field_how {
    const char *label;      /* NULL: none written */
    int proto3_optional;
    int32_t oneof;          /* -1: none */
    const char *type_name;  /* overrides the field's (a map's entry) */
    int map;
} pe_field_how_t;

static void
pe__field(pe_t *e, buf_t *b, uint32_t num, const pm_field_t *fd, const pe_field_how_t *how)
{
    buf_t o = {0};
    pe__str(&o, 1, fd->name);
    if (fd->extendee != NULL)
        pe__str(&o, 2, fd->extendee);
    pe__int32(&o, 3, fd->number);
    if (how->label != NULL) {
        int l = strcmp(how->label, "repeated") == 0 ? 3 : strcmp(how->label, "required") == 0 ? 2 : 1;
        pe__int(&o, 4, (uint64_t)l);
    }
    int type = how->map ? 0 : pe__type(e, fd);
    if (type != 0)
        pe__int(&o, 5, (uint64_t)type);
    const char *tn = how->type_name ? how->type_name : fd->type_name;
    if (tn != NULL)
        pe__str(&o, 6, tn);
    if (fd->default_value != NULL)
        pe__str(&o, 7, fd->default_value);
    pe__opts(&o, 8, PM_OPTS_FIELD, &fd->opts, 0, 0);
    if (how->oneof >= 0)
        pe__int(&o, 9, (uint64_t)how->oneof);
    if (fd->json_name != NULL)
        pe__str(&o, 10, fd->json_name);
    if (how->proto3_optional)
        pe__int(&o, 17, 1);
    pe__sub(b, num, &o);
}

static const char *
pe__label(const pe_t *e, const pm_field_t *fd)
{
    switch (fd->label) {
    case PM_LABEL_REPEATED: return "repeated";
    case PM_LABEL_REQUIRED: return "required";
    case PM_LABEL_OPTIONAL: return !e->proto3 || fd->proto3_optional ? "optional" : NULL;
    default: return NULL;
    }
}

static int
pe__in_oneof(const pm_msg_t *m, const pm_field_t *fd)
{
    return fd->oneof_index >= 0 && (size_t)fd->oneof_index < m->noneofs && !fd->proto3_optional;
}

/* A real oneof (not the synthetic one of a proto3 optional). */
static int
pe__real_oneof(const pm_msg_t *m, size_t k)
{
    for (size_t i = 0; i < m->fields.n; i++) {
        if (m->fields.v[i].oneof_index == (int32_t)k && m->fields.v[i].proto3_optional)
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ types */

static void
pe__enum(buf_t *b, uint32_t num, const pm_enum_t *en)
{
    buf_t o = {0};
    pe__str(&o, 1, en->name);
    for (size_t i = 0; i < en->nvalues; i++) {
        buf_t v = {0};
        pe__str(&v, 1, en->values[i].name);
        pe__int32(&v, 2, en->values[i].number);
        pe__opts(&v, 3, PM_OPTS_VALUE, &en->values[i].opts, 0, 0);
        pe__sub(&o, 2, &v);
    }
    pe__opts(&o, 3, PM_OPTS_ENUM, &en->opts, 0, 0);
    for (size_t i = 0; i < en->reserved.n; i++) {
        buf_t r = {0};
        pe__int32(&r, 1, en->reserved.v[i].start);
        pe__int32(&r, 2, en->reserved.v[i].end - 1);
        pe__sub(&o, 4, &r);
    }
    for (size_t i = 0; i < en->reserved_names.n; i++)
        pe__str(&o, 5, en->reserved_names.v[i]);
    pe__sub(b, num, &o);
}

static void pe__msg(pe_t *e, buf_t *b, uint32_t num, const pm_msg_t *m);

/* The map entry Confluent builds for a map field. */
static void
pe__map_msg(pe_t *e, buf_t *b, const pm_field_t *fd, const pm_msg_t *entry)
{
    buf_t o = {0}, name = {0};
    pe__map_entry_name(fd->name, &name);
    pe__str(&o, 1, name.data);
    pe_field_how_t how = {.oneof = -1};
    pe__field(e, &o, 2, &entry->fields.v[0], &how);
    pe__field(e, &o, 2, &entry->fields.v[1], &how);
    buf_t opts = {0};
    pe__int(&opts, 7, 1);
    pe__sub(&o, 7, &opts);
    pe__sub(b, 3, &o);
    buf_free(&name);
}

static int
pe__is_shown(const pm_msg_t *m, const pm_msg_t *n)
{
    if (n->map_entry)
        return 0;
    for (size_t i = 0; i < m->fields.n; i++) {
        const pm_field_t *fd = &m->fields.v[i];
        const char *tn = fd->type_name;
        if (fd->type == PM_TYPE_GROUP && tn != NULL) {
            const char *dot = strrchr(tn, '.');
            if (strcmp(dot ? dot + 1 : tn, n->name) == 0)
                return 0;
        }
    }
    return 1;
}

static void
pe__fields(pe_t *e, buf_t *o, const pm_msg_t *m, int32_t *synthetic)
{
    int32_t next = 0;
    for (size_t k = 0; k < m->noneofs; k++) {
        if (!pe__real_oneof(m, k))
            continue;
        for (size_t i = 0; i < m->fields.n; i++) {
            const pm_field_t *fd = &m->fields.v[i];
            if (!pe__in_oneof(m, fd) || fd->oneof_index != (int32_t)k)
                continue;
            pe_field_how_t how = {.label = "optional", .oneof = next};
            pe__field(e, o, 2, fd, &how);
        }
        next++;
    }
    for (size_t i = 0; i < m->fields.n; i++) {
        const pm_field_t *fd = &m->fields.v[i];
        if (pe__in_oneof(m, fd))
            continue;
        pe_field_how_t how = {.label = pe__label(e, fd), .oneof = -1};
        buf_t name = {0};
        const pm_msg_t *entry = pm_map_entry(m, fd);
        if (entry != NULL) {
            pe__map_entry_name(fd->name, &name);
            how.type_name = name.data;
            how.map = 1;
            how.label = "repeated";
        }
        if (fd->proto3_optional) {
            how.proto3_optional = 1;
            how.oneof = next;
            synthetic[i] = next++;
        }
        pe__field(e, o, 2, fd, &how);
        buf_free(&name);
    }
}

static void
pe__oneof_decls(buf_t *o, const pm_msg_t *m, const int32_t *synthetic)
{
    for (size_t k = 0; k < m->noneofs; k++) {
        if (!pe__real_oneof(m, k))
            continue;
        buf_t d = {0}, opts = {0};
        pe__str(&d, 1, m->oneofs[k].name);
        pe__sub(&d, 2, &opts);
        pe__sub(o, 8, &d);
    }
    for (size_t i = 0; i < m->fields.n; i++) {
        if (synthetic[i] < 0)
            continue;
        buf_t d = {0}, opts = {0}, name = {0};
        buf_printf(&name, "_%s", m->fields.v[i].name);
        pe__str(&d, 1, name.data);
        pe__sub(&d, 2, &opts);
        pe__sub(o, 8, &d);
        buf_free(&name);
    }
}

static void
pe__msg(pe_t *e, buf_t *b, uint32_t num, const pm_msg_t *m)
{
    size_t mark = e->where.len;
    if (e->where.len > 0)
        buf_puts(&e->where, ".");
    buf_puts(&e->where, m->name);
    buf_t o = {0};
    pe__str(&o, 1, m->name);
    int32_t *synthetic = mem_alloc((m->fields.n + 1) * sizeof(int32_t));
    for (size_t i = 0; i < m->fields.n; i++)
        synthetic[i] = -1;
    pe__fields(e, &o, m, synthetic);
    for (size_t i = 0; i < m->nested.n; i++) {
        if (pe__is_shown(m, &m->nested.v[i]))
            pe__msg(e, &o, 3, &m->nested.v[i]);
    }
    for (size_t i = 0; i < m->fields.n; i++) {
        const pm_msg_t *entry = pe__in_oneof(m, &m->fields.v[i]) ? NULL
                                                                   : pm_map_entry(m, &m->fields.v[i]);
        if (entry != NULL)
            pe__map_msg(e, &o, &m->fields.v[i], entry);
    }
    for (size_t i = 0; i < m->enums.n; i++)
        pe__enum(&o, 4, &m->enums.v[i]);
    for (size_t i = 0; i < m->ext_ranges.n; i++) {
        buf_t r = {0}, opts = {0};
        pe__int32(&r, 1, m->ext_ranges.v[i].start);
        pe__int32(&r, 2, m->ext_ranges.v[i].end);
        pe__sub(&r, 3, &opts);
        pe__sub(&o, 5, &r);
    }
    for (size_t i = 0; i < m->extensions.n; i++) {
        pe_field_how_t how = {.label = pe__label(e, &m->extensions.v[i]), .oneof = -1};
        pe__field(e, &o, 6, &m->extensions.v[i], &how);
    }
    pe__opts(&o, 7, PM_OPTS_MSG, &m->opts, 0, 0);
    pe__oneof_decls(&o, m, synthetic);
    for (size_t i = 0; i < m->reserved.n; i++) {
        buf_t r = {0};
        pe__int32(&r, 1, m->reserved.v[i].start);
        pe__int32(&r, 2, m->reserved.v[i].end);
        pe__sub(&o, 9, &r);
    }
    for (size_t i = 0; i < m->reserved_names.n; i++)
        pe__str(&o, 10, m->reserved_names.v[i]);
    free(synthetic);
    pe__sub(b, num, &o);
    e->where.len = mark;
    e->where.data[mark] = '\0';
}

static void
pe__service(buf_t *b, const pm_service_t *s)
{
    buf_t o = {0};
    pe__str(&o, 1, s->name);
    for (size_t i = 0; i < s->nmethods; i++) {
        const pm_method_t *r = &s->methods[i];
        buf_t m = {0};
        pe__str(&m, 1, r->name);
        pe__str(&m, 2, r->input);
        pe__str(&m, 3, r->output);
        pe__opts(&m, 4, PM_OPTS_METHOD, &r->opts, 0, 0);
        pe__int(&m, 5, (uint64_t)r->client_streaming);
        pe__int(&m, 6, (uint64_t)r->server_streaming);
        pe__sub(&o, 2, &m);
    }
    pe__opts(&o, 3, PM_OPTS_SERVICE, &s->opts, 0, 0);
    pe__sub(b, 6, &o);
}

/* Whether Confluent finds the file an import names. */
static int
pe__resolvable(const char *import, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (names[i] != NULL && strcmp(names[i], import) == 0)
            return 1;
    }
    return pm_scope_known_file(import);
}

void
pm_encode(const pm_file_t *f, const pm_scope_t *scope, const char *const *names,
          size_t nnames, buf_t *out)
{
    pe_t e = {.f = f, .scope = scope, .proto3 = f->syntax && strcmp(f->syntax, "proto3") == 0};
    buf_puts(&e.where, f->package ? f->package : "");
    pe__str(out, 1, "default");
    if (f->package != NULL)
        pe__str(out, 2, f->package);
    /* imports, then public imports (wire keeps them apart) */
    size_t ndeps = 0, npub = 0;
    for (int pub = 0; pub < 2; pub++) {
        for (size_t i = 0; i < f->deps.n; i++) {
            if (pm_is_public(f, i) != pub || !pe__resolvable(f->deps.v[i], names, nnames))
                continue;
            pe__str(out, 3, f->deps.v[i]);
            ndeps++;
            npub += pub;
        }
    }
    for (size_t i = 0; i < f->msgs.n; i++)
        pe__msg(&e, out, 4, &f->msgs.v[i]);
    for (size_t i = 0; i < f->enums.n; i++)
        pe__enum(out, 5, &f->enums.v[i]);
    for (size_t i = 0; i < f->nservices; i++)
        pe__service(out, &f->services[i]);
    for (size_t i = 0; i < f->extensions.n; i++) {
        pe_field_how_t how = {.label = pe__label(&e, &f->extensions.v[i]), .oneof = -1};
        pe__field(&e, out, 7, &f->extensions.v[i], &how);
    }
    pe__opts(out, 8, PM_OPTS_FILE, &f->opts, 0, 0);
    for (size_t k = 0; k < npub; k++)
        pe__int(out, 10, (uint64_t)(ndeps - npub + k));
    if (f->syntax != NULL)
        pe__str(out, 12, f->syntax);
    buf_free(&e.where);
}

void
pm_base64(const unsigned char *d, size_t len, buf_t *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)d[i + 1] << 8;
        if (i + 2 < len)
            v |= d[i + 2];
        char q[4] = {a[(v >> 18) & 63], a[(v >> 12) & 63],
                     i + 1 < len ? a[(v >> 6) & 63] : '=', i + 2 < len ? a[v & 63] : '='};
        buf_append(out, q, 4);
    }
}
