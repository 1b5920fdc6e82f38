/*
 * schema_json_node.c - the JSON tree JSON Schema works on, read and written
 * as Confluent's Jackson mapper does (see schema_json_node.h).  Recursion
 * is bounded by JSN_MAX_DEPTH: the parser refuses deeper documents, so
 * every walk over a parsed tree is bounded too.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json_node.h"
#include "utf8.h"

typedef struct jsn_parser {
    const char *p;
    const char *end;
} jsn_parser_t;

static jsn_t *jsn__value(jsn_parser_t *ps, int depth);
static int jsn__word(jsn_parser_t *ps, const char *w);

jsn_t *
jsn_new(jsn_type_t type)
{
    jsn_t *j = mem_calloc(1, sizeof(*j));
    j->type = type;
    return j;
}

void
jsn_free(jsn_t *j)
{
    if (j == NULL)
        return;
    for (size_t i = 0; i < j->n; i++) {
        jsn_free(j->items[i]);
        if (j->keys != NULL)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->klens);
    free(j->str);
    hmap_free(&j->index);
    free(j);
}

static void
jsn__grow(jsn_t *j)
{
    if (j->n < j->cap)
        return;
    j->cap = j->cap ? 2 * j->cap : 4;
    j->items = mem_realloc(j->items, j->cap * sizeof(*j->items));
    if (j->type == JSN_OBJ) {
        j->keys = mem_realloc(j->keys, j->cap * sizeof(*j->keys));
        j->klens = mem_realloc(j->klens, j->cap * sizeof(*j->klens));
    }
}

void
jsn_append(jsn_t *arr, jsn_t *v)
{
    jsn__grow(arr);
    arr->items[arr->n++] = v;
}

void
jsn_set(jsn_t *obj, const char *key, size_t klen, jsn_t *v)
{
    long at = jsn_find(obj, key, klen);
    if (at >= 0) {
        jsn_free(obj->items[at]);
        obj->items[at] = v;
        return;
    }
    jsn__grow(obj);
    obj->keys[obj->n] = mem_strndup(key, klen);
    obj->klens[obj->n] = klen;
    obj->items[obj->n] = v;
    obj->n++;
    hmap_put(&obj->index, key, klen, (void *)(uintptr_t)obj->n);
}

long
jsn_find(const jsn_t *j, const char *key, size_t klen)
{
    if (j == NULL || j->type != JSN_OBJ)
        return -1;
    uintptr_t at = (uintptr_t)hmap_get(&j->index, key, klen);
    return at ? (long)at - 1 : -1;
}

const jsn_t *
jsn_get(const jsn_t *j, const char *key)
{
    long at = jsn_find(j, key, strlen(key));
    return at >= 0 ? j->items[at] : NULL;
}

static void
jsn__ws(jsn_parser_t *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int
jsn__digits(jsn_parser_t *ps)
{
    const char *s = ps->p;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    return ps->p > s;
}

/*
 * Double.toString() of a literal past BigDecimal's range, as Jackson
 * falls back to its double: "0.0", "-0.0", "Infinity", "-Infinity"
 * (JSN_NONFINITE_TEXT tells the last two).  NULL for any other value.
 */
static char *
jsn__double_text(const char *s, size_t n)
{
    char *t = mem_strndup(s, n);
    double d = strtod(t, NULL);
    free(t);
    if (isinf(d))
        return mem_strdup(d < 0 ? "-Infinity" : "Infinity");
    if (d == 0)
        return mem_strdup(signbit(d) ? "-0.0" : "0.0");
    return NULL;
}

/*
 * BigDecimal.toString() of the literal: the unscaled digits and the scale
 * decide between plain and scientific notation.  Past BigDecimal's range
 * (an int each for the exponent and the scale), the double Jackson falls
 * back to; NULL when that is neither zero nor infinite.
 */
static char *
jsn__decimal(const char *s, size_t n)
{
    buf_t digits = {0}, out = {0};
    size_t i = 0;
    int neg = 0, dot = 0;
    long long frac = 0, exp = 0;
    if (s[i] == '-') {
        neg = 1;
        i++;
    }
    for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            dot = 1;
            continue;
        }
        frac += dot;
        if (!(digits.len == 0 && s[i] == '0'))
            buf_append(&digits, &s[i], 1);
    }
    if (i < n) {
        int eneg = 0;
        i++;
        if (s[i] == '+' || s[i] == '-')
            eneg = s[i++] == '-';
        for (; i < n; i++) {
            exp = exp * 10 + (s[i] - '0');
            if (exp > 2147483648LL) {
                buf_free(&digits);
                return jsn__double_text(s, n);
            }
        }
        if (eneg)
            exp = -exp;
    }
    /* BigDecimal(String): "Exponent overflow." past an int, "Scale out of
     * range." when the scale (fraction digits less the exponent) is past
     * one: Jackson then takes the literal's double, ±0.0 or ±Infinity. */
    if (exp > INT32_MAX || frac - exp > INT32_MAX || frac - exp < INT32_MIN) {
        buf_free(&digits);
        return jsn__double_text(s, n);
    }
    if (digits.len == 0) {
        buf_append(&digits, "0", 1);
        neg = 0;
    }
    long long scale = frac - exp;
    long long ndig = (long long)digits.len;
    long long adjusted = -scale + (ndig - 1);
    if (neg)
        buf_append(&out, "-", 1);
    if (scale >= 0 && adjusted >= -6) {
        if (scale == 0) {
            buf_append(&out, digits.data, digits.len);
        } else if (ndig > scale) {
            buf_append(&out, digits.data, (size_t)(ndig - scale));
            buf_append(&out, ".", 1);
            buf_append(&out, digits.data + (ndig - scale), (size_t)scale);
        } else {
            buf_append(&out, "0.", 2);
            for (long long z = 0; z < scale - ndig; z++)
                buf_append(&out, "0", 1);
            buf_append(&out, digits.data, digits.len);
        }
    } else {
        buf_append(&out, digits.data, 1);
        if (ndig > 1) {
            buf_append(&out, ".", 1);
            buf_append(&out, digits.data + 1, digits.len - 1);
        }
        buf_printf(&out, "E%s%lld", adjusted > 0 ? "+" : "", adjusted);
    }
    buf_free(&digits);
    return buf_steal(&out, NULL);
}

/*
 * JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, which Confluent's mapper
 * enables: NaN, Infinity, and after a sign Infinity or INF.  A JSN_DEC
 * holding "NaN", "Infinity" or "-Infinity" (jsn_nonfinite); NULL when the
 * text there is none of them.
 */
static jsn_t *
jsn__nonfinite(jsn_parser_t *ps)
{
    static const struct { const char *word; const char *text; } words[] = {
        {"NaN", "NaN"}, {"Infinity", "Infinity"}, {"+Infinity", "Infinity"}, {"-Infinity", "-Infinity"},
        {"+INF", "Infinity"}, {"-INF", "-Infinity"},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (jsn__word(ps, words[i].word)) {
            jsn_t *j = jsn_new(JSN_DEC);
            j->str = mem_strdup(words[i].text);
            j->len = strlen(j->str);
            return j;
        }
    }
    return NULL;
}

int
jsn_nonfinite(const jsn_t *j)
{
    return j != NULL && j->type == JSN_DEC && (j->str[0] == 'N' || j->str[0] == 'I' || j->str[1] == 'I');
}

static jsn_t *
jsn__number(jsn_parser_t *ps)
{
    jsn_t *nf = jsn__nonfinite(ps);
    if (nf != NULL)
        return nf;
    const char *s = ps->p;
    int dec = 0;
    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '0')
        ps->p++;
    else if (!jsn__digits(ps))
        return NULL;
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        dec = 1;
        if (!jsn__digits(ps))
            return NULL;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        dec = 1;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!jsn__digits(ps))
            return NULL;
    }
    /* Jackson refuses a leading zero followed by more digits. */
    if (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        return NULL;
    size_t n = (size_t)(ps->p - s);
    jsn_t *j = jsn_new(dec ? JSN_DEC : JSN_INT);
    if (dec) {
        j->str = jsn__decimal(s, n);
        if (j->str == NULL) {
            free(j);
            return NULL;
        }
    } else if (n == 2 && s[0] == '-' && s[1] == '0') {
        j->str = mem_strdup("0");
    } else {
        j->str = mem_strndup(s, n);
    }
    j->len = strlen(j->str);
    return j;
}

/* The string literal at ps->p; *out its text (malloc'd), *olen its length. */
static int
jsn__string(jsn_parser_t *ps, char **out, size_t *olen)
{
    const char *s = ps->p;
    *out = NULL;
    *olen = 0;
    ps->p++;
    while (ps->p < ps->end && *ps->p != '"') {
        if ((unsigned char)*ps->p < 0x20)
            return -1;
        if (*ps->p == '\\' && ps->p + 1 < ps->end)
            ps->p++;
        ps->p++;
    }
    if (ps->p >= ps->end)
        return -1;
    ps->p++;
    size_t n = (size_t)(ps->p - s);
    char *t = mem_alloc(n + 1);
    long l = mem_json_unescape(s, n, t);
    /* A Java string holds no invalid UTF-8: the texts schemad is given
     * never do either (they come out of a JSON request). */
    if (l < 0 || !utf8_valid(t, (size_t)l)) {
        free(t);
        return -1;
    }
    t[l] = '\0';
    *out = t;
    *olen = (size_t)l;
    return 0;
}

static int
jsn__word(jsn_parser_t *ps, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
        return 0;
    ps->p += n;
    return 1;
}

static jsn_t *
jsn__array(jsn_parser_t *ps, int depth)
{
    jsn_t *a = jsn_new(JSN_ARR);
    ps->p++;
    jsn__ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return a;
    }
    for (;;) {
        jsn_t *v = jsn__value(ps, depth + 1);
        if (v == NULL)
            break;
        jsn_append(a, v);
        jsn__ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return a;
        }
        break;
    }
    jsn_free(a);
    return NULL;
}

static jsn_t *
jsn__object(jsn_parser_t *ps, int depth)
{
    jsn_t *o = jsn_new(JSN_OBJ);
    ps->p++;
    jsn__ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return o;
    }
    for (;;) {
        char *key = NULL;
        size_t klen = 0;
        jsn__ws(ps);
        if (ps->p >= ps->end || *ps->p != '"' || jsn__string(ps, &key, &klen) != 0)
            break;
        jsn__ws(ps);
        jsn_t *v = NULL;
        if (ps->p < ps->end && *ps->p == ':') {
            ps->p++;
            v = jsn__value(ps, depth + 1);
        }
        if (v == NULL) {
            free(key);
            break;
        }
        jsn_set(o, key, klen, v);
        free(key);
        jsn__ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return o;
        }
        break;
    }
    jsn_free(o);
    return NULL;
}

static jsn_t *
jsn__value(jsn_parser_t *ps, int depth)
{
    jsn__ws(ps);
    if (ps->p >= ps->end || depth > JSN_MAX_DEPTH)
        return NULL;
    switch (*ps->p) {
    case '{':
        return jsn__object(ps, depth);
    case '[':
        return jsn__array(ps, depth);
    case '"': {
        jsn_t *j = jsn_new(JSN_STR);
        if (jsn__string(ps, &j->str, &j->len) != 0) {
            jsn_free(j);
            return NULL;
        }
        return j;
    }
    case 't':
        return jsn__word(ps, "true") ? jsn_new(JSN_TRUE) : NULL;
    case 'f':
        return jsn__word(ps, "false") ? jsn_new(JSN_FALSE) : NULL;
    case 'n':
        return jsn__word(ps, "null") ? jsn_new(JSN_NULL) : NULL;
    default:
        return jsn__number(ps);
    }
}

jsn_t *
jsn_parse(const char *text, size_t len)
{
    jsn_parser_t ps = {text, text + len};
    return jsn__value(&ps, 1);
}

/* One UTF-8 sequence at s (n bytes left): its code point, *adv its length. */
static unsigned
jsn__cp(const unsigned char *s, size_t n, size_t *adv)
{
    unsigned c = s[0];
    size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (k > n)
        k = 1;
    unsigned cp = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
    for (size_t i = 1; i < k; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    *adv = k;
    return cp;
}

/* Java's String.compareTo: UTF-16 code units, so a supplementary character
 * (a surrogate pair, 0xD800..) sorts before U+E000..U+FFFF. */
static int
jsn__cmp16(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, k = 0;
    while (i < alen && k < blen) {
        size_t da, db;
        unsigned ca = jsn__cp((const unsigned char *)a + i, alen - i, &da);
        unsigned cb = jsn__cp((const unsigned char *)b + k, blen - k, &db);
        unsigned ua = ca > 0xFFFF ? 0xD800 + ((ca - 0x10000) >> 10) : ca;
        unsigned ub = cb > 0xFFFF ? 0xD800 + ((cb - 0x10000) >> 10) : cb;
        if (ua == ub && ca > 0xFFFF && cb > 0xFFFF) {
            ua = 0xDC00 + ((ca - 0x10000) & 0x3FF);
            ub = 0xDC00 + ((cb - 0x10000) & 0x3FF);
        }
        if (ua != ub)
            return ua < ub ? -1 : 1;
        i += da;
        k += db;
    }
    return (i < alen) - (k < blen);
}

typedef struct jsn_sort {
    const char *key;
    size_t klen;
    size_t at;
} jsn_sort_t;

static int
jsn__sort_cmp(const void *x, const void *y)
{
    const jsn_sort_t *a = x, *b = y;
    return jsn__cmp16(a->key, a->klen, b->key, b->klen);
}

void
jsn_write(buf_t *b, const jsn_t *j, int sorted)
{
    switch (j->type) {
    case JSN_NULL: buf_puts(b, "null"); return;
    case JSN_TRUE: buf_puts(b, "true"); return;
    case JSN_FALSE: buf_puts(b, "false"); return;
    case JSN_INT:
    case JSN_DEC: buf_append(b, j->str, j->len); return;
    case JSN_STR: buf_json_string(b, j->str, j->len); return;
    case JSN_ARR:
        buf_puts(b, "[");
        for (size_t i = 0; i < j->n; i++) {
            if (i)
                buf_puts(b, ",");
            jsn_write(b, j->items[i], sorted);
        }
        buf_puts(b, "]");
        return;
    case JSN_OBJ:
        break;
    }
    jsn_sort_t *order = mem_calloc(j->n + 1, sizeof(*order));
    for (size_t i = 0; i < j->n; i++)
        order[i] = (jsn_sort_t){j->keys[i], j->klens[i], i};
    if (sorted)
        qsort(order, j->n, sizeof(*order), jsn__sort_cmp);
    buf_puts(b, "{");
    for (size_t i = 0; i < j->n; i++) {
        if (i)
            buf_puts(b, ",");
        buf_json_string(b, order[i].key, order[i].klen);
        buf_puts(b, ":");
        jsn_write(b, j->items[order[i].at], sorted);
    }
    buf_puts(b, "}");
    free(order);
}

int
jsn_number(const jsn_t *j, double *out)
{
    *out = 0;
    if (j == NULL || (j->type != JSN_INT && j->type != JSN_DEC))
        return 0;
    *out = strtod(j->str, NULL);
    return 1;
}

int
jsn_equal(const jsn_t *a, const jsn_t *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->type != b->type || a->n != b->n)
        return 0;
    switch (a->type) {
    case JSN_INT:
    case JSN_DEC:
    case JSN_STR:
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    case JSN_ARR:
        for (size_t i = 0; i < a->n; i++) {
            if (!jsn_equal(a->items[i], b->items[i]))
                return 0;
        }
        return 1;
    case JSN_OBJ:
        for (size_t i = 0; i < a->n; i++) {
            long at = jsn_find(b, a->keys[i], a->klens[i]);
            if (at < 0 || !jsn_equal(a->items[i], b->items[at]))
                return 0;
        }
        return 1;
    default:
        return 1;
    }
}

jsn_t *
jsn_copy(const jsn_t *j)
{
    jsn_t *c = jsn_new(j->type);
    if (j->str != NULL) {
        c->str = mem_alloc(j->len + 1);
        memcpy(c->str, j->str, j->len + 1);
        c->len = j->len;
    }
    for (size_t i = 0; i < j->n; i++) {
        jsn_t *v = jsn_copy(j->items[i]);
        if (j->type == JSN_OBJ)
            jsn_set(c, j->keys[i], j->klens[i], v);
        else
            jsn_append(c, v);
    }
    return c;
}

const jsn_t *
jsn_pointer(const jsn_t *root, const char *p, size_t n)
{
    const jsn_t *at = root;
    size_t i = 0;
    buf_t tok = {0};
    if (n > 0 && p[0] != '/')
        return NULL;    /* a plain-name anchor: the loaders find none here */
    while (at != NULL && i < n) {
        tok.len = 0;
        for (i++; i < n && p[i] != '/'; i++) {
            char ch = p[i];
            if (ch == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                ch = p[++i] == '0' ? '~' : '/';
            } else if (ch == '%' && i + 2 < n) {
                char hex[3] = {p[i + 1], p[i + 2], 0};
                char *end;
                long v = strtol(hex, &end, 16);
                if (*end == '\0') {
                    ch = (char)v;
                    i += 2;
                }
            }
            buf_append(&tok, &ch, 1);
        }
        if (at->type == JSN_OBJ) {
            long k = jsn_find(at, tok.data ? tok.data : "", tok.len);
            at = k >= 0 ? at->items[k] : NULL;
        } else if (at->type == JSN_ARR) {
            buf_append(&tok, "", 1);
            char *end;
            unsigned long k = strtoul(tok.data, &end, 10);
            at = *end == '\0' && tok.len > 1 && k < at->n ? at->items[k] : NULL;
        } else {
            at = NULL;
        }
    }
    buf_free(&tok);
    return at;
}

int
jsn_draft(const jsn_t *root)
{
    static const struct { const char *url; int draft; } urls[] = {
        {"http://json-schema.org/draft-04/schema", JSN_DRAFT4},
        {"https://json-schema.org/draft-04/schema", JSN_DRAFT4},
        {"http://json-schema.org/schema", JSN_DRAFT4},
        {"https://json-schema.org/schema", JSN_DRAFT4},
        {"http://json-schema.org/draft-06/schema", JSN_DRAFT6},
        {"https://json-schema.org/draft-06/schema", JSN_DRAFT6},
        {"http://json-schema.org/draft-07/schema", JSN_DRAFT7},
        {"https://json-schema.org/draft-07/schema", JSN_DRAFT7},
        {"http://json-schema.org/draft/2019-09/schema", JSN_DRAFT2019},
        {"https://json-schema.org/draft/2019-09/schema", JSN_DRAFT2019},
        {"http://json-schema.org/draft/2020-12/schema", JSN_DRAFT2020},
        {"https://json-schema.org/draft/2020-12/schema", JSN_DRAFT2020},
    };
    const jsn_t *sv = root != NULL && root->type == JSN_OBJ ? jsn_get(root, "$schema") : NULL;
    if (sv == NULL || sv->type != JSN_STR)
        return JSN_DRAFT7;
    size_t len = sv->len;
    if (len > 0 && sv->str[len - 1] == '#')
        len--;
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        if (strlen(urls[i].url) == len && memcmp(urls[i].url, sv->str, len) == 0)
            return urls[i].draft;
    }
    return JSN_DRAFT7;
}

/* The index key of `name` in the document at `root`: its address, then the name. */
static size_t
jsn__anchor_key(buf_t *k, const jsn_t *root, const char *name, size_t n)
{
    k->len = 0;
    buf_append(k, &root, sizeof(root));
    buf_append(k, name, n);
    return k->len;
}

static void
jsn__anchors(const jsn_t *root, const jsn_t *j, const char *id_key, const jsn_t *rid,
             hmap_t *index, buf_t *k, int depth)
{
    if (depth > JSN_MAX_DEPTH || (j->type != JSN_OBJ && j->type != JSN_ARR))
        return;
    const jsn_t *id = j->type == JSN_OBJ ? jsn_get(j, id_key) : NULL;
    const char *hash = id != NULL && id->type == JSN_STR ? memchr(id->str, '#', id->len) : NULL;
    if (hash != NULL && hash + 1 < id->str + id->len) {
        size_t base = (size_t)(hash - id->str);
        int same = base == 0 || (rid != NULL && rid->type == JSN_STR && rid->len == base &&
                                 memcmp(rid->str, id->str, base) == 0);
        size_t klen = jsn__anchor_key(k, root, hash + 1, id->len - base - 1);
        if (same)
            hmap_put(index, k->data, klen, (void *)j);
    }
    for (size_t i = 0; i < j->n; i++)
        jsn__anchors(root, j->items[i], id_key, rid, index, k, depth + 1);
}

const jsn_t *
jsn_anchor(const jsn_t *root, const char *id_key, hmap_t *index, const char *name, size_t n)
{
    buf_t k = {0};
    /* The bare address marks a document already walked. */
    size_t klen = jsn__anchor_key(&k, root, "", 0);
    if (hmap_get(index, k.data, klen) == NULL) {
        hmap_put(index, k.data, klen, (void *)root);
        jsn__anchors(root, root, id_key, jsn_get(root, id_key), index, &k, 0);
    }
    klen = jsn__anchor_key(&k, root, name, n);
    const jsn_t *t = n > 0 ? hmap_get(index, k.data, klen) : NULL;
    buf_free(&k);
    return t != NULL ? t : root;
}


static int
jsn__is(const char *k, size_t klen, const char *name)
{
    return k != NULL && strlen(name) == klen && memcmp(k, name, klen) == 0;
}


/* The index key of a clash: no name has it (the parser refuses invalid UTF-8). */
#define JSN_CLASH "\xff\xfe"

/* The walk of json-sKema's lookupAnchors over a document Confluent hands it
 * (Jackson's tree, every location unknown, so no keyword stops it): every
 * object and array, but not the values of enum and const. */
static void
jsn__named(const jsn_t *root, const jsn_t *j, hmap_t *index, buf_t *k, int depth)
{
    if (depth > JSN_MAX_DEPTH || (j->type != JSN_OBJ && j->type != JSN_ARR))
        return;
    /* LoadingState: an $anchor another object holds already throws
     * ("raw schema already registered"); a $dynamicAnchor overwrites. */
    static const char *const kws[] = {"$anchor", "$dynamicAnchor"};
    for (size_t i = 0; j->type == JSN_OBJ && i < 2; i++) {
        const jsn_t *a = jsn_get(j, kws[i]);
        if (a == NULL || a->type != JSN_STR)
            continue;
        size_t klen = jsn__anchor_key(k, root, a->str, a->len);
        const jsn_t *was = hmap_get(index, k->data, klen);
        if (i == 0 && was != NULL && was != j) {
            klen = jsn__anchor_key(k, root, JSN_CLASH, sizeof(JSN_CLASH) - 1);
            hmap_put(index, k->data, klen, (void *)root);
            continue;
        }
        hmap_put(index, k->data, klen, (void *)j);
    }
    for (size_t i = 0; i < j->n; i++) {
        if (j->type == JSN_OBJ &&
            (jsn__is(j->keys[i], j->klens[i], "enum") || jsn__is(j->keys[i], j->klens[i], "const")))
            continue;
        jsn__named(root, j->items[i], index, k, depth + 1);
    }
}

/* The index of `root`'s names, walked once. */
static void
jsn__named_index(const jsn_t *root, hmap_t *index, buf_t *k)
{
    size_t klen = jsn__anchor_key(k, root, "", 0);
    if (hmap_get(index, k->data, klen) == NULL) {
        hmap_put(index, k->data, klen, (void *)root);
        jsn__named(root, root, index, k, 0);
    }
}

const jsn_t *
jsn_anchor_named(const jsn_t *root, hmap_t *index, const char *name, size_t n)
{
    buf_t k = {0};
    jsn__named_index(root, index, &k);
    size_t klen = jsn__anchor_key(&k, root, name, n);
    const jsn_t *t = n > 0 ? hmap_get(index, k.data, klen) : NULL;
    buf_free(&k);
    return t;
}

int
jsn_anchor_clash(const jsn_t *root, hmap_t *index)
{
    buf_t k = {0};
    jsn__named_index(root, index, &k);
    size_t klen = jsn__anchor_key(&k, root, JSN_CLASH, sizeof(JSN_CLASH) - 1);
    int clash = hmap_get(index, k.data, klen) != NULL;
    buf_free(&k);
    return clash;
}
