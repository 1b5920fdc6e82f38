/*
 * mem.h - allocation that never returns NULL (running out of memory is
 * fatal, as in h2o and redis), and a growable byte buffer.
 */
#ifndef SCHEMAD_MEM_H
#define SCHEMAD_MEM_H

#include <stddef.h>
#include <stdarg.h>

/** malloc/calloc/realloc/strdup that abort on failure.  Caller frees. */
void *mem_alloc(size_t n);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);
/** printf into a new string.  Caller frees. */
char *mem_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Set malloc up so that a burst of large requests does not leave the
 * process at its peak: blocks of MEM_LARGE bytes and more are mapped
 * apart and unmapped when freed (glibc would otherwise raise that
 * threshold after the first large free and keep later ones in the heap).
 * Call once, first thing in main.
 */
void mem_tune(void);
/** Above this, a freed buffer is worth mem_release(). */
#define MEM_LARGE ((size_t)1 << 20)
/** After freeing `len` bytes of request data: from MEM_LARGE on, give the
 *  heap's free pages back to the kernel (costs a walk of the heap). */
void mem_release(size_t len);

/**
 * A bump allocator over chunks mapped apart from the heap, for many
 * short-lived allocations that die together: when they do, their pages go
 * back to the kernel instead of leaving holes between long-lived objects.
 * Zero-initialise; what it hands out lives until mem_arena_reset().
 */
typedef struct mem_arena {
    struct mem_chunk *chunks;   /* newest first; owned */
} mem_arena_t;

/** `n` bytes, 8-aligned.  The arena owns them. */
void *mem_arena_alloc(mem_arena_t *a, size_t n);
/** A NUL-terminated copy of the `n` bytes at `s`.  The arena owns it. */
char *mem_arena_strndup(mem_arena_t *a, const char *s, size_t n);
/** Give back everything handed out: all chunks are unmapped. */
void mem_arena_reset(mem_arena_t *a);

/** A growable byte buffer; owns `data`.  Zero-initialise, free with buf_free(). */
typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf_t;

void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *data, size_t len);
void buf_puts(buf_t *b, const char *s);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Append `s` as a JSON string literal (quotes included), escaped as Jackson does.
 * The pair C0 80, which no valid UTF-8 holds, is U+0000 as Java's modified
 * UTF-8 writes it: a C string carries a NUL that way, written \u0000. */
void buf_json_string(buf_t *b, const char *s, size_t len);
/**
 * The text of the JSON string literal `lit` (quotes included) into `out`,
 * which has room for `len` bytes (the text is never longer).  Returns the
 * text's length, or -1 if `lit` is not one well-formed literal.
 */
long mem_json_unescape(const char *lit, size_t len, char *out);
/** Hand the bytes over (NUL-terminated); the buffer is left empty.  Caller frees. */
char *buf_steal(buf_t *b, size_t *len);
void buf_free(buf_t *b);

#endif
