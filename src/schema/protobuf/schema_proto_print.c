/*
 * schema_proto_print.c - Confluent's ProtobufSchemaUtils.toString over
 * the model.  Confluent prints wire's ProtoFileElement; a descriptor
 * holds the same elements (map fields as a nested map entry, oneof
 * members among the fields, groups as a field and a nested message), so
 * those are put back where wire keeps them.  Each element is rendered on
 * its own and indented into its parent, as appendIndented does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_proto_print.h"
#include "schema_proto_printopts.h"

typedef struct pp {
    const pm_file_t *f;
    const pm_scope_t *scope;
    ppo_t opt;          /* normalize, ignore_ext, the arena of merged options */
    buf_t where;        /* full name of the enclosing scope */
    char *err;          /* the first type that did not resolve */
} pp_t;

static void pp__msg(pp_t *p, buf_t *b, const pm_msg_t *m);

/* appendIndented: Java's split("\n") drops trailing empty lines. */
static void
pp__indent(buf_t *dst, const buf_t *src)
{
    size_t end = src->len;
    while (end > 0 && src->data[end - 1] == '\n')
        end--;
    size_t i = 0;
    while (i < end) {
        const char *nl = memchr(src->data + i, '\n', end - i);
        size_t stop = nl ? (size_t)(nl - src->data) : end;
        buf_puts(dst, "  ");
        buf_append(dst, src->data + i, stop - i);
        buf_puts(dst, "\n");
        i = stop + 1;
    }
    if (end == 0 && src->len > 0)
        buf_puts(dst, "  \n");
}

/* The resolved name with its leading dot, or the name itself and the
 * error recorded. */
static void
pp__resolved(pp_t *p, buf_t *b, const char *name)
{
    buf_t full = {0};
    if (pm_scope_resolve(p->scope, p->where.data ? p->where.data : "", name, &full) != 0) {
        if (p->err == NULL)
            p->err = mem_printf("Could not resolve type: %s", name);
        buf_puts(b, name);
    } else {
        buf_puts(b, ".");
        buf_append(b, full.data, full.len);
    }
    buf_free(&full);
}

/* ------------------------------------------------------------ options */
/* "option NAME = VALUE;\n" lines, indented or not. */
static void
pp__option_lines(const pp_t *p, buf_t *b, const pm_opts_t *opts, int indent)
{
    const pm_opt_t **v;
    size_t n = ppo_filter(&p->opt, opts, NULL, 0, &v);
    for (size_t i = 0; i < n; i++) {
        buf_t line = {0};
        buf_puts(&line, "option ");
        ppo_value(&p->opt, &line, v[i]);
        buf_puts(&line, ";\n");
        if (indent)
            pp__indent(b, &line);
        else
            buf_append(b, line.data, line.len);
        buf_free(&line);
    }
    free(v);
}

/* appendOptions: "[a = 1]" or "[\n  a = 1,\n  b = 2\n]". */
static void
pp__bracket(const pp_t *p, buf_t *b, const pm_opt_t **v, size_t n)
{
    if (n == 1) {
        buf_puts(b, "[");
        ppo_value(&p->opt, b, v[0]);
        buf_puts(b, "]");
        return;
    }
    buf_puts(b, "[\n");
    for (size_t i = 0; i < n; i++) {
        buf_t line = {0};
        ppo_value(&p->opt, &line, v[i]);
        if (i + 1 < n)
            buf_puts(&line, ",");
        pp__indent(b, &line);
        buf_free(&line);
    }
    buf_puts(b, "]");
}

/* ------------------------------------------------------------ fields */

static const pm_msg_t *
pp__nested_named(const pm_msg_t *m, const char *type_name)
{
    if (m == NULL || type_name == NULL)
        return NULL;
    const char *dot = strrchr(type_name, '.');
    const char *last = dot ? dot + 1 : type_name;
    for (size_t i = 0; i < m->nested.n; i++) {
        if (strcmp(m->nested.v[i].name, last) == 0)
            return &m->nested.v[i];
    }
    return NULL;
}

/* The map entry a repeated field of `m` stands for, or NULL. */
static const pm_msg_t *
pp__map_entry(const pm_msg_t *m, const pm_field_t *fd)
{
    if (fd->label != PM_LABEL_REPEATED || fd->type_name == NULL)
        return NULL;
    if (fd->type != 0 && fd->type != PM_TYPE_MESSAGE)
        return NULL;
    const pm_msg_t *e = pp__nested_named(m, fd->type_name);
    return e != NULL && e->map_entry && e->fields.n == 2 ? e : NULL;
}

/* A descriptor's field without a type name is named by its type, as
 * Confluent's toProtoFile does (protobuf-java reads an absent or unknown
 * type as TYPE_DOUBLE); "group", "message" and "enum" name no type. */
static const char *
pp__type_text(const pm_field_t *fd, int *named)
{
    *named = fd->type_name != NULL;
    if (fd->type_name != NULL)
        return fd->type_name;
    const char *s = pm_scalar_name(fd->type);
    if (s != NULL)
        return s;
    *named = 1;
    switch (fd->type) {
    case PM_TYPE_GROUP: return "group";
    case PM_TYPE_MESSAGE: return "message";
    case PM_TYPE_ENUM: return "enum";
    default: *named = 0; return "double";
    }
}

static void
pp__type(pp_t *p, buf_t *b, const pm_field_t *fd)
{
    int named;
    const char *t = pp__type_text(fd, &named);
    if (p->opt.normalize && named)
        pp__resolved(p, b, t);
    else
        buf_puts(b, t);
}

/* Whether the field's label was written (wire keeps none in proto3
 * unless `optional`, none in a oneof, none on a map). */
static const char *
pp__label(const pp_t *p, const pm_field_t *fd, int in_oneof)
{
    int proto3 = p->f->syntax != NULL && strcmp(p->f->syntax, "proto3") == 0;
    if (in_oneof)
        return NULL;
    switch (fd->label) {
    case PM_LABEL_REPEATED: return "repeated";
    case PM_LABEL_REQUIRED: return "required";
    case PM_LABEL_OPTIONAL: return !proto3 || fd->proto3_optional ? "optional" : NULL;
    default: return NULL;
    }
}

/* The kind Confluent gives `default` (toKind). */
static pm_opt_kind_t
pp__default_kind(const pm_field_t *fd)
{
    if (fd->type_name != NULL)
        return PM_OPT_IDENT;
    if (fd->type == 8)
        return PM_OPT_IDENT;
    if (fd->type == 9)
        return PM_OPT_STRING;
    return PM_OPT_NUMBER;
}

static void
pp__field(pp_t *p, buf_t *b, const pm_msg_t *m, const pm_field_t *fd, int in_oneof)
{
    const pm_msg_t *entry = pp__map_entry(m, fd);
    if (entry != NULL) {
        buf_puts(b, "map<");
        pp__type(p, b, &entry->fields.v[0]);
        buf_puts(b, ", ");
        pp__type(p, b, &entry->fields.v[1]);
        buf_puts(b, ">");
    } else {
        const char *label = pp__label(p, fd, in_oneof);
        if (label != NULL) {
            buf_puts(b, label);
            buf_puts(b, " ");
        }
        pp__type(p, b, fd);
    }
    buf_printf(b, " %s = %d", fd->name, fd->number);
    pm_opt_t extra[2];
    size_t nextra = 0;
    if (fd->default_value != NULL)
        extra[nextra++] = (pm_opt_t){"default", pp__default_kind(fd), fd->default_value};
    if (fd->json_name != NULL)
        extra[nextra++] = (pm_opt_t){"json_name", PM_OPT_STRING, fd->json_name};
    const pm_opt_t **v;
    size_t n = ppo_filter(&p->opt, &fd->opts, extra, nextra, &v);
    if (n > 0) {
        buf_puts(b, " ");
        pp__bracket(p, b, v, n);
    }
    free(v);
    buf_puts(b, ";\n");
}

static void
pp__field_line(pp_t *p, buf_t *b, const pm_msg_t *m, const pm_field_t *fd, int in_oneof)
{
    buf_t t = {0};
    pp__field(p, &t, m, fd, in_oneof);
    pp__indent(b, &t);
    buf_free(&t);
}

static int
pp__field_cmp(const void *a, const void *b)
{
    const pm_field_t *x = *(const pm_field_t *const *)a, *y = *(const pm_field_t *const *)b;
    return x->number < y->number ? -1 : x->number > y->number;
}

/* A oneof Confluent would print: not the synthetic one of a proto3 optional. */
static int
pp__real_oneof(const pm_msg_t *m, size_t k)
{
    for (size_t i = 0; i < m->fields.n; i++) {
        if (m->fields.v[i].oneof_index == (int32_t)k && m->fields.v[i].proto3_optional)
            return 0;
    }
    return 1;
}

static int
pp__in_oneof(const pm_msg_t *m, const pm_field_t *fd)
{
    return fd->oneof_index >= 0 && (size_t)fd->oneof_index < m->noneofs && !fd->proto3_optional;
}

/* The fields of `m` selected by `pick`, sorted by tag when normalizing. */
static size_t
pp__select(const pp_t *p, const pm_msg_t *m, int oneof, int groups, const pm_field_t ***out)
{
    const pm_field_t **v = mem_alloc((m->fields.n + 1) * sizeof(*v));
    size_t n = 0;
    for (size_t i = 0; i < m->fields.n; i++) {
        const pm_field_t *fd = &m->fields.v[i];
        int is_group = fd->type == PM_TYPE_GROUP;
        int in = pp__in_oneof(m, fd) ? fd->oneof_index : -1;
        if (in == oneof && is_group == groups)
            v[n++] = fd;
    }
    if (p->opt.normalize && n > 1)
        qsort(v, n, sizeof(*v), pp__field_cmp);
    *out = v;
    return n;
}

static void
pp__group(pp_t *p, buf_t *b, const pm_msg_t *m, const pm_field_t *fd, int in_oneof)
{
    const pm_msg_t *g = pp__nested_named(m, fd->type_name);
    buf_t t = {0};
    const char *label = pp__label(p, fd, in_oneof);
    if (label != NULL)
        buf_printf(&t, "%s ", label);
    buf_printf(&t, "group %s = %d {", g ? g->name : fd->type_name, fd->number);
    if (g != NULL && g->fields.n > 0) {
        buf_puts(&t, "\n");
        const pm_field_t **v;
        size_t n = pp__select(p, g, -1, 0, &v);
        for (size_t i = 0; i < n; i++)
            pp__field_line(p, &t, g, v[i], 0);
        free(v);
    }
    buf_puts(&t, "}\n");
    pp__indent(b, &t);
    buf_free(&t);
}

/* ------------------------------------------------------------ ranges */

static int
pp__range_cmp(const void *a, const void *b)
{
    const pm_range_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* One range as wire prints it: a single number alone, else "a to b",
 * the last field number (536870911) written as "max". */
static void
pp__range(buf_t *b, const pm_range_t *r)
{
    int64_t last = r->end - 1;
    if (last == r->start) {
        buf_printf(b, "%lld", (long long)r->start);
        return;
    }
    if (last < 536870911)
        buf_printf(b, "%lld to %lld", (long long)r->start, (long long)last);
    else
        buf_printf(b, "%lld to max", (long long)r->start);
}

/* Reserved numbers in one statement and names in another, as written by
 * hand; normalized, one statement per value, by number, then names. */
static void
pp__reserved(const pp_t *p, buf_t *b, const pm_ranges_t *rs, const pm_names_t *names)
{
    pm_range_t *v = mem_alloc((rs->n + 1) * sizeof(*v));
    if (rs->n > 0)
        memcpy(v, rs->v, rs->n * sizeof(*v));
    if (p->opt.normalize)
        qsort(v, rs->n, sizeof(*v), pp__range_cmp);
    buf_t line = {0};
    for (size_t i = 0; i < rs->n; i++) {
        if (p->opt.normalize || i == 0)
            buf_puts(&line, "reserved ");
        else
            buf_puts(&line, ", ");
        pp__range(&line, &v[i]);
        if (p->opt.normalize || i + 1 == rs->n)
            buf_puts(&line, ";\n");
    }
    for (size_t i = 0; i < names->n; i++) {
        if (p->opt.normalize || i == 0)
            buf_puts(&line, "reserved ");
        else
            buf_puts(&line, ", ");
        buf_printf(&line, "\"%s\"", names->v[i]);
        if (p->opt.normalize || i + 1 == names->n)
            buf_puts(&line, ";\n");
    }
    pp__indent(b, &line);
    buf_free(&line);
    free(v);
}

static void
pp__ext_ranges(const pp_t *p, buf_t *b, const pm_ranges_t *rs)
{
    pm_range_t *v = mem_alloc((rs->n + 1) * sizeof(*v));
    if (rs->n > 0)
        memcpy(v, rs->v, rs->n * sizeof(*v));
    if (p->opt.normalize)
        qsort(v, rs->n, sizeof(*v), pp__range_cmp);
    buf_t line = {0};
    for (size_t i = 0; i < rs->n; i++) {
        if (p->opt.normalize || i == 0)
            buf_puts(&line, "extensions ");
        else
            buf_puts(&line, ", ");
        pp__range(&line, &v[i]);
        if (p->opt.normalize || i + 1 == rs->n)
            buf_puts(&line, ";\n");
    }
    pp__indent(b, &line);
    buf_free(&line);
    free(v);
}

/* ------------------------------------------------------------ extend */

/* Extension fields, one `extend` per run of the same extendee (resolved
 * and grouped over the whole list when normalizing). */
static void
pp__extends(pp_t *p, buf_t *b, const pm_fields_t *ext, int indent)
{
    char *done = mem_calloc(ext->n + 1, 1);
    for (size_t i = 0; i < ext->n; i++) {
        if (done[i])
            continue;
        buf_t t = {0}, name = {0};
        if (p->opt.normalize)
            pp__resolved(p, &name, ext->v[i].extendee ? ext->v[i].extendee : "");
        else
            buf_puts(&name, ext->v[i].extendee ? ext->v[i].extendee : "");
        buf_printf(&t, "extend %s {\n", name.data ? name.data : "");
        for (size_t j = i; j < ext->n; j++) {
            const char *e = ext->v[j].extendee ? ext->v[j].extendee : "";
            const char *ei = ext->v[i].extendee ? ext->v[i].extendee : "";
            if (done[j] || strcmp(e, ei) != 0) {
                if (!p->opt.normalize)
                    break;
                continue;
            }
            done[j] = 1;
            pp__field_line(p, &t, NULL, &ext->v[j], 0);
        }
        buf_puts(&t, "}\n");
        if (indent)
            pp__indent(b, &t);
        else
            buf_append(b, t.data, t.len);
        buf_free(&t);
        buf_free(&name);
    }
    free(done);
}

/* ------------------------------------------------------------ types */

static int
pp__value_cmp(const void *a, const void *b)
{
    const pm_enum_value_t *x = *(const pm_enum_value_t *const *)a;
    const pm_enum_value_t *y = *(const pm_enum_value_t *const *)b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void
pp__enum(pp_t *p, buf_t *b, const pm_enum_t *e)
{
    buf_printf(b, "enum %s {", e->name);
    int reserved = e->reserved.n > 0 || e->reserved_names.n > 0;
    if (reserved) {
        buf_puts(b, "\n");
        pp__reserved(p, b, &e->reserved, &e->reserved_names);
    }
    if (!reserved && (e->opts.n > 0 || e->nvalues > 0))
        buf_puts(b, "\n");
    pp__option_lines(p, b, &e->opts, 1);
    const pm_enum_value_t **v = mem_alloc((e->nvalues + 1) * sizeof(*v));
    for (size_t i = 0; i < e->nvalues; i++)
        v[i] = &e->values[i];
    if (p->opt.normalize && e->nvalues > 1)
        qsort(v, e->nvalues, sizeof(*v), pp__value_cmp);
    for (size_t i = 0; i < e->nvalues; i++) {
        buf_t t = {0};
        buf_printf(&t, "%s = %d", v[i]->name, v[i]->number);
        const pm_opt_t **o;
        size_t n = ppo_filter(&p->opt, &v[i]->opts, NULL, 0, &o);
        if (n > 0) {
            buf_puts(&t, " ");
            pp__bracket(p, &t, o, n);
        }
        free(o);
        buf_puts(&t, ";\n");
        pp__indent(b, &t);
        buf_free(&t);
    }
    free(v);
    buf_puts(b, "}\n");
}

/* Whether nested message `n` of `m` is printed in its own right (not a
 * map entry, not a group's body). */
static int
pp__shown(const pm_msg_t *m, const pm_msg_t *n)
{
    if (n->map_entry)
        return 0;
    for (size_t i = 0; i < m->fields.n; i++) {
        const pm_field_t *fd = &m->fields.v[i];
        if (fd->type == PM_TYPE_GROUP && pp__nested_named(m, fd->type_name) == n)
            return 0;
    }
    return 1;
}

static void
pp__enter(pp_t *p, const char *name, size_t *mark)
{
    *mark = p->where.len;
    if (p->where.len > 0)
        buf_puts(&p->where, ".");
    buf_puts(&p->where, name);
}

static void
pp__leave(pp_t *p, size_t mark)
{
    p->where.len = mark;
    if (p->where.data)
        p->where.data[mark] = '\0';
}

static void
pp__types(pp_t *p, buf_t *b, const pm_msg_t *parent, const pm_msgs_t *msgs,
          const pm_enums_t *enums, int indent)
{
    for (size_t i = 0; i < msgs->n; i++) {
        if (parent != NULL && !pp__shown(parent, &msgs->v[i]))
            continue;
        buf_t t = {0};
        size_t mark;
        pp__enter(p, msgs->v[i].name, &mark);
        pp__msg(p, &t, &msgs->v[i]);
        pp__leave(p, mark);
        if (indent)
            pp__indent(b, &t);
        else
            buf_append(b, t.data, t.len);
        buf_free(&t);
    }
    for (size_t i = 0; i < enums->n; i++) {
        buf_t t = {0};
        pp__enum(p, &t, &enums->v[i]);
        if (indent)
            pp__indent(b, &t);
        else
            buf_append(b, t.data, t.len);
        buf_free(&t);
    }
}

static size_t
pp__shown_count(const pm_msg_t *m)
{
    size_t n = m->enums.n;
    for (size_t i = 0; i < m->nested.n; i++)
        n += pp__shown(m, &m->nested.v[i]);
    return n;
}

static int
pp__oneof_cmp(const void *a, const void *b)
{
    const int32_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void
pp__oneofs(pp_t *p, buf_t *b, const pm_msg_t *m)
{
    /* pairs (first tag, oneof index) for the order */
    int32_t *order = mem_alloc((m->noneofs + 1) * 2 * sizeof(int32_t));
    size_t n = 0;
    for (size_t k = 0; k < m->noneofs; k++) {
        if (!pp__real_oneof(m, k))
            continue;
        const pm_field_t **v;
        size_t nf = pp__select(p, m, (int)k, 0, &v);
        if (p->opt.normalize && nf == 0) {
            free(v);
            continue;
        }
        order[2 * n] = nf ? v[0]->number : 0;
        order[2 * n + 1] = (int32_t)k;
        n++;
        free(v);
    }
    if (p->opt.normalize && n > 1)
        qsort(order, n, 2 * sizeof(int32_t), pp__oneof_cmp);
    if (n > 0)
        buf_puts(b, "\n");
    for (size_t i = 0; i < n; i++) {
        int k = order[2 * i + 1];
        buf_t t = {0};
        buf_printf(&t, "oneof %s {", m->oneofs[k].name);
        if (m->oneofs[k].opts.n > 0) {
            buf_puts(&t, "\n");
            pp__option_lines(p, &t, &m->oneofs[k].opts, 1);
        }
        const pm_field_t **v;
        size_t nf = pp__select(p, m, k, 0, &v);
        if (nf > 0)
            buf_puts(&t, "\n");
        for (size_t j = 0; j < nf; j++)
            pp__field_line(p, &t, m, v[j], 1);
        free(v);
        nf = pp__select(p, m, k, 1, &v);
        if (nf > 0)
            buf_puts(&t, "\n");
        for (size_t j = 0; j < nf; j++)
            pp__group(p, &t, m, v[j], 1);
        free(v);
        buf_puts(&t, "}\n");
        pp__indent(b, &t);
        buf_free(&t);
    }
    free(order);
}

static void
pp__msg(pp_t *p, buf_t *b, const pm_msg_t *m)
{
    buf_printf(b, "message %s {", m->name);
    if (m->reserved.n > 0 || m->reserved_names.n > 0) {
        buf_puts(b, "\n");
        pp__reserved(p, b, &m->reserved, &m->reserved_names);
    }
    const pm_opt_t **ov;
    size_t no = ppo_filter(&p->opt, &m->opts, NULL, 0, &ov);
    free(ov);
    if (no > 0) {
        buf_puts(b, "\n");
        pp__option_lines(p, b, &m->opts, 1);
    }
    const pm_field_t **v;
    size_t n = pp__select(p, m, -1, 0, &v);
    if (n > 0)
        buf_puts(b, "\n");
    for (size_t i = 0; i < n; i++)
        pp__field_line(p, b, m, v[i], 0);
    free(v);
    pp__oneofs(p, b, m);
    n = pp__select(p, m, -1, 1, &v);
    if (n > 0)
        buf_puts(b, "\n");
    for (size_t i = 0; i < n; i++)
        pp__group(p, b, m, v[i], 0);
    free(v);
    if (!p->opt.ignore_ext && m->ext_ranges.n > 0) {
        buf_puts(b, "\n");
        pp__ext_ranges(p, b, &m->ext_ranges);
    }
    if (!p->opt.ignore_ext && m->extensions.n > 0) {
        buf_puts(b, "\n");
        pp__extends(p, b, &m->extensions, 1);
    }
    if (pp__shown_count(m) > 0) {
        buf_puts(b, "\n");
        pp__types(p, b, m, &m->nested, &m->enums, 1);
    }
    buf_puts(b, "}\n");
}

/* ------------------------------------------------------------ file */

static void
pp__method(pp_t *p, buf_t *b, const pm_method_t *r)
{
    buf_t t = {0};
    buf_printf(&t, "rpc %s (%s", r->name, r->client_streaming ? "stream " : "");
    if (p->opt.normalize)
        pp__resolved(p, &t, r->input);
    else
        buf_puts(&t, r->input);
    buf_printf(&t, ") returns (%s", r->server_streaming ? "stream " : "");
    if (p->opt.normalize)
        pp__resolved(p, &t, r->output);
    else
        buf_puts(&t, r->output);
    buf_puts(&t, ")");
    const pm_opt_t **ov;
    size_t no = ppo_filter(&p->opt, &r->opts, NULL, 0, &ov);
    free(ov);
    if (no > 0) {
        buf_puts(&t, " {\n");
        pp__option_lines(p, &t, &r->opts, 1);
        buf_puts(&t, "}");
    }
    buf_puts(&t, ";\n");
    pp__indent(b, &t);
    buf_free(&t);
}

static void
pp__service(pp_t *p, buf_t *b, const pm_service_t *s)
{
    buf_printf(b, "service %s {", s->name);
    const pm_opt_t **ov;
    size_t no = ppo_filter(&p->opt, &s->opts, NULL, 0, &ov);
    free(ov);
    if (no > 0) {
        buf_puts(b, "\n");
        pp__option_lines(p, b, &s->opts, 1);
    }
    if (s->nmethods > 0)
        buf_puts(b, "\n");
    for (size_t i = 0; i < s->nmethods; i++)
        pp__method(p, b, &s->methods[i]);
    buf_puts(b, "}\n");
}

static int
pp__str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Imports, public or not, sorted and distinct when normalizing. */
static void
pp__imports(const pp_t *p, buf_t *b, int public)
{
    const pm_file_t *f = p->f;
    const char **v = mem_alloc((f->deps.n + 1) * sizeof(*v));
    size_t n = 0;
    for (size_t i = 0; i < f->deps.n; i++) {
        if (pm_is_public(f, i) == public)
            v[n++] = f->deps.v[i];
    }
    if (p->opt.normalize && n > 1)
        qsort(v, n, sizeof(*v), pp__str_cmp);
    for (size_t i = 0; i < n; i++) {
        if (p->opt.normalize && i > 0 && strcmp(v[i], v[i - 1]) == 0)
            continue;
        buf_printf(b, "import %s\"%s\";\n", public ? "public " : "", v[i]);
    }
    free(v);
}

static size_t
pp__top_types(const pm_file_t *f)
{
    return f->msgs.n + f->enums.n;
}

char *
pm_print(const pm_file_t *f, const pm_scope_t *scope, int flags, char **err)
{
    mem_arena_t arena = {0};
    pp_t p = {.f = f, .scope = scope,
              .opt = {.normalize = (flags & PM_PRINT_NORMALIZE) != 0,
                      .ignore_ext = (flags & PM_PRINT_IGNORE_EXTENSIONS) != 0,
                      .arena = &arena}};
    buf_t b = {0};
    *err = NULL;
    buf_puts(&p.where, f->package ? f->package : "");
    if (f->syntax != NULL && (!p.opt.normalize || strcmp(f->syntax, "proto3") == 0))
        buf_printf(&b, "syntax = \"%s\";\n", f->syntax);
    if (f->package != NULL)
        buf_printf(&b, "package %s;\n", f->package);
    if (f->deps.n > 0) {
        buf_puts(&b, "\n");
        pp__imports(&p, &b, 0);
        pp__imports(&p, &b, 1);
    }
    const pm_opt_t **ov;
    size_t no = ppo_filter(&p.opt, &f->opts, NULL, 0, &ov);
    free(ov);
    if (no > 0) {
        buf_puts(&b, "\n");
        pp__option_lines(&p, &b, &f->opts, 0);
    }
    if (pp__top_types(f) > 0) {
        buf_puts(&b, "\n");
        pp__types(&p, &b, NULL, &f->msgs, &f->enums, 0);
    }
    if (!p.opt.ignore_ext && f->extensions.n > 0) {
        buf_puts(&b, "\n");
        pp__extends(&p, &b, &f->extensions, 0);
    }
    if (f->nservices > 0)
        buf_puts(&b, "\n");
    for (size_t i = 0; i < f->nservices; i++)
        pp__service(&p, &b, &f->services[i]);
    buf_free(&p.where);
    mem_arena_reset(&arena);
    if (p.err != NULL) {
        *err = p.err;
        buf_free(&b);
        return NULL;
    }
    if (b.data == NULL)
        buf_puts(&b, "");
    return buf_steal(&b, NULL);
}
