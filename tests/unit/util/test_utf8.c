/* test_utf8.c - Java's UTF-8 replacement rules, sequence by sequence. */
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "utf8.h"

#define R "\xEF\xBF\xBD"

/* Whether the bytes decode to `want` (a NUL-free expectation). */
static int
decodes(const char *in, size_t n, const char *want)
{
    char out[64];
    size_t len = utf8_java_decode((const unsigned char *)in, n, out);
    return len == strlen(want) && memcmp(out, want, len) == 0 && utf8_valid(out, len);
}

#define D(lit, want) decodes(lit, sizeof(lit) - 1, want)

int
main(void)
{
    tally_t t = {0, 0};
    check(&t, D("abc", "abc") && D("", ""), "ASCII is copied");
    check(&t, D("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
          "two, three and four byte sequences are copied");
    check(&t, D("\xFF", R) && D("a\xFF" "b", "a" R "b"), "a byte that starts nothing is one");
    check(&t, D("\xC0\x80", R R) && D("\xC1\xBF", R R), "overlong two-byte leads: one per byte");
    check(&t, D("\x80\xBF", R R), "stray continuation bytes: one each");
    check(&t, D("\xE0\x80\x80", R R R), "E0 with a low second byte: one per byte");
    check(&t, D("\xE2\x82" "a", R "a"), "a three-byte sequence cut by ASCII: one for two");
    check(&t, D("\xE2\x82", R) && D("\xE2", R), "an incomplete tail is one");
    check(&t, D("\xE2" "a", R "a"), "a lead followed by ASCII");
    check(&t, D("\xED\xA0\x80", R) && D("\xED\xBF\xBF" "x", R "x"),
          "an encoded surrogate is one for three bytes");
    check(&t, D("\xED\x9F\xBF", "\xED\x9F\xBF"), "the last code point before the surrogates");
    check(&t, D("\xF0\x80\x80\x80", R R R R), "an overlong four-byte: one per byte");
    check(&t, D("\xF4\x90\x80\x80", R R R R), "beyond U+10FFFF: one per byte");
    check(&t, D("\xF5\x80", R R) && D("\xF8\x88\x80\x80\x80", R R R R R),
          "F5 and above start nothing");
    check(&t, D("\xF0\x9F\x98" "a", R "a") && D("\xF0\x9F" "a", R "a"),
          "a four-byte cut after three or two bytes");
    check(&t, D("\xF0\x9F\x98", R) && D("\xF0\x9F", R), "an incomplete four-byte tail is one");
    check(&t, utf8_valid("ok\xC3\xA9", 4) && !utf8_valid("\xC0\x80", 2) &&
              !utf8_valid("\xED\xA0\x80", 3) && !utf8_valid("\xE2\x82", 2),
          "validity");
    /* Every single byte and every pair: the output is always valid and
     * never longer than the bound. */
    int all_ok = 1;
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            unsigned char in[2] = {(unsigned char)a, (unsigned char)b};
            char out[8];
            size_t len = utf8_java_decode(in, 2, out);
            all_ok &= len <= UTF8_JAVA_DECODE_MAX(2) && utf8_valid(out, len);
        }
    }
    check(&t, all_ok, "all byte pairs decode to valid UTF-8 within the bound");
    return tally_report(&t);
}
