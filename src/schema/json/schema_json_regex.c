/*
 * schema_json_regex.c - whether java.util.regex would compile a `pattern`
 * (or a patternProperties key).  A structural check, one pass: escapes,
 * character classes, groups, and what a repetition may follow ("Dangling
 * meta character", "Illegal repetition", "Unclosed group" in Java).
 */
#include <string.h>

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
