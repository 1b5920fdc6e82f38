/* text.c - the small string tests the settings readers share. */
#include "text.h"

#include <string.h>
#include <strings.h>

#include "mem.h"

int
text_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

char *
text_trim(const char *s, size_t n)
{
    while (n > 0 && text_is_space((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && text_is_space((unsigned char)s[n - 1]))
        n--;
    return mem_strndup(s, n);
}

int
text_ends_with(const char *s, const char *suffix, int ignore_case)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m)
        return 0;
    return ignore_case ? strcasecmp(s + n - m, suffix) == 0 : strcmp(s + n - m, suffix) == 0;
}

int
text_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
