/* guid.c - Confluent 8's schema GUID (see guid.h). */
#include "guid.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "text.h"

static void
guid__str(EVP_MD_CTX *md, const char *s)
{
    if (s != NULL)
        EVP_DigestUpdate(md, s, strlen(s));
}

static void
guid__member(EVP_MD_CTX *md, const json_t *obj, const char *name)
{
    guid__str(md, json_string_value(json_object_get(obj, name)));
}

static int
guid__cmp(const void *a, const void *b)
{
    /* Java sorts by UTF-16 units: the same order as bytes but for
     * characters past U+FFFF against U+E000..U+FFFF. */
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An object's keys sorted (a Java TreeMap); the caller frees the array. */
static const char **
guid__keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = malloc((*n ? *n : 1) * sizeof(*keys));
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
        keys[i++] = k;
    qsort(keys, *n, sizeof(*keys), guid__cmp);
    return keys;
}

/* The string members of an array, sorted and without repeats (a TreeSet). */
static void
guid__set(EVP_MD_CTX *md, const json_t *arr)
{
    size_t n = json_array_size(arr), m = 0;
    if (n == 0)
        return;
    const char **v = malloc(n * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s != NULL)
            v[m++] = s;
    }
    qsort(v, m, sizeof(*v), guid__cmp);
    for (size_t i = 0; i < m; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            guid__str(md, v[i]);
    free(v);
}

/* A map of strings to strings, by sorted key: key then value. */
static void
guid__map(EVP_MD_CTX *md, const json_t *obj)
{
    if (!json_is_object(obj))
        return;
    size_t n;
    const char **keys = guid__keys(obj, &n);
    for (size_t i = 0; i < n; i++) {
        guid__str(md, keys[i]);
        guid__str(md, json_string_value(json_object_get(obj, keys[i])));
    }
    free(keys);
}

static void
guid__metadata(EVP_MD_CTX *md, const json_t *m)
{
    const json_t *tags = json_object_get(m, "tags");
    if (json_is_object(tags)) {
        size_t n;
        const char **keys = guid__keys(tags, &n);
        for (size_t i = 0; i < n; i++) {
            guid__str(md, keys[i]);
            guid__set(md, json_object_get(tags, keys[i]));
        }
        free(keys);
    }
    guid__map(md, json_object_get(m, "properties"));
    guid__set(md, json_object_get(m, "sensitive"));
}

static void
guid__rule(EVP_MD_CTX *md, const json_t *r)
{
    const char *kind = json_string_value(json_object_get(r, "kind"));
    const char *mode = json_string_value(json_object_get(r, "mode"));
    guid__member(md, r, "name");
    guid__member(md, r, "doc");
    guid__str(md, kind ? kind : "TRANSFORM");
    guid__str(md, mode ? mode : "WRITEREAD");
    guid__member(md, r, "type");
    guid__set(md, json_object_get(r, "tags"));
    guid__map(md, json_object_get(r, "params"));
    guid__member(md, r, "expr");
    guid__member(md, r, "onSuccess");
    guid__member(md, r, "onFailure");
    if (json_is_true(json_object_get(r, "disabled")))
        EVP_DigestUpdate(md, "\x01", 1);
}

static void
guid__rule_set(EVP_MD_CTX *md, const json_t *rs)
{
    static const char *const lists[] = {"migrationRules", "domainRules", "encodingRules"};
    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
        const json_t *arr = json_object_get(rs, lists[l]);
        for (size_t i = 0; i < json_array_size(arr); i++)
            guid__rule(md, json_array_get(arr, i));
    }
    guid__member(md, rs, "enableAt");
}

void
guid_format(const unsigned char d[GUID_BYTES], char out[GUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < GUID_BYTES; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[d[i] >> 4];
        out[o++] = hex[d[i] & 15];
    }
    out[o] = '\0';
}

void
guid_digest(const char *schema, const json_t *references, const json_t *metadata,
            const json_t *rule_set, unsigned char out[GUID_BYTES])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_md5(), NULL);
    guid__str(md, schema);
    for (size_t i = 0; i < json_array_size(references); i++) {
        const json_t *r = json_array_get(references, i);
        guid__member(md, r, "name");
        guid__member(md, r, "subject");
        const json_t *v = json_object_get(r, "version");
        if (json_is_integer(v)) {
            json_int_t x = json_integer_value(v);
            unsigned char be[4] = {(unsigned char)(x >> 24), (unsigned char)(x >> 16),
                                   (unsigned char)(x >> 8), (unsigned char)x};
            EVP_DigestUpdate(md, be, 4);
        }
    }
    if (json_is_object(metadata)) {
        EVP_DigestUpdate(md, "\x01", 1);
        guid__metadata(md, metadata);
    }
    if (json_is_object(rule_set)) {
        EVP_DigestUpdate(md, "\x01", 1);
        guid__rule_set(md, rule_set);
    }
    EVP_DigestFinal_ex(md, d, &dlen);
    EVP_MD_CTX_free(md);
    memcpy(out, d, GUID_BYTES);
}

void
guid_of(const char *schema, const json_t *references, const json_t *metadata,
        const json_t *rule_set, char out[GUID_LEN + 1])
{
    unsigned char d[GUID_BYTES];
    guid_digest(schema, references, metadata, rule_set, d);
    guid_format(d, out);
}

int
guid_from_md5_base64(const char *b64, unsigned char out[GUID_BYTES])
{
    memset(out, 0, GUID_BYTES);
    size_t len = b64 ? strlen(b64) : 0;
    if (len != 24)
        return -1;
    unsigned char d[20];
    if (EVP_DecodeBlock(d, (const unsigned char *)b64, (int)len) != 18 ||
        b64[22] != '=' || b64[23] != '=')
        return -1;
    memcpy(out, d, GUID_BYTES);
    return 0;
}

int
guid_parse(const char *in, size_t len, unsigned char out[GUID_BYTES])
{
    size_t nd = 0;
    memset(out, 0, GUID_BYTES);
    if (len != 32 && len != GUID_LEN)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (len == GUID_LEN && (i == 8 || i == 13 || i == 18 || i == 23)) {
            if (in[i] != '-')
                return -1;
            continue;
        }
        int hi = text_hex_digit((unsigned char)in[i]);
        int lo = i + 1 < len ? text_hex_digit((unsigned char)in[i + 1]) : -1;
        if (hi < 0 || lo < 0 || nd == GUID_BYTES) {
            memset(out, 0, GUID_BYTES);
            return -1;
        }
        out[nd++] = (unsigned char)(hi << 4 | lo);
        i++;
    }
    if (nd != GUID_BYTES) {
        memset(out, 0, GUID_BYTES);
        return -1;
    }
    return 0;
}

int
guid_normalize(const char *in, size_t len, char out[GUID_LEN + 1])
{
    unsigned char d[GUID_BYTES];
    out[0] = '\0';
    if (guid_parse(in, len, d) != 0)
        return -1;
    guid_format(d, out);
    return 0;
}
