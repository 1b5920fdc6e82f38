/*
 * respond.c - how a worker sends an answer: Confluent's content type as
 * the Accept header asks, the status, and the body, which a HEAD request
 * does not get.  Shared by the hot path and the relay of the master's
 * answers.
 */
#include "respond.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static h2o_generator_t respond_generator = {NULL, NULL};

static const char respond_ct_v1[] = RESPOND_CT_V1;
static const char respond_ct_sr[] = RESPOND_CT_SR;
static const char respond_ct_json[] = RESPOND_CT_JSON;

/* Confluent produces v1+json by default, the others only when asked for. */
static const char *
respond__content_type(h2o_req_t *req)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT, -1);
    if (i < 0)
        return respond_ct_v1;
    h2o_iovec_t v = req->headers.entries[i].value;
    if (memmem(v.base, v.len, respond_ct_v1, sizeof(respond_ct_v1) - 1) != NULL ||
        memmem(v.base, v.len, "*/*", 3) != NULL)
        return respond_ct_v1;
    if (memmem(v.base, v.len, respond_ct_sr, sizeof(respond_ct_sr) - 1) != NULL)
        return respond_ct_sr;
    if (memmem(v.base, v.len, respond_ct_json, sizeof(respond_ct_json) - 1) != NULL)
        return respond_ct_json;
    return respond_ct_v1;
}

static void
respond__start(h2o_req_t *req, int status, size_t len)
{
    const char *ct = respond__content_type(req);
    req->res.status = status;
    req->res.reason = status == 200 ? "OK" : "Error";
    req->res.content_length = len;
    /* 204 (DELETE /contexts/{context}) has no body, hence no type. */
    if (status == 204)
        req->res.reason = "No Content";
    else
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, ct,
                       strlen(ct));
    h2o_start_response(req, &respond_generator);
}

int
respond_is_head(const h2o_req_t *req)
{
    return req->method.len == 4 && memcmp(req->method.base, "HEAD", 4) == 0;
}

/* A HEAD answer is the GET answer's status and headers, Content-Length
 * included, without its bytes: sent, they would be read as the next
 * answer on a keep-alive connection. */
void
respond_send(h2o_req_t *req, int status, const char *body, size_t len, int copy)
{
    h2o_iovec_t buf = h2o_iovec_init(body, len);
    respond__start(req, status, len);
    if (respond_is_head(req)) {
        h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
        return;
    }
    if (copy && len > 0) {
        buf.base = h2o_mem_alloc_pool(&req->pool, len);
        memcpy(buf.base, body, len);
    }
    h2o_send(req, &buf, 1, H2O_SEND_STATE_FINAL);
}


int
respond_forwarded(const h2o_req_t *req)
{
    return h2o_find_header_by_str(&req->headers, H2O_STRLIT(RESPOND_H_FORWARDED), -1) >= 0;
}

void
respond_mark_offset(h2o_req_t *req, int64_t offset)
{
    if (!respond_forwarded(req))
        return;
    char *v = h2o_mem_alloc_pool(&req->pool, 24);
    int n = snprintf(v, 24, "%" PRId64, offset);
    h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT(RESPOND_H_OFFSET), 0, v,
                          (size_t)n, 1);
}
