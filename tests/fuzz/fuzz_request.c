/*
 * fuzz_request.c - request bodies (request.c) decoded as Jackson does,
 * and the workers' body memo (canon_cache.c) on the same bytes.
 *
 * Input: the whole body.  Checks: an error always carries a status, a code
 * and a message; a decoded request's strings are valid; the memo answers
 * a body the same the first time, the second time (from the memo) and
 * without memoizing.
 */
#include "fuzz.h"

#include <jansson.h>

#include "api.h"
#include "canon_cache.h"
#include "request.h"

static void
check_error(const request_error_t *err)
{
    FUZZ_CHECK(err->status == 400 || err->status == 422);
    FUZZ_CHECK(err->code == 400 || err->code == 422);
    FUZZ_CHECK(err->message != NULL);
}

/* Each member through the scalar coercions, as the config, mode and tags
 * handlers use them. */
static void
coerce_members(const json_t *j)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)j, k, v) {
        request_error_t err = {0};
        char *s = NULL;
        int n;
        if (request_string(v, &s, &err) != 0)
            check_error(&err);
        free(s);
        request_error_free(&err);
        if (request_int(v, 0, &n, &err) != 0)
            check_error(&err);
        request_error_free(&err);
        json_t *md = request_metadata(v, &err);
        if (md == NULL && v != NULL && !json_is_null(v) && err.message != NULL)
            check_error(&err);
        json_decref(md);
        request_error_free(&err);
    }
}

static void
check_memo(const char *body, size_t len)
{
    static canon_cache_t cache;
    if (cache.slots == NULL)
        canon_cache_init(&cache, 64, 8);
    char fp1[33], fp2[33], fp3[33];
    int a = canon_cache_fingerprint(&cache, body, len, fp1);
    int b = canon_cache_fingerprint(&cache, body, len, fp2);
    int c = canon_cache_compute(body, len, 8, fp3);
    FUZZ_CHECK(a == b && b == c);
    if (a == 0) {
        FUZZ_CHECK(memcmp(fp1, fp2, 33) == 0 && memcmp(fp1, fp3, 33) == 0);
        FUZZ_CHECK(strlen(fp1) == 32);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size ? size : 1);
    memcpy(body, data, size);

    request_error_t err = {0};
    json_t *j = request_parse(body, size, "body", &err);
    if (j == NULL)
        check_error(&err);
    else if (json_is_object(j))
        coerce_members(j);
    json_decref(j);
    request_error_free(&err);

    request_schema_t req;
    if (request_schema_decode(body, size, "registerRequest.arg", &req, &err) == 0) {
        FUZZ_CHECK(req.references == NULL || json_is_array(req.references));
        FUZZ_CHECK(req.metadata == NULL || json_is_object(req.metadata));
        FUZZ_CHECK(req.rule_set == NULL || json_is_object(req.rule_set));
        json_t *merged = api_metadata_merge(req.metadata, req.metadata);
        json_decref(merged);
        json_t *rules = api_rule_set_merge(req.rule_set, req.rule_set);
        json_decref(rules);
        request_schema_free(&req);
    } else {
        check_error(&err);
    }
    request_error_free(&err);

    check_memo(body, size);
    free(body);
    return 0;
}
