/*
 * properties.c - java.util.Properties syntax: logical lines joined by
 * trailing backslashes, '#' and '!' comments, `key=value`, `key: value`
 * or `key value`, Java's escapes.
 */
#include "properties.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static int
properties__is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static void
properties__put_utf8(buf_t *b, unsigned cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, u, n);
}

static int
properties__hex4(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;

    if (n < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return -1;
        v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0'
                                : (tolower((unsigned char)s[i]) - 'a' + 10));
    }
    *out = v;
    return 0;
}

/*
 * Decode one \uXXXX (and the low half of a surrogate pair after it) at
 * s[0..n).  Returns the number of bytes consumed after the 'u', or -1.
 */
static int
properties__unescape_u(buf_t *out, const char *s, size_t n)
{
    unsigned hi, lo;

    if (properties__hex4(s, n, &hi) < 0)
        return -1;
    if (hi >= 0xD800 && hi < 0xDC00 && n >= 10 && s[4] == '\\' && s[5] == 'u' &&
        properties__hex4(s + 6, n - 6, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
        properties__put_utf8(out, 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
        return 10;
    }
    properties__put_utf8(out, hi >= 0xD800 && hi < 0xE000 ? 0xFFFD : hi);
    return 4;
}

/*
 * Java's escapes (\t \n \r \f \uXXXX; any other \c is c).  Trailing white
 * space is dropped unless it was escaped.  Returns NULL on a bad \u.
 */
static char *
properties__unescape(const char *s, size_t n)
{
    buf_t out = {0};
    size_t keep = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int used;

        if (c != '\\' || i + 1 == n) {
            buf_append(&out, &c, 1);
            if (!properties__is_space((unsigned char)c))
                keep = out.len;
            continue;
        }
        c = s[++i];
        switch (c) {
        case 't': c = '\t'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 'f': c = '\f'; break;
        case 'u':
            used = properties__unescape_u(&out, s + i + 1, n - i - 1);
            if (used < 0) {
                buf_free(&out);
                return NULL;
            }
            i += (size_t)used;
            keep = out.len;
            continue;
        default: break;
        }
        buf_append(&out, &c, 1);
        keep = out.len;
    }
    out.len = keep;
    return buf_steal(&out, NULL);
}

/* Split one logical line into key and value and hand them over. */
static int
properties__line(const char *s, size_t n, int lineno, properties_fn fn, void *ctx)
{
    size_t i = 0, kend;

    while (i < n && s[i] != '=' && s[i] != ':' && !properties__is_space((unsigned char)s[i]))
        i += (s[i] == '\\' && i + 1 < n) ? 2 : 1;
    kend = i;
    while (i < n && properties__is_space((unsigned char)s[i]))
        i++;
    if (i < n && (s[i] == '=' || s[i] == ':'))
        i++;
    while (i < n && properties__is_space((unsigned char)s[i]))
        i++;
    char *key = properties__unescape(s, kend);
    char *val = properties__unescape(s + i, n - i);
    int rc = fn(ctx, key, val, lineno);
    free(key);
    free(val);
    return rc;
}

static size_t
properties__trailing_backslashes(const char *s, size_t n)
{
    size_t k = 0;

    while (k < n && s[n - 1 - k] == '\\')
        k++;
    return k;
}

/*
 * Join natural lines into logical lines as java.util.Properties does: a
 * line ending in an odd number of backslashes continues on the next one,
 * whose leading white space is skipped; '#' and '!' start comments.
 */
int
properties_parse(const char *text, size_t len, properties_fn fn, void *ctx)
{
    const char *p = text, *end = text + len;
    buf_t line = {0};
    int lineno = 0;
    int rc = 0;

    while (p < end && rc == 0) {
        int first = lineno + 1;
        int cont = 0;

        line.len = 0;
        for (;;) {
            const char *eol = p, *s = p;
            size_t k;

            while (eol < end && *eol != '\n' && *eol != '\r')
                eol++;
            lineno++;
            while (s < eol && (*s == ' ' || *s == '\t' || *s == '\f'))
                s++;
            p = eol;
            if (p < end)
                p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
            if (!cont && (s == eol || *s == '#' || *s == '!'))
                break;
            k = properties__trailing_backslashes(s, (size_t)(eol - s));
            if (k % 2 == 0) {
                buf_append(&line, s, (size_t)(eol - s));
                break;
            }
            buf_append(&line, s, (size_t)(eol - s) - 1);
            cont = 1;
            if (p >= end)
                break;
        }
        if (line.len == 0)
            continue;
        rc = properties__line(line.data, line.len, first, fn, ctx);
    }
    buf_free(&line);
    return rc;
}

