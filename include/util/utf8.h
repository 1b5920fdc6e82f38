/*
 * utf8.h - bytes to UTF-8 text the way Java's decoder replaces what is not:
 * Jersey decodes percent-encoded path and query octets with
 * Charset.decode(UTF-8), which turns each malformed subsequence into one
 * U+FFFD.  Subjects therefore always reach the API as valid UTF-8.
 */
#ifndef SCHEMAD_UTF8_H
#define SCHEMAD_UTF8_H

#include <stddef.h>

/** The most bytes utf8_java_decode() writes for `n` input bytes. */
#define UTF8_JAVA_DECODE_MAX(n) ((n) * 3)

/**
 * Write `in[0..n)` to `out` as valid UTF-8: well-formed sequences are
 * copied, each malformed one becomes U+FFFD (EF BF BD) with the lengths
 * Java's UTF-8 decoder reports.  `out` must have UTF8_JAVA_DECODE_MAX(n)
 * bytes and may not overlap `in`.  Returns the bytes written (no NUL added).
 */
size_t utf8_java_decode(const unsigned char *in, size_t n, char *out);

/** Whether `s[0..n)` is well-formed UTF-8 (no surrogates, no overlongs). */
int utf8_valid(const char *s, size_t n);

#endif
