/*
 * utf8.c - Java's UTF-8 decoding with replacement.
 *
 * The lengths of a malformed subsequence follow sun.nio.cs.UTF_8.Decoder:
 * a lead byte that cannot start a sequence, or a second byte that cannot
 * follow it, is one bad byte; a sequence whose third (or fourth) byte is
 * wrong is bad up to that byte; a surrogate or an out-of-range four-byte
 * code point is one replacement for the bytes Java counts; and whatever
 * is left at the end, incomplete but plausible, is one replacement.
 */
#include "utf8.h"

static const char utf8__fffd[3] = {(char)0xEF, (char)0xBF, (char)0xBD};

static int
utf8__cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

/* Bytes of a well-formed sequence at in[0..n), or 0 with *bad set to the
 * malformed length to replace. */
static size_t
utf8__two(const unsigned char *in, size_t n, size_t *bad)
{
    if (n < 2) {
        *bad = n;
        return 0;
    }
    if (!utf8__cont(in[1])) {
        *bad = 1;
        return 0;
    }
    return 2;
}

static size_t
utf8__three(const unsigned char *in, size_t n, size_t *bad)
{
    unsigned char b1 = in[0];
    int bad2 = n > 1 && ((b1 == 0xE0 && (in[1] & 0xE0) == 0x80) || !utf8__cont(in[1]));
    if (n < 3) {
        *bad = bad2 ? 1 : n;
        return 0;
    }
    if (bad2) {
        *bad = 1;
        return 0;
    }
    if (!utf8__cont(in[2])) {
        *bad = 2;
        return 0;
    }
    if (b1 == 0xED && in[1] >= 0xA0) {
        *bad = 3;   /* a surrogate: Java replaces the three bytes at once */
        return 0;
    }
    return 3;
}

static int
utf8__bad4_2(unsigned char b1, unsigned char b2)
{
    return (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) ||
           (b1 == 0xF4 && (b2 & 0xF0) != 0x80) || !utf8__cont(b2);
}

static size_t
utf8__four(const unsigned char *in, size_t n, size_t *bad)
{
    unsigned char b1 = in[0];
    if (b1 > 0xF4 || (n > 1 && utf8__bad4_2(b1, in[1]))) {
        *bad = 1;
        return 0;
    }
    if (n > 2 && !utf8__cont(in[2])) {
        *bad = 2;
        return 0;
    }
    if (n < 4) {
        *bad = n;
        return 0;
    }
    if (!utf8__cont(in[3])) {
        *bad = 3;
        return 0;
    }
    return 4;
}

/* The well-formed length of the sequence at in[0..n), or 0 and *bad. */
static size_t
utf8__seq(const unsigned char *in, size_t n, size_t *bad)
{
    unsigned char b1 = in[0];
    *bad = 1;
    if (b1 < 0x80)
        return 1;
    if (b1 >= 0xC2 && b1 <= 0xDF)
        return utf8__two(in, n, bad);
    if (b1 >= 0xE0 && b1 <= 0xEF)
        return utf8__three(in, n, bad);
    if (b1 >= 0xF0 && b1 <= 0xF7)
        return utf8__four(in, n, bad);
    return 0;
}

size_t
utf8_java_decode(const unsigned char *in, size_t n, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        size_t bad;
        size_t len = utf8__seq(in + i, n - i, &bad);
        if (len > 0) {
            for (size_t k = 0; k < len; k++)
                out[o++] = (char)in[i + k];
            i += len;
            continue;
        }
        for (size_t k = 0; k < 3; k++)
            out[o++] = utf8__fffd[k];
        i += bad;
    }
    return o;
}

int
utf8_valid(const char *s, size_t n)
{
    const unsigned char *in = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t bad;
        size_t len = utf8__seq(in + i, n - i, &bad);
        if (len == 0)
            return 0;
        i += len;
    }
    return 1;
}
