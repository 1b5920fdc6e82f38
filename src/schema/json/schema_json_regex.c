/*
 * schema_json_regex.c - whether java.util.regex would compile a `pattern`
 * (or a patternProperties key).  A structural check, one pass: escapes,
 * character classes, groups, and what a repetition may follow ("Dangling
 * meta character", "Illegal repetition", "Unclosed group" in Java).
 */
#include <string.h>

#include "mem.h"
#include "schema_json.h"

/* A {n}, {n,} or {n,m} repetition at p (after '{'); its length or 0. */
static size_t
sj_rx__braces(const char *p, size_t n)
{
    size_t i = 0, d = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9')
        i++, d++;
    if (d == 0)
        return 0;
    if (i < n && p[i] == ',') {
        i++;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    }
    return i < n && p[i] == '}' ? i + 1 : 0;
}

int
schema_json_regex_ok(const char *p, size_t n)
{
    long groups = 0;
    int atom = 0;       /* whether a repetition has something to repeat */
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        switch (c) {
        case '\\':
            if (++i >= n)
                return 0;
            atom = 1;
            break;
        case '[': {
            int depth = 1;
            i++;
            if (i < n && p[i] == '^')
                i++;
            if (i < n && p[i] == ']')
                i++;
            for (; i < n && depth > 0; i++) {
                if (p[i] == '\\')
                    i++;
                else if (p[i] == '[')
                    depth++;
                else if (p[i] == ']')
                    depth--;
            }
            if (depth > 0)
                return 0;
            i--;
            atom = 1;
            break;
        }
        case '(':
            groups++;
            if (i + 1 < n && p[i + 1] == '?') {
                i++;
                if (i + 1 >= n)
                    return 0;
            }
            atom = 0;
            break;
        case ')':
            if (--groups < 0)
                return 0;
            atom = 1;
            break;
        case '|':
            atom = 0;
            break;
        case '*':
        case '+':
        case '?':
            if (!atom)
                return 0;
            /* a possessive or lazy suffix */
            if (i + 1 < n && (p[i + 1] == '?' || p[i + 1] == '+'))
                i++;
            atom = 2;
            break;
        case '{': {
            size_t k = sj_rx__braces(p + i + 1, n - i - 1);
            if (k == 0 || !atom)
                return 0;
            i += k;
            atom = 2;
            break;
        }
        default:
            atom = 1;
            break;
        }
    }
    return groups == 0;
}

/* ---- Java to POSIX ---- */

/* One bracket expression's members, gathered so that ']' and '-' can be
 * put where POSIX reads them literally. */
typedef struct sj_rx_set {
    buf_t body;
    int close;      /* ']' is a member */
    int dash;       /* '-' is a member */
    int caret;      /* '^' is a member */
} sj_rx_set_t;

/* A Java escape inside brackets; 0, or -1 when POSIX has no spelling. */
static int
sj_rx__set_escape(sj_rx_set_t *set, char e)
{
    switch (e) {
    case 'd': buf_puts(&set->body, "0-9"); return 0;
    case 's': buf_puts(&set->body, "[:space:]"); return 0;
    case 'w': buf_puts(&set->body, "[:alnum:]_"); return 0;
    case 't': buf_puts(&set->body, "\t"); return 0;
    case 'n': buf_puts(&set->body, "\n"); return 0;
    case 'r': buf_puts(&set->body, "\r"); return 0;
    case ']': set->close = 1; return 0;
    case '-': set->dash = 1; return 0;
    case '^': set->caret = 1; return 0;
    default:
        break;
    }
    if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
        return -1;
    buf_append(&set->body, &e, 1);
    return 0;
}

/* A bracket expression at p[*i] ('['); appended to `out`.  -1: no spelling. */
static int
sj_rx__set(const char *p, size_t n, size_t *i, buf_t *out)
{
    sj_rx_set_t set = {{0}, 0, 0, 0};
    size_t k = *i + 1;
    int neg = k < n && p[k] == '^';
    k += (size_t)neg;
    int rc = 0, first = 1;
    for (; k < n && rc == 0 && (first || p[k] != ']'); k++, first = 0) {
        if (p[k] == '[' || (p[k] == '&' && k + 1 < n && p[k + 1] == '&'))
            rc = -1;
        else if (p[k] == '\\' && k + 1 < n)
            rc = sj_rx__set_escape(&set, p[++k]);
        else if (p[k] == ']')
            set.close = 1;
        else if (p[k] == '^')
            set.caret = 1;
        else if (p[k] == '-' && (first || k + 1 >= n || p[k + 1] == ']'))
            set.dash = 1;
        else
            buf_append(&set.body, &p[k], 1);
    }
    if (k >= n)
        rc = -1;
    int only_caret = set.caret && !set.close && !set.dash && set.body.len == 0;
    if (rc == 0 && only_caret && !neg) {
        buf_puts(out, "\\^");
    } else if (rc == 0) {
        /* ']' first and '-' last are literal in POSIX; '^' anywhere but first. */
        buf_puts(out, neg ? "[^" : "[");
        buf_puts(out, set.close ? "]" : "");
        buf_append(out, set.body.data ? set.body.data : "", set.body.len);
        buf_puts(out, set.caret && (set.close || set.body.len > 0) ? "^" : "");
        buf_puts(out, set.dash ? "-]" : "]");
        if (set.caret && !set.close && set.body.len == 0)
            rc = -1;    /* [^^] or [^-]: rare enough to find nothing */
    }
    if (rc == 0) {
        *i = k;
    }
    buf_free(&set.body);
    return rc;
}

/* A Java escape outside brackets; 0, or -1 when POSIX has no spelling. */
static int
sj_rx__escape(char e, buf_t *out)
{
    static const char *const classes[][2] = {
        {"d", "[0-9]"}, {"D", "[^0-9]"}, {"s", "[[:space:]]"}, {"S", "[^[:space:]]"},
        {"w", "[[:alnum:]_]"}, {"W", "[^[:alnum:]_]"}, {"t", "\t"}, {"n", "\n"},
        {"r", "\r"}, {"b", "\\b"}, {"B", "\\B"},
    };
    for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
        if (classes[k][0][0] == e) {
            buf_puts(out, classes[k][1]);
            return 0;
        }
    }
    if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
        return -1;
    buf_append(out, "\\", 1);
    buf_append(out, &e, 1);
    return 0;
}

char *
schema_json_regex_posix(const char *p, size_t n, int *icase)
{
    buf_t out = {0};
    size_t i = 0;
    int rc = 0;
    *icase = 0;
    if (n >= 4 && memcmp(p, "(?i)", 4) == 0) {
        *icase = 1;
        i = 4;
    }
    for (; i < n && rc == 0; i++) {
        char c = p[i];
        if (c == '\\')
            rc = i + 1 < n ? sj_rx__escape(p[++i], &out) : -1;
        else if (c == '[')
            rc = sj_rx__set(p, n, &i, &out);
        else if (c == '(' && i + 1 < n && p[i + 1] == '?')
            rc = i + 2 < n && p[i + 2] == ':' ? (buf_puts(&out, "("), i += 2, 0) : -1;
        else if ((c == '?' || c == '+') && i > 0 && strchr("*+?}", p[i - 1]) != NULL &&
                 (i < 2 || p[i - 2] != '\\'))
            continue;   /* a lazy or possessive suffix */
        else if (c == '\0')
            rc = -1;
        else
            buf_append(&out, &c, 1);
    }
    if (rc != 0) {
        buf_free(&out);
        return NULL;
    }
    buf_append(&out, "", 1);
    return buf_steal(&out, NULL);
}
