/*
 * schema_avro_compat.c - org.apache.avro.SchemaCompatibility (Avro 1.11.4)
 * reader/writer checks, with each incompatibility rendered as Confluent's
 * Difference string.  The memoisation and the quirks are Java's: union
 * branches are checked with a fresh location path, and a reader enum field
 * with a default but no writer field is compared with the writer record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_avro.h"
#include "schema_avro_model.h"

/*
 * The work one check may cost.  Steps are pairs of nodes checked and reader
 * union branches tried; a check of schemas with n nodes takes about n steps,
 * and the bound leaves room for far more.  Java recurses until its stack
 * overflows; the depth bound keeps ours well inside the stack.
 */
#define COMPAT_STEPS_BASE 1000000
#define COMPAT_STEPS_PER_NODE 64
#define COMPAT_MAX_DEPTH 1000

typedef enum { R_COMPATIBLE, R_INCOMPATIBLE, R_IN_PROGRESS } rstate_t;

typedef struct result {
    rstate_t state;
    const char **msgs;  /* Difference strings (owned by the checker); array owned */
    size_t n, cap;
} result_t;

typedef struct pair {
    const avro_schema_t *r, *w;
} pair_t;

/* A reader union's branches by what they can read (see union_index). */
typedef struct uindex {
    hmap_t by_name;     /* type + short name, or "a" + type + alias -> list_t * */
    size_t *unnamed;    /* branches that are not named types, in order */
    size_t nunnamed;
} uindex_t;

typedef struct list {
    size_t *v;
    size_t n, cap;
} list_t;

typedef struct checker {
    hmap_t memo;        /* pair_t -> result_t * (the pair's result, or in progress) */
    hmap_t lookups;     /* node -> hmap_t * of its fields or symbols, or uindex_t * */
    result_t **results; /* every result, owned */
    size_t nresults, capresults;
    void **owned;       /* strings to free */
    size_t nowned, capowned;
    const char *rword;  /* "new" or "old": who reads */
    const char *wword;
    size_t steps, max_steps, depth;
    char *fatal;        /* an AvroRuntimeException aborts the whole check */
} checker_t;

typedef struct loc {
    const char **v;     /* tokens, oldest first; strings owned by the checker */
    size_t n, cap;
} loc_t;

static result_t *get_compat(checker_t *k, const char *token, const avro_schema_t *r,
                            const avro_schema_t *w, loc_t *loc);

static void *
own(checker_t *k, void *p)
{
    if (k->nowned == k->capowned) {
        k->capowned = k->capowned ? k->capowned * 2 : 64;
        k->owned = mem_realloc(k->owned, k->capowned * sizeof(void *));
    }
    k->owned[k->nowned++] = p;
    return p;
}

static result_t *
result_new(checker_t *k, rstate_t state)
{
    result_t *r = mem_calloc(1, sizeof(*r));
    r->state = state;
    if (k->nresults == k->capresults) {
        k->capresults = k->capresults ? k->capresults * 2 : 64;
        k->results = mem_realloc(k->results, k->capresults * sizeof(*k->results));
    }
    k->results[k->nresults++] = r;
    return r;
}

static void
result_append(result_t *r, const char *const *msgs, size_t n)
{
    if (r->n + n > r->cap) {
        r->cap = r->n + n > 2 * r->cap ? r->n + n : 2 * r->cap;
        r->msgs = mem_realloc(r->msgs, r->cap * sizeof(char *));
    }
    if (n > 0)
        memcpy(r->msgs + r->n, msgs, n * sizeof(char *));
    r->n += n;
}

/* SchemaCompatibilityResult.mergedWith */
static result_t *
merged(checker_t *k, result_t *a, result_t *b)
{
    if (b->n == 0 && (a->state != R_COMPATIBLE || b->state == R_COMPATIBLE))
        return a;
    result_t *r = result_new(k, a->state == R_COMPATIBLE ? b->state : R_INCOMPATIBLE);
    result_append(r, a->msgs, a->n);
    result_append(r, b->msgs, b->n);
    return r;
}

/*
 * mergedWith into an accumulator the caller made with acc_new and has not
 * handed out yet: a loop merging one result per field appends in place
 * instead of copying what it has so far each time.
 */
static void
acc_merge(result_t *acc, const result_t *b)
{
    if (b->n == 0 && (acc->state != R_COMPATIBLE || b->state == R_COMPATIBLE))
        return;
    acc->state = acc->state == R_COMPATIBLE ? b->state : R_INCOMPATIBLE;
    result_append(acc, b->msgs, b->n);
}

/* Counts one step; past the bound the check stops with a message. */
static int
over_budget(checker_t *k)
{
    if (++k->steps <= k->max_steps || k->fatal != NULL)
        return k->fatal != NULL;
    k->fatal = mem_printf("Compatibility check aborted: the schemas need more than %zu steps to compare",
                          k->max_steps);
    return 1;
}

static void
loc_push(loc_t *l, const char *token)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = token;
}

/* Incompatibility.getLocation: a JSON pointer without the root token. */
static void
loc_render(buf_t *b, const loc_t *l)
{
    buf_puts(b, "/");
    for (size_t i = 1; i < l->n; i++) {
        if (i > 1)
            buf_puts(b, "/");
        for (const char *p = l->v[i]; *p; p++) {
            if (*p == '~')
                buf_puts(b, "~0");
            else if (*p == '/')
                buf_puts(b, "~1");
            else
                buf_append(b, p, 1);
        }
    }
}

typedef enum {
    NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS,
    READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH, MISSING_UNION_BRANCH
} itype_t;

static const char *const itype_names[] = {
    "NAME_MISMATCH", "FIXED_SIZE_MISMATCH", "MISSING_ENUM_SYMBOLS",
    "READER_FIELD_MISSING_DEFAULT_VALUE", "TYPE_MISMATCH", "MISSING_UNION_BRANCH"
};

/* Confluent's Difference.error() with the reader/writer words filled in. */
static void
describe(buf_t *b, checker_t *k, itype_t t, const char *msg, const char *path)
{
    switch (t) {
    case FIXED_SIZE_MISMATCH:
        buf_printf(b, "The size of FIXED type field at path '%s' in the %s schema does not match with the %s schema",
                   path, k->rword, k->wword);
        break;
    case TYPE_MISMATCH:
        buf_printf(b, "The type (path '%s') of a field in the %s schema does not match with the %s schema",
                   path, k->rword, k->wword);
        break;
    case NAME_MISMATCH:
        buf_printf(b, "The name of the schema has changed (path '%s')", path);
        break;
    case MISSING_ENUM_SYMBOLS:
        buf_printf(b, "The %s schema is missing enum symbols '%s' at path '%s' in the %s schema",
                   k->rword, msg, path, k->wword);
        break;
    case MISSING_UNION_BRANCH:
        buf_printf(b, "The %s schema is missing a type inside a union field at path '%s' in the %s schema",
                   k->rword, path, k->wword);
        break;
    case READER_FIELD_MISSING_DEFAULT_VALUE:
        buf_printf(b, "The field '%s' at path '%s' in the %s schema has no default value and is missing in the %s schema",
                   msg, path, k->rword, k->wword);
        break;
    }
}

static result_t *
incompatible(checker_t *k, itype_t t, const char *msg, const loc_t *loc)
{
    buf_t path = {0}, b = {0};
    loc_render(&path, loc);
    buf_printf(&b, "{errorType:'%s', description:'", itype_names[t]);
    describe(&b, k, t, msg, path.data);
    buf_printf(&b, "', additionalInfo:'%s'}", msg);
    buf_free(&path);
    result_t *r = result_new(k, R_INCOMPATIBLE);
    const char *text = own(k, buf_steal(&b, NULL));
    result_append(r, &text, 1);
    return r;
}

static result_t *
incompatible_fmt(checker_t *k, itype_t t, const loc_t *loc, char *msg)
{
    result_t *r = incompatible(k, t, msg, loc);
    free(msg);
    return r;
}

static result_t *
type_mismatch(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, const loc_t *loc)
{
    return incompatible_fmt(k, TYPE_MISMATCH, loc,
                            mem_printf("reader type: %s not compatible with writer type: %s",
                                       avro_type_upper(r->type), avro_type_upper(w->type)));
}

/* The public getCompatibility(reader, writer): a new, empty location. */
static result_t *
get_compat_fresh(checker_t *k, const avro_schema_t *r, const avro_schema_t *w)
{
    loc_t loc = {0};
    result_t *res = get_compat(k, "", r, w, &loc);
    free(loc.v);
    return res;
}

static result_t *
check_names(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    int same = strcmp(r->name.name, w->name.name) == 0;
    for (size_t i = 0; i < r->naliases && !same; i++)
        same = strcmp(r->aliases[i].full, w->name.full) == 0;
    loc_push(loc, "name");
    result_t *res = same ? result_new(k, R_COMPATIBLE)
                         : incompatible_fmt(k, NAME_MISMATCH, loc, mem_printf("expected: %s", w->name.full));
    loc->n--;
    return res;
}

static result_t *
check_fixed_size(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    loc_push(loc, "size");
    result_t *res = r->size == w->size
                        ? result_new(k, R_COMPATIBLE)
                        : incompatible_fmt(k, FIXED_SIZE_MISMATCH, loc,
                                           mem_printf("expected: %d, found: %d", w->size, r->size));
    loc->n--;
    return res;
}

/*
 * A record's fields or an enum's symbols by name, indexed on first use:
 * Java looks them up in hash maps too, and a wide record or enum checked
 * name by name against another would cost the product of their sizes.
 */
static hmap_t *
names_of(checker_t *k, const avro_schema_t *s)
{
    hmap_t *idx = hmap_get(&k->lookups, &s, sizeof(s));
    if (idx != NULL)
        return idx;
    idx = mem_calloc(1, sizeof(*idx));
    if (s->type == AVRO_RECORD)
        for (size_t i = 0; i < s->nfields; i++)
            hmap_put(idx, s->fields[i].name, strlen(s->fields[i].name), &s->fields[i]);
    else
        for (size_t i = 0; i < s->nsymbols; i++)
            hmap_put(idx, s->symbols[i], strlen(s->symbols[i]), s->symbols[i]);
    hmap_put(&k->lookups, &s, sizeof(s), idx);
    return idx;
}

static int
has_symbol(checker_t *k, const avro_schema_t *s, const char *sym)
{
    return hmap_get(names_of(k, s), sym, strlen(sym)) != NULL;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static result_t *
check_enum_symbols(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    const char **missing = mem_calloc(w->nsymbols + 1, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < w->nsymbols; i++)
        if (!has_symbol(k, r, w->symbols[i]))
            missing[n++] = w->symbols[i];
    result_t *res = result_new(k, R_COMPATIBLE);
    loc_push(loc, "symbols");
    if (n > 0 && !(r->enum_default != NULL && has_symbol(k, r, r->enum_default))) {
        qsort(missing, n, sizeof(char *), cmp_str);
        buf_t b = {0};
        buf_puts(&b, "[");
        for (size_t i = 0; i < n; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", missing[i]);
        buf_puts(&b, "]");
        res = incompatible_fmt(k, MISSING_ENUM_SYMBOLS, loc, buf_steal(&b, NULL));
    }
    loc->n--;
    free(missing);
    return res;
}

static const avro_field_t *
field_named(checker_t *k, const avro_schema_t *rec, const char *name)
{
    return hmap_get(names_of(k, rec), name, strlen(name));
}

/* lookupWriterField: by name, then by each reader alias; two hits is an error. */
static const avro_field_t *
lookup_writer_field(checker_t *k, const avro_schema_t *w, const avro_field_t *rf)
{
    const avro_field_t *found = field_named(k, w, rf->name);
    int hits = found != NULL;
    for (size_t i = 0; i < rf->naliases; i++) {
        const avro_field_t *f = field_named(k, w, rf->aliases[i]);
        if (f != NULL) {
            found = f;
            hits++;
        }
    }
    if (hits > 1 && k->fatal == NULL) {
        char *wtxt = avro_to_string((avro_schema_t *)w, NULL, 0);
        k->fatal = mem_printf("Unexpected exception during compatibility check: Reader record field %s type:%s "
                              "pos:%d matches multiple fields in writer record schema %s",
                              rf->name, avro_type_upper(rf->schema->type), rf->pos, wtxt);
        free(wtxt);
    }
    return found;
}

static result_t *
check_record_fields(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    result_t *res = result_new(k, R_COMPATIBLE);
    loc_push(loc, "fields");
    for (size_t i = 0; i < r->nfields && !over_budget(k); i++) {
        const avro_field_t *rf = &r->fields[i];
        char *pos = own(k, mem_printf("%d", rf->pos));
        loc_push(loc, pos);
        const avro_field_t *wf = lookup_writer_field(k, w, rf);
        if (wf != NULL) {
            acc_merge(res, get_compat(k, "type", rf->schema, wf->schema, loc));
        } else if (rf->def == NULL) {
            if (rf->schema->type == AVRO_ENUM && rf->schema->enum_default != NULL)
                acc_merge(res, get_compat(k, "type", rf->schema, w, loc));
            else
                acc_merge(res, incompatible(k, READER_FIELD_MISSING_DEFAULT_VALUE, rf->name, loc));
        }
        loc->n--;
    }
    loc->n--;
    return res;
}

static result_t *
check_writer_union(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    result_t *res = result_new(k, R_COMPATIBLE);
    for (size_t i = 0; i < w->nbranches && !over_budget(k); i++) {
        loc_push(loc, own(k, mem_printf("%zu", i)));
        if (get_compat_fresh(k, r, w->branches[i])->state == R_INCOMPATIBLE)
            acc_merge(res, incompatible_fmt(k, MISSING_UNION_BRANCH, loc,
                                            mem_printf("reader union lacking writer type: %s",
                                                       avro_type_upper(w->branches[i]->type))));
        loc->n--;
    }
    return res;
}

static result_t *
same_type(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    switch (r->type) {
    case AVRO_ARRAY:
        return get_compat(k, "items", r->child, w->child, loc);
    case AVRO_MAP:
        return get_compat(k, "values", r->child, w->child, loc);
    case AVRO_FIXED:
        return merged(k, check_names(k, r, w, loc), check_fixed_size(k, r, w, loc));
    case AVRO_ENUM:
        return merged(k, check_names(k, r, w, loc), check_enum_symbols(k, r, w, loc));
    case AVRO_RECORD:
        return merged(k, check_names(k, r, w, loc), check_record_fields(k, r, w, loc));
    case AVRO_UNION:
        return check_writer_union(k, r, w, loc);
    default:
        return result_new(k, R_COMPATIBLE);
    }
}

static int
promotable(avro_type_t r, avro_type_t w)
{
    switch (r) {
    case AVRO_LONG:
        return w == AVRO_INT;
    case AVRO_FLOAT:
        return w == AVRO_INT || w == AVRO_LONG;
    case AVRO_DOUBLE:
        return w == AVRO_INT || w == AVRO_LONG || w == AVRO_FLOAT;
    case AVRO_BYTES:
        return w == AVRO_STRING;
    case AVRO_STRING:
        return w == AVRO_BYTES;
    default:
        return 0;
    }
}

static int
is_named(const avro_schema_t *s)
{
    return s->type == AVRO_RECORD || s->type == AVRO_ENUM || s->type == AVRO_FIXED;
}

static void
list_push(list_t *l, size_t i)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = i;
}

/* Key of a named branch by type and short name ('n'), or type and alias ('a'). */
static void
uindex_key(buf_t *b, char kind, avro_type_t t, const char *name)
{
    b->len = 0;
    buf_printf(b, "%c%d:%s", kind, (int)t, name);
}

static void
uindex_add(hmap_t *m, buf_t *key, size_t i)
{
    list_t *l = hmap_get(m, key->data, key->len);
    if (l == NULL) {
        l = mem_calloc(1, sizeof(*l));
        hmap_put(m, key->data, key->len, l);
    }
    if (l->n == 0 || l->v[l->n - 1] != i)
        list_push(l, i);
}

static uindex_t *
union_index(checker_t *k, const avro_schema_t *u)
{
    uindex_t *x = hmap_get(&k->lookups, &u, sizeof(u));
    if (x != NULL)
        return x;
    x = mem_calloc(1, sizeof(*x));
    x->unnamed = mem_calloc(u->nbranches + 1, sizeof(size_t));
    buf_t key = {0};
    for (size_t i = 0; i < u->nbranches; i++) {
        const avro_schema_t *b = u->branches[i];
        if (!is_named(b)) {
            x->unnamed[x->nunnamed++] = i;
            continue;
        }
        uindex_key(&key, 'n', b->type, b->name.name);
        uindex_add(&x->by_name, &key, i);
        for (size_t a = 0; a < b->naliases; a++) {
            uindex_key(&key, 'a', b->type, b->aliases[a].full);
            uindex_add(&x->by_name, &key, i);
        }
    }
    buf_free(&key);
    hmap_put(&k->lookups, &u, sizeof(u), x);
    return x;
}

static const list_t *
uindex_get(const uindex_t *x, buf_t *key, char kind, const avro_schema_t *w, const char *name)
{
    uindex_key(key, kind, w->type, name);
    return hmap_get(&x->by_name, key->data, key->len);
}

/* Takes the smallest head of up to three ascending lists; SIZE_MAX when all are done. */
static size_t
next_candidate(const size_t *v[3], const size_t n[3], size_t at[3])
{
    size_t best = SIZE_MAX;
    int which = -1;
    for (int i = 0; i < 3; i++)
        if (at[i] < n[i] && v[i][at[i]] < best) {
            best = v[i][at[i]];
            which = i;
        }
    for (int i = 0; i < 3; i++)
        if (at[i] < n[i] && v[i][at[i]] == best)
            at[i]++;
    return which < 0 ? SIZE_MAX : best;
}

/*
 * A reader union reads a writer type when one of its branches does; Java
 * tries them in order.  Only branches that can read w are tried here: a
 * named type of w's type whose short name is w's or that has w's full name
 * as an alias, and the unnamed branches (at most one per type); any other
 * branch is a name or type mismatch.  So a union of n records checked
 * against another costs about n, not n squared.  (Java would also walk the
 * fields of a record whose name does not match; only its "matches multiple
 * fields" exception could come out of that, and here does not.)
 */
static int
union_reads(checker_t *k, const avro_schema_t *r, const avro_schema_t *w)
{
    const uindex_t *x = union_index(k, r);
    const list_t *byname = NULL, *byalias = NULL;
    if (is_named(w)) {
        buf_t key = {0};
        byname = uindex_get(x, &key, 'n', w, w->name.name);
        byalias = uindex_get(x, &key, 'a', w, w->name.full);
        buf_free(&key);
    }
    const size_t *v[3] = {x->unnamed, byname ? byname->v : NULL, byalias ? byalias->v : NULL};
    const size_t n[3] = {x->nunnamed, byname ? byname->n : 0, byalias ? byalias->n : 0};
    size_t at[3] = {0, 0, 0};
    for (size_t i; (i = next_candidate(v, n, at)) != SIZE_MAX && !over_budget(k);) {
        const avro_schema_t *b = r->branches[i];
        if (b->type != w->type && !promotable(b->type, w->type))
            continue;
        if (get_compat_fresh(k, b, w)->state == R_COMPATIBLE)
            return 1;
    }
    return 0;
}

static result_t *
different_type(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    result_t *res = result_new(k, R_COMPATIBLE);
    if (w->type == AVRO_UNION) {
        for (size_t i = 0; i < w->nbranches && !over_budget(k); i++)
            acc_merge(res, get_compat_fresh(k, r, w->branches[i]));
        return res;
    }
    if (r->type != AVRO_UNION)
        return promotable(r->type, w->type) ? res : type_mismatch(k, r, w, loc);
    if (union_reads(k, r, w))
        return res;
    return incompatible_fmt(k, MISSING_UNION_BRANCH, loc,
                            mem_printf("reader union lacking writer type: %s", avro_type_upper(w->type)));
}

static result_t *
get_compat(checker_t *k, const char *token, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    pair_t key = {r, w};
    result_t *res = hmap_get(&k->memo, &key, sizeof(key));
    if (res != NULL)
        /* A pair still being checked is compatible unless proven otherwise. */
        return res->state == R_IN_PROGRESS ? result_new(k, R_COMPATIBLE) : res;
    if (over_budget(k))
        return result_new(k, R_INCOMPATIBLE);
    if (k->depth >= COMPAT_MAX_DEPTH) {
        k->fatal = mem_printf("Compatibility check aborted: the schemas nest more than %d levels deep",
                              COMPAT_MAX_DEPTH);
        return result_new(k, R_INCOMPATIBLE);
    }
    loc_push(loc, token);
    k->depth++;
    hmap_put(&k->memo, &key, sizeof(key), result_new(k, R_IN_PROGRESS));
    res = r->type == w->type ? same_type(k, r, w, loc) : different_type(k, r, w, loc);
    hmap_put(&k->memo, &key, sizeof(key), res);
    k->depth--;
    loc->n--;
    return res;
}

static void
lookups_free(checker_t *k)
{
    size_t pos = 0;
    hmap_slot_t *slot;
    while ((slot = hmap_next(&k->lookups, &pos)) != NULL) {
        const avro_schema_t *s;
        memcpy(&s, slot->key, sizeof(s));
        if (s->type != AVRO_UNION) {
            hmap_free(slot->val);
            free(slot->val);
            continue;
        }
        uindex_t *x = slot->val;
        size_t lp = 0;
        hmap_slot_t *ls;
        while ((ls = hmap_next(&x->by_name, &lp)) != NULL) {
            free(((list_t *)ls->val)->v);
            free(ls->val);
        }
        hmap_free(&x->by_name);
        free(x->unnamed);
        free(x);
    }
    hmap_free(&k->lookups);
}

static void
checker_free(checker_t *k)
{
    for (size_t i = 0; i < k->nresults; i++) {
        free(k->results[i]->msgs);
        free(k->results[i]);
    }
    free(k->results);
    for (size_t i = 0; i < k->nowned; i++)
        free(k->owned[i]);
    free(k->owned);
    hmap_free(&k->memo);
    lookups_free(k);
    free(k->fatal);
}

static avro_schema_t *
parse_with_refs(avro_ctx_t *c, const char *text, const schema_ref_t *refs, size_t nrefs)
{
    for (size_t i = 0; i < nrefs; i++)
        if (avro_parse_text(c, refs[i].text, strlen(refs[i].text)) == NULL)
            return NULL;
    return avro_parse_text(c, text, strlen(text));
}

int
schema_avro_compatible(const char *reader, const schema_ref_t *reader_refs, size_t nreader_refs,
                       const char *writer, const schema_ref_t *writer_refs, size_t nwriter_refs,
                       int reader_is_new, json_t *messages)
{
    avro_ctx_t rc, wc;
    avro_ctx_init(&rc);
    avro_ctx_init(&wc);
    avro_schema_t *r = parse_with_refs(&rc, reader, reader_refs, nreader_refs);
    avro_schema_t *w = r != NULL ? parse_with_refs(&wc, writer, writer_refs, nwriter_refs) : NULL;
    int verdict = -1;
    if (r != NULL && w != NULL) {
        checker_t k = {0};
        k.rword = reader_is_new ? "new" : "old";
        k.max_steps = COMPAT_STEPS_BASE + COMPAT_STEPS_PER_NODE * (rc.nnodes + wc.nnodes);
        k.wword = reader_is_new ? "old" : "new";
        result_t *res = get_compat_fresh(&k, r, w);
        verdict = k.fatal == NULL && res->state == R_COMPATIBLE;
        if (messages != NULL && k.fatal != NULL)
            json_array_append_new(messages, json_string(k.fatal));
        for (size_t i = 0; messages != NULL && k.fatal == NULL && i < res->n; i++)
            json_array_append_new(messages, json_string(res->msgs[i]));
        checker_free(&k);
    }
    avro_ctx_free(&rc);
    avro_ctx_free(&wc);
    return verdict;
}
