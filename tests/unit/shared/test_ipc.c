/*
 * test_ipc.c - the worker<->master msgpack codec and the stream reader:
 * round trips, malformed messages, and messages fed in arbitrary chunks.
 */
#include "ipc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "tally.h"


/* Whether [p, p+n) equals the NUL-terminated want (NULL: p must be NULL). */
static int
same(const char *p, size_t n, const char *want)
{
    if (want == NULL)
        return p == NULL && n == 0;
    return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

static ipc_request_t
make_request(uint32_t id, const char *method, const char *path,
             const char *ctype, const char *body, size_t body_len)
{
    ipc_request_t r;
    memset(&r, 0, sizeof(r));
    r.id = id;
    r.method = method;
    r.method_len = strlen(method);
    r.path = path;
    r.path_len = strlen(path);
    r.ctype = ctype;
    r.ctype_len = ctype ? strlen(ctype) : 0;
    r.body = body;
    r.body_len = body_len;
    return r;
}

/* Unpack one whole message from a buffer (the non-streaming path). */
static int
unpack_one(const msgpack_sbuffer *sb, msgpack_unpacked *u)
{
    size_t off = 0;
    msgpack_unpack_return rc = msgpack_unpack_next(u, sb->data, sb->size, &off);
    return rc == MSGPACK_UNPACK_SUCCESS && off == sb->size ? 0 : -1;
}

static void
test_request_roundtrip(tally_t *t)
{
    static const char body[] = "{\"schema\":\"\\\"int\\\"\"}";
    ipc_request_t in = make_request(7, "POST", "/subjects/a/versions?normalize=true",
                                    "application/vnd.schemaregistry.v1+json",
                                    body, sizeof(body) - 1);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_request(&sb, &in);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    int rc = unpack_one(&sb, &u);
    check(t, rc == 0, "request unpacks as exactly one msgpack object");
    check(t, rc == 0 && ipc_type(&u.data) == IPC_REQUEST, "request type");
    ipc_request_t out;
    rc = rc == 0 ? ipc_unpack_request(&u.data, &out) : -1;
    check(t, rc == 0, "ipc_unpack_request succeeds");
    if (rc == 0) {
        check(t, out.id == 7, "request id");
        check(t, same(out.method, out.method_len, "POST"), "request method");
        check(t, same(out.path, out.path_len, "/subjects/a/versions?normalize=true"),
              "request path with query");
        check(t, same(out.ctype, out.ctype_len, "application/vnd.schemaregistry.v1+json"),
              "request content type");
        check(t, same(out.body, out.body_len, body), "request body");
        check(t, out.forwarded == 0, "not forwarded");
    }
    check(t, rc == 0 && ipc_unpack_reply(&u.data, &(ipc_reply_t){0}) == -1,
          "a request is not a reply");
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sb);
}

static void
test_request_nil_empty(tally_t *t)
{
    ipc_request_t in = make_request(UINT32_MAX, "GET", "/", NULL, NULL, 0);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_request(&sb, &in);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    ipc_request_t out;
    int rc = unpack_one(&sb, &u) == 0 ? ipc_unpack_request(&u.data, &out) : -1;
    check(t, rc == 0, "request with nil content type and empty body unpacks");
    if (rc == 0) {
        check(t, out.id == UINT32_MAX, "request id UINT32_MAX survives");
        check(t, out.ctype == NULL && out.ctype_len == 0, "nil content type is NULL");
        check(t, out.body_len == 0, "empty body has length 0");
    }
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sb);

    /* An empty (not nil) content type stays a zero-length string. */
    in = make_request(1, "PUT", "/config", "", "", 0);
    msgpack_sbuffer_init(&sb);
    ipc_pack_request(&sb, &in);
    msgpack_unpacked_init(&u);
    rc = unpack_one(&sb, &u) == 0 ? ipc_unpack_request(&u.data, &out) : -1;
    check(t, rc == 0 && out.ctype != NULL && out.ctype_len == 0,
          "empty content type is distinct from nil");
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sb);

    /* An empty string first in the message (msgpack-c leaves its pointer
     * NULL) is still a string (found by tests/fuzz/fuzz_ipc). */
    in = make_request(2, "", "", "", "", 0);
    msgpack_sbuffer_init(&sb);
    ipc_pack_request(&sb, &in);
    msgpack_unpacked_init(&u);
    rc = unpack_one(&sb, &u) == 0 ? ipc_unpack_request(&u.data, &out) : -1;
    check(t, rc == 0 && out.method != NULL && out.method_len == 0 && out.path != NULL &&
          out.path_len == 0 && out.ctype != NULL, "empty method and path unpack as empty strings");
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sb);
}

static void
test_reply_roundtrip(tally_t *t)
{
    static const int statuses[] = {200, 204, 404, 422, 500, 0, 999};
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        const char *body = statuses[i] == 204 ? NULL : "{\"error_code\":40401}";
        ipc_reply_t in = {(uint32_t)i + 100, statuses[i], body, body ? strlen(body) : 0};
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        ipc_pack_reply(&sb, &in);
        msgpack_unpacked u;
        msgpack_unpacked_init(&u);
        ipc_reply_t out;
        int rc = unpack_one(&sb, &u) == 0 ? ipc_unpack_reply(&u.data, &out) : -1;
        char what[128];
        snprintf(what, sizeof(what), "reply with status %d round-trips", statuses[i]);
        check(t, rc == 0 && ipc_type(&u.data) == IPC_REPLY && out.id == in.id &&
                 out.status == in.status && out.body_len == in.body_len &&
                 (in.body_len == 0 || memcmp(out.body, in.body, in.body_len) == 0),
              what);
        check(t, ipc_unpack_request(&u.data, &(ipc_request_t){0}) == -1,
              "a reply is not a request");
        msgpack_unpacked_destroy(&u);
        msgpack_sbuffer_destroy(&sb);
    }
}

/* Pack an arbitrary object with a callback and check the unpackers refuse it. */
typedef void (*pack_fn)(msgpack_packer *pk);

static void
expect_malformed(tally_t *t, pack_fn fn, int want_type, const char *what)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    fn(&pk);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    int ok = unpack_one(&sb, &u) == 0;
    ipc_request_t rq;
    ipc_reply_t rp;
    ok = ok && ipc_type(&u.data) == want_type &&
         ipc_unpack_request(&u.data, &rq) == -1 && ipc_unpack_reply(&u.data, &rp) == -1;
    check(t, ok, what);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sb);
}

static void
pk_str(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

static void
m_not_array(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 0);
}

static void
m_empty_array(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 0);
}

static void
m_bad_type(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, 5);
    msgpack_pack_int(pk, 1);
    msgpack_pack_int(pk, 200);
    msgpack_pack_nil(pk);
}

static void
m_negative_type(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, -2);
    msgpack_pack_int(pk, 1);
    msgpack_pack_int(pk, 200);
    msgpack_pack_nil(pk);
}

static void
m_request_short(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 5);
    msgpack_pack_int(pk, IPC_REQUEST);
    msgpack_pack_int(pk, 1);
    pk_str(pk, "GET");
    pk_str(pk, "/");
    msgpack_pack_nil(pk);
}

static void
m_request_nil_method(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 6);
    msgpack_pack_int(pk, IPC_REQUEST);
    msgpack_pack_int(pk, 1);
    msgpack_pack_nil(pk);
    pk_str(pk, "/");
    msgpack_pack_nil(pk);
    msgpack_pack_bin(pk, 0);
}

static void
m_request_nil_path(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 6);
    msgpack_pack_int(pk, IPC_REQUEST);
    msgpack_pack_int(pk, 1);
    pk_str(pk, "GET");
    msgpack_pack_nil(pk);
    msgpack_pack_nil(pk);
    msgpack_pack_bin(pk, 0);
}

static void
m_request_int_body(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 6);
    msgpack_pack_int(pk, IPC_REQUEST);
    msgpack_pack_int(pk, 1);
    pk_str(pk, "GET");
    pk_str(pk, "/");
    msgpack_pack_nil(pk);
    msgpack_pack_int(pk, 5);
}

static void
m_request_big_id(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 6);
    msgpack_pack_int(pk, IPC_REQUEST);
    msgpack_pack_uint64(pk, (uint64_t)UINT32_MAX + 1);
    pk_str(pk, "GET");
    pk_str(pk, "/");
    msgpack_pack_nil(pk);
    msgpack_pack_bin(pk, 0);
}

static void
m_request_neg_id(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 6);
    msgpack_pack_int(pk, IPC_REQUEST);
    msgpack_pack_int(pk, -1);
    pk_str(pk, "GET");
    pk_str(pk, "/");
    msgpack_pack_nil(pk);
    msgpack_pack_bin(pk, 0);
}

static void
m_reply_big_status(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, IPC_REPLY);
    msgpack_pack_int(pk, 1);
    msgpack_pack_int(pk, 1000);
    msgpack_pack_nil(pk);
}

static void
m_reply_neg_status(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, IPC_REPLY);
    msgpack_pack_int(pk, 1);
    msgpack_pack_int(pk, -200);
    msgpack_pack_nil(pk);
}

static void
m_reply_str_status(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, IPC_REPLY);
    msgpack_pack_int(pk, 1);
    pk_str(pk, "200");
    msgpack_pack_nil(pk);
}

static void
m_reply_long(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 5);
    msgpack_pack_int(pk, IPC_REPLY);
    msgpack_pack_int(pk, 1);
    msgpack_pack_int(pk, 200);
    msgpack_pack_nil(pk);
    msgpack_pack_nil(pk);
}

static void
m_reply_map_body(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, IPC_REPLY);
    msgpack_pack_int(pk, 1);
    msgpack_pack_int(pk, 200);
    msgpack_pack_map(pk, 0);
}

static void
test_malformed(tally_t *t)
{
    expect_malformed(t, m_not_array, -1, "a map is no message");
    expect_malformed(t, m_empty_array, -1, "an empty array is no message");
    expect_malformed(t, m_bad_type, -1, "type 5 is unknown");
    expect_malformed(t, m_negative_type, -1, "negative type is unknown");
    expect_malformed(t, m_request_short, IPC_REQUEST, "request with 5 fields refused");
    expect_malformed(t, m_request_nil_method, IPC_REQUEST, "request with nil method refused");
    expect_malformed(t, m_request_nil_path, IPC_REQUEST, "request with nil path refused");
    expect_malformed(t, m_request_int_body, IPC_REQUEST, "request with int body refused");
    expect_malformed(t, m_request_big_id, IPC_REQUEST, "request id beyond 32 bits refused");
    expect_malformed(t, m_request_neg_id, IPC_REQUEST, "negative request id refused");
    expect_malformed(t, m_reply_big_status, IPC_REPLY, "reply status 1000 refused");
    expect_malformed(t, m_reply_neg_status, IPC_REPLY, "negative reply status refused");
    expect_malformed(t, m_reply_str_status, IPC_REPLY, "string reply status refused");
    expect_malformed(t, m_reply_long, IPC_REPLY, "reply with 5 fields refused");
    expect_malformed(t, m_reply_map_body, IPC_REPLY, "reply with map body refused");
}

/* ---- the stream reader ---- */

#define NMSG 12

/* A varied sequence of messages: requests and replies, nil and empty
 * fields, and a few large bodies (1 MB). */
typedef struct stream {
    msgpack_sbuffer sb;
    char *big;
    size_t big_len;
} stream_t;

static void
stream_build(stream_t *s)
{
    msgpack_sbuffer_init(&s->sb);
    s->big_len = 1024 * 1024;
    s->big = malloc(s->big_len);
    for (size_t i = 0; i < s->big_len; i++)
        s->big[i] = (char)(i * 131 + 7);
    for (uint32_t i = 0; i < NMSG; i++) {
        size_t blen = i % 4 == 3 ? s->big_len - i : i % 4 == 1 ? 0 : 100 + i * 37;
        if (i % 2 == 0) {
            ipc_request_t r = make_request(i, i % 3 ? "GET" : "POST", "/subjects/x/versions",
                                           i % 3 ? NULL : "application/json", s->big, blen);
            ipc_pack_request(&s->sb, &r);
        } else {
            ipc_reply_t r = {i, 200 + (int)i, blen ? s->big : NULL, blen};
            ipc_pack_reply(&s->sb, &r);
        }
    }
}

static void
stream_free(stream_t *s)
{
    msgpack_sbuffer_destroy(&s->sb);
    free(s->big);
}

/* Check message number `i` of the stream. */
static int
stream_check(const stream_t *s, uint32_t i, const msgpack_object *o)
{
    size_t blen = i % 4 == 3 ? s->big_len - i : i % 4 == 1 ? 0 : 100 + i * 37;
    if (i % 2 == 0) {
        ipc_request_t r;
        if (ipc_type(o) != IPC_REQUEST || ipc_unpack_request(o, &r) != 0)
            return 0;
        return r.id == i && same(r.method, r.method_len, i % 3 ? "GET" : "POST") &&
               same(r.path, r.path_len, "/subjects/x/versions") &&
               same(r.ctype, r.ctype_len, i % 3 ? NULL : "application/json") &&
               r.body_len == blen && (blen == 0 || memcmp(r.body, s->big, blen) == 0);
    }
    ipc_reply_t r;
    if (ipc_type(o) != IPC_REPLY || ipc_unpack_reply(o, &r) != 0)
        return 0;
    return r.id == i && r.status == 200 + (int)i && r.body_len == blen &&
           (blen == 0 || memcmp(r.body, s->big, blen) == 0);
}

/* Drain every whole message; returns how many were good, -1 on a bad one. */
static int
drain(ipc_reader_t *rd, const stream_t *s, uint32_t *next, int *corrupt)
{
    const msgpack_object *o;
    int rc, good = 0;
    while ((rc = ipc_reader_next(rd, &o)) == 1) {
        if (*next >= NMSG || !stream_check(s, *next, o))
            return -1;
        (*next)++;
        good++;
    }
    if (rc < 0)
        *corrupt = 1;
    return good;
}

/* Feed the stream in chunks from `sizes` (cycled); all NMSG must come out. */
static int
feed_chunks(const stream_t *s, const size_t *sizes, size_t nsizes)
{
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    uint32_t next = 0;
    int corrupt = 0, bad = 0;
    size_t pos = 0, k = 0;
    while (pos < s->sb.size && !bad && !corrupt) {
        size_t n = sizes[k++ % nsizes];
        if (n > s->sb.size - pos)
            n = s->sb.size - pos;
        ipc_reader_feed(&rd, s->sb.data + pos, n);
        pos += n;
        bad = drain(&rd, s, &next, &corrupt) < 0;
    }
    const msgpack_object *o;
    int tail = ipc_reader_next(&rd, &o);
    ipc_reader_free(&rd);
    return !bad && !corrupt && next == NMSG && tail == 0;
}

static void
test_reader_chunks(tally_t *t)
{
    stream_t s;
    stream_build(&s);
    size_t whole = s.sb.size;
    check(t, feed_chunks(&s, &whole, 1), "whole stream in one feed");
    size_t one = 1;
    check(t, feed_chunks(&s, &one, 1), "stream fed one byte at a time");
    static const size_t odd[] = {3, 1, 4096, 7, 65535, 2, 65537, 1 << 20, 13};
    check(t, feed_chunks(&s, odd, sizeof(odd) / sizeof(odd[0])), "stream fed in odd chunks");
    static const size_t primes[] = {997};
    check(t, feed_chunks(&s, primes, 1), "stream fed in 997-byte chunks");
    static const size_t big[] = {(1 << 20) + 5};
    check(t, feed_chunks(&s, big, 1), "stream fed in chunks larger than a message");
    stream_free(&s);
}

/* Many small messages in mid-sized chunks exercise the buffer compaction. */
static void
test_reader_compaction(tally_t *t)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    char body[300];
    memset(body, 'b', sizeof(body));
    const uint32_t n = 2000;
    for (uint32_t i = 0; i < n; i++) {
        ipc_reply_t r = {i, 200, body, i % sizeof(body)};
        ipc_pack_reply(&sb, &r);
    }
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    uint32_t next = 0;
    int ok = 1;
    for (size_t pos = 0; pos < sb.size && ok;) {
        size_t c = sb.size - pos < 7001 ? sb.size - pos : 7001;
        ipc_reader_feed(&rd, sb.data + pos, c);
        pos += c;
        const msgpack_object *o;
        int rc;
        while ((rc = ipc_reader_next(&rd, &o)) == 1) {
            ipc_reply_t r;
            ok = ok && ipc_unpack_reply(o, &r) == 0 && r.id == next &&
                 r.body_len == next % sizeof(body) &&
                 (r.body_len == 0 || memcmp(r.body, body, r.body_len) == 0);
            next++;
        }
        ok = ok && rc == 0;
    }
    check(t, ok && next == n, "2000 messages through 7001-byte chunks, in order");
    check(t, rd.cap <= 65536 * 2, "the reader's buffer stays bounded when drained");
    ipc_reader_free(&rd);
    msgpack_sbuffer_destroy(&sb);
}

static void
test_reader_empty(tally_t *t)
{
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    const msgpack_object *o;
    check(t, ipc_reader_next(&rd, &o) == 0, "an empty reader has nothing");
    ipc_reader_feed(&rd, "", 0);
    check(t, ipc_reader_next(&rd, &o) == 0, "feeding nothing gives nothing");
    ipc_reader_free(&rd);
    ipc_reader_free(&rd); /* a second free is harmless after the reset */
}

/* Feed bytes, then expect -1 (possibly after some good messages). */
static int
reader_verdict(const void *bytes, size_t len)
{
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    ipc_reader_feed(&rd, bytes, len);
    const msgpack_object *o;
    int rc, n = 0;
    while ((rc = ipc_reader_next(&rd, &o)) == 1 && n < 1000)
        n++;
    ipc_reader_free(&rd);
    return rc;
}

static void
test_reader_corrupt(tally_t *t)
{
    static const unsigned char c1[] = {0xc1};
    check(t, reader_verdict(c1, sizeof(c1)) == -1, "reserved byte 0xc1 is corrupt");
    static const unsigned char c1_after[] = {0x94, 0x02, 0x01, 0xcc, 0xc8, 0xc0, 0xc1};
    check(t, reader_verdict(c1_after, sizeof(c1_after)) == -1,
          "a good reply then 0xc1 ends in -1");
    static const unsigned char c1_inside[] = {0x96, 0x01, 0x01, 0xc1, 0xc1};
    check(t, reader_verdict(c1_inside, sizeof(c1_inside)) == -1,
          "0xc1 inside an array is corrupt");
    unsigned char deep[4096];
    memset(deep, 0x91, sizeof(deep)); /* fixarray of 1, nested 4096 deep */
    check(t, reader_verdict(deep, sizeof(deep)) == -1, "4096-deep nesting is refused");
    static const unsigned char hugearr[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0};
    check(t, reader_verdict(hugearr, sizeof(hugearr)) == -1,
          "a 4G-element array header is refused");
    static const unsigned char trunc[] = {0x96, 0x01, 0x01, 0xa3, 'G'};
    check(t, reader_verdict(trunc, sizeof(trunc)) == 0, "a truncated message waits for more");
    static const unsigned char hugestr[] = {0x96, 0x01, 0x01, 0xdb, 0x7f, 0xff, 0xff, 0xff, 'x'};
    check(t, reader_verdict(hugestr, sizeof(hugestr)) == 0,
          "a 2 GB str header inside a message waits without allocating");
    static const unsigned char barestr[] = {0xdb, 0x7f, 0xff, 0xff, 0xff, 'x'};
    check(t, reader_verdict(barestr, sizeof(barestr)) == -1,
          "a message that is not an array is corrupt at once");
}

static void
test_write_all(tally_t *t)
{
    int fds[2];
    if (pipe(fds) != 0) {
        check(t, 0, "pipe()");
        return;
    }
    static const char msg[] = "hello, master";
    check(t, ipc_write_all(fds[1], msg, sizeof(msg)) == 0, "ipc_write_all to a pipe");
    char got[sizeof(msg)];
    ssize_t n = read(fds[0], got, sizeof(got));
    check(t, n == (ssize_t)sizeof(msg) && memcmp(got, msg, sizeof(msg)) == 0,
          "the bytes arrive whole");
    check(t, ipc_write_all(fds[1], msg, 0) == 0, "writing nothing succeeds");
    close(fds[0]);
    close(fds[1]);
    errno = 0;
    check(t, ipc_write_all(-1, msg, 1) == -1 && errno == EBADF, "a bad fd gives -1/EBADF");
}

static void
test_cancel(tally_t *t)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_cancel(&sb, 4000000000u);
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    ipc_reader_feed(&rd, sb.data, sb.size);
    const msgpack_object *o = NULL;
    check(t, ipc_reader_next(&rd, &o) == 1, "a cancel is one whole message");
    uint32_t id = 0;
    check(t, o != NULL && ipc_type(o) == IPC_CANCEL, "its type is IPC_CANCEL");
    check(t, o != NULL && ipc_unpack_cancel(o, &id) == 0 && id == 4000000000u,
          "a cancel's id round-trips");
    ipc_request_t req;
    check(t, o != NULL && ipc_unpack_request(o, &req) == -1, "a cancel is not a request");
    ipc_reply_t rep = {.id = 1, .status = 200, .body = "x", .body_len = 1};
    msgpack_sbuffer_clear(&sb);
    ipc_pack_reply(&sb, &rep);
    ipc_reader_feed(&rd, sb.data, sb.size);
    check(t, ipc_reader_next(&rd, &o) == 1 && ipc_unpack_cancel(o, &id) == -1 && id == 0,
          "a reply is not a cancel (and the id is set on failure)");
    ipc_reader_free(&rd);
    msgpack_sbuffer_destroy(&sb);
}

/* A relayed request keeps its mark; the master's forward instruction
 * carries the leader's URL and is nothing else. */
static void
test_forward(tally_t *t)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_request_t in = make_request(9, "PUT", "/config", NULL, "{}", 2);
    in.forwarded = 1;
    ipc_pack_request(&sb, &in);
    ipc_pack_forward(&sb, 9, "https://h:8081", 14);
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    ipc_reader_feed(&rd, sb.data, sb.size);
    const msgpack_object *o = NULL;
    ipc_request_t out;
    check(t, ipc_reader_next(&rd, &o) == 1 && ipc_unpack_request(o, &out) == 0 &&
              out.forwarded == 1, "a relayed request keeps its mark");
    uint32_t id = 0;
    const char *url = NULL;
    size_t len = 0;
    check(t, ipc_reader_next(&rd, &o) == 1 && ipc_type(o) == IPC_FORWARD, "forward's type");
    check(t, ipc_unpack_forward(o, &id, &url, &len) == 0 && id == 9 &&
              same(url, len, "https://h:8081"), "forward's id and url round-trip");
    check(t, ipc_unpack_reply(o, &(ipc_reply_t){0}) == -1 && ipc_unpack_request(o, &out) == -1,
          "a forward is neither a reply nor a request");
    ipc_reader_free(&rd);
    msgpack_sbuffer_destroy(&sb);
}

/* A queue grown by a large reply gives its buffer back once written; a
 * small or unwritten one keeps it. */
static void
test_outq_shrink(tally_t *t)
{
    ipc_outq_t q = {0};
    char *body = calloc(1, IPC_READER_KEEP + 1);
    ipc_reply_t rep = {.id = 1, .status = 200, .body = body, .body_len = IPC_READER_KEEP + 1};
    ipc_outq_reply(&q, &rep);
    check(t, ipc_outq_shrink(&q) == 0 && q.data != NULL, "an unwritten queue is kept");
    q.off = q.len;
    size_t cap = q.cap;
    check(t, ipc_outq_shrink(&q) == cap && q.data == NULL && q.cap == 0,
          "a written queue past the keep size is given back");
    ipc_reply_t small = {.id = 2, .status = 200, .body = "x", .body_len = 1};
    ipc_outq_reply(&q, &small);
    q.off = q.len;
    check(t, ipc_outq_shrink(&q) == 0 && q.data != NULL, "a small buffer is kept");
    ipc_outq_free(&q);
    free(body);
}

/* The queue packs a reply exactly as ipc_pack_reply does. */
static void
test_outq_same_bytes(tally_t *t)
{
    static const char body[] = "{\"id\":1}";
    ipc_reply_t rep = {.id = 9, .status = 409, .body = body, .body_len = sizeof(body) - 1};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_pack_reply(&sb, &rep);
    ipc_outq_t q = {0};
    check(t, ipc_outq_pending(&q) == 0, "a zeroed queue is empty");
    ipc_outq_reply(&q, &rep);
    check(t, ipc_outq_pending(&q) == sb.size && memcmp(q.data, sb.data, sb.size) == 0,
          "ipc_outq_reply writes the bytes of ipc_pack_reply");
    ipc_outq_free(&q);
    msgpack_sbuffer_destroy(&sb);
}

/* Drain what the socket holds into the reader; the bytes read. */
static size_t
outq_drain(int fd, ipc_reader_t *rd, size_t most)
{
    char buf[8192];
    size_t got = 0;
    while (got < most) {
        size_t want = most - got < sizeof(buf) ? most - got : sizeof(buf);
        ssize_t n = recv(fd, buf, want, MSG_DONTWAIT);
        if (n <= 0)
            break;
        ipc_reader_feed(rd, buf, (size_t)n);
        got += (size_t)n;
    }
    return got;
}

/*
 * A peer that reads slowly: the socket takes part of a message (EAGAIN),
 * more messages are queued behind it, and every message arrives whole and
 * in order once the peer reads on.
 */
static void
test_outq_partial(tally_t *t)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        check(t, 0, "socketpair");
        return;
    }
    int small = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    enum { N = 40, BODY = 50000 };
    char *body = malloc(BODY);
    ipc_outq_t q = {0};
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    int sent = 0, got = 0, in_order = 1, whole = 1, partial_seen = 0, rounds = 0;
    size_t ends[N], pushed = 0;     /* where each message ends in the stream */
    while (got < N && rounds++ < 100000) {
        if (sent < N) {
            memset(body, 'a' + sent % 26, BODY);
            ipc_reply_t rep = {.id = (uint32_t)sent, .status = 200, .body = body,
                               .body_len = BODY - (size_t)sent};
            size_t before = ipc_outq_pending(&q);
            ipc_outq_reply(&q, &rep);
            pushed += ipc_outq_pending(&q) - before;
            ends[sent++] = pushed;
        }
        long left = ipc_outq_flush(&q, sv[0]);
        if (left < 0) {
            check(t, 0, "flush to a slow peer does not fail");
            break;
        }
        if (left > 0 && (size_t)left != ipc_outq_pending(&q))
            whole = 0;
        size_t written = pushed - (left > 0 ? (size_t)left : 0);
        int boundary = written == 0;
        for (int i = 0; i < sent; i++)
            boundary |= ends[i] == written;
        if (!boundary)
            partial_seen = 1;
        outq_drain(sv[1], &rd, 3000);
        const msgpack_object *o;
        while (ipc_reader_next(&rd, &o) == 1) {
            ipc_reply_t r;
            if (ipc_unpack_reply(o, &r) != 0 || r.id != (uint32_t)got ||
                r.body_len != BODY - (size_t)got) {
                in_order = 0;
                got = N;
                break;
            }
            for (size_t i = 0; i < r.body_len; i++)
                whole &= r.body[i] == 'a' + got % 26;
            got++;
        }
    }
    check(t, partial_seen, "the socket took part of a message (EAGAIN mid-message)");
    check(t, whole, "flush returns what it still holds");
    check(t, in_order && got == N, "every message arrives whole, in order, after partial writes");
    check(t, ipc_outq_pending(&q) == 0 && ipc_outq_flush(&q, sv[0]) == 0,
          "an empty queue flushes to 0");
    /* The peer gone: -1 with EPIPE, and no SIGPIPE. */
    close(sv[1]);
    ipc_reply_t rep = {.id = 1, .status = 200, .body = "x", .body_len = 1};
    ipc_outq_reply(&q, &rep);
    errno = 0;
    check(t, ipc_outq_flush(&q, sv[0]) == -1 && errno == EPIPE,
          "a closed peer gives -1/EPIPE (no SIGPIPE)");
    check(t, ipc_outq_pending(&q) > 0, "what could not be written stays queued");
    ipc_outq_push(&q, "", 0);
    ipc_outq_free(&q);
    check(t, q.data == NULL && ipc_outq_pending(&q) == 0, "ipc_outq_free empties the queue");
    ipc_reader_free(&rd);
    free(body);
    close(sv[0]);
}

/* A large message grows the buffer; once it is read, shrink frees it, and
 * the reader works on as before.  A half-read buffer is kept. */
static void
test_reader_shrink(tally_t *t)
{
    size_t big = IPC_READER_KEEP * 2;
    char *body = malloc(big);
    memset(body, 'x', big);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_reply_t r = {7, 200, body, big};
    ipc_pack_reply(&sb, &r);
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    ipc_reader_feed(&rd, sb.data, sb.size - 1);
    const msgpack_object *o;
    check(t, ipc_reader_next(&rd, &o) == 0, "a partial large message waits");
    check(t, ipc_reader_shrink(&rd) == 0 && rd.cap > IPC_READER_KEEP,
          "a buffer holding unread bytes is kept");
    ipc_reader_feed(&rd, sb.data + sb.size - 1, 1);
    ipc_reply_t got;
    check(t, ipc_reader_next(&rd, &o) == 1 && ipc_unpack_reply(o, &got) == 0 &&
          got.id == 7 && got.body_len == big, "the large message is read whole");
    check(t, ipc_reader_next(&rd, &o) == 0, "nothing after it");
    check(t, ipc_reader_shrink(&rd) > IPC_READER_KEEP && rd.cap == 0 && rd.data == NULL,
          "once read, its room is given back");
    check(t, ipc_reader_shrink(&rd) == 0, "shrinking an empty reader gives nothing");
    msgpack_sbuffer_clear(&sb);
    ipc_reply_t small = {8, 404, "{}", 2};
    ipc_pack_reply(&sb, &small);
    ipc_reader_feed(&rd, sb.data, sb.size);
    check(t, ipc_reader_next(&rd, &o) == 1 && ipc_unpack_reply(o, &got) == 0 && got.id == 8,
          "the reader works after a shrink");
    check(t, ipc_reader_shrink(&rd) == 0, "a small buffer is kept");
    ipc_reader_free(&rd);
    msgpack_sbuffer_destroy(&sb);
    free(body);
}

int
main(void)
{
    tally_t t = {0, 0};
    test_request_roundtrip(&t);
    test_request_nil_empty(&t);
    test_reply_roundtrip(&t);
    test_malformed(&t);
    test_reader_chunks(&t);
    test_reader_compaction(&t);
    test_reader_empty(&t);
    test_reader_shrink(&t);
    test_reader_corrupt(&t);
    test_write_all(&t);
    test_cancel(&t);
    test_forward(&t);
    test_outq_same_bytes(&t);
    test_outq_shrink(&t);
    test_outq_partial(&t);
    printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed != 0;
}
