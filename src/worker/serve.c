/*
 * serve.c - the workers' request handler.  A hot read costs a route parse,
 * one or two table probes and a write of the table's bytes (no copy, no
 * lock, no syscall of its own).  Anything else goes to the master.
 */
#include "serve.h"

#include <string.h>
#include <strings.h>

#include "guid.h"
#include "mem.h"
#include "publish.h"
#include "render.h"
#include "request.h"
#include "route.h"
#include "store.h"
#include "respond.h"

static void
serve__error(h2o_req_t *req, int status, int code, const char *msg)
{
    char body[512];
    int n = snprintf(body, sizeof(body), "{\"error_code\":%d,\"message\":\"%s\"}", code, msg);
    respond_send(req, status, body, (size_t)n, 1);
}

/*
 * Send table parts as one response.  They are copied into the request's
 * pool: the table may reclaim their bytes once this handler has left it,
 * while h2o may still be writing them to a slow client.
 */
static void
serve__send_parts(h2o_req_t *req, const struct iovec *iov, int n)
{
    size_t len = table_iov_len(iov, n), at = 0;
    char *body = h2o_mem_alloc_pool(&req->pool, len + 1);
    for (int i = 0; i < n; i++) {
        memcpy(body + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    respond_send(req, 200, body, len, 0);
}

/* A value of a few parts; 0 when sent, -1 on a miss. */
static int
serve__table(h2o_req_t *req, serve_ctx_t *w, const char *key, size_t klen)
{
    struct iovec iov[4];
    if (klen == 0)
        return -1;
    int n = table_get(w->table, key, klen, iov, 4);
    if (n < 0)
        return -1;
    serve__send_parts(req, iov, n);
    return 0;
}

/* The parts [from, to) of a value (to < 0: to its end); 0 when sent, -1
 * on a miss or when the value has fewer parts. */
static int
serve__table_range(h2o_req_t *req, serve_ctx_t *w, const char *key, size_t klen,
                   int from, int to)
{
    struct iovec iov[PUBLISH_LOOKUP_PARTS + 3];
    if (klen == 0)
        return -1;
    int n = table_get(w->table, key, klen, iov, PUBLISH_LOOKUP_PARTS + 3);
    if (to < 0)
        to = n;
    if (n < to || from >= to)
        return -1;
    serve__send_parts(req, iov + from, to - from);
    return 0;
}

/* GET /schemas/ids/{id}/schema: the I value's literal part, sent as the
 * text it stands for. */
static int
serve__table_unescaped(h2o_req_t *req, serve_ctx_t *w, const char *key, size_t klen)
{
    struct iovec iov[3];
    if (klen == 0 || table_get(w->table, key, klen, iov, 3) != 3)
        return -1;
    char *text = h2o_mem_alloc_pool(&req->pool, iov[1].iov_len + 1);
    long n = mem_json_unescape(iov[1].iov_base, iov[1].iov_len, text);
    if (n < 0)
        return -1;
    respond_send(req, 200, text, (size_t)n, 0);
    return 0;
}

/* A value of many parts (a list), its iovecs from the request's pool. */
static int
serve__table_list(h2o_req_t *req, serve_ctx_t *w, const char *key)
{
    int n = table_count(w->table, key, strlen(key));
    if (n < 0)
        return -1;
    struct iovec *iov = h2o_mem_alloc_pool(&req->pool, sizeof(struct iovec) * (size_t)(n + 1));
    n = table_get(w->table, key, strlen(key), iov, n);
    if (n < 0)
        return -1;      /* changed in between: the master answers */
    serve__send_parts(req, iov, n);
    return 0;
}

/* Whether every query parameter is one the hot path may ignore: listed
 * here with the value that changes nothing. */
static int
serve__plain_query(const route_t *r, const char *const *allowed)
{
    for (int i = 0; i < r->nquery; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a != NULL; a += 2) {
            if (strcmp(r->query[i].key, a[0]) == 0 &&
                (a[1] == NULL || strcasecmp(r->query[i].value, a[1]) == 0))
                ok = 1;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

static int
serve__schema_id(h2o_req_t *req, serve_ctx_t *w, const route_t *r, char kind)
{
    static const char *const allowed[] = {"subject", NULL, "fetchMaxId", "false", NULL};
    char key[PUBLISH_KEY_MAX];
    int id;
    const char *subject = route_query(r, "subject");
    if (!serve__plain_query(r, allowed) || (subject != NULL && subject[0] == ':') ||
        route_parse_int(r->schema_id, &id) != 0)
        return -1;
    /* 8.x names the subject's version in the answer: the master knows it. */
    struct iovec d[1];
    if (subject != NULL && kind == 'I' && table_get(w->table, "D", 1, d, 1) == 1 &&
        d[0].iov_len == 1 && *(const char *)d[0].iov_base == '8')
        return -1;
    char idbuf[16];
    snprintf(idbuf, sizeof(idbuf), "%d", id);
    size_t klen = publish_key(key, 'I', ".", idbuf);
    if (kind == 'R')
        return serve__table_unescaped(req, w, key, klen);
    return serve__table(req, w, key, klen);
}

static int
serve__version(h2o_req_t *req, serve_ctx_t *w, const route_t *r)
{
    static const char *const allowed[] = {"deleted", "false", NULL};
    char key[PUBLISH_KEY_MAX];
    if (!serve__plain_query(r, allowed))
        return -1;
    if (strcmp(r->version, "latest") == 0 || strcmp(r->version, "-1") == 0)
        return serve__table(req, w, key, publish_key(key, 'L', r->subject, NULL));
    int v;
    if (route_parse_int(r->version, &v) != 0 || v <= 0)
        return -1;
    char vbuf[16];
    snprintf(vbuf, sizeof(vbuf), "%d", v);
    return serve__table(req, w, key, publish_key(key, 'V', r->subject, vbuf));
}

/*
 * Lookup and re-registration of a plain Avro schema (no references,
 * metadata, rule set, id or version) in a subject with no config that
 * changes what registration does: the body's fingerprint (memoized per
 * worker), then one probe.
 */
static int
serve__by_fingerprint(h2o_req_t *req, serve_ctx_t *w, const route_t *r, int registration)
{
    static const char *const allowed[] = {"normalize", "false", "deleted", "false", NULL};
    char key[PUBLISH_KEY_MAX];
    struct iovec iov[1];
    char fp[33];
    if (!serve__plain_query(r, allowed) || table_get(w->table, "E", 1, iov, 1) >= 0 ||
        table_get(w->table, key, publish_key(key, 'E', r->subject, NULL), iov, 1) >= 0 ||
        req->entity.base == NULL ||
        canon_cache_fingerprint(w->canon, req->entity.base, req->entity.len, fp) != 0)
        return -1;
    size_t klen = publish_key(key, 'P', r->subject, fp);
    if (registration)
        return serve__table_range(req, w, key, klen, PUBLISH_LOOKUP_PARTS, -1);
    return serve__table_range(req, w, key, klen, 0, PUBLISH_LOOKUP_PARTS);
}

/* A subject's mode: READONLY_OVERRIDE set globally answers for every
 * subject (Confluent's getMode), else the subject's own. */
static int
serve__mode_subject(h2o_req_t *req, serve_ctx_t *w, const route_t *r)
{
    static const char override[] = "{\"mode\":\"READONLY_OVERRIDE\"}";
    struct iovec iov[1];
    char key[PUBLISH_KEY_MAX];
    if (table_get(w->table, "M", 1, iov, 1) == 1 && iov[0].iov_len == sizeof(override) - 1 &&
        memcmp(iov[0].iov_base, override, sizeof(override) - 1) == 0)
        return serve__table(req, w, "M", 1);
    return serve__table(req, w, key, publish_key(key, 'M', r->subject, NULL));
}

/* GET /schemas/guids/{guid}: one probe of the U key (8.x only: under 7
 * there is none, and the master answers 404). */
static int
serve__guid(h2o_req_t *req, serve_ctx_t *w, const route_t *r)
{
    char key[PUBLISH_KEY_MAX];
    unsigned char guid[GUID_BYTES];
    if (r->nquery || guid_parse(r->schema_id, strlen(r->schema_id), guid) != 0)
        return -1;
    return serve__table(req, w, key, publish_guid_key(key, guid));
}

/* Try the table; 0 when answered.  Called inside table_enter/leave. */
static int
serve__hot(h2o_req_t *req, serve_ctx_t *w, const route_t *r)
{
    /* What clients send that changes nothing in a full listing
     * (confluent-kafka sends deleted=False, offset=0, limit=-1). */
    static const char *const list_query[] = {
        "deleted", "false", "deletedOnly", "false", "latestOnly", "false",
        "offset", "0", "limit", "-1", "limit", "0", "subjectPrefix", "",
        "aliases", "false", "deleted_only", NULL, "subject", NULL, NULL,
    };
    char key[PUBLISH_KEY_MAX];
    if (r->context != NULL || table_stale(w->table))
        return -1;
    if (r->method == ROUTE_M_GET) {
        switch (r->id) {
        case ROUTE_SCHEMA_ID:
            return serve__schema_id(req, w, r, 'I');
        case ROUTE_SCHEMA_ID_SCHEMA:
            return serve__schema_id(req, w, r, 'R');
        case ROUTE_VERSION:
            return serve__version(req, w, r);
        case ROUTE_SCHEMA_GUID:
            return serve__guid(req, w, r);
        case ROUTE_VERSIONS:
            return r->nquery ? -1 : serve__table(req, w, key, publish_key(key, 'S', r->subject, NULL));
        case ROUTE_SUBJECTS:
            return serve__plain_query(r, list_query) ? serve__table(req, w, "A", 1) : -1;
        case ROUTE_SCHEMAS:
            return serve__plain_query(r, list_query) ? serve__table_list(req, w, "G") : -1;
        case ROUTE_CONFIG:
        case ROUTE_MODE:
            return r->nquery ? -1 : serve__table(req, w, r->id == ROUTE_CONFIG ? "C" : "M", 1);
        case ROUTE_CONFIG_SUBJECT:
            return r->nquery ? -1 : serve__table(req, w, key, publish_key(key, 'C', r->subject, NULL));
        case ROUTE_MODE_SUBJECT:
            return r->nquery ? -1 : serve__mode_subject(req, w, r);
        default:
            return -1;
        }
    }
    if (r->method == ROUTE_M_POST && r->id == ROUTE_SUBJECT)
        return serve__by_fingerprint(req, w, r, 0);
    if (r->method == ROUTE_M_POST && r->id == ROUTE_VERSIONS)
        return serve__by_fingerprint(req, w, r, 1);
    return -1;
}

/* The hot path, inside the reader bracket that keeps the bytes it copies alive. */
static int
serve__from_table(h2o_req_t *req, serve_ctx_t *w, const route_t *r)
{
    if (!table_enter(w->table))
        return -1;
    int rc = serve__hot(req, w, r);
    table_leave(w->table);
    return rc;
}

/* What the worker refuses itself, as Jersey would; 0 when it answered. */
static int
serve__refuse(h2o_req_t *req, const route_t *r)
{
    if (r->id == ROUTE_NOT_FOUND) {
        serve__error(req, 404, 404, "HTTP 404 Not Found");
        return 0;
    }
    if (r->context_error) {
        serve__error(req, 400, 400, "Context name cannot contain a colon");
        return 0;
    }
    if ((route_methods(r->id) & r->method) == 0) {
        serve__error(req, 405, 405, "HTTP 405 Method Not Allowed");
        return 0;
    }
    if (r->method != ROUTE_M_POST && r->method != ROUTE_M_PUT)
        return -1;
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    if (i < 0)
        return -1;
    h2o_iovec_t ct = req->headers.entries[i].value;
    static const char *const accepted[] = {RESPOND_CT_V1, RESPOND_CT_SR, RESPOND_CT_JSON,
                                           "application/octet-stream", NULL};
    for (const char *const *a = accepted; *a; a++) {
        size_t n = strlen(*a);
        if (ct.len >= n && strncasecmp(ct.base, *a, n) == 0 &&
            (ct.len == n || ct.base[n] == ';' || ct.base[n] == ' '))
            return -1;
    }
    serve__error(req, 415, 415, "HTTP 415 Unsupported Media Type");
    return 0;
}

/* A body that is not JSON at all is answered here (400, as Jackson's
 * parser would); an empty or `null` one goes on, since its error names the
 * Java argument of the route. */
static int
serve__refuse_body(h2o_req_t *req, const route_t *r)
{
    if ((r->method != ROUTE_M_POST && r->method != ROUTE_M_PUT) || req->entity.base == NULL)
        return -1;
    request_error_t err = {0};
    json_t *j = request_parse(req->entity.base, req->entity.len, "body", &err);
    json_decref(j);
    if (j != NULL || err.status != 400) {
        request_error_free(&err);
        return -1;
    }
    buf_t b = {0};
    render_error(&b, err.code, err.message);
    respond_send(req, err.status, b.data, b.len, 1);
    buf_free(&b);
    request_error_free(&err);
    return 0;
}

static int
serve__on_req(h2o_handler_t *self, h2o_req_t *req)
{
    serve_ctx_t *w = &((serve_handler_t *)self)->ctx;
    route_t r;
    /* HEAD is GET without the body (Jersey's way): routed, refused and
     * answered as GET; respond_send leaves the bytes out. */
    if (respond_is_head(req))
        route_parse("GET", 3, req->path.base, req->path.len, &r);
    else
        route_parse(req->method.base, req->method.len, req->path.base, req->path.len, &r);
    /* Read before any table probe: what a relayed request is answered
     * from covers at least this offset. */
    respond_mark_offset(req, table_offset(w->table));
    if (r.id == ROUTE_HEALTH_LIVE) {
        respond_send(req, 200, "{\"status\":\"UP\"}", 15, 0);
    } else if (r.id == ROUTE_HEALTH_READY && table_ready(w->table) &&
               !table_leader_known(w->table)) {
        serve__error(req, 503, 50301, "schemad knows no leader to send writes to yet");
    } else if (r.id == ROUTE_HEALTH_READY && table_ready(w->table)) {
        respond_send(req, 200, "{\"status\":\"UP\"}", 15, 0);
    } else if (!table_ready(w->table)) {
        serve__error(req, 503, 50301, "schemad is still reading the journal; try again shortly");
    } else if (serve__refuse(req, &r) == 0 || serve__from_table(req, w, &r) == 0 ||
               serve__refuse_body(req, &r) == 0) {
        /* Answered.  The table comes first: a body it answers was parsed
         * (more strictly) when its fingerprint was memoized. */
    } else {
        w->forward(w->owner, req);
    }
    route_free(&r);
    return 0;
}

serve_handler_t *
serve_register(h2o_pathconf_t *pathconf)
{
    serve_handler_t *h = (serve_handler_t *)h2o_create_handler(pathconf, sizeof(*h));
    h->super.on_req = serve__on_req;
    return h;
}
