/*
 * jscan.c - flat JSON objects without building a tree.  Replaying a journal
 * decodes one SCHEMA value per record, a kilobyte of escaped schema text
 * each; jansson's tokenizer spends most of a replay there.
 */
#include "jscan.h"

#include <limits.h>
#include <string.h>

static int
jscan__space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Length of the UTF-8 sequence at p (strict: no overlongs, no surrogates,
 * nothing past U+10FFFF), or 0 when invalid. */
static size_t
jscan__utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
             : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (size_t)(end - p) < n)
        return 0;
    unsigned cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* A string starting at *p (on its quote); *p moves past it.  0 or -1. */
static int
jscan__string(const char **p, const char *end, int *escaped)
{
    const unsigned char *q = (const unsigned char *)*p + 1, *e = (const unsigned char *)end;
    *escaped = 0;
    while (q < e && *q != '"') {
        if (*q < 0x20)
            return -1;
        if (*q == '\\') {
            *escaped = 1;
            if (q + 1 >= e)
                return -1;
            q += 2;
            continue;
        }
        size_t n = jscan__utf8_len(q, e);
        if (n == 0)
            return -1;
        q += n;
    }
    if (q >= e)
        return -1;
    *p = (const char *)q + 1;
    return 0;
}

/* An integer (no fraction, no exponent, no leading zeros). 0 or -1. */
static int
jscan__int(const char **p, const char *end, long long *out)
{
    const char *q = *p;
    int neg = q < end && *q == '-';
    q += neg;
    if (q >= end || *q < '0' || *q > '9' || (*q == '0' && q + 1 < end && q[1] >= '0' && q[1] <= '9'))
        return -1;
    unsigned long long v = 0;
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        if (v > (ULLONG_MAX - 9) / 10)
            return -1;
        v = v * 10 + (unsigned)(*q - '0');
    }
    if (q < end && (*q == '.' || *q == 'e' || *q == 'E'))
        return -1;
    if (v > (unsigned long long)LLONG_MAX + (unsigned long long)neg)
        return -1;
    *out = neg ? (long long)(0 - v) : (long long)v;
    *p = q;
    return 0;
}

static int
jscan__word(const char **p, const char *end, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(end - *p) < n || memcmp(*p, w, n) != 0)
        return -1;
    *p += n;
    return 0;
}

static int
jscan__value(const char **p, const char *end, jscan_field_t *f)
{
    int escaped;
    const char *start = *p;
    switch (**p) {
    case '"':
        f->type = JSCAN_STRING;
        f->lit = start;
        if (jscan__string(p, end, &escaped) != 0)
            return -1;
        f->litlen = (size_t)(*p - start);
        return 0;
    case 't':
        f->type = JSCAN_TRUE;
        return jscan__word(p, end, "true");
    case 'f':
        f->type = JSCAN_FALSE;
        return jscan__word(p, end, "false");
    case 'n':
        f->type = JSCAN_NULL;
        return jscan__word(p, end, "null");
    default:
        f->type = JSCAN_INT;
        return jscan__int(p, end, &f->num);
    }
}

static const char *
jscan__skip(const char *p, const char *end)
{
    while (p < end && jscan__space(*p))
        p++;
    return p;
}

int
jscan_flat_object(const char *buf, size_t len, jscan_field_t *fields, int max)
{
    const char *p = jscan__skip(buf, buf + len), *end = buf + len;
    int n = 0, escaped;
    if (p >= end || *p++ != '{')
        return -1;
    p = jscan__skip(p, end);
    if (p < end && *p == '}')
        return jscan__skip(p + 1, end) == end ? 0 : -1;
    for (;;) {
        if (n == max || p >= end || *p != '"')
            return -1;
        jscan_field_t *f = &fields[n++];
        f->key = p + 1;
        if (jscan__string(&p, end, &escaped) != 0 || escaped)
            return -1;
        f->klen = (size_t)(p - 1 - f->key);
        p = jscan__skip(p, end);
        if (p >= end || *p++ != ':')
            return -1;
        p = jscan__skip(p, end);
        if (p >= end || jscan__value(&p, end, f) != 0)
            return -1;
        p = jscan__skip(p, end);
        if (p < end && *p == ',') {
            p = jscan__skip(p + 1, end);
            continue;
        }
        if (p < end && *p == '}')
            return jscan__skip(p + 1, end) == end ? n : -1;
        return -1;
    }
}

int
jscan_keys_unique(const jscan_field_t *fields, int n)
{
    if (n > JSCAN_UNIQUE_MAX)
        return -1;
    for (int i = 1; i < n; i++) {
        for (int j = 0; j < i; j++) {
            if (fields[j].klen == fields[i].klen &&
                memcmp(fields[j].key, fields[i].key, fields[i].klen) == 0)
                return 0;
        }
    }
    return 1;
}
