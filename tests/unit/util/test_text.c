/* test_text.c - white space, trimming and suffixes for the settings readers. */
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "text.h"

static int
trims_to(const char *s, const char *want)
{
    char *got = text_trim(s, strlen(s));
    int ok = strcmp(got, want) == 0;
    free(got);
    return ok;
}

int
main(void)
{
    tally_t t = {0, 0};
    check(&t, text_is_space(' ') && text_is_space('\t') && text_is_space('\r') &&
              text_is_space('\n') && text_is_space('\f'), "the five white space bytes");
    check(&t, !text_is_space('x') && !text_is_space('\v') && !text_is_space(0xa0),
          "nothing else is white space");
    check(&t, trims_to(" \t a b \r\n", "a b"), "trim both ends, keep the inside");
    check(&t, trims_to(" \t ", "") && trims_to("", ""), "all white space trims to empty");
    check(&t, text_ends_with("store.JKS", ".jks", 1) && !text_ends_with("store.JKS", ".jks", 0),
          "a suffix with and without case");
    check(&t, text_ends_with("x", "", 0) && !text_ends_with("ks", ".jks", 1),
          "an empty suffix always, a longer one never");
    check(&t, text_hex_digit('0') == 0 && text_hex_digit('9') == 9 && text_hex_digit('a') == 10 &&
              text_hex_digit('F') == 15, "hex digits in either case");
    check(&t, text_hex_digit('g') == -1 && text_hex_digit('/') == -1 && text_hex_digit(0xff) == -1,
          "anything else is no hex digit");
    return tally_report(&t);
}
