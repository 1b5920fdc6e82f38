/*
 * worker.c - a worker process's life: attach the table read-only, run the
 * h2o loop on the inherited listeners, relay forwarded requests to the
 * master, and drain on SIGTERM.
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "http.h"
#include "log.h"
#include "relay.h"
#include "respond.h"
#include "serve.h"

/* The signal handler's only way to reach the state: set once at start. */
static volatile sig_atomic_t *worker_stop_flag;

static void
worker__on_signal(int sig)
{
    (void)sig;
    if (worker_stop_flag != NULL)
        *worker_stop_flag = 1;
}

static void
worker__on_accept(h2o_socket_t *listener, const char *err)
{
    if (err != NULL)
        return;
    h2o_accept_ctx_t *actx = listener->data;
    worker_t *w = H2O_STRUCT_FROM_MEMBER(worker_t, ctx, actx->ctx);
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (sock != NULL)
        http_conns_accept(&w->conns, actx, sock);
}

/* ---- the master connection -------------------------------------------- */

static void worker__flush(worker_t *w);

static void
worker__on_written(h2o_socket_t *sock, const char *err)
{
    worker_t *w = sock->data;
    if (err != NULL)
        log_fatal("lost the master: %s", err);
    w->write_busy = 0;
    w->writing.len = 0;
    if (w->writing.cap > IPC_READER_KEEP) {
        /* a large body went by: do not keep its room */
        size_t cap = w->writing.cap;
        buf_free(&w->writing);
        mem_release(cap);
    }
    worker__flush(w);
}

static void
worker__flush(worker_t *w)
{
    if (w->write_busy || w->outq.len == 0)
        return;
    buf_t t = w->writing;
    w->writing = w->outq;
    w->outq = t;
    w->outq.len = 0;
    h2o_iovec_t b = h2o_iovec_init(w->writing.data, w->writing.len);
    w->write_busy = 1;
    h2o_socket_write(w->ipc_sock, &b, 1, worker__on_written);
}

/* What a forwarded request's pool remembers, to tell its end. */
typedef struct worker_ref {
    worker_t *w;
    uint32_t id;
} worker_ref_t;

static void
worker__unwatch(worker_pending_t *slot)
{
    if (slot->watch == NULL)
        return;
    h2o_socket_close(slot->watch);
    slot->watch = NULL;
}

/* A request's memory pool goes: when no reply came yet, the client went
 * away (connection closed, stream reset).  The slot forgets it and the
 * master is told, so that it drops the request if it has not begun it. */
static void
worker__on_req_gone(void *p)
{
    worker_ref_t *ref = p;
    worker_t *w = ref->w;
    worker_pending_t *slot = &w->pending[ref->id % WORKER_PENDING];
    if (slot->id != ref->id || !slot->live)
        return;
    worker__unwatch(slot);
    slot->live = 0;
    slot->req = NULL;
    w->npending--;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_cancel(&sb, ref->id);
    buf_append(&w->outq, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    worker__flush(w);
}

/*
 * The HTTP/1 client of a forwarded request may have gone.  A byte to read
 * says nothing (a pipelined request, a TLS alert): the watch stops.  End of
 * stream or an error: the client closed (nginx reads a half-close the same
 * way).  Shutting the socket makes the answer's write fail at once, h2o
 * then closes the connection and disposes the request, and the pool's
 * ref tells the master (worker__on_req_gone).
 */
static void
worker__on_client_readable(h2o_socket_t *watch, const char *err)
{
    worker_ref_t *ref = watch->data;
    worker_pending_t *slot = &ref->w->pending[ref->id % WORKER_PENDING];
    char c;
    ssize_t n = err ? -1 : recv(h2o_socket_get_fd(watch), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) {
        h2o_socket_read_stop(watch);
        return;
    }
    if (n < 0 && err == NULL && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (slot->id != ref->id || !slot->live || slot->req == NULL) {
        h2o_socket_read_stop(watch);    /* level-triggered: never spin */
        return;
    }
    h2o_req_t *req = slot->req;
    shutdown(h2o_socket_get_fd(watch), SHUT_RDWR);
    worker__unwatch(slot);
    /* The slot stays live without its request until h2o disposes of it (then
     * the master is told); a reply that comes first finds no one. */
    slot->req = NULL;
    static const char gone[] = "{\"error_code\":50302,\"message\":\"client closed the connection\"}";
    respond_send(req, 503, gone, sizeof(gone) - 1, 0);
}

/* h2o stops reading an HTTP/1 connection while its request is handled, so
 * it would learn that the client went only when the answer is written: the
 * master would work for nobody.  A duplicate of the socket, polled without
 * reading (H2O_SOCKET_FLAG_DONT_READ), sees the end in time. */
static void
worker__watch(worker_t *w, worker_pending_t *slot, worker_ref_t *ref, h2o_req_t *req)
{
    if (req->version >= 0x200 || req->conn->callbacks->get_socket == NULL)
        return;     /* HTTP/2 reads on: a reset or a close disposes the stream */
    h2o_socket_t *sock = req->conn->callbacks->get_socket(req->conn);
    int fd = sock ? fcntl(h2o_socket_get_fd(sock), F_DUPFD_CLOEXEC, 0) : -1;
    if (fd < 0)
        return;     /* no watch: the master works for it, as before */
    slot->watch = h2o_evloop_socket_create(w->loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    slot->watch->data = ref;
    h2o_socket_read_start(slot->watch, worker__on_client_readable);
}

void
worker_forward(worker_t *w, h2o_req_t *req, int read)
{
    uint32_t id = w->next_id++;
    worker_pending_t *slot = &w->pending[id % WORKER_PENDING];
    if (slot->live) {
        respond_send(req, 503, "{\"error_code\":50301,\"message\":\"too many requests in flight\"}",
                      59, 0);
        return;
    }
    slot->id = id;
    slot->req = req;
    slot->live = 1;
    w->npending++;
    worker_ref_t *ref = h2o_mem_alloc_shared(&req->pool, sizeof(*ref), worker__on_req_gone);
    ref->w = w;
    ref->id = id;
    slot->watch = NULL;
    if (read)
        worker__watch(w, slot, ref, req);

    ssize_t ct = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    ipc_request_t r = {
        .id = id,
        .method = respond_is_head(req) ? "GET" : req->method.base,
        .method_len = respond_is_head(req) ? 3 : req->method.len,
        .path = req->path.base,
        .path_len = req->path.len,
        .ctype = ct >= 0 ? req->headers.entries[ct].value.base : NULL,
        .ctype_len = ct >= 0 ? req->headers.entries[ct].value.len : 0,
        .body = req->entity.base,
        .body_len = req->entity.base ? req->entity.len : 0,
        .forwarded = respond_forwarded(req),
    };
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_request(&sb, &r);
    buf_append(&w->outq, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    worker__flush(w);
}

/* The request handler's way to the master (serve_ctx_t.forward). */
static void
worker__forward(void *owner, h2o_req_t *req, int read)
{
    worker_forward(owner, req, read);
}

static void
worker__on_reply(worker_t *w, const ipc_reply_t *rep)
{
    worker_pending_t *slot = &w->pending[rep->id % WORKER_PENDING];
    if (slot->id != rep->id || !slot->live)
        return;     /* its client went away */
    h2o_req_t *req = slot->req;
    worker__unwatch(slot);
    slot->live = 0;
    slot->req = NULL;
    w->npending--;
    if (req == NULL)
        return;
    /* The master answers a write once it is in the table: its offset now
     * covers it. */
    respond_mark_offset(req, table_offset(w->table));
    respond_send(req, rep->status, rep->body, rep->body_len, 1);
}

/* The master says: a follower's write, to relay to the leader at url. */
static void
worker__on_forward(worker_t *w, uint32_t id, const char *url, size_t url_len)
{
    worker_pending_t *slot = &w->pending[id % WORKER_PENDING];
    if (slot->id != id || !slot->live)
        return;     /* its client went away */
    h2o_req_t *req = slot->req;
    slot->live = 0;
    slot->req = NULL;
    w->npending--;
    if (req != NULL)
        relay_start(&w->relay, req, url, url_len);
}

static void
worker__on_message(worker_t *w, const msgpack_object *o)
{
    if (ipc_type(o) == IPC_FORWARD) {
        uint32_t id;
        const char *url;
        size_t url_len;
        if (ipc_unpack_forward(o, &id, &url, &url_len) != 0)
            log_fatal("malformed message from the master");
        worker__on_forward(w, id, url, url_len);
        return;
    }
    ipc_reply_t rep;
    if (ipc_unpack_reply(o, &rep) != 0)
        log_fatal("malformed message from the master");
    worker__on_reply(w, &rep);
}

static void
worker__on_ipc_read(h2o_socket_t *sock, const char *err)
{
    worker_t *w = sock->data;
    if (err != NULL)
        log_fatal("lost the master: %s", err);
    ipc_reader_feed(&w->reader, sock->input->bytes, sock->input->size);
    h2o_buffer_consume(&sock->input, sock->input->size);
    const msgpack_object *o;
    int rc;
    while ((rc = ipc_reader_next(&w->reader, &o)) == 1)
        worker__on_message(w, o);
    mem_release(ipc_reader_shrink(&w->reader));
    if (rc < 0)
        log_fatal("corrupt stream from the master");
}

/* ---- life -------------------------------------------------------------- */

static void
worker__listen(worker_t *w)
{
    http_t *h = w->http;
    w->listeners = mem_calloc((size_t)h->nlisteners, sizeof(h2o_socket_t *));
    w->nlisteners = h->nlisteners;
    for (int i = 0; i < h->nlisteners; i++) {
        int fd = h->listeners[i].fds[w->index];
        h2o_socket_t *s = h2o_evloop_socket_create(w->loop, fd, H2O_SOCKET_FLAG_DONT_READ);
        s->data = h->listeners[i].tls ? &w->accept_tls : &w->accept_plain;
        h2o_socket_read_start(s, worker__on_accept);
        w->listeners[i] = s;
    }
}

/* Stop accepting; let open connections and forwarded requests finish. */
static void
worker__drain(worker_t *w)
{
    for (int i = 0; i < w->nlisteners; i++) {
        h2o_socket_read_stop(w->listeners[i]);
        h2o_socket_close(w->listeners[i]);
    }
    h2o_context_request_shutdown(&w->ctx);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        h2o_evloop_run(w->loop, 50);
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if ((w->npending == 0 && w->relay.inflight == 0 && ms > 200) || ms > 10000)
            break;
    }
}

static void
worker__signals(worker_t *w)
{
    struct sigaction sa = {0};
    worker_stop_flag = &w->stop;
    sa.sa_handler = worker__on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

void
worker_main(http_t *http, table_t *table, int index, int ipc_fd)
{
    worker_t *w = mem_calloc(1, sizeof(*w));
    char role[32];
    snprintf(role, sizeof(role), "worker %d", index);
    log_set_role(role);
    w->index = index;
    w->http = http;
    w->table = table;
    w->ipc_fd = ipc_fd;
    if (table_make_readonly(table) != 0)
        log_fatal("cannot map the shared table read-only: %s", strerror(errno));
    worker__signals(w);
    w->pending = mem_calloc(WORKER_PENDING, sizeof(worker_pending_t));
    ipc_reader_init(&w->reader);
    canon_cache_init(&w->canon, 4096, http->dialect);
    http->handler->ctx = (serve_ctx_t){
        .table = w->table, .canon = &w->canon, .forward = worker__forward, .owner = w,
    };

    w->loop = h2o_evloop_create();
    h2o_context_init(&w->ctx, w->loop, &http->globalconf);
    w->accept_plain.ctx = &w->ctx;
    w->accept_plain.hosts = http->globalconf.hosts;
    w->accept_tls = w->accept_plain;
    w->accept_tls.ssl_ctx = http->ssl_ctx;

    http_conns_init(&w->conns, w->loop, http->max_connections, http->stall_ms,
                    http->memory_budget);
    relay_init(&w->relay, w->loop, w->table, http->leader_connect_ms, http->leader_read_ms,
               http->relay_trust_pem, http->relay_verify_host);

    w->ipc_sock = h2o_evloop_socket_create(w->loop, ipc_fd, 0);
    w->ipc_sock->data = w;
    h2o_socket_read_start(w->ipc_sock, worker__on_ipc_read);
    worker__listen(w);
    log_debug("serving");
    while (!w->stop)
        h2o_evloop_run(w->loop, INT32_MAX);
    worker__drain(w);
    log_debug("stopped");
    _exit(0);
}
