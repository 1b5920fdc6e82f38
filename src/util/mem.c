/* mem.c - allocation that aborts on failure, and the byte buffer. */
#include "mem.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void
mem__oom(size_t n)
{
    fprintf(stderr, "schemad: out of memory allocating %zu bytes\n", n);
    abort();
}

void
mem_tune(void)
{
    mallopt(M_MMAP_THRESHOLD, (int)MEM_LARGE);
}

void
mem_release(size_t len)
{
    if (len >= MEM_LARGE)
        malloc_trim(0);
}

void *
mem_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        mem__oom(n);
    return p;
}

void *
mem_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        mem__oom(n * size);
    return p;
}

void *
mem_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        mem__oom(n);
    return q;
}

char *
mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

char *
mem_strndup(const char *s, size_t n)
{
    char *p = mem_alloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---- arenas ------------------------------------------------------------ */

#define MEM_CHUNK_SIZE ((size_t)1 << 20)

struct mem_chunk {
    struct mem_chunk *next;
    size_t size;        /* mapped bytes, this header included */
    size_t used;
};

void *
mem_arena_alloc(mem_arena_t *a, size_t n)
{
    size_t need = (n + 7) & ~(size_t)7;
    struct mem_chunk *c = a->chunks;
    if (need < n)
        mem__oom(n);
    if (c == NULL || c->size - c->used < need) {
        size_t hdr = (sizeof(*c) + 7) & ~(size_t)7;
        size_t size = need > MEM_CHUNK_SIZE - hdr ? hdr + need : MEM_CHUNK_SIZE;
        if (size < need)
            mem__oom(n);
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            mem__oom(size);
        c = p;
        c->size = size;
        c->used = hdr;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = (char *)c + c->used;
    c->used += need;
    return p;
}

char *
mem_arena_strndup(mem_arena_t *a, const char *s, size_t n)
{
    char *p = mem_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void
mem_arena_reset(mem_arena_t *a)
{
    while (a->chunks != NULL) {
        struct mem_chunk *c = a->chunks;
        a->chunks = c->next;
        munmap(c, c->size);
    }
}

char *
mem_printf(const char *fmt, ...)
{
    buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    buf_reserve(&b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b.data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b.len = (size_t)n;
    return buf_steal(&b, NULL);
}

void
buf_reserve(buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = mem_realloc(b->data, cap);
    b->cap = cap;
}

void
buf_append(buf_t *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
buf_puts(buf_t *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void
buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void
buf_json_string(buf_t *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    /* Room for the worst case (every byte a \u00XX) once, rather than a
     * check per byte: a schema text is escaped at every publish. */
    buf_reserve(b, 6 * len + 2);
    char *out = b->data + b->len;
    *out++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc = 0;
        if (c == 0xC0 && i + 1 < len && (unsigned char)s[i + 1] == 0x80) {
            c = 0;      /* U+0000 in modified UTF-8 (mem.h) */
            i++;
        }
        switch (c) {
        case '"': esc = '"'; break;
        case '\\': esc = '\\'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        case '\t': esc = 't'; break;
        case '\b': esc = 'b'; break;
        case '\f': esc = 'f'; break;
        default: break;
        }
        if (esc != 0) {
            *out++ = '\\';
            *out++ = esc;
        } else if (c < 0x20) {
            memcpy(out, "\\u00", 4);
            out[4] = hex[c >> 4];
            out[5] = hex[c & 15];
            out += 6;
        } else {
            *out++ = (char)c;
        }
    }
    *out++ = '"';
    b->len = (size_t)(out - b->data);
    b->data[b->len] = '\0';
}

static int
mem__hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return 0;
}

/* UTF-8 of code point cp at out; returns its length. */
static size_t
mem__utf8(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \uXXXX escape (a surrogate pair as one) at p[0..]; its code point and
 * the bytes it took, or 0 when malformed. */
static size_t
mem__unicode_escape(const char *p, const char *end, unsigned *cp)
{
    if (end - p < 6 || mem__hex4(p + 2, cp) != 0)
        return 0;
    if (*cp < 0xD800 || *cp > 0xDFFF)
        return 6;
    unsigned lo;
    if (*cp > 0xDBFF || end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
        mem__hex4(p + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
        return 0;
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    return 12;
}

long
mem_json_unescape(const char *lit, size_t len, char *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (len < 2 || lit[0] != '"' || lit[len - 1] != '"')
        return -1;
    const char *p = lit + 1, *end = lit + len - 1;
    size_t n = 0;
    while (p < end) {
        if (*p == '"' || (unsigned char)*p < 0x20)
            return -1;
        if (*p != '\\') {
            out[n++] = *p++;
            continue;
        }
        if (p + 1 >= end)
            return -1;
        const char *e = p[1] != '\0' ? strchr(from, p[1]) : NULL;
        if (e != NULL) {
            out[n++] = to[e - from];
            p += 2;
            continue;
        }
        unsigned cp;
        size_t took = p[1] == 'u' ? mem__unicode_escape(p, end, &cp) : 0;
        if (took == 0)
            return -1;
        n += mem__utf8(cp, out + n);
        p += took;
    }
    return (long)n;
}

char *
buf_steal(buf_t *b, size_t *len)
{
    if (b->data == NULL)
        buf_reserve(b, 0);
    b->data[b->len] = '\0';
    char *p = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void
buf_free(buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
