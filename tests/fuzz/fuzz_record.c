/*
 * fuzz_record.c - `_schemas` keys and values (record.c, jscan.c) as a
 * damaged or foreign journal may hold them.
 *
 * Input: the first byte picks what the rest is (a key, a SCHEMA value,
 * another value).  Checks, for whatever decodes: encode, decode again and
 * compare (a round trip), and encode again to the same bytes; the flat
 * scanner (jscan) agrees with jansson on every member it accepts; a flat
 * SCHEMA value decodes the same on the fast path (jscan) as on jansson's
 * (forced by a member with an escaped key, which the scanner leaves to
 * jansson and the decoder ignores).
 */
#include "fuzz.h"

#include <jansson.h>

#include "jscan.h"
#include "mem.h"
#include "record.h"

static int
str_eq(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* References: NULL and [] are the same (neither is written). */
static int
json_eq(const json_t *a, const json_t *b, int empty_is_null)
{
    if (empty_is_null && a != NULL && json_is_array(a) && json_array_size(a) == 0)
        a = NULL;
    if (empty_is_null && b != NULL && json_is_array(b) && json_array_size(b) == 0)
        b = NULL;
    return a == NULL ? b == NULL : b != NULL && json_equal(a, b);
}

static void
fuzz_key(const char *buf, size_t len)
{
    record_key_t k, k2;
    if (record_key_decode(buf, len, &k) != 0)
        return;
    FUZZ_CHECK(k.keytype != NULL);
    size_t elen = 0, elen2 = 0;
    char *enc = record_key_encode(&k, &elen);
    if (enc == NULL) {
        FUZZ_CHECK(k.type == RECORD_UNKNOWN ||
                   (k.type == RECORD_CONTEXT && (k.tenant == NULL || k.context == NULL)));
        record_key_free(&k);
        return;
    }
    FUZZ_CHECK(elen == strlen(enc));
    FUZZ_CHECK(record_key_decode(enc, elen, &k2) == 0);
    FUZZ_CHECK(k2.type == k.type && strcmp(k2.keytype, k.keytype) == 0);
    if (k.type != RECORD_NOOP && k.type != RECORD_CONTEXT)
        FUZZ_CHECK(str_eq(k.subject, k2.subject));
    if (k.type == RECORD_SCHEMA)
        FUZZ_CHECK(k.version == k2.version);
    if (k.type == RECORD_CONTEXT)
        FUZZ_CHECK(str_eq(k.tenant, k2.tenant) && str_eq(k.context, k2.context));
    char *enc2 = record_key_encode(&k2, &elen2);
    FUZZ_CHECK(enc2 != NULL && elen2 == elen && memcmp(enc, enc2, elen) == 0);
    free(enc);
    free(enc2);
    record_key_free(&k);
    record_key_free(&k2);
}

static void
schema_eq(const record_schema_t *a, const record_schema_t *b)
{
    FUZZ_CHECK(str_eq(a->subject, b->subject));
    FUZZ_CHECK(a->version == b->version && a->id == b->id);
    FUZZ_CHECK(str_eq(a->md5, b->md5));
    FUZZ_CHECK(str_eq(a->schema_type, b->schema_type));
    FUZZ_CHECK(json_eq(a->references, b->references, 1));
    FUZZ_CHECK(json_eq(a->metadata, b->metadata, 0));
    FUZZ_CHECK(json_eq(a->rule_set, b->rule_set, 0));
    FUZZ_CHECK(str_eq(a->schema, b->schema));
    FUZZ_CHECK(a->deleted == b->deleted);
}

/* The same value with a leading member the fast path refuses. */
static void
fuzz_slow_path(const char *buf, size_t len, const record_schema_t *fast)
{
    const char *p = buf, *end = buf + len;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p == end || *p != '{')
        return;
    static const char extra[] = "{\"\\u0078\":0,";
    size_t rest = (size_t)(end - p - 1);
    char *v = malloc(sizeof(extra) + rest);
    memcpy(v, extra, sizeof(extra) - 1);
    memcpy(v + sizeof(extra) - 1, p + 1, rest);
    record_schema_t slow;
    FUZZ_CHECK(record_schema_decode(v, sizeof(extra) - 1 + rest, &slow) == 0);
    schema_eq(fast, &slow);
    record_schema_free(&slow);
    free(v);
}

static void
fuzz_schema(const char *buf, size_t len)
{
    record_schema_t s, s2;
    if (record_schema_decode(buf, len, &s) != 0)
        return;
    fuzz_slow_path(buf, len, &s);
    size_t elen = 0, elen2 = 0;
    char *enc = record_schema_encode(&s, &elen);
    FUZZ_CHECK(enc != NULL && elen == strlen(enc));
    FUZZ_CHECK(record_schema_decode(enc, elen, &s2) == 0);
    schema_eq(&s, &s2);
    char *enc2 = record_schema_encode(&s2, &elen2);
    FUZZ_CHECK(enc2 != NULL && elen2 == elen && memcmp(enc, enc2, elen) == 0);
    free(enc);
    free(enc2);
    record_schema_free(&s);
    record_schema_free(&s2);
}

static void
fuzz_value(const char *buf, size_t len)
{
    json_t *v = record_value_decode(buf, len);
    if (v == NULL)
        return;
    FUZZ_CHECK(json_is_object(v));
    size_t elen = 0, elen2 = 0;
    char *enc = record_value_encode(v, &elen);
    FUZZ_CHECK(enc != NULL && elen == strlen(enc));
    json_t *v2 = record_value_decode(enc, elen);
    FUZZ_CHECK(v2 != NULL && json_equal(v, v2));
    char *enc2 = record_value_encode(v2, &elen2);
    FUZZ_CHECK(enc2 != NULL && elen2 == elen && memcmp(enc, enc2, elen) == 0);
    free(enc);
    free(enc2);
    json_decref(v);
    json_decref(v2);
}

/* Every member jscan accepts is what jansson reads (the last of equal keys). */
static void
fuzz_jscan(const char *buf, size_t len)
{
    jscan_field_t f[16];
    int n = jscan_flat_object(buf, len, f, 16);
    if (n < 0)
        return;
    char *texts[16] = {0};
    long tlen[16];
    int clean = 1;
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(f[i].key >= buf && f[i].key + f[i].klen <= buf + len);
        if (f[i].type != JSCAN_STRING)
            continue;
        FUZZ_CHECK(f[i].lit >= buf && f[i].lit + f[i].litlen <= buf + len);
        texts[i] = malloc(f[i].litlen);
        tlen[i] = mem_json_unescape(f[i].lit, f[i].litlen, texts[i]);
        if (tlen[i] < 0 || memchr(texts[i], '\0', (size_t)tlen[i]) != NULL)
            clean = 0;
    }
    json_t *o = clean ? json_loadb(buf, len, 0, NULL) : NULL;
    FUZZ_CHECK(!clean || json_is_object(o));
    for (int i = 0; clean && i < n; i++) {
        int last = 1;
        for (int j = i + 1; j < n; j++)
            last &= !(f[j].klen == f[i].klen && memcmp(f[j].key, f[i].key, f[i].klen) == 0);
        if (!last)
            continue;
        char *key = fuzz_strndup(f[i].key, f[i].klen);
        json_t *v = json_object_get(o, key);
        free(key);
        FUZZ_CHECK(v != NULL);
        switch (f[i].type) {
        case JSCAN_STRING:
            FUZZ_CHECK(json_is_string(v) && json_string_length(v) == (size_t)tlen[i] &&
                       memcmp(json_string_value(v), texts[i], (size_t)tlen[i]) == 0);
            break;
        case JSCAN_INT:
            FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) == f[i].num);
            break;
        case JSCAN_TRUE:
            FUZZ_CHECK(json_is_true(v));
            break;
        case JSCAN_FALSE:
            FUZZ_CHECK(json_is_false(v));
            break;
        default:
            FUZZ_CHECK(json_is_null(v));
        }
    }
    json_decref(o);
    for (int i = 0; i < n; i++)
        free(texts[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* Copied so that ASan sees a read past the end. */
    size_t len = size - 1;
    char *buf = malloc(len ? len : 1);
    memcpy(buf, data + 1, len);
    switch (data[0] % 3) {
    case 0:
        fuzz_key(buf, len);
        break;
    case 1:
        fuzz_schema(buf, len);
        break;
    default:
        fuzz_value(buf, len);
        break;
    }
    fuzz_jscan(buf, len);
    free(buf);
    return 0;
}
