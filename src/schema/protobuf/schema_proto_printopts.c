/*
 * schema_proto_printopts.c - options as Confluent's printer filters,
 * orders, merges and writes them.
 */
#include "schema_proto_printopts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_proto_agg.h"
#include "schema_proto_optmap.h"

/* A MAP option's value as Confluent formats it; the parser's text as it
 * is when it is no text-format message. */
static void
ppo__aggregate(buf_t *b, const char *text, int normalize)
{
    mem_arena_t a = {0};
    pa_val_t *map = pa_parse(&a, text);
    if (map != NULL) {
        pa_format(b, map, normalize);
    } else {
        buf_puts(b, "{");
        buf_puts(b, text);
        buf_puts(b, "}");
    }
    mem_arena_reset(&a);
}

void
ppo_value(const ppo_t *p, buf_t *b, const pm_opt_t *o)
{
    buf_puts(b, o->name);
    switch (o->kind) {
    case PM_OPT_STRING:
        buf_puts(b, " = \"");
        pa_escape(b, o->value);
        buf_puts(b, "\"");
        break;
    case PM_OPT_IDENT:
    case PM_OPT_NUMBER:
        buf_puts(b, " = ");
        buf_puts(b, o->value);
        break;
    case PM_OPT_AGGREGATE:
        buf_puts(b, " = ");
        ppo__aggregate(b, o->value, p->normalize);
        break;
    }
}

static int
ppo__opt_kept(const ppo_t *p, const pm_opt_t *o)
{
    if (!p->ignore_ext || o->name[0] != '(')
        return 1;
    return strncmp(o->name, "(confluent.", 11) == 0;
}

/* wire's name of an option: no parentheses, no path ("(a.b).c" is a.b). */
static size_t
ppo__wire_name(const pm_opt_t *o, const char **name)
{
    if (o->name[0] != '(') {
        *name = o->name;
        return strlen(o->name);
    }
    *name = o->name + 1;
    const char *close = strchr(o->name, ')');
    return close ? (size_t)(close - o->name - 1) : strlen(o->name + 1);
}

static int
ppo__opt_cmp(const void *a, const void *b)
{
    const pm_opt_t *x = *(const pm_opt_t *const *)a, *y = *(const pm_opt_t *const *)b;
    const char *nx, *ny;
    size_t lx = ppo__wire_name(x, &nx), ly = ppo__wire_name(y, &ny);
    int c = memcmp(nx, ny, lx < ly ? lx : ly);
    if (c != 0)
        return c;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    /* a stable sort: keep the written order among options of one name */
    return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

/* Confluent's options (meta.proto), the extensions the normalizer always
 * resolves (its bundled files are in every schema's scope). */
static int
ppo__meta(const char *name, size_t len)
{
    static const char *const metas[] = {"confluent.file_meta", "confluent.message_meta",
                                        "confluent.field_meta", "confluent.enum_meta",
                                        "confluent.enum_value_meta", NULL};
    for (const char *const *m = metas; *m; m++) {
        if (strlen(*m) == len && memcmp(*m, name, len) == 0)
            return 1;
    }
    return 0;
}

/* filterOptions' grouping when normalizing: the options of one resolved,
 * non-repeated extension (the Meta ones) merge into one map (sorted
 * already, so a name's options are together).  Returns the new count. */
static size_t
ppo__merge_metas(const ppo_t *p, const pm_opt_t **v, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        const char *name;
        size_t len = ppo__wire_name(v[i], &name), j = i + 1;
        if (!ppo__meta(name, len) || v[i]->name[0] != '(') {
            v[out++] = v[i++];
            continue;
        }
        pmo_opt_t merged;
        pmo_transform(p->arena, v[i], &merged);
        for (; j < n; j++) {
            const char *nj;
            size_t lj = ppo__wire_name(v[j], &nj);
            if (lj != len || memcmp(nj, name, len) != 0 || v[j]->name[0] != '(')
                break;
            pmo_opt_t next;
            pmo_transform(p->arena, v[j], &next);
            pmo_merge(p->arena, &merged, &next);
        }
        pm_opt_t *o = mem_arena_alloc(p->arena, sizeof(*o));
        *o = pmo_to_opt(p->arena, &merged);
        v[out++] = o;
        i = j;
    }
    return out;
}

/* FormatContext.filterOptions: the options kept, sorted when normalizing.
 * Returns the count; *out malloc'd (the caller frees). */
size_t
ppo_filter(const ppo_t *p, const pm_opts_t *opts, const pm_opt_t *extra, size_t nextra,
           const pm_opt_t ***out)
{
    const pm_opt_t **v = mem_alloc((opts->n + nextra + 1) * sizeof(*v));
    size_t n = 0;
    for (size_t i = 0; i < opts->n; i++) {
        if (ppo__opt_kept(p, &opts->v[i]))
            v[n++] = &opts->v[i];
    }
    for (size_t i = 0; i < nextra; i++)
        v[n++] = &extra[i];
    if (p->normalize && n > 1)
        qsort(v, n, sizeof(*v), ppo__opt_cmp);
    if (p->normalize)
        n = ppo__merge_metas(p, v, n);
    *out = v;
    return n;
}
