/* ipc.c - msgpack codec for the worker<->master messages. */
#include "ipc.h"

#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

#include "mem.h"

static void
ipc__pack_str(msgpack_packer *pk, const char *s, size_t len)
{
    if (s == NULL) {
        msgpack_pack_nil(pk);
        return;
    }
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, s, len);
}

static void
ipc__pack_bin(msgpack_packer *pk, const char *s, size_t len)
{
    msgpack_pack_bin(pk, len);
    if (len > 0)
        msgpack_pack_bin_body(pk, s, len);
}

void
ipc_pack_request(msgpack_sbuffer *out, const ipc_request_t *r)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 7);
    msgpack_pack_int(&pk, IPC_REQUEST);
    msgpack_pack_uint32(&pk, r->id);
    ipc__pack_str(&pk, r->method, r->method_len);
    ipc__pack_str(&pk, r->path, r->path_len);
    ipc__pack_str(&pk, r->ctype, r->ctype_len);
    ipc__pack_bin(&pk, r->body, r->body_len);
    msgpack_pack_int(&pk, r->forwarded ? 1 : 0);
}

void
ipc_pack_forward(msgpack_sbuffer *out, uint32_t id, const char *url, size_t url_len)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_int(&pk, IPC_FORWARD);
    msgpack_pack_uint32(&pk, id);
    ipc__pack_str(&pk, url, url_len);
}

void
ipc_pack_reply(msgpack_sbuffer *out, const ipc_reply_t *r)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, IPC_REPLY);
    msgpack_pack_uint32(&pk, r->id);
    msgpack_pack_int(&pk, r->status);
    ipc__pack_bin(&pk, r->body, r->body_len);
}

void
ipc_pack_cancel(msgpack_sbuffer *out, uint32_t id)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 2);
    msgpack_pack_int(&pk, IPC_CANCEL);
    msgpack_pack_uint32(&pk, id);
}

int
ipc_type(const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 2)
        return -1;
    const msgpack_object *t = &o->via.array.ptr[0];
    if (t->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return -1;
    if (t->via.u64 != IPC_REQUEST && t->via.u64 != IPC_REPLY && t->via.u64 != IPC_CANCEL &&
        t->via.u64 != IPC_FORWARD)
        return -1;
    return (int)t->via.u64;
}

/* A str, bin or nil field: sets *s (NULL for nil) and *len. */
static int
ipc__bytes(const msgpack_object *o, const char **s, size_t *len)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        *s = NULL;
        *len = 0;
        return 0;
    /* msgpack-c leaves an empty str's pointer unset (NULL, or the previous
     * string's): only nil may read as NULL. */
    case MSGPACK_OBJECT_STR:
        *s = o->via.str.size > 0 ? o->via.str.ptr : "";
        *len = o->via.str.size;
        return 0;
    case MSGPACK_OBJECT_BIN:
        *s = o->via.bin.size > 0 ? o->via.bin.ptr : "";
        *len = o->via.bin.size;
        return 0;
    default:
        return -1;
    }
}

static int
ipc__u32(const msgpack_object *o, uint32_t *v)
{
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > UINT32_MAX)
        return -1;
    *v = (uint32_t)o->via.u64;
    return 0;
}

int
ipc_unpack_request(const msgpack_object *o, ipc_request_t *r)
{
    if (ipc_type(o) != IPC_REQUEST || o->via.array.size != 7)
        return -1;
    const msgpack_object *a = o->via.array.ptr;
    memset(r, 0, sizeof(*r));
    if (ipc__u32(&a[1], &r->id) != 0 ||
        ipc__bytes(&a[2], &r->method, &r->method_len) != 0 || r->method == NULL ||
        ipc__bytes(&a[3], &r->path, &r->path_len) != 0 || r->path == NULL ||
        ipc__bytes(&a[4], &r->ctype, &r->ctype_len) != 0 ||
        ipc__bytes(&a[5], &r->body, &r->body_len) != 0 ||
        a[6].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[6].via.u64 > 1)
        return -1;
    r->forwarded = (int)a[6].via.u64;
    return 0;
}

int
ipc_unpack_forward(const msgpack_object *o, uint32_t *id, const char **url, size_t *url_len)
{
    if (ipc_type(o) != IPC_FORWARD || o->via.array.size != 3)
        return -1;
    const msgpack_object *a = o->via.array.ptr;
    if (ipc__u32(&a[1], id) != 0 || ipc__bytes(&a[2], url, url_len) != 0 || *url == NULL)
        return -1;
    return 0;
}

int
ipc_unpack_reply(const msgpack_object *o, ipc_reply_t *r)
{
    if (ipc_type(o) != IPC_REPLY || o->via.array.size != 4)
        return -1;
    const msgpack_object *a = o->via.array.ptr;
    memset(r, 0, sizeof(*r));
    if (ipc__u32(&a[1], &r->id) != 0)
        return -1;
    if (a[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[2].via.u64 > 999)
        return -1;
    r->status = (int)a[2].via.u64;
    if (ipc__bytes(&a[3], &r->body, &r->body_len) != 0)
        return -1;
    return 0;
}

int
ipc_unpack_cancel(const msgpack_object *o, uint32_t *id)
{
    *id = 0;
    if (ipc_type(o) != IPC_CANCEL || o->via.array.size != 2)
        return -1;
    return ipc__u32(&o->via.array.ptr[1], id);
}

/*
 * The reader keeps its own buffer and unpacks whole messages with
 * msgpack_unpack_next(): msgpack-c 4.0's streaming unpacker dereferences a
 * NULL zone when its buffer grows while a returned object still refers to
 * it.
 */
void
ipc_reader_init(ipc_reader_t *rd)
{
    memset(rd, 0, sizeof(*rd));
    msgpack_unpacked_init(&rd->msg);
}

void
ipc_reader_free(ipc_reader_t *rd)
{
    msgpack_unpacked_destroy(&rd->msg);
    free(rd->data);
    memset(rd, 0, sizeof(*rd));
}

void
ipc_reader_feed(ipc_reader_t *rd, const void *data, size_t len)
{
    if (len == 0)
        return;
    if (rd->off > 0 && rd->off == rd->len) {
        rd->off = rd->len = 0;
    } else if (rd->off > 0 && rd->off > rd->cap / 2) {
        memmove(rd->data, rd->data + rd->off, rd->len - rd->off);
        rd->len -= rd->off;
        rd->off = 0;
    }
    if (rd->len + len > rd->cap) {
        size_t cap = rd->cap ? rd->cap : 65536;
        while (cap < rd->len + len)
            cap *= 2;
        rd->data = mem_realloc(rd->data, cap);
        rd->cap = cap;
    }
    memcpy(rd->data + rd->len, data, len);
    rd->len += len;
}

/* Bytes of the element header at p and of its payload: 1 and sets *hdr and
 * *body, 0 when more bytes are needed, -1 for a type our messages never
 * hold. */
static int
ipc__element(const unsigned char *p, size_t avail, size_t *hdr, size_t *body)
{
    static const unsigned char width[4] = {1, 2, 4, 8};
    unsigned char c = p[0];
    size_t n = 0, lenbytes = 0;
    if (c <= 0x7f || c == 0xc0 || (c >= 0xe0))
        n = 0;                                  /* fixint, nil, negative fixint */
    else if (c >= 0xa0 && c <= 0xbf)
        n = c & 0x1f;                           /* fixstr */
    else if (c >= 0xcc && c <= 0xcf)
        lenbytes = 0, n = width[c - 0xcc];      /* uint 8..64: payload follows */
    else if (c >= 0xd0 && c <= 0xd3)
        lenbytes = 0, n = width[c - 0xd0];      /* int 8..64 */
    else if (c >= 0xd9 && c <= 0xdb)
        lenbytes = width[c - 0xd9];             /* str 8/16/32 */
    else if (c >= 0xc4 && c <= 0xc6)
        lenbytes = width[c - 0xc4];             /* bin 8/16/32 */
    else
        return -1;
    if (avail < 1 + lenbytes)
        return 0;
    for (size_t i = 0; i < lenbytes; i++)
        n = (n << 8) | p[1 + i];
    *hdr = 1 + lenbytes;
    *body = n;
    return 1;
}

/*
 * Check a message's shape before msgpack-c sees it: a fixarray of at most
 * seven scalar, string or binary elements.  msgpack-c allocates an array's
 * storage from its header's count, so a corrupt header could ask for
 * gigabytes.  Returns 1 when whole, 0 when more bytes are needed, -1 when
 * corrupt.
 */
static int
ipc__prescan(const unsigned char *p, size_t len)
{
    if (len == 0)
        return 0;
    if (p[0] < 0x91 || p[0] > 0x97)
        return -1;
    size_t off = 1;
    for (unsigned i = 0; i < (unsigned)(p[0] & 0x0f); i++) {
        size_t hdr, body;
        if (off >= len)
            return 0;
        int rc = ipc__element(p + off, len - off, &hdr, &body);
        if (rc <= 0)
            return rc;
        if (len - off - hdr < body)
            return 0;
        off += hdr + body;
    }
    return 1;
}

int
ipc_reader_next(ipc_reader_t *rd, const msgpack_object **o)
{
    size_t off = rd->off;
    if (off == rd->len)
        return 0;
    int shape = ipc__prescan((const unsigned char *)rd->data + off, rd->len - off);
    if (shape <= 0)
        return shape;
    msgpack_unpack_return rc = msgpack_unpack_next(&rd->msg, rd->data, rd->len, &off);
    if (rc == MSGPACK_UNPACK_SUCCESS || rc == MSGPACK_UNPACK_EXTRA_BYTES) {
        rd->off = off;
        *o = &rd->msg.data;
        return 1;
    }
    if (rc == MSGPACK_UNPACK_CONTINUE)
        return 0;
    return -1;
}

size_t
ipc_reader_shrink(ipc_reader_t *rd)
{
    size_t cap = rd->cap;
    if (rd->off != rd->len || cap <= IPC_READER_KEEP)
        return 0;
    free(rd->data);
    rd->data = NULL;
    rd->len = rd->off = rd->cap = 0;
    return cap;
}

int
ipc_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- outbound queue ---------------------------------------------------- */

static void
ipc__outq_reserve(ipc_outq_t *q, size_t extra)
{
    if (q->off > 0 && q->off == q->len) {
        q->off = q->len = 0;
    } else if (q->off > 0 && q->off >= q->cap / 2) {
        memmove(q->data, q->data + q->off, q->len - q->off);
        q->len -= q->off;
        q->off = 0;
    }
    if (q->len + extra <= q->cap)
        return;
    size_t cap = q->cap ? q->cap : 65536;
    while (cap < q->len + extra)
        cap *= 2;
    q->data = mem_realloc(q->data, cap);
    q->cap = cap;
}

void
ipc_outq_push(ipc_outq_t *q, const void *data, size_t len)
{
    if (len == 0)
        return;
    ipc__outq_reserve(q, len);
    memcpy(q->data + q->len, data, len);
    q->len += len;
}

static int
ipc__outq_write(void *data, const char *buf, size_t len)
{
    ipc_outq_push(data, buf, len);
    return 0;
}

void
ipc_outq_reply(ipc_outq_t *q, const ipc_reply_t *r)
{
    /* Reserved at once, so that a large body is copied once. */
    ipc__outq_reserve(q, r->body_len + 32);
    msgpack_packer pk;
    msgpack_packer_init(&pk, q, ipc__outq_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, IPC_REPLY);
    msgpack_pack_uint32(&pk, r->id);
    msgpack_pack_int(&pk, r->status);
    ipc__pack_bin(&pk, r->body, r->body_len);
}

size_t
ipc_outq_pending(const ipc_outq_t *q)
{
    return q->len - q->off;
}

long
ipc_outq_flush(ipc_outq_t *q, int fd)
{
    while (q->off < q->len) {
        ssize_t n = send(fd, q->data + q->off, q->len - q->off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            if (n == 0)
                errno = EPIPE;
            return -1;
        }
        q->off += (size_t)n;
    }
    if (q->off == q->len)
        q->off = q->len = 0;
    return (long)(q->len - q->off);
}

size_t
ipc_outq_shrink(ipc_outq_t *q)
{
    size_t cap = q->cap;
    if (q->off != q->len || cap <= IPC_READER_KEEP)
        return 0;
    ipc_outq_free(q);
    return cap;
}

void
ipc_outq_free(ipc_outq_t *q)
{
    free(q->data);
    memset(q, 0, sizeof(*q));
}
