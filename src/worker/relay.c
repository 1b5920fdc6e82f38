/*
 * relay.c - a follower's worker relays a write to the leader (see
 * relay.h).  One relay per request, in the request's pool: when the client
 * goes away, the pool's destructor cancels the relay (h2o calls nothing of
 * it afterwards).
 */
#include "relay.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "h2o/hostinfo.h"
#include "h2o/url.h"
#include "leader_error.h"
#include "log.h"
#include "mem.h"
#include "render.h"
#include "respond.h"

/* A leader's answer to a write is small (an id, or the schema it stored);
 * anything larger is not an answer of ours. */
#define RELAY_MAX_ANSWER ((size_t)64 << 20)
/* A kept-alive connection to the leader is closed after this long idle,
 * before the leader's own idle timeout closes it under a request. */
#define RELAY_POOL_IDLE_MS 2000

/* The headers a relayed write carries, as Confluent's RequestHeaderBuilder
 * forwards them. */
static const char *const relay_headers[] = {
    "content-type", "accept", "authorization", "x-request-id",
    "confluent-accept-unknown-properties", NULL,
};

typedef struct relay_req {
    relay_t *rl;
    h2o_req_t *req;             /* NULL once answered */
    relay_pool_t *pool;         /* holds a reference while set */
    h2o_http1client_t *client;  /* while the exchange runs */
    h2o_timeout_entry_t timer;  /* the connect timeout, then the catch-up ticks */
    h2o_iovec_t reqbufs[2];     /* head and body, in the request's pool */
    int status;
    int64_t offset;             /* the leader's applied offset, -1 if it sent none */
    buf_t body;                 /* the leader's answer, owned */
    uint64_t wait_until;        /* h2o_now() bound on the catch-up */
} relay_req_t;

static void
relay__release_pool(relay_req_t *rr)
{
    if (rr->pool != NULL) {
        rr->pool->refs--;
        rr->pool = NULL;
    }
}

/* Everything but the answer: stop the client and the timer, drop refs. */
static void
relay__quiesce(relay_req_t *rr)
{
    if (rr->client != NULL) {
        h2o_http1client_cancel(rr->client);
        rr->client = NULL;
    }
    if (h2o_timeout_is_linked(&rr->timer))
        h2o_timeout_unlink(&rr->timer);
    relay__release_pool(rr);
}

/* The request's pool goes (answered, or the client went away). */
static void
relay__on_gone(void *p)
{
    relay_req_t *rr = p;
    relay__quiesce(rr);
    buf_free(&rr->body);
    if (rr->req != NULL) {
        rr->req = NULL;
        rr->rl->inflight--;
    }
}

/* Answer the client; rr must not be touched afterwards (the answer may
 * dispose of the request's pool, and rr with it). */
static void
relay__answer(relay_req_t *rr, int status, const char *body, size_t len)
{
    h2o_req_t *req = rr->req;
    relay__quiesce(rr);
    rr->req = NULL;
    rr->rl->inflight--;
    respond_send(req, status, body, len, 1);
}

/* Whether to log a relay's trouble now: at most once a second per worker
 * (a dead leader fails every write at once until the next is elected);
 * the count of those left out goes with the next line. */
static int
relay__may_log(relay_t *rl, uint64_t *left_out)
{
    uint64_t now = h2o_now(rl->loop);
    if (rl->logged_at != 0 && now - rl->logged_at < 1000) {
        rl->unlogged++;
        return 0;
    }
    rl->logged_at = now;
    *left_out = rl->unlogged;
    rl->unlogged = 0;
    return 1;
}

static void
relay__fail(relay_req_t *rr, const char *why)
{
    h2o_req_t *req = rr->req;
    char msg[512];
    uint64_t left_out;
    if (relay__may_log(rr->rl, &left_out))
        log_warn("forwarding %.*s %.*s to the leader failed: %s (%" PRIu64 " similar not logged)",
                 (int)req->method.len, req->method.base, (int)req->path.len, req->path.base,
                 why, left_out);
    int code = leader_error_of(req->method.base, req->method.len, req->path.base, req->path.len,
                               0, msg, sizeof(msg));
    buf_t b = {0};
    render_error(&b, code, msg);
    relay__answer(rr, 500, b.data, b.len);
    buf_free(&b);
}

/* The leader's answer, as it gave it. */
static void
relay__pass(relay_req_t *rr)
{
    buf_t b = rr->body;
    rr->body = (buf_t){0};
    relay__answer(rr, rr->status, b.data, b.len);
    buf_free(&b);
}

/* Waiting until this node has applied what the leader had when it
 * answered; past the bound the answer goes anyway (the write is done). */
static void
relay__on_tick(h2o_timeout_entry_t *entry)
{
    relay_req_t *rr = H2O_STRUCT_FROM_MEMBER(relay_req_t, timer, entry);
    if (table_offset(rr->rl->table) >= rr->offset) {
        relay__pass(rr);
        return;
    }
    if (h2o_now(rr->rl->loop) >= rr->wait_until) {
        uint64_t left_out;
        if (relay__may_log(rr->rl, &left_out))
            log_warn("a forwarded write (offset %" PRId64 ") was not read back here within %" PRIu64
                     " ms; answered anyway (%" PRIu64 " similar not logged)", rr->offset,
                     rr->rl->catchup_ms, left_out);
        relay__pass(rr);
        return;
    }
    h2o_timeout_link(rr->rl->loop, &rr->rl->tick, &rr->timer);
}

static void
relay__done(relay_req_t *rr)
{
    if (rr->status < 200 || rr->status > 299 || rr->offset < 0 ||
        table_offset(rr->rl->table) >= rr->offset) {
        relay__pass(rr);
        return;
    }
    rr->wait_until = h2o_now(rr->rl->loop) + rr->rl->catchup_ms;
    rr->timer.cb = relay__on_tick;
    h2o_timeout_link(rr->rl->loop, &rr->rl->tick, &rr->timer);
}

static int
relay__on_body(h2o_http1client_t *client, const char *errstr)
{
    relay_req_t *rr = client->data;
    h2o_buffer_t *in = client->sock->input;
    if (in->size > 0) {
        if (rr->body.len + in->size > RELAY_MAX_ANSWER) {
            rr->client = NULL;      /* closed by h2o when we return non-zero */
            relay__fail(rr, "the leader's answer is too large");
            return -1;
        }
        buf_append(&rr->body, in->bytes, in->size);
        h2o_buffer_consume(&client->sock->input, in->size);
    }
    if (errstr == NULL)
        return 0;
    rr->client = NULL;              /* h2o closes it (or pools it) on return */
    if (errstr != h2o_http1client_error_is_eos)
        relay__fail(rr, errstr);
    else
        relay__done(rr);
    return 0;
}

static int64_t
relay__offset(const h2o_header_t *headers, size_t n)
{
    static const char name[] = RESPOND_H_OFFSET;
    for (size_t i = 0; i < n; i++) {
        const h2o_iovec_t *nm = headers[i].name;
        if (nm->len != sizeof(name) - 1 || memcmp(nm->base, name, nm->len) != 0)
            continue;
        char digits[24];
        size_t len = headers[i].value.len < sizeof(digits) - 1 ? headers[i].value.len
                                                               : sizeof(digits) - 1;
        memcpy(digits, headers[i].value.base, len);
        digits[len] = '\0';
        char *end;
        long long v = strtoll(digits, &end, 10);
        return end != digits && *end == '\0' && v >= 0 ? (int64_t)v : -1;
    }
    return -1;
}

static h2o_http1client_body_cb
relay__on_head(h2o_http1client_t *client, const char *errstr, int minor_version, int status,
               h2o_iovec_t msg, h2o_header_t *headers, size_t num_headers, int rlen)
{
    (void)minor_version;
    (void)msg;
    (void)rlen;
    relay_req_t *rr = client->data;
    if (errstr != NULL && errstr != h2o_http1client_error_is_eos) {
        rr->client = NULL;
        relay__fail(rr, errstr);
        return NULL;
    }
    rr->status = status;
    rr->offset = relay__offset(headers, num_headers);
    if (errstr == h2o_http1client_error_is_eos) {
        rr->client = NULL;
        relay__done(rr);
        return NULL;
    }
    return relay__on_body;
}

/* The request line and headers; 0, or -1 when the request cannot be
 * written as HTTP/1.1 (bytes a request line or header may not hold). */
static int
relay__head(relay_req_t *rr, const char *authority, size_t alen, buf_t *out)
{
    h2o_req_t *req = rr->req;
    for (size_t i = 0; i < req->path.len; i++) {
        unsigned char c = (unsigned char)req->path.base[i];
        if (c <= 0x20 || c == 0x7f)
            return -1;
    }
    buf_printf(out, "%.*s %.*s HTTP/1.1\r\nHost: %.*s\r\nContent-Length: %zu\r\n"
               RESPOND_H_FORWARDED ": 1\r\n",
               (int)req->method.len, req->method.base, (int)req->path.len, req->path.base,
               (int)alen, authority, req->entity.base ? req->entity.len : (size_t)0);
    for (const char *const *h = relay_headers; *h != NULL; h++) {
        ssize_t i = h2o_find_header_by_str(&req->headers, *h, strlen(*h), -1);
        if (i < 0)
            continue;
        h2o_iovec_t v = req->headers.entries[i].value;
        if (memchr(v.base, '\r', v.len) != NULL || memchr(v.base, '\n', v.len) != NULL)
            return -1;
        buf_printf(out, "%s: %.*s\r\n", *h, (int)v.len, v.base);
    }
    buf_append(out, "\r\n", 2);
    return 0;
}

static h2o_http1client_head_cb
relay__on_connect(h2o_http1client_t *client, const char *errstr, h2o_iovec_t **reqbufs,
                  size_t *reqbufcnt, int *method_is_head)
{
    relay_req_t *rr = client->data;
    if (h2o_timeout_is_linked(&rr->timer))
        h2o_timeout_unlink(&rr->timer);
    if (errstr != NULL) {
        rr->client = NULL;
        relay__fail(rr, errstr);
        return NULL;
    }
    const char *url = rr->pool->url;
    const char *authority = strstr(url, "://") + 3;
    buf_t head = {0};
    if (relay__head(rr, authority, strlen(authority), &head) != 0) {
        buf_free(&head);
        rr->client = NULL;          /* h2o closes it when we return NULL */
        relay__fail(rr, "the request cannot be written as HTTP/1.1");
        return NULL;
    }
    h2o_req_t *req = rr->req;
    rr->reqbufs[0].base = h2o_mem_alloc_pool(&req->pool, head.len);
    memcpy(rr->reqbufs[0].base, head.data, head.len);
    rr->reqbufs[0].len = head.len;
    buf_free(&head);
    rr->reqbufs[1] = h2o_iovec_init(req->entity.base, req->entity.base ? req->entity.len : 0);
    *reqbufs = rr->reqbufs;
    *reqbufcnt = rr->reqbufs[1].len > 0 ? 2 : 1;
    *method_is_head = 0;
    return relay__on_head;
}

static void
relay__on_connect_timeout(h2o_timeout_entry_t *entry)
{
    relay_req_t *rr = H2O_STRUCT_FROM_MEMBER(relay_req_t, timer, entry);
    relay__fail(rr, "connection timeout (leader.connect.timeout.ms)");
}

/* The pool for url: the one kept, or a new one in a slot nobody uses. */
static relay_pool_t *
relay__pool(relay_t *rl, const char *url, size_t len, const h2o_url_t *u)
{
    relay_pool_t *free_slot = NULL;
    for (int i = 0; i < RELAY_POOLS; i++) {
        relay_pool_t *p = &rl->pools[i];
        if (p->url != NULL && strlen(p->url) == len && memcmp(p->url, url, len) == 0)
            return p;
        if (free_slot == NULL && p->refs == 0)
            free_slot = p;
    }
    if (free_slot == NULL)
        return NULL;
    if (free_slot->url != NULL) {
        h2o_socketpool_dispose(&free_slot->pool);
        free(free_slot->url);
    }
    free_slot->url = mem_strndup(url, len);
    h2o_socketpool_init_by_hostport(&free_slot->pool, u->host, h2o_url_get_port(u),
                                    u->scheme == &H2O_URL_SCHEME_HTTPS, SIZE_MAX);
    h2o_socketpool_set_timeout(&free_slot->pool, rl->loop, RELAY_POOL_IDLE_MS);
    return free_slot;
}

void
relay_start(relay_t *rl, h2o_req_t *req, const char *url, size_t url_len)
{
    relay_req_t *rr = h2o_mem_alloc_shared(&req->pool, sizeof(*rr), relay__on_gone);
    memset(rr, 0, sizeof(*rr));
    rr->rl = rl;
    rr->req = req;
    rr->offset = -1;
    rl->inflight++;
    h2o_url_t u;
    if (h2o_url_parse(url, url_len, &u) != 0 || strstr(url, "://") == NULL) {
        relay__fail(rr, "the leader's URL is malformed");
        return;
    }
    if ((rr->pool = relay__pool(rl, url, url_len, &u)) == NULL) {
        relay__fail(rr, "too many leaders at once");
        return;
    }
    rr->pool->refs++;
    rr->timer.cb = relay__on_connect_timeout;
    h2o_timeout_link(rl->loop, &rl->connect_timeout, &rr->timer);
    h2o_http1client_connect_with_pool(&rr->client, rr, &rl->ctx, &rr->pool->pool,
                                      relay__on_connect);
}

void
relay_init(relay_t *rl, h2o_loop_t *loop, table_t *table, uint64_t connect_ms, uint64_t read_ms)
{
    memset(rl, 0, sizeof(*rl));
    rl->loop = loop;
    rl->table = table;
    rl->catchup_ms = read_ms;
    h2o_timeout_init(loop, &rl->io_timeout, read_ms);
    h2o_timeout_init(loop, &rl->connect_timeout, connect_ms);
    h2o_timeout_init(loop, &rl->tick, 1);
    rl->getaddr_queue = h2o_multithread_create_queue(loop);
    h2o_multithread_register_receiver(rl->getaddr_queue, &rl->getaddr_receiver,
                                      h2o_hostinfo_getaddr_receiver);
    /* The leader is one of ours, reached by the URL it announced in the
     * log: its certificate is not verified (no trust store is configured
     * for inter-instance calls yet). */
    rl->ssl_ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(rl->ssl_ctx, SSL_VERIFY_NONE, NULL);
    rl->ctx = (h2o_http1client_ctx_t){
        .loop = loop, .getaddr_receiver = &rl->getaddr_receiver,
        .io_timeout = &rl->io_timeout, .ssl_ctx = rl->ssl_ctx,
    };
}
