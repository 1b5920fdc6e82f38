/*
 * test_schema_avro_java.c - the rules the differential tests
 * (tests/integration/test_diff_reference.py) found schemad breaking, one
 * check per rule, the expected texts being what Avro 1.11.4 on JDK 17
 * answers: Double/Float.toString as FloatingDecimal writes them, numbers
 * Jackson holds and jansson does not, dangling comments, a float default's
 * parse errors, NaN defaults, empty unions under validateDefaults, and
 * Character.isLetter / isLetterOrDigit in names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "schema_avro.h"
#include "schema_avro_model.h"

typedef struct stats {
    int passed;
    int failed;
} stats_t;

static void
check_str(stats_t *st, const char *what, const char *got, const char *want)
{
    if (got != NULL && strcmp(got, want) == 0) {
        st->passed++;
        return;
    }
    st->failed++;
    printf("FAIL %s\n  got:  %s\n  want: %s\n", what, got ? got : "(null)", want);
}

/* The canonical text or error with flags 0 (want0) and SCHEMA_VALIDATE_DEFAULTS (want1). */
static void
check(stats_t *st, const char *in, const char *want0, const char *want1)
{
    for (int v = 0; v < 2; v++) {
        char *out = NULL, *err = NULL;
        schema_avro_canonical(in, strlen(in), NULL, 0, v ? SCHEMA_VALIDATE_DEFAULTS : 0, &out, &err);
        check_str(st, in, out != NULL ? out : err, v ? want1 : want0);
        free(out);
        free(err);
    }
}

static void
check_double(stats_t *st, double d, const char *want)
{
    buf_t b = {0};
    avro_write_double(&b, d);
    char *got = buf_steal(&b, NULL);
    check_str(st, want, got, want);
    free(got);
}

static void
check_float_bits(stats_t *st, uint32_t bits, const char *want)
{
    float f;
    memcpy(&f, &bits, sizeof(f));
    buf_t b = {0};
    avro_write_float(&b, f);
    char *got = buf_steal(&b, NULL);
    check_str(st, want, got, want);
    free(got);
}

/* FloatingDecimal: an integer-valued double below 2^63 from its long value,
 * less the digits insignificantDigitsForPow2 drops; E-form's second digit;
 * otherwise the shortest digits. */
static void
test_double_to_string(stats_t *st)
{
    check_double(st, 136203124610706848.0, "1.36203124610706848E17");
    check_double(st, 1028543507407552128.0, "1.02854350740755213E18");
    check_double(st, 7123240574971067392.0, "7.1232405749710674E18");
    check_double(st, 9007199254740992.0, "9.007199254740992E15");
    check_double(st, 4.9E-324, "4.9E-324");
    check_double(st, 1.0E-323, "1.0E-323");
    check_double(st, 1.58E-322, "1.58E-322");
    check_double(st, 1e23, "9.999999999999999E22");
    check_double(st, 1e22, "1.0E22");
    check_double(st, 0.1, "0.1");
    check_double(st, 1.0E7, "1.0E7");
    check_double(st, 1.0E-5, "1.0E-5");
    check_double(st, 0.0025, "0.0025");
    check_double(st, 123.456, "123.456");
    check_double(st, -0.0, "-0.0");
    check_float_bits(st, 1, "1.4E-45");
    check_float_bits(st, 3, "4.2E-45");
    check_float_bits(st, 1343554297, "1.0E10");
    check_float_bits(st, 1541098918, "1.23456791E17");
    check_float_bits(st, 1036831949, "0.1");
    check_float_bits(st, 2139095039, "3.4028235E38");
    check_float_bits(st, 1275068417, "3.3554436E7");
    check_float_bits(st, 1206984805, "123456.79");
    check_float_bits(st, 8388608, "1.17549435E-38");
    check(st, "{\"type\":\"string\",\"p\":7123240574971067392.0}",
          "{\"type\":\"string\",\"p\":7.1232405749710674E18}", "{\"type\":\"string\",\"p\":7.1232405749710674E18}");
}

/* Jackson reads an integer past a long as BigIntegerNode (its digits, a
 * number but no int or long), a real past the range as DoubleNode Infinity
 * (written quoted); neither is text. */
static void
test_big_numbers(stats_t *st)
{
    check(st, "{\"type\":\"string\",\"p\":9223372036854775808}",
          "{\"type\":\"string\",\"p\":9223372036854775808}", "{\"type\":\"string\",\"p\":9223372036854775808}");
    check(st, "{\"type\":\"string\",\"p\":[1E400,-1e400]}",
          "{\"type\":\"string\",\"p\":[\"Infinity\",\"-Infinity\"]}",
          "{\"type\":\"string\",\"p\":[\"Infinity\",\"-Infinity\"]}");
    check(st, "9223372036854775808", "Schema not yet supported: 9223372036854775808",
          "Schema not yet supported: 9223372036854775808");
    const char *size = "{\"type\":\"fixed\",\"name\":\"F\",\"size\":99999999999999999999}";
    check(st, size, "Invalid or no size: {\"type\":\"fixed\",\"name\":\"F\",\"size\":99999999999999999999}",
          "Invalid or no size: {\"type\":\"fixed\",\"name\":\"F\",\"size\":99999999999999999999}");
    const char *i = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"int\",\"default\":99999999999999999999}]}";
    check(st, i, i, "Invalid default for field f: 99999999999999999999 not a \"int\"");
    const char *d = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"double\",\"default\":-99999999999999999999}]}";
    check(st, d, d, d);
    check(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"string\",\"default\":1e400}]}",
          "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"string\",\"default\":\"Infinity\"}]}",
          "Invalid default for field f: \"Infinity\" not a \"string\"");
    /* A text holding the first placeholder mark gets the next one. */
    check(st, "{\"type\":\"string\",\"x\":\"\\ufdd0\xef\xb7\x91\",\"p\":99999999999999999999}",
          "{\"type\":\"string\",\"x\":\"\xef\xb7\x90\xef\xb7\x91\",\"p\":99999999999999999999}",
          "{\"type\":\"string\",\"x\":\"\xef\xb7\x90\xef\xb7\x91\",\"p\":99999999999999999999}");
}

/* Schema.Parser reads what Jackson left unread as it is: a comment after the schema dangles. */
static void
test_dangling(stats_t *st)
{
    check(st, "\"int\"/*c*/", "dangling content after end of schema: /*c*/",
          "dangling content after end of schema: /*c*/");
    check(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[/*c*/]} // x",
          "dangling content after end of schema: // x", "dangling content after end of schema: // x");
    check(st, "/*c*/\"int\" \n", "\"int\"", "\"int\"");
}

/* A float field's string default: Double.valueOf trims, names the trimmed
 * text, and a NaN or Infinity is a DoubleNode (a number to isValidDefault). */
static void
test_float_defaults(stats_t *st)
{
    check(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"float\",\"default\":\"\\u001f\"}]}",
          "empty String", "empty String");
    check(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"float\",\"default\":\" 1x \"}]}",
          "For input string: \"1x\"", "For input string: \"1x\"");
    const char *nan = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"float\",\"default\":\"NaN\"}]}";
    check(st, nan, nan, nan);
    check(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"double\",\"default\":\" -Infinity\"}]}",
          "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"double\",\"default\":\"-Infinity\"}]}",
          "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"double\",\"default\":\"-Infinity\"}]}");
    /* Only a float field's own default is converted: in a union it stays text. */
    const char *u = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":[\"double\"],\"default\":\"NaN\"}]}";
    check(st, u, u, "Invalid default for field f: \"NaN\" not a [\"double\"]");
}

/* isValidDefault takes an empty union's first type: Java's IndexOutOfBounds. */
static void
test_empty_union_default(stats_t *st)
{
    const char *a = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":[],\"default\":1}]}";
    check(st, a, a, "Index 0 out of bounds for length 0");
    const char *b = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":{\"type\":\"array\",\"items\":[]},\"default\":[1]}]}";
    check(st, b, b, "Index 0 out of bounds for length 0");
    const char *c = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":{\"type\":\"array\",\"items\":[]},\"default\":[]}]}";
    check(st, c, c, c);
}

/* The normalized form of defaults past jansson: stable under a second
 * normalization (a float or double field keeps its own NaN or infinity,
 * an integer past a long is a float or double's value, the rest drops). */
static void
test_normalized_specials(stats_t *st)
{
    const char *in = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                     "{\"name\":\"a\",\"type\":\"double\",\"default\":1e400},"
                     "{\"name\":\"b\",\"type\":[\"double\"],\"default\":1e400},"
                     "{\"name\":\"c\",\"type\":\"float\",\"default\":99999999999999999999},"
                     "{\"name\":\"d\",\"type\":\"long\",\"default\":99999999999999999999},"
                     "{\"name\":\"e\",\"type\":{\"type\":\"map\",\"values\":\"double\"},\"default\":{\"k\":1e999}}]}";
    const char *want = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                       "{\"name\":\"a\",\"type\":\"double\",\"default\":\"Infinity\"},"
                       "{\"name\":\"b\",\"type\":[\"double\"]},"
                       "{\"name\":\"c\",\"type\":\"float\",\"default\":1.0E20},"
                       "{\"name\":\"d\",\"type\":\"long\"},"
                       "{\"name\":\"e\",\"type\":{\"type\":\"map\",\"values\":\"double\"},\"default\":{\"k\":null}}]}";
    for (int round = 0; round < 2; round++) {
        char *out = NULL, *err = NULL;
        const char *text = round == 0 ? in : want;
        schema_avro_canonical(text, strlen(text), NULL, 0, SCHEMA_NORMALIZE, &out, &err);
        check_str(st, text, out != NULL ? out : err, want);
        free(out);
        free(err);
    }
}

/* validateName: Character.isLetter first, isLetterOrDigit after, per UTF-16 char. */
static void
test_name_chars(stats_t *st)
{
    check(st, "{\"type\":\"record\",\"name\":\"R\xe2\xa7\xb7\",\"fields\":[]}",
          "Illegal character in: R\xe2\xa7\xb7", "Illegal character in: R\xe2\xa7\xb7");
    check(st, "{\"type\":\"record\",\"name\":\"R\xd9\xa3\",\"fields\":[]}",
          "{\"type\":\"record\",\"name\":\"R\xd9\xa3\",\"fields\":[]}",
          "{\"type\":\"record\",\"name\":\"R\xd9\xa3\",\"fields\":[]}");
    check(st, "{\"type\":\"record\",\"name\":\"\xd9\xa3R\",\"fields\":[]}",
          "Illegal initial character: \xd9\xa3R", "Illegal initial character: \xd9\xa3R");
    check(st, "{\"type\":\"record\",\"name\":\"\xc7\x85x\",\"fields\":[]}",
          "{\"type\":\"record\",\"name\":\"\xc7\x85x\",\"fields\":[]}",
          "{\"type\":\"record\",\"name\":\"\xc7\x85x\",\"fields\":[]}");
    check(st, "{\"type\":\"record\",\"name\":\"e\xcc\x81\",\"fields\":[]}",
          "Illegal character in: e\xcc\x81", "Illegal character in: e\xcc\x81");
    check(st, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\xf0\x9f\x98\x80\"]}",
          "Illegal character in: A\xf0\x9f\x98\x80", "Illegal character in: A\xf0\x9f\x98\x80");
    check(st, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"x\xcb\xab\",\"type\":\"int\"}]}",
          "Illegal character in: x\xcb\xab", "Illegal character in: x\xcb\xab");
    check(st, "{\"type\":\"record\",\"name\":\"\xe4\xb8\xad\xe6\x96\x87\",\"fields\":[]}",
          "{\"type\":\"record\",\"name\":\"\xe4\xb8\xad\xe6\x96\x87\",\"fields\":[]}",
          "{\"type\":\"record\",\"name\":\"\xe4\xb8\xad\xe6\x96\x87\",\"fields\":[]}");
}

int
main(void)
{
    stats_t st = {0, 0};
    test_double_to_string(&st);
    test_big_numbers(&st);
    test_dangling(&st);
    test_float_defaults(&st);
    test_empty_union_default(&st);
    test_normalized_specials(&st);
    test_name_chars(&st);
    printf("%d passed, %d failed\n", st.passed, st.failed);
    return st.failed != 0;
}
