/*
 * schema_avro_text.c - a schema's JSON text as Jackson reads it (comments,
 * the nesting bound, escaped NULs), and a string default as Java's
 * Double.valueOf reads it.
 */
#include "schema_avro_text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/*
 * Jackson runs with ALLOW_COMMENTS: blank out comments outside strings so
 * that jansson sees plain JSON at the same offsets.
 */
char *
avro_text_strip_comments(const char *text, size_t len)
{
    char *t = mem_strndup(text, len);
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        if (in_str) {
            if (t[i] == '\\' && i + 1 < len)
                i++;
            else if (t[i] == '"')
                in_str = 0;
        } else if (t[i] == '"') {
            in_str = 1;
        } else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
            while (i < len && t[i] != '\n')
                t[i++] = ' ';
        } else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
            t[i++] = ' ';
            t[i] = ' ';
            while (i + 1 < len && !(t[i] == '*' && t[i + 1] == '/'))
                t[i++] = ' ';
            if (i + 1 < len) {
                t[i++] = ' ';
                t[i] = ' ';
            }
        }
    }
    return t;
}

int
avro_text_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] > ' ')
            return 0;
    return 1;
}

/*
 * Jackson (2.15 and later) refuses a document nesting deeper than
 * StreamReadConstraints' 1,000 objects and arrays; jansson's own bound is
 * 2,048.  Returns the offset of the first opening past 1,000 in the first
 * JSON value, or len when there is none.
 */
size_t
avro_text_too_deep_at(const char *t, size_t len)
{
    size_t depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = 0;
        } else if (ch == '"') {
            in_str = 1;
        } else if (ch == '{' || ch == '[') {
            if (++depth > AVRO_TEXT_MAX_NESTING)
                return i;
        } else if ((ch == '}' || ch == ']') && depth > 0 && --depth == 0) {
            return len;
        }
    }
    return len;
}

/*
 * Jackson reads an escaped NUL like any other character: a doc, a
 * namespace, an alias or a default may hold one, and a name that does is
 * refused by the name rules with its NUL.  The model keeps C strings, so
 * every string that holds a NUL is rewritten in place with each NUL as
 * C0 80 (modified UTF-8, as JNI hands Java strings to C): nothing is cut,
 * validate_name sees a character that is no letter, and buf_json_string
 * writes it back as \u0000.  Depth is bounded by avro_text_too_deep_at.
 */
void
avro_text_nul_to_modified(json_t *j)
{
    size_t i;
    const char *k;
    json_t *v;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v)
            avro_text_nul_to_modified(v);
        return;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            avro_text_nul_to_modified(v);
        return;
    }
    if (!json_is_string(j))
        return;
    const char *str = json_string_value(j);
    size_t n = json_string_length(j), nuls = 0;
    for (i = 0; i < n; i++)
        nuls += str[i] == '\0';
    if (nuls == 0)
        return;
    char *out = mem_alloc(n + nuls + 1);
    size_t o = 0;
    for (i = 0; i < n; i++) {
        if (str[i] != '\0') {
            out[o++] = str[i];
            continue;
        }
        out[o++] = (char)0xC0;
        out[o++] = (char)0x80;
    }
    out[o] = '\0';
    json_string_setn_nocheck(j, out, o);
    free(out);
}

/* Java's Double.valueOf(String): trims, accepts NaN, Infinity, f/d suffixes. */
int
avro_text_parse_double(const char *text, double *out)
{
    size_t len = strlen(text);
    while (len > 0 && (unsigned char)text[len - 1] <= ' ')
        len--;
    while (len > 0 && (unsigned char)*text <= ' ') {
        text++;
        len--;
    }
    char *t = mem_strndup(text, len);
    if (len > 1 && strchr("fFdD", t[len - 1]) != NULL && strpbrk(t, "xX") == NULL)
        t[--len] = '\0';
    const char *body = t + (t[0] == '+' || t[0] == '-');
    int ok = 0;
    if (strcmp(body, "NaN") == 0 || strcmp(body, "Infinity") == 0) {
        *out = body[0] == 'N' ? NAN : (t[0] == '-' ? -INFINITY : INFINITY);
        ok = 1;
    } else if (*body != '\0' && (isdigit((unsigned char)*body) || *body == '.')) {
        char *end;
        errno = 0;
        *out = strtod(t, &end);
        ok = *end == '\0' && strpbrk(t, "nNiI") == NULL;
    }
    free(t);
    return ok ? 0 : -1;
}
