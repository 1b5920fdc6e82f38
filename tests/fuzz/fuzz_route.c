/*
 * fuzz_route.c - request paths and query strings (route.c) as a client
 * sends them, and what the master derives from the decoded parts: the
 * qualified subject (api_subject), the version and id segments, the
 * table keys the workers probe.
 *
 * Input: the first byte picks the method, the rest is the path with its
 * query.  Every decoded string must lie in the route's own allocation
 * (ASan checks the reads) and be no longer than the input decoded (a
 * stray byte becomes U+FFFD: three bytes).
 */
#include "fuzz.h"

#include "api.h"
#include "publish.h"
#include "route.h"
#include "store.h"
#include "utf8.h"

static void
check_str(const route_t *r, const char *s, size_t plen)
{
    if (s == NULL)
        return;
    size_t n = strlen(s);
    FUZZ_CHECK(n <= UTF8_JAVA_DECODE_MAX(plen));
    int v;
    (void)route_parse_int(s, &v);
    (void)api_version_parse(s, &v);
    (void)api_subject_valid(s);
    char key[PUBLISH_KEY_MAX];
    size_t klen = publish_key(key, 'V', s, "1");
    FUZZ_CHECK(klen == 0 || klen == n + 3);
    (void)r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "get", ""};
    if (size < 1)
        return 0;
    const char *m = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
    /* The path is copied so that ASan sees a read past its end. */
    char *path = malloc(size - 1 ? size - 1 : 1);
    memcpy(path, data + 1, size - 1);
    size_t plen = size - 1;
    route_t r;
    route_parse(m, strlen(m), path, plen, &r);
    FUZZ_CHECK(r.id >= ROUTE_NOT_FOUND && r.id < ROUTE__COUNT);
    FUZZ_CHECK(r.nquery >= 0 && r.nquery <= ROUTE_MAX_QUERY);
    (void)route_methods(r.id);
    (void)route_is_write(&r);
    check_str(&r, r.subject, plen);
    check_str(&r, r.version, plen);
    check_str(&r, r.schema_id, plen);
    check_str(&r, r.context, plen);
    for (int i = 0; i < r.nquery; i++) {
        check_str(&r, r.query[i].key, plen);
        check_str(&r, r.query[i].value, plen);
        (void)route_query(&r, r.query[i].key);
        (void)route_query_bool(&r, r.query[i].key, 0);
    }
    if (r.id != ROUTE_NOT_FOUND && r.subject != NULL) {
        char *sub = api_subject(&r);
        char *ctx = store_subject_context(sub);
        FUZZ_CHECK(ctx != NULL && ctx[0] == '.');
        free(ctx);
        free(sub);
    }
    route_free(&r);
    free(path);
    return 0;
}
