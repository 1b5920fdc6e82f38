/*
 * http_error.c - h2o's own error answers, in Confluent's JSON.
 *
 * h2o answers some requests before our handler sees them: a body over
 * max_request_entity_size (413), a broken Content-Length, Transfer-Encoding
 * or chunked body (400), an unknown Expect (417), invalid HTTP/2 request
 * headers (400).  All of these go through h2o_send_error_generic with a
 * text/plain body, and so through the filters of the request's path: the
 * filter here swaps the body for Confluent's JSON (Confluent's clients read
 * error_code and message from every error; the JS client builds its error
 * only when both are there).
 *
 * One answer passes no filter: the HTTP/1 parser's fixed "400 Bad Request"
 * for a request it cannot parse (a header block over H2O_MAX_REQLEN, more
 * than H2O_MAX_HEADERS headers, a broken request line), written straight
 * to the socket by a static function of lib/http1.c.  libh2o calls
 * h2o_socket_write through its PLT, so the definition at the end of this
 * file takes its place in the whole process: it swaps exactly those bytes
 * for a JSON answer and passes every write on to libh2o's own.
 */
#include "http_error.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char http_error_ct[] = "application/vnd.schemaregistry.v1+json";

typedef struct http_error_filter {
    h2o_filter_t super;
    size_t max_body;
} http_error_filter_t;

typedef struct http_error_ostream {
    h2o_ostream_t super;
    h2o_iovec_t body;       /* in the request's pool */
} http_error_ostream_t;

/* h2o_send_error_generic's mark: we never answer text/plain ourselves. */
static int
http_error__is_h2o_error(h2o_req_t *req)
{
    if (req->res.status < 400)
        return 0;
    ssize_t i = h2o_find_header(&req->res.headers, H2O_TOKEN_CONTENT_TYPE, -1);
    return i >= 0 && req->res.headers.entries[i].value.len >= 10 &&
           memcmp(req->res.headers.entries[i].value.base, "text/plain", 10) == 0;
}

static void
http_error__do_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt,
                    h2o_send_state_t state)
{
    http_error_ostream_t *o = (http_error_ostream_t *)self;
    (void)bufs;
    /* h2o sends its error body in one final call, none for HEAD. */
    if (bufcnt == 0 || o->body.len == 0) {
        h2o_ostream_send_next(&o->super, req, NULL, 0, state);
        return;
    }
    h2o_iovec_t b = o->body;
    o->body.len = 0;
    h2o_ostream_send_next(&o->super, req, &b, 1, state);
}

static void
http_error__on_setup(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    http_error_filter_t *f = (http_error_filter_t *)self;
    if (!http_error__is_h2o_error(req)) {
        h2o_setup_next_ostream(req, slot);
        return;
    }
    char msg[160];
    if (req->res.status == 413)
        snprintf(msg, sizeof(msg), "HTTP 413 Request Entity Too Large: the limit is %zu bytes",
                 f->max_body);
    else
        snprintf(msg, sizeof(msg), "HTTP %d %s", req->res.status,
                 req->res.reason != NULL ? req->res.reason : "Error");
    /* h2o's reasons are fixed ASCII phrases: nothing to escape. */
    char *body = h2o_mem_alloc_pool(&req->pool, sizeof(msg) + 48);
    int n = snprintf(body, sizeof(msg) + 48, "{\"error_code\":%d,\"message\":\"%s\"}",
                     req->res.status, msg);
    req->res.content_length = (size_t)n;
    ssize_t i = h2o_find_header(&req->res.headers, H2O_TOKEN_CONTENT_TYPE, -1);
    req->res.headers.entries[i].value = h2o_iovec_init(http_error_ct, sizeof(http_error_ct) - 1);
    http_error_ostream_t *o = (http_error_ostream_t *)h2o_add_ostream(req, sizeof(*o), slot);
    o->super.do_send = http_error__do_send;
    o->body = h2o_iovec_init(body, (size_t)n);
    h2o_setup_next_ostream(req, &o->super.next);
}

void
http_error_register(h2o_hostconf_t *host, h2o_pathconf_t *root, size_t max_body)
{
    h2o_pathconf_t *paths[2] = {root, &host->fallback_path};
    for (int i = 0; i < 2; i++) {
        http_error_filter_t *f = (http_error_filter_t *)h2o_create_filter(paths[i], sizeof(*f));
        f->super.on_setup_ostream = http_error__on_setup;
        f->max_body = max_body;
    }
}

/* ---- the parser's fixed answer ----------------------------------------- */

/* lib/http1.c send_bad_request, byte for byte. */
static const char http_error_h2o_bad[] = "HTTP/1.1 400 Bad Request\r\n"
                                         "Content-Type: text/plain; charset=utf-8\r\n"
                                         "Connection: close\r\n"
                                         "Content-Length: 11\r\n"
                                         "\r\n"
                                         "Bad Request";

#define HTTP_ERROR_HEAD(status, reason, len)                                                       \
    "HTTP/1.1 " status " " reason "\r\n"                                                           \
    "Content-Type: application/vnd.schemaregistry.v1+json\r\n"                                     \
    "Connection: close\r\n"                                                                        \
    "Content-Length: " len "\r\n"                                                                  \
    "\r\n"

static const char http_error_json_400[] =
    HTTP_ERROR_HEAD("400", "Bad Request", "51") "{\"error_code\":400,\"message\":\"HTTP 400 Bad Request\"}";
static const char http_error_json_431[] =
    HTTP_ERROR_HEAD("431", "Request Header Fields Too Large", "71")
    "{\"error_code\":431,\"message\":\"HTTP 431 Request Header Fields Too Large\"}";

typedef void (*http_error_write_fn)(h2o_socket_t *, h2o_iovec_t *, size_t, h2o_socket_cb);

void
h2o_socket_write(h2o_socket_t *sock, h2o_iovec_t *bufs, size_t bufcnt, h2o_socket_cb cb)
{
    /* Resolved on the first write, in a single-threaded process. */
    static http_error_write_fn next;
    if (next == NULL && (next = (http_error_write_fn)dlsym(RTLD_NEXT, "h2o_socket_write")) == NULL)
        log_fatal("libh2o's h2o_socket_write not found (is libh2o linked statically?)");
    if (bufcnt == 1 && bufs[0].len == sizeof(http_error_h2o_bad) - 1 &&
        memcmp(bufs[0].base, http_error_h2o_bad, bufs[0].len) == 0) {
        /* The parser gives up at H2O_MAX_REQLEN bytes without a whole
         * header block: that is Jetty's 431; the rest is a 400. */
        int big = sock->input != NULL && sock->input->size >= H2O_MAX_REQLEN;
        h2o_iovec_t json = big ? h2o_iovec_init(http_error_json_431, sizeof(http_error_json_431) - 1)
                               : h2o_iovec_init(http_error_json_400, sizeof(http_error_json_400) - 1);
        next(sock, &json, 1, cb);
        return;
    }
    next(sock, bufs, bufcnt, cb);
}
