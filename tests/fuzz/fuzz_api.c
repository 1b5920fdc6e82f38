/*
 * fuzz_api.c - a client's requests as the master answers them (api*.c,
 * compat.c, store.c, render.c, publish.c): a short sequence of requests
 * against one store, each write's records applied and published to a
 * table before the next request, as the master does on the file journal.
 *
 * Input: up to 8 requests split on 0xFF, each a method byte, the path
 * (with its query) up to the first newline, then the body.  Checks: every
 * answer has a status; every error answer is Confluent's JSON object with
 * an integer error_code and a string message; an answer with records is a
 * success (200, or 204 for a context's deletion); the table stays readable.
 */
#include "fuzz.h"

#include <jansson.h>

#include "api.h"
#include "config.h"
#include "ipc.h"
#include "log.h"
#include "publish.h"
#include "store_apply.h"
#include "table.h"

#define MAX_REQUESTS 8

static config_t *fuzz_cf;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char *no_env[] = {NULL};
    char err[256];
    (void)argc;
    (void)argv;
    log_init(0, "fuzz");
    fuzz_cf = config_load(NULL, no_env, err, sizeof(err));
    if (fuzz_cf == NULL)
        abort();
    fuzz_cf->mode_mutability = 1;
    return 0;
}

static void
check_answer(const api_result_t *res)
{
    FUZZ_CHECK(res->status >= 200 && res->status <= 599);
    /* DELETE /contexts/{context} writes its tombstone and answers 204. */
    if (res->nrecords > 0)
        FUZZ_CHECK(res->status == 200 || res->status == 204);
    if (res->status < 400)
        return;
    json_error_t err;
    json_t *j = json_loadb(res->body.data, res->body.len, JSON_ALLOW_NUL, &err);
    if (!json_is_object(j))
        fprintf(stderr, "not a JSON object (%s): %.*s\n", err.text, (int)res->body.len,
                res->body.data);
    FUZZ_CHECK(json_is_object(j));
    FUZZ_CHECK(json_is_integer(json_object_get(j, "error_code")));
    FUZZ_CHECK(json_is_string(json_object_get(j, "message")));
    json_decref(j);
}

static void
one_request(api_t *api, table_t *t, publish_t *pub, int64_t *offset, const fuzz_part_t *part)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    if (part->n < 1)
        return;
    const char *m = methods[(unsigned char)part->p[0] % 4];
    const char *path = part->p + 1, *end = part->p + part->n;
    const char *nl = memchr(path, '\n', (size_t)(end - path));
    ipc_request_t req = {
        .id = 1, .method = m, .method_len = strlen(m), .path = path,
        .path_len = (size_t)((nl ? nl : end) - path),
        .ctype = "application/vnd.schemaregistry.v1+json",
        .ctype_len = sizeof("application/vnd.schemaregistry.v1+json") - 1,
        .body = nl ? nl + 1 : NULL, .body_len = nl ? (size_t)(end - nl - 1) : 0,
    };
    api_result_t res;
    api_handle(api, &req, &res);
    check_answer(&res);
    for (size_t i = 0; i < res.nrecords; i++) {
        api_record_t *rec = &res.records[i];
        store_apply(api->store, (*offset)++, -1, rec->key, rec->klen, rec->val, rec->vlen);
    }
    if (res.nrecords > 0) {
        (void)publish_dirty(pub, api->store, t);
        store_collect(api->store);
    }
    api_result_free(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part_t parts[MAX_REQUESTS];
    int n = fuzz_split(data, size, parts, MAX_REQUESTS);
    store_t st;
    store_init(&st);
    table_t *t = table_create(4 << 20);
    FUZZ_CHECK(t != NULL);
    publish_t pub = {.default_level = fuzz_cf->compatibility_level};
    api_t api = {.store = &st, .cf = fuzz_cf, .leader = 1, .cluster_id = ""};
    int64_t offset = 0;
    for (int i = 0; i < n; i++)
        one_request(&api, t, &pub, &offset, &parts[i]);
    struct iovec iov[1];
    (void)table_get(t, "A", 1, iov, 1);
    table_close(t);
    store_free(&st);
    return 0;
}
