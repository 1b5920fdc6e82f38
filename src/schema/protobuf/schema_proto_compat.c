/*
 * schema_proto_compat.c - Confluent's Protobuf SchemaDiff (its diff package):
 * the original (writer) against the update (reader), messages matched by
 * name, fields by tag, oneofs by name; the differences Confluent counts
 * as incompatible become its verbose messages, `#/`-paths and all.
 * Tags are visited in ascending order and names in the update's order,
 * where Confluent iterates hash sets.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_proto.h"

typedef enum {
    PD_PACKAGE_CHANGED, PD_MESSAGE_REMOVED, PD_FIELD_KIND_CHANGED, PD_FIELD_SCALAR_KIND_CHANGED,
    PD_FIELD_NAMED_TYPE_CHANGED, PD_FIELD_NUMERIC_LABEL_CHANGED, PD_REQUIRED_FIELD_ADDED,
    PD_REQUIRED_FIELD_REMOVED, PD_ONEOF_FIELD_REMOVED, PD_MULTIPLE_FIELDS_MOVED_TO_ONEOF,
    PD_FIELD_MOVED_TO_EXISTING_ONEOF,
} pd_type_t;

static const char *const pd_names[] = {
    "PACKAGE_CHANGED", "MESSAGE_REMOVED", "FIELD_KIND_CHANGED", "FIELD_SCALAR_KIND_CHANGED",
    "FIELD_NAMED_TYPE_CHANGED", "FIELD_NUMERIC_LABEL_CHANGED", "REQUIRED_FIELD_ADDED",
    "REQUIRED_FIELD_REMOVED", "ONEOF_FIELD_REMOVED", "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
    "FIELD_MOVED_TO_EXISTING_ONEOF",
};

/* Difference.error(): %1$s the update's role, %2$s the original's. */
static const char *const pd_texts[] = {
    "The package at '%s' in the %s schema does not match the package in the %s schema",
    "The %2$s schema is missing a MESSAGE type at path '%1$s' in the %3$s schema",
    "The type of a field at path '%s' in the %s schema does not match the %s schema",
    "The kind of a SCALAR field at path '%s' in the %s schema does not match its kind in the %s schema",
    "The type of a MESSAGE field at path '%s' in the %s schema does not match its type in the %s schema",
    "The label for a NUMERIC field at path '%s' in the %s schema does not match its label in the %s schema",
    "A required field  at path '%s' in the %s schema is missing in the %s schema",
    "The %2$s schema is missing a required field at path: '%1$s' in the %3$s schema",
    "The %2$s schema is missing a oneof field at path '%1$s' in the %3$s schema",
    "Multiple fields in the oneof at path '%s' in the %s schema are outside a oneof in the %s schema",
    "A field in the oneof at path '%s' in the %s schema is outside an existing oneof in the %s schema",
};

/* One side of the comparison. */
typedef struct pd_side {
    const pm_file_t *f;
    pm_scope_t scope;
    pm_file_t **refs;
    size_t nrefs;
    buf_t where;        /* full name of the message being compared */
} pd_side_t;

typedef struct pd {
    pd_side_t o, u;
    buf_t path;         /* "#/" then names and tags joined by '/' */
    const char *urole, *orole;
    json_t *messages;
    int incompatible;
    int depth;
} pd_t;

static void
pd__add(pd_t *d, pd_type_t t)
{
    d->incompatible = 1;
    if (d->messages == NULL)
        return;
    char *desc = mem_printf(pd_texts[t], d->path.data, d->urole, d->orole);
    char *m = mem_printf("{errorType:\"%s\", description:\"%s\"}", pd_names[t], desc);
    json_array_append_new(d->messages, json_string(m));
    free(desc);
    free(m);
}

static size_t
pd__push(buf_t *b, const char *part, int slash)
{
    size_t mark = b->len;
    if (slash)
        buf_puts(b, b->len > 0 ? "/" : "");
    else if (b->len > 0)
        buf_puts(b, ".");
    buf_puts(b, part);
    return mark;
}

static void
pd__pop(buf_t *b, size_t mark)
{
    b->len = mark;
    b->data[mark] = '\0';
}

/* The path with one more part. */
static size_t
pd__enter(pd_t *d, const char *part)
{
    size_t mark = d->path.len;
    if (d->path.len > 2)
        buf_puts(&d->path, "/");
    buf_puts(&d->path, part);
    return mark;
}

/* ------------------------------------------------------------ kinds */

typedef enum { PK_SCALAR, PK_MAP, PK_MESSAGE } pd_kind_t;

typedef enum {
    SK_GENERAL, SK_SIGNED, SK_STRING, SK_FIXED32, SK_FIXED64, SK_FLOAT, SK_DOUBLE, SK_NONE,
} pd_scalar_t;

static pd_scalar_t
pd__scalar_kind(const char *s)
{
    static const struct { const char *name; pd_scalar_t k; } t[] = {
        {"int32", SK_GENERAL}, {"int64", SK_GENERAL}, {"uint32", SK_GENERAL},
        {"uint64", SK_GENERAL}, {"bool", SK_GENERAL}, {"sint32", SK_SIGNED},
        {"sint64", SK_SIGNED}, {"string", SK_STRING}, {"bytes", SK_STRING},
        {"fixed32", SK_FIXED32}, {"sfixed32", SK_FIXED32}, {"fixed64", SK_FIXED64},
        {"sfixed64", SK_FIXED64}, {"float", SK_FLOAT}, {"double", SK_DOUBLE},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (strcmp(t[i].name, s) == 0)
            return t[i].k;
    }
    return SK_NONE;
}

/* A field's type as Confluent sees it: scalar (enums are general
 * numbers), map (with its entry), or a message's full name. */
typedef struct pd_type {
    pd_kind_t kind;
    pd_scalar_t scalar;
    const pm_msg_t *entry;
    char *full;             /* message: resolved name, or as written */
    const pm_field_t *fd;
} pd_type_t2;

static const pm_msg_t *
pd__entry(const pm_msg_t *m, const pm_field_t *fd)
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

static void
pd__type(pd_side_t *s, const pm_msg_t *m, const pm_field_t *fd, pd_type_t2 *t)
{
    memset(t, 0, sizeof(*t));
    t->fd = fd;
    t->entry = pd__entry(m, fd);
    if (t->entry != NULL) {
        t->kind = PK_MAP;
        return;
    }
    if (fd->type_name == NULL) {
        t->kind = PK_SCALAR;
        t->scalar = pd__scalar_kind(pm_scalar_name(fd->type) ? pm_scalar_name(fd->type) : "");
        return;
    }
    buf_t full = {0};
    if (pm_scope_resolve(&s->scope, s->where.data ? s->where.data : "", fd->type_name,
                         &full) == 0 && pm_scope_is_enum(&s->scope, full.data)) {
        t->kind = PK_SCALAR;
        t->scalar = SK_GENERAL;
        buf_free(&full);
        return;
    }
    if (full.len == 0 || pm_scope_resolve(&s->scope, s->where.data ? s->where.data : "",
                                          fd->type_name, &full) != 0) {
        full.len = 0;
        buf_puts(&full, fd->type_name);
    }
    t->kind = PK_MESSAGE;
    t->full = buf_steal(&full, NULL);
}

/* The name without its file's package (compareMessageTypes' local name). */
static const char *
pd__local(const pd_side_t *s, const char *full)
{
    const char *pkg = s->f->package;
    size_t n = pkg ? strlen(pkg) : 0;
    if (n > 0 && strncmp(full, pkg, n) == 0 && full[n] == '.')
        return full + n + 1;
    return full;
}

static void pd__compare_types(pd_t *d, const pm_field_t *of, const pm_msg_t *om,
                              const pm_field_t *uf, const pm_msg_t *um, int labels);

static void
pd__compare_kinds(pd_t *d, pd_type_t2 *o, pd_type_t2 *u, int labels, const pm_msg_t *om,
                  const pm_msg_t *um)
{
    if (o->kind != u->kind) {
        pd__add(d, PD_FIELD_KIND_CHANGED);
        return;
    }
    if (o->kind == PK_SCALAR) {
        if (o->scalar != u->scalar) {
            pd__add(d, PD_FIELD_SCALAR_KIND_CHANGED);
            return;
        }
        int ol = o->fd->label, ul = u->fd->label;
        if (labels && ol != ul && o->scalar != SK_STRING && o->scalar != SK_NONE)
            pd__add(d, PD_FIELD_NUMERIC_LABEL_CHANGED);
        return;
    }
    if (o->kind == PK_MAP) {
        pd__compare_types(d, &o->entry->fields.v[0], o->entry, &u->entry->fields.v[0],
                          u->entry, 0);
        pd__compare_types(d, &o->entry->fields.v[1], om, &u->entry->fields.v[1], um, 0);
        return;
    }
    if (strcmp(pd__local(&d->o, o->full), pd__local(&d->u, u->full)) != 0)
        pd__add(d, PD_FIELD_NAMED_TYPE_CHANGED);
}

/* compareLabelsAndTypes (labels: whether Confluent has labels to compare:
 * not for a map's key and value). */
static void
pd__compare_types(pd_t *d, const pm_field_t *of, const pm_msg_t *om, const pm_field_t *uf,
                  const pm_msg_t *um, int labels)
{
    pd_type_t2 o, u;
    pd__type(&d->o, om, of, &o);
    pd__type(&d->u, um, uf, &u);
    pd__compare_kinds(d, &o, &u, labels, om, um);
    free(o.full);
    free(u.full);
}

/* ------------------------------------------------------------ messages */

static int
pd__in_oneof(const pm_msg_t *m, const pm_field_t *fd)
{
    return fd->oneof_index >= 0 && (size_t)fd->oneof_index < m->noneofs && !fd->proto3_optional;
}

static const pm_field_t *
pd__by_tag(const pm_msg_t *m, int32_t tag, int oneof)
{
    for (size_t i = 0; i < m->fields.n; i++) {
        const pm_field_t *fd = &m->fields.v[i];
        if (fd->number == tag && (oneof < -1 ? 1 : oneof == -1 ? !pd__in_oneof(m, fd)
                                                               : fd->oneof_index == oneof &&
                                                                     pd__in_oneof(m, fd)))
            return fd;
    }
    return NULL;
}

static int
pd__oneof_named(const pm_msg_t *m, const char *name)
{
    for (size_t k = 0; k < m->noneofs; k++) {
        if (strcmp(m->oneofs[k].name, name) == 0)
            return (int)k;
    }
    return -1;
}

static int
pd__int_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* The distinct tags of both sides' fields selected by `oneof` (index in
 * each side, -1 for plain fields), ascending.  *out malloc'd. */
static size_t
pd__tags(const pm_msg_t *om, int oo, const pm_msg_t *um, int uo, int32_t **out)
{
    int32_t *v = mem_alloc((om->fields.n + um->fields.n + 1) * sizeof(*v));
    size_t n = 0;
    for (int side = 0; side < 2; side++) {
        const pm_msg_t *m = side ? um : om;
        int o = side ? uo : oo;
        for (size_t i = 0; i < m->fields.n; i++) {
            const pm_field_t *fd = &m->fields.v[i];
            int in = pd__in_oneof(m, fd);
            if ((o == -1 && !in) || (o >= 0 && in && fd->oneof_index == o))
                v[n++] = fd->number;
        }
    }
    qsort(v, n, sizeof(*v), pd__int_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    }
    *out = v;
    return k;
}

static void pd__types(pd_t *d, const pm_msgs_t *om, const pm_msgs_t *um);

static void
pd__oneof_moves(pd_t *d, const pm_msg_t *om, const pm_msg_t *um)
{
    for (size_t k = 0; k < um->noneofs; k++) {
        size_t mark = pd__enter(d, um->oneofs[k].name);
        int moved = 0, existing = 0;
        for (size_t i = 0; i < um->fields.n; i++) {
            const pm_field_t *fd = &um->fields.v[i];
            if (!pd__in_oneof(um, fd) || fd->oneof_index != (int32_t)k)
                continue;
            if (pd__by_tag(om, fd->number, -1) != NULL)
                moved++;
            else if (pd__by_tag(om, fd->number, -2) != NULL)
                existing++;
        }
        if (moved > 1)
            pd__add(d, PD_MULTIPLE_FIELDS_MOVED_TO_ONEOF);
        else if (moved == 1 && existing > 0)
            pd__add(d, PD_FIELD_MOVED_TO_EXISTING_ONEOF);
        pd__pop(&d->path, mark);
    }
}

static void
pd__oneofs(pd_t *d, const pm_msg_t *om, const pm_msg_t *um)
{
    for (size_t k = 0; k < om->noneofs; k++) {
        int uk = pd__oneof_named(um, om->oneofs[k].name);
        if (uk < 0)
            continue;   /* ONEOF_REMOVED: compatible */
        size_t mark = pd__enter(d, om->oneofs[k].name);
        int32_t *tags;
        size_t n = pd__tags(om, (int)k, um, uk, &tags);
        for (size_t i = 0; i < n; i++) {
            char num[16];
            snprintf(num, sizeof(num), "%d", tags[i]);
            size_t m2 = pd__enter(d, num);
            const pm_field_t *of = pd__by_tag(om, tags[i], (int)k);
            const pm_field_t *uf = pd__by_tag(um, tags[i], uk);
            if (uf == NULL)
                pd__add(d, PD_ONEOF_FIELD_REMOVED);
            else if (of != NULL)
                pd__compare_types(d, of, om, uf, um, 1);
            pd__pop(&d->path, m2);
        }
        free(tags);
        pd__pop(&d->path, mark);
    }
}

static void
pd__message(pd_t *d, const pm_msg_t *om, const pm_msg_t *um)
{
    pd__oneof_moves(d, om, um);
    pd__oneofs(d, om, um);
    int32_t *tags;
    size_t n = pd__tags(om, -1, um, -1, &tags);
    for (size_t i = 0; i < n; i++) {
        char num[16];
        snprintf(num, sizeof(num), "%d", tags[i]);
        size_t mark = pd__enter(d, num);
        const pm_field_t *of = pd__by_tag(om, tags[i], -1);
        const pm_field_t *uf = pd__by_tag(um, tags[i], -1);
        /* a field moved into a oneof of the update is not removed */
        if (uf == NULL && pd__by_tag(um, tags[i], -2) != NULL)
            uf = NULL, of = NULL;
        if (of != NULL && uf == NULL) {
            if (of->label == PM_LABEL_REQUIRED)
                pd__add(d, PD_REQUIRED_FIELD_REMOVED);
        } else if (of == NULL && uf != NULL) {
            if (uf->label == PM_LABEL_REQUIRED)
                pd__add(d, PD_REQUIRED_FIELD_ADDED);
        } else if (of != NULL && uf != NULL) {
            pd__compare_types(d, of, om, uf, um, 1);
        }
        pd__pop(&d->path, mark);
    }
    free(tags);
    pd__types(d, &om->nested, &um->nested);
}

static const pm_msg_t *
pd__msg_named(const pm_msgs_t *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(v->v[i].name, name) == 0)
            return &v->v[i];
    }
    return NULL;
}

/* compareTypeElements over messages (enum changes are all compatible). */
static void
pd__types(pd_t *d, const pm_msgs_t *om, const pm_msgs_t *um)
{
    if (++d->depth > 100) {
        d->depth--;
        return;
    }
    for (size_t i = 0; i < om->n; i++) {
        const pm_msg_t *o = &om->v[i];
        const pm_msg_t *u = pd__msg_named(um, o->name);
        /* a map entry is its field's type, compared with the field */
        if (o->map_entry || (u != NULL && u->map_entry))
            continue;
        size_t mark = pd__enter(d, o->name);
        size_t wo = pd__push(&d->o.where, o->name, 0);
        if (u == NULL) {
            pd__add(d, PD_MESSAGE_REMOVED);
        } else {
            size_t wu = pd__push(&d->u.where, u->name, 0);
            pd__message(d, o, u);
            pd__pop(&d->u.where, wu);
        }
        pd__pop(&d->o.where, wo);
        pd__pop(&d->path, mark);
    }
    d->depth--;
}

static int
pd__side(pd_side_t *s, const char *text, const schema_ref_t *refs, size_t nrefs)
{
    char *err = NULL;
    pm_file_t *f;
    memset(s, 0, sizeof(*s));
    if (schema_proto_load(text, strlen(text), &f, &err) != 0) {
        free(err);
        return -1;
    }
    s->f = f;
    s->refs = mem_calloc(nrefs + 1, sizeof(*s->refs));
    s->nrefs = nrefs;
    if (schema_proto_scope(f, refs, nrefs, &s->scope, s->refs, &err) != 0) {
        free(err);
        return -1;
    }
    buf_puts(&s->where, f->package ? f->package : "");
    return 0;
}

static void
pd__side_free(pd_side_t *s)
{
    pm_scope_free(&s->scope);
    if (s->refs != NULL)
        schema_proto_free_refs(s->refs, s->nrefs);
    pm_file_free((pm_file_t *)s->f);
    buf_free(&s->where);
}

int
schema_proto_compatible(const char *reader, const schema_ref_t *reader_refs,
                        size_t nreader_refs, const char *writer,
                        const schema_ref_t *writer_refs, size_t nwriter_refs,
                        int reader_is_new, json_t *messages)
{
    pd_t d = {.urole = reader_is_new ? "new" : "old", .orole = reader_is_new ? "old" : "new",
              .messages = messages};
    int rc = -1;
    if (pd__side(&d.u, reader, reader_refs, nreader_refs) != 0 ||
        pd__side(&d.o, writer, writer_refs, nwriter_refs) != 0)
        goto done;
    buf_puts(&d.path, "#/");
    const char *op = d.o.f->package ? d.o.f->package : "";
    const char *up = d.u.f->package ? d.u.f->package : "";
    if (strcmp(op, up) != 0)
        pd__add(&d, PD_PACKAGE_CHANGED);
    pd__types(&d, &d.o.f->msgs, &d.u.f->msgs);
    rc = !d.incompatible;
done:
    pd__side_free(&d.u);
    pd__side_free(&d.o);
    buf_free(&d.path);
    return rc;
}
