/*
 * test_mem.c - the growable buffer, JSON string literals as Jackson writes
 * them, and their unescaping (what a worker sends for /schemas/ids/{id}/schema),
 * and the chunk arena.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "tally.h"

static tally_t t;

/* Escape then unescape: the text must come back byte for byte. */
static void
round_trip(const char *s, size_t len)
{
    buf_t b = {0};
    char out[512];
    buf_json_string(&b, s, len);
    long n = mem_json_unescape(b.data, b.len, out);
    check(&t, n == (long)len && memcmp(out, s, len) == 0, b.data);
    buf_free(&b);
}

static void
unescapes(const char *lit, const char *want, size_t wlen)
{
    char out[512];
    long n = mem_json_unescape(lit, strlen(lit), out);
    check(&t, n == (long)wlen && memcmp(out, want, wlen) == 0, lit);
}

static void
refused(const char *lit)
{
    char out[512];
    check(&t, mem_json_unescape(lit, strlen(lit), out) == -1, lit);
}

/* Small and chunk-sized allocations keep their bytes; reset gives all back. */
static void
arena(void)
{
    mem_arena_t a = {0};
    char *p[3000];
    int ok = 1;
    for (int i = 0; i < 3000; i++) {
        char text[16];
        int n = snprintf(text, sizeof(text), "t%d", i);
        p[i] = mem_arena_strndup(&a, text, (size_t)n);
        ok &= ((uintptr_t)p[i] & 7) == 0;
    }
    char *big = mem_arena_alloc(&a, 3 << 20);
    memset(big, 'x', 3 << 20);
    char *after = mem_arena_strndup(&a, "after", 5);
    for (int i = 0; i < 3000; i++) {
        char text[16];
        snprintf(text, sizeof(text), "t%d", i);
        ok &= strcmp(p[i], text) == 0;
    }
    check(&t, ok && strcmp(after, "after") == 0 && big[(3 << 20) - 1] == 'x',
          "arena: 3,000 strings and one 3 MB block, 8-aligned and intact");
    mem_arena_reset(&a);
    check(&t, a.chunks == NULL, "arena: reset unmaps every chunk");
    check(&t, strcmp(mem_arena_strndup(&a, "again", 5), "again") == 0,
          "arena: usable after a reset");
    mem_arena_reset(&a);
}

int
main(void)
{
    buf_t b = {0};
    buf_json_string(&b, "a\"b\\c\n\x01", 7);
    check(&t, strcmp(b.data, "\"a\\\"b\\\\c\\n\\u0001\"") == 0, "Jackson's escapes");
    buf_free(&b);

    round_trip("", 0);
    round_trip("{\"type\":\"record\",\"name\":\"R\",\"doc\":\"tab\\there\"}", 46);
    round_trip("\b\f\n\r\t\x1f\x7f \"\\/", 11);
    round_trip("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14);
    round_trip("nul\0inside", 10);

    unescapes("\"\\/\\u00e9\\u20AC\"", "/\xc3\xa9\xe2\x82\xac", 6);
    unescapes("\"\\ud83d\\ude00!\"", "\xf0\x9f\x98\x80!", 5);
    refused("");
    refused("\"");
    refused("abc");
    refused("\"a\"b\"");
    refused("\"a\\\"");
    refused("\"\\x\"");
    refused("\"\\u12\"");
    refused("\"\\u12G4\"");
    refused("\"\\ud83d\"");
    refused("\"\\ud83d\\u0041\"");
    refused("\"\\ude00\"");
    refused("\"tab\there\"");
    arena();
    return tally_report(&t);
}
