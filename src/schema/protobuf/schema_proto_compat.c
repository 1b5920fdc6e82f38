/*
 * schema_proto_compat.c - Confluent's Protobuf SchemaDiff (its diff package):
 * the original (writer) against the update (reader), messages matched by
 * name, fields by tag, oneofs by name; the differences Confluent counts
 * as incompatible become its verbose messages, `#/`-paths and all.
 * Names and tags are visited in the order of the java.util.HashSet
 * Confluent iterates.
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

#define PD_MAX_STACK 64
#define PD_BUDGET 100000

typedef struct pd {
    pd_side_t o, u;
    const pm_msg_t *stack[PD_MAX_STACK];    /* enterSchema: originals being compared */
    size_t nstack;
    long budget;            /* message comparisons left (the reference graph's
                             * paths can be many; Confluent walks them all) */
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
    int label;              /* the label wire keeps: none in a oneof, none in
                             * proto3 unless `optional` (PM_LABEL_NONE) */
} pd_type_t2;

static void
pd__type(pd_side_t *s, const pm_msg_t *m, const pm_field_t *fd, pd_type_t2 *t)
{
    memset(t, 0, sizeof(*t));
    int proto3 = s->f->syntax != NULL && strcmp(s->f->syntax, "proto3") == 0;
    int in_oneof = m != NULL && fd->oneof_index >= 0 && (size_t)fd->oneof_index < m->noneofs &&
                   !fd->proto3_optional;
    t->label = fd->label;
    if (in_oneof || (proto3 && fd->label == PM_LABEL_OPTIONAL && !fd->proto3_optional))
        t->label = PM_LABEL_NONE;
    t->entry = pm_map_entry(m, fd);
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
static void pd__named(pd_t *d, const char *ofull, const char *ufull);

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
        int ol = o->label, ul = u->label;
        if (labels && ol != PM_LABEL_NONE && ul != PM_LABEL_NONE && ol != ul &&
            o->scalar != SK_STRING && o->scalar != SK_NONE)
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
    else
        pd__named(d, o->full, u->full);
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

/* ------------------------------------------------------------ Java's order */

/* Confluent walks java.util.HashSets and HashMaps: a key comes by its
 * bucket in the final table, keys of one bucket in insertion order. */
typedef struct pd_key {
    uint32_t hash;
    size_t ins;         /* insertion rank */
    uint32_t bucket;
} pd_key_t;

static uint32_t
pd__spread(uint32_t h)
{
    return h ^ (h >> 16);
}

/* The table of a HashMap given n keys one by one. */
static uint32_t
pd__map_cap(size_t n)
{
    uint32_t cap = 16;
    while (n > (size_t)cap / 4 * 3)
        cap *= 2;
    return cap;
}

/* The table of new HashSet<>(n0 keys) given n keys in all. */
static uint32_t
pd__set_cap(size_t n0, size_t n)
{
    size_t want = (size_t)((float)n0 / .75f) + 1;
    uint32_t cap = 1;
    while (cap < want || cap < 16)
        cap *= 2;
    while (n > (size_t)cap / 4 * 3)
        cap *= 2;
    return cap;
}

static int
pd__key_cmp(const void *a, const void *b)
{
    const pd_key_t *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return x->ins < y->ins ? -1 : x->ins > y->ins;
}

/* Order keys (their ins already set) by bucket in a table of cap. */
static void
pd__order(pd_key_t *k, size_t n, uint32_t cap)
{
    for (size_t i = 0; i < n; i++)
        k[i].bucket = pd__spread(k[i].hash) & (cap - 1);
    qsort(k, n, sizeof(*k), pd__key_cmp);
}

static uint32_t
pd__string_hash(const char *s)
{
    uint32_t h = 0;
    for (; *s; s++)
        h = 31 * h + (unsigned char)*s;
    return h;
}

/* The tags of one side's fields selected by `oneof` (its index, or -1 for
 * plain fields), in the order of that side's HashMap by tag. */
static size_t
pd__side_tags(const pm_msg_t *m, int o, pd_key_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < m->fields.n; i++) {
        const pm_field_t *fd = &m->fields.v[i];
        int in = pd__in_oneof(m, fd);
        if (!((o == -1 && !in) || (o >= 0 && in && fd->oneof_index == o)))
            continue;
        size_t k = 0;
        while (k < n && out[k].hash != (uint32_t)fd->number)
            k++;
        if (k == n) {
            out[n] = (pd_key_t){(uint32_t)fd->number, n, 0};
            n++;
        }
    }
    pd__order(out, n, pd__map_cap(n));
    return n;
}

/* The tags of both sides (allTags: a HashSet of the original's, then the
 * update's), in its iteration order.  *out malloc'd. */
static size_t
pd__tags(const pm_msg_t *om, int oo, const pm_msg_t *um, int uo, int32_t **out)
{
    pd_key_t *ok = mem_alloc((om->fields.n + 1) * sizeof(*ok));
    pd_key_t *uk = mem_alloc((um->fields.n + 1) * sizeof(*uk));
    pd_key_t *all = mem_alloc((om->fields.n + um->fields.n + 1) * sizeof(*all));
    size_t no = pd__side_tags(om, oo, ok), nu = pd__side_tags(um, uo, uk), n = 0;
    for (size_t i = 0; i < no; i++)
        all[i] = (pd_key_t){ok[i].hash, i, 0};
    n = no;
    for (size_t i = 0; i < nu; i++) {
        size_t k = 0;
        while (k < no && ok[k].hash != uk[i].hash)
            k++;
        if (k == no) {
            all[n] = (pd_key_t){uk[i].hash, n, 0};
            n++;
        }
    }
    pd__order(all, n, pd__set_cap(no, n));
    int32_t *v = mem_alloc((n + 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = (int32_t)all[i].hash;
    free(ok);
    free(uk);
    free(all);
    *out = v;
    return n;
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
    /* allOneOfs: a HashSet of the original's names, then the update's */
    pd_key_t *keys = mem_alloc((om->noneofs + um->noneofs + 1) * sizeof(*keys));
    size_t nk = 0;
    for (size_t k = 0; k < om->noneofs; k++)
        keys[k] = (pd_key_t){pd__string_hash(om->oneofs[k].name), k, 0};
    nk = om->noneofs;
    for (size_t k = 0; k < um->noneofs; k++) {
        if (pd__oneof_named(om, um->oneofs[k].name) >= 0)
            continue;
        keys[nk] = (pd_key_t){pd__string_hash(um->oneofs[k].name), nk, 0};
        nk++;
    }
    pd__order(keys, nk, pd__set_cap(om->noneofs, nk));
    for (size_t j = 0; j < nk; j++) {
        if (keys[j].ins >= om->noneofs)
            continue;   /* ONEOF_ADDED: compatible */
        size_t k = keys[j].ins;
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
    free(keys);
}

static int
pd__on_stack(const pd_t *d, const pm_msg_t *m)
{
    for (size_t i = 0; i < d->nstack; i++) {
        if (d->stack[i] == m)
            return 1;
    }
    return 0;
}

static void pd__fields(pd_t *d, const pm_msg_t *om, const pm_msg_t *um);

/* MessageSchemaDiff.compare: the fields unless the original is already
 * being compared (enterSchema), the nested types in any case. */
static void
pd__message(pd_t *d, const pm_msg_t *om, const pm_msg_t *um)
{
    if (d->budget-- <= 0)
        return;
    int entered = !pd__on_stack(d, om) && d->nstack < PD_MAX_STACK;
    if (entered) {
        d->stack[d->nstack++] = om;
        pd__fields(d, om, um);
    }
    pd__types(d, &om->nested, &um->nested);
    if (entered)
        d->nstack--;
}

/* compareMessageTypes for two types of one local name: their messages
 * compared in a subcontext (the path goes on), and the field's type
 * changed when that found anything incompatible. */
static void
pd__named(pd_t *d, const char *ofull, const char *ufull)
{
    const pm_msg_t *om = pm_scope_msg(&d->o.scope, ofull);
    const pm_msg_t *um = pm_scope_msg(&d->u.scope, ufull);
    if (om == NULL || um == NULL || d->depth > 100)
        return;
    buf_t ow = d->o.where, uw = d->u.where;
    memset(&d->o.where, 0, sizeof(buf_t));
    memset(&d->u.where, 0, sizeof(buf_t));
    buf_puts(&d->o.where, ofull);
    buf_puts(&d->u.where, ufull);
    int before = d->incompatible;
    d->incompatible = 0;
    d->depth++;
    pd__message(d, om, um);
    d->depth--;
    int sub = d->incompatible;
    d->incompatible = before;
    buf_free(&d->o.where);
    buf_free(&d->u.where);
    d->o.where = ow;
    d->u.where = uw;
    if (sub)
        pd__add(d, PD_FIELD_NAMED_TYPE_CHANGED);
}

static void
pd__fields(pd_t *d, const pm_msg_t *om, const pm_msg_t *um)
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
    /* allMessageNames: a HashSet of the original's names, then the update's */
    pd_key_t *keys = mem_alloc((om->n + um->n + 1) * sizeof(*keys));
    size_t n = 0;
    for (size_t i = 0; i < om->n; i++)
        keys[i] = (pd_key_t){pd__string_hash(om->v[i].name), i, 0};
    n = om->n;
    for (size_t i = 0; i < um->n; i++) {
        if (pd__msg_named(om, um->v[i].name) != NULL)
            continue;
        keys[n] = (pd_key_t){pd__string_hash(um->v[i].name), n, 0};
        n++;
    }
    pd__order(keys, n, pd__set_cap(om->n, n));
    for (size_t j = 0; j < n; j++) {
        if (keys[j].ins >= om->n)
            continue;   /* only in the update: MESSAGE_ADDED, compatible */
        const pm_msg_t *o = &om->v[keys[j].ins];
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
    free(keys);
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
              .messages = messages, .budget = PD_BUDGET};
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
