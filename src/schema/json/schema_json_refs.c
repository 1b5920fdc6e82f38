/* schema_json_refs.c - the documents a JSON Schema's `$ref`s reach through references. */
#include "schema_json_refs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void
sjr_init(sjr_set_t *s, const schema_ref_t *refs, size_t n, int dialect)
{
    s->bridge = dialect >= 8;
    s->refs = refs;
    s->n = n;
    s->docs = n ? mem_calloc(n, sizeof(*s->docs)) : NULL;
    s->tried = n ? mem_calloc(n, 1) : NULL;
}

void
sjr_free(sjr_set_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        jsn_free(s->docs[i]);
    free(s->docs);
    free(s->tried);
    *s = (sjr_set_t){0};
}

/* Whether `u` starts with a URI scheme ("mem:", "https:"): an absolute URI. */
static int
sjr__absolute(const char *u, size_t n)
{
    if (n == 0 || !isalpha((unsigned char)u[0]))
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (u[i] == ':')
            return 1;
        if (!isalnum((unsigned char)u[i]) && u[i] != '+' && u[i] != '-' && u[i] != '.')
            return 0;
    }
    return 0;
}

/*
 * `u` resolved against `base` as java.net.URI.resolve does for the names
 * references carry: an absolute `u` stands; otherwise it replaces what
 * follows the last '/' of a hierarchical base.  Leading "./" segments are
 * dropped (URI normalization).  The result is malloc'd; the caller frees.
 */
static char *
sjr__resolve(const jsn_t *base, const char *u, size_t n)
{
    while (n >= 2 && u[0] == '.' && u[1] == '/') {
        u += 2;
        n -= 2;
    }
    size_t keep = 0;
    if (!sjr__absolute(u, n) && base != NULL && base->type == JSN_STR) {
        const char *slash = NULL;
        for (size_t i = 0; i < base->len; i++)
            slash = base->str[i] == '/' ? base->str + i : slash;
        keep = slash ? (size_t)(slash - base->str) + 1 : 0;
    }
    char *out = mem_alloc(keep + n + 1);
    memcpy(out, base ? base->str : "", keep);
    memcpy(out + keep, u, n);
    out[keep + n] = '\0';
    return out;
}

static const jsn_t *
sjr__doc(sjr_set_t *s, size_t i)
{
    if (!s->tried[i]) {
        s->tried[i] = 1;
        const char *t = s->refs[i].text;
        s->docs[i] = jsn_parse(t, strlen(t));
        if (s->bridge && s->docs[i] != NULL)
            (void)sjr_bridge_defs(s->docs[i]);
    }
    return s->docs[i];
}

long
sjr_find(sjr_set_t *s, const char *ref, size_t len, const jsn_t *id, const jsn_t **root)
{
    *root = NULL;
    char *want = sjr__resolve(id, ref, len);
    long found = -1;
    for (size_t i = 0; i < s->n && found < 0; i++) {
        const char *name = s->refs[i].name;
        char *have = sjr__resolve(id, name, strlen(name));
        if (strcmp(have, want) == 0 && sjr__doc(s, i) != NULL)
            found = (long)i;
        free(have);
    }
    free(want);
    if (found >= 0)
        *root = s->docs[found];
    return found;
}

int
sjr_bridges(const jsn_t *root)
{
    const jsn_t *from = jsn_get(root, "definitions");
    const jsn_t *to = jsn_get(root, "$defs");
    return from != NULL && from->type == JSN_OBJ && from->n > 0 &&
           (to == NULL || to->type == JSN_OBJ);
}

int
sjr_bridge_defs(jsn_t *root)
{
    if (!sjr_bridges(root))
        return 0;
    const jsn_t *from = jsn_get(root, "definitions");
    long at = jsn_find(root, "$defs", 5);
    if (at < 0) {
        jsn_set(root, "$defs", 5, jsn_new(JSN_OBJ));
        at = jsn_find(root, "$defs", 5);
    }
    jsn_t *to = root->items[at];
    for (size_t i = 0; i < from->n; i++) {
        if (jsn_find(to, from->keys[i], from->klens[i]) < 0)
            jsn_set(to, from->keys[i], from->klens[i], jsn_copy(from->items[i]));
    }
    return 1;
}
