/* text.h - small string tests shared by the settings readers, the router and the GUIDs. */
#ifndef SCHEMAD_TEXT_H
#define SCHEMAD_TEXT_H

#include <stddef.h>

/** White space between settings' tokens: space, tab, CR, LF, form feed. */
int text_is_space(int c);

/** A copy of the `n` bytes at `s` without white space around.  Caller frees. */
char *text_trim(const char *s, size_t n);

/** Whether `s` ends with `suffix` (ASCII case ignored when `ignore_case`). */
int text_ends_with(const char *s, const char *suffix, int ignore_case);

/** The value of a hex digit (either case), or -1. */
int text_hex_digit(int c);

#endif
