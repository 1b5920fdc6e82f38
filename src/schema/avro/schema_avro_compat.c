/*
 * schema_avro_compat.c - org.apache.avro.SchemaCompatibility (Avro 1.11.4)
 * reader/writer checks, with each incompatibility rendered as Confluent's
 * Difference string.  The memoisation and the quirks are Java's: union
 * branches are checked with a fresh location path, and a reader enum field
 * with a default but no writer field is compared with the writer record.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_avro.h"
#include "schema_avro_model.h"

typedef enum { R_COMPATIBLE, R_INCOMPATIBLE, R_IN_PROGRESS } rstate_t;

typedef struct result {
    rstate_t state;
    const char **msgs;  /* Difference strings, owned by the checker */
    size_t n;
} result_t;

typedef struct memo {
    const avro_schema_t *r, *w;
    result_t *res;
} memo_t;

typedef struct checker {
    memo_t *memo;
    size_t nmemo, capmemo;
    void **owned;       /* results, message arrays and strings to free */
    size_t nowned, capowned;
    const char *rword;  /* "new" or "old": who reads */
    const char *wword;
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
    result_t *r = own(k, mem_calloc(1, sizeof(*r)));
    r->state = state;
    return r;
}

/* SchemaCompatibilityResult.mergedWith */
static result_t *
merged(checker_t *k, result_t *a, result_t *b)
{
    if (b->n == 0 && (a->state != R_COMPATIBLE || b->state == R_COMPATIBLE))
        return a;
    result_t *r = result_new(k, a->state == R_COMPATIBLE ? b->state : R_INCOMPATIBLE);
    r->n = a->n + b->n;
    r->msgs = own(k, mem_calloc(r->n + 1, sizeof(char *)));
    if (a->n > 0)
        memcpy(r->msgs, a->msgs, a->n * sizeof(char *));
    if (b->n > 0)
        memcpy(r->msgs + a->n, b->msgs, b->n * sizeof(char *));
    return r;
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
    r->n = 1;
    r->msgs = own(k, mem_calloc(2, sizeof(char *)));
    r->msgs[0] = own(k, buf_steal(&b, NULL));
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

static int
has_symbol(const avro_schema_t *s, const char *sym)
{
    for (size_t i = 0; i < s->nsymbols; i++)
        if (strcmp(s->symbols[i], sym) == 0)
            return 1;
    return 0;
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
        if (!has_symbol(r, w->symbols[i]))
            missing[n++] = w->symbols[i];
    result_t *res = result_new(k, R_COMPATIBLE);
    loc_push(loc, "symbols");
    if (n > 0 && !(r->enum_default != NULL && has_symbol(r, r->enum_default))) {
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
field_named(const avro_schema_t *rec, const char *name)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].name, name) == 0)
            return &rec->fields[i];
    return NULL;
}

/* lookupWriterField: by name, then by each reader alias; two hits is an error. */
static const avro_field_t *
lookup_writer_field(checker_t *k, const avro_schema_t *w, const avro_field_t *rf)
{
    const avro_field_t *found = field_named(w, rf->name);
    int hits = found != NULL;
    for (size_t i = 0; i < rf->naliases; i++) {
        const avro_field_t *f = field_named(w, rf->aliases[i]);
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
    for (size_t i = 0; i < r->nfields && k->fatal == NULL; i++) {
        const avro_field_t *rf = &r->fields[i];
        char *pos = own(k, mem_printf("%d", rf->pos));
        loc_push(loc, pos);
        const avro_field_t *wf = lookup_writer_field(k, w, rf);
        if (wf != NULL) {
            res = merged(k, res, get_compat(k, "type", rf->schema, wf->schema, loc));
        } else if (rf->def == NULL) {
            if (rf->schema->type == AVRO_ENUM && rf->schema->enum_default != NULL)
                res = merged(k, res, get_compat(k, "type", rf->schema, w, loc));
            else
                res = merged(k, res, incompatible(k, READER_FIELD_MISSING_DEFAULT_VALUE, rf->name, loc));
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
    for (size_t i = 0; i < w->nbranches; i++) {
        loc_push(loc, own(k, mem_printf("%zu", i)));
        if (get_compat_fresh(k, r, w->branches[i])->state == R_INCOMPATIBLE)
            res = merged(k, res, incompatible_fmt(k, MISSING_UNION_BRANCH, loc,
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

static result_t *
different_type(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    result_t *res = result_new(k, R_COMPATIBLE);
    if (w->type == AVRO_UNION) {
        for (size_t i = 0; i < w->nbranches; i++)
            res = merged(k, res, get_compat_fresh(k, r, w->branches[i]));
        return res;
    }
    if (r->type != AVRO_UNION)
        return promotable(r->type, w->type) ? res : type_mismatch(k, r, w, loc);
    for (size_t i = 0; i < r->nbranches; i++)
        if (get_compat_fresh(k, r->branches[i], w)->state == R_COMPATIBLE)
            return res;
    return incompatible_fmt(k, MISSING_UNION_BRANCH, loc,
                            mem_printf("reader union lacking writer type: %s", avro_type_upper(w->type)));
}

static memo_t *
memo_find(checker_t *k, const avro_schema_t *r, const avro_schema_t *w)
{
    for (size_t i = 0; i < k->nmemo; i++)
        if (k->memo[i].r == r && k->memo[i].w == w)
            return &k->memo[i];
    return NULL;
}

static size_t
memo_add(checker_t *k, const avro_schema_t *r, const avro_schema_t *w, result_t *res)
{
    if (k->nmemo == k->capmemo) {
        k->capmemo = k->capmemo ? k->capmemo * 2 : 32;
        k->memo = mem_realloc(k->memo, k->capmemo * sizeof(*k->memo));
    }
    k->memo[k->nmemo] = (memo_t){r, w, res};
    return k->nmemo++;
}

static result_t *
get_compat(checker_t *k, const char *token, const avro_schema_t *r, const avro_schema_t *w, loc_t *loc)
{
    loc_push(loc, token);
    memo_t *m = memo_find(k, r, w);
    result_t *res;
    if (m != NULL) {
        /* A pair still being checked is compatible unless proven otherwise. */
        res = m->res->state == R_IN_PROGRESS ? result_new(k, R_COMPATIBLE) : m->res;
    } else {
        size_t slot = memo_add(k, r, w, result_new(k, R_IN_PROGRESS));
        res = r->type == w->type ? same_type(k, r, w, loc) : different_type(k, r, w, loc);
        k->memo[slot].res = res;
    }
    loc->n--;
    return res;
}

static void
checker_free(checker_t *k)
{
    for (size_t i = 0; i < k->nowned; i++)
        free(k->owned[i]);
    free(k->owned);
    free(k->memo);
    free(k->fatal);
}

static avro_schema_t *
parse_with_refs(avro_ctx_t *c, const char *text, const char *const *refs, size_t nrefs)
{
    for (size_t i = 0; i < nrefs; i++)
        if (avro_parse_text(c, refs[i], strlen(refs[i])) == NULL)
            return NULL;
    return avro_parse_text(c, text, strlen(text));
}

int
schema_avro_compatible(const char *reader, const char *const *reader_refs, size_t nreader_refs,
                       const char *writer, const char *const *writer_refs, size_t nwriter_refs,
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
