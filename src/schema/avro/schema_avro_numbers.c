/*
 * schema_avro_numbers.c - the numbers Avro's Jackson reads that jansson
 * refuses: an integer past a long (Jackson: BigIntegerNode) and a real past
 * the finite range (Jackson: DoubleNode, Infinity).  Before jansson reads
 * the text, each such number in a value position becomes a placeholder
 * string (a noncharacter from U+FDD0..U+FDEF that the text does not hold,
 * and its index); after, each placeholder becomes the special number of
 * schema_avro_model.h.  Linear in the text; the walk is bounded by the
 * nesting depth the parser allows.
 */
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema_avro_numbers.h"

/* StreamReadConstraints' default maxNumberLength: Jackson refuses longer. */
#define JACKSON_MAX_NUMBER_LEN 1000

/* The noncharacters U+FDD0..U+FDEF: EF B7 90..AF in UTF-8. */
#define MARK_FIRST 0xFDD0u
#define MARK_COUNT 32u

/* JSON's number grammar, exactly [p, p + n): -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static int
json_number(const char *p, size_t n, int *integral)
{
    size_t i = 0;
    *integral = 1;
    if (i < n && p[i] == '-')
        i++;
    if (i >= n || p[i] < '0' || p[i] > '9')
        return 0;
    if (p[i] == '0')
        i++;
    else
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    if (i < n && p[i] == '.') {
        size_t d = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == d)
            return 0;
        *integral = 0;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == d)
            return 0;
        *integral = 0;
    }
    return i == n;
}

/* Whether jansson refuses the number [p, p + n) for its range. */
static int
out_of_range(const char *p, size_t n)
{
    int integral;
    if (n > JACKSON_MAX_NUMBER_LEN || !json_number(p, n, &integral))
        return 0;
    char *t = mem_strndup(p, n);
    errno = 0;
    int over;
    if (integral) {
        (void)strtoll(t, NULL, 10);
        over = errno == ERANGE;
    } else {
        double d = strtod(t, NULL);
        over = errno == ERANGE && isinf(d);
    }
    free(t);
    return over;
}

/*
 * The first noncharacter U+FDD0..U+FDEF the text cannot hold, escaped
 * (its hex digits appear nowhere) or not; 0 when it could hold them all.
 */
static unsigned
free_mark(const char *t, size_t len)
{
    uint32_t seen = 0;
    for (size_t i = 0; i + 3 <= len; i++) {
        if ((unsigned char)t[i] == 0xEF && (unsigned char)t[i + 1] == 0xB7 &&
            (unsigned char)t[i + 2] >= 0x90 && (unsigned char)t[i + 2] <= 0xAF)
            seen |= 1u << ((unsigned char)t[i + 2] - 0x90);
        if (i + 4 <= len && strncasecmp(t + i, "fd", 2) == 0) {
            char hex[5] = {t[i], t[i + 1], t[i + 2], t[i + 3], 0};
            unsigned long v = strtoul(hex, NULL, 16);
            if (v >= MARK_FIRST && v < MARK_FIRST + MARK_COUNT)
                seen |= 1u << (v - MARK_FIRST);
        }
    }
    for (unsigned k = 0; k < MARK_COUNT; k++)
        if (!(seen & (1u << k)))
            return MARK_FIRST + k;
    return 0;
}

static void
add_number(avro_numbers_t *m, buf_t *out, const char *p, size_t n)
{
    m->at = mem_realloc(m->at, (m->n + 1) * sizeof(*m->at));
    m->delta = mem_realloc(m->delta, (m->n + 1) * sizeof(*m->delta));
    m->lit = mem_realloc(m->lit, (m->n + 1) * sizeof(*m->lit));
    size_t before = out->len;
    buf_printf(out, "\"\\u%04X%zu\"", m->mark, m->n);
    m->at[m->n] = before;
    m->delta[m->n] = (long)(out->len - before) - (long)n;
    m->lit[m->n] = mem_strndup(p, n);
    m->n++;
}

/* Whether a value may start here: after ':' or '[', after ',' in an array, or at the top. */
static int
value_position(char prev, const char *stack, size_t depth)
{
    return prev == 0 || prev == ':' || prev == '[' || (prev == ',' && depth > 0 && stack[depth - 1] == '[');
}

void
avro_numbers_mark(avro_numbers_t *m, const char *t, size_t len)
{
    memset(m, 0, sizeof(*m));
    m->mark = free_mark(t, len);
    if (m->mark == 0)
        return;
    buf_t out = {0};
    char *stack = NULL;
    size_t depth = 0, cap = 0, copied = 0;
    char prev = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        if (ch == '"') {
            for (i++; i < len && t[i] != '"'; i++)
                if (t[i] == '\\')
                    i++;
            prev = '"';
        } else if ((ch == '-' || (ch >= '0' && ch <= '9')) && value_position(prev, stack, depth)) {
            size_t j = i;
            while (j < len && strchr("0123456789+-.eE", t[j]) != NULL && t[j] != '\0')
                j++;
            if (out_of_range(t + i, j - i)) {
                buf_append(&out, t + copied, i - copied);
                add_number(m, &out, t + i, j - i);
                copied = j;
            }
            i = j - 1;
            prev = '0';
        } else if (ch == '{' || ch == '[') {
            if (depth == cap) {
                cap = cap ? 2 * cap : 64;
                stack = mem_realloc(stack, cap);
            }
            stack[depth++] = ch;
            prev = ch;
        } else if (ch == '}' || ch == ']') {
            if (depth > 0)
                depth--;
            prev = ch;
        } else if ((unsigned char)ch > ' ') {
            prev = ch;
        }
    }
    free(stack);
    if (m->n == 0) {
        free(out.data);
        return;
    }
    buf_append(&out, t + copied, len - copied);
    m->len = out.len;
    m->text = buf_steal(&out, NULL);
}

size_t
avro_numbers_orig_pos(const avro_numbers_t *m, size_t pos)
{
    long shift = 0;
    for (size_t i = 0; i < m->n && m->at[i] < pos; i++)
        shift += m->delta[i];
    return (size_t)((long)pos - shift);
}

/* The special number placeholder `v` stands for, or NULL when it is none. */
static json_t *
special_for(const avro_numbers_t *m, const json_t *v)
{
    const char *s = json_string_value(v);
    /* m->mark in UTF-8: EF B7 and 0x80 | its low six bits. */
    if (s == NULL || json_string_length(v) < 4 || (unsigned char)s[0] != 0xEF ||
        (unsigned char)s[1] != 0xB7 || (unsigned char)s[2] != (0x80 | (m->mark & 0x3F)))
        return NULL;
    size_t idx = strtoul(s + 3, NULL, 10);
    if (idx >= m->n)
        return NULL;
    const char *lit = m->lit[idx];
    int integral;
    (void)json_number(lit, strlen(lit), &integral);
    if (integral)
        return avro_json_special_new(AVRO_NUM_BIG, lit, strlen(lit));
    const char *inf = lit[0] == '-' ? "-Infinity" : "Infinity";
    return avro_json_special_new(AVRO_NUM_NONFINITE, inf, strlen(inf));
}

json_t *
avro_numbers_restore(const avro_numbers_t *m, json_t *j)
{
    size_t i;
    const char *k;
    json_t *v, *sp;
    if (m->n == 0)
        return j;
    if ((sp = special_for(m, j)) != NULL) {
        json_decref(j);
        return sp;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            if ((sp = special_for(m, v)) != NULL)
                json_array_set_new(j, i, sp);
            else
                avro_numbers_restore(m, v);
        }
    } else if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            if ((sp = special_for(m, v)) != NULL)
                json_object_set_new(j, k, sp);
            else
                avro_numbers_restore(m, v);
        }
    }
    return j;
}

void
avro_numbers_free(avro_numbers_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->lit[i]);
    free(m->lit);
    free(m->at);
    free(m->delta);
    free(m->text);
    memset(m, 0, sizeof(*m));
}
