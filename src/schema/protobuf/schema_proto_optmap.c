/*
 * schema_proto_optmap.c - ProtobufSchema.transform and merge over the
 * model's options (schema_proto_optmap.h).
 */
#include <string.h>

#include "schema_proto_optmap.h"


/* transform(): "(a.b).c.d = v" is "(a.b) = { c: { d: v } }". */
void
pmo_transform(mem_arena_t *a, const pm_opt_t *o, pmo_opt_t *out)
{
    memset(out, 0, sizeof(*out));
    out->plain = o;
    out->key = o->name;
    const char *path = NULL;
    if (o->name[0] == '(') {
        const char *close = strchr(o->name, ')');
        if (close == NULL)
            return;
        out->paren = 1;
        out->key = mem_arena_strndup(a, o->name + 1, (size_t)(close - o->name - 1));
        path = close[1] == '.' ? close + 2 : NULL;
    }
    if (o->kind == PM_OPT_AGGREGATE) {
        out->map = pa_parse(a, o->value);
        if (out->map == NULL)
            return;
    } else if (path == NULL) {
        return;
    }
    if (path == NULL)
        return;
    pa_val_t *leaf = out->map ? out->map
                              : pa_new(a, o->kind == PM_OPT_STRING ? PA_STR : PA_PRIM, o->value);
    /* wrap from the innermost name out */
    const char *end = path + strlen(path);
    while (end > path) {
        const char *dot = end;
        while (dot > path && dot[-1] != '.')
            dot--;
        pa_val_t *m = pa_new(a, PA_MAP, NULL);
        pa_set(a, m, mem_arena_strndup(a, dot, (size_t)(end - dot)), leaf);
        leaf = m;
        end = dot > path ? dot - 1 : path;
    }
    out->map = leaf;
}

static int
pmo__val_equal(const pa_val_t *x, const pa_val_t *y)
{
    if (x->kind != y->kind || x->n != y->n)
        return 0;
    if (x->kind == PA_STR || x->kind == PA_PRIM)
        return strcmp(x->text, y->text) == 0;
    for (size_t i = 0; i < x->n; i++) {
        if (x->kind == PA_MAP && strcmp(x->keys[i], y->keys[i]) != 0)
            return 0;
        if (!pmo__val_equal(x->vals[i], y->vals[i]))
            return 0;
    }
    return 1;
}

static void
pmo__push_distinct(mem_arena_t *a, pa_val_t *list, pa_val_t *v)
{
    for (size_t i = 0; i < list->n; i++) {
        if (pmo__val_equal(list->vals[i], v))
            return;
    }
    pa_push(a, list, v);
}

/* ProtobufSchema.merge: a key in both maps gathers both values (a list,
 * without repeats); otherwise the replacement wins. */
void
pmo_merge(mem_arena_t *a, pmo_opt_t *existing, const pmo_opt_t *repl)
{
    if (existing->map == NULL || repl->map == NULL) {
        *existing = *repl;
        return;
    }
    pa_val_t *merged = pa_new(a, PA_MAP, NULL);
    for (size_t i = 0; i < existing->map->n; i++)
        pa_set(a, merged, existing->map->keys[i], existing->map->vals[i]);
    for (size_t i = 0; i < repl->map->n; i++) {
        pa_val_t *old = pa_get(merged, repl->map->keys[i]);
        if (old == NULL) {
            pa_set(a, merged, repl->map->keys[i], repl->map->vals[i]);
            continue;
        }
        pa_val_t *list = pa_new(a, PA_LIST, NULL);
        const pa_val_t *both[2] = {old, repl->map->vals[i]};
        for (int k = 0; k < 2; k++) {
            if (both[k]->kind == PA_LIST) {
                for (size_t j = 0; j < both[k]->n; j++)
                    pmo__push_distinct(a, list, both[k]->vals[j]);
            } else {
                pmo__push_distinct(a, list, (pa_val_t *)both[k]);
            }
        }
        pa_set(a, merged, repl->map->keys[i], list);
    }
    existing->map = merged;
    existing->paren = repl->paren;
}

pm_opt_t
pmo_to_opt(mem_arena_t *a, const pmo_opt_t *o)
{
    if (o->map == NULL)
        return *o->plain;
    buf_t txt = {0}, name = {0};
    pa_write(&txt, o->map);
    buf_printf(&name, o->paren ? "(%s)" : "%s", o->key);
    pm_opt_t out = {mem_arena_strndup(a, name.data, name.len), PM_OPT_AGGREGATE,
                    mem_arena_strndup(a, txt.data ? txt.data : "", txt.len)};
    buf_free(&txt);
    buf_free(&name);
    return out;
}
