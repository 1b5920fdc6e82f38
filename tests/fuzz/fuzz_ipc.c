/*
 * fuzz_ipc.c - the worker<->master stream (ipc.c): the reader's framing
 * and prescan over bytes arriving in arbitrary chunks, and the msgpack
 * decoding of requests and replies.
 *
 * Input: the first byte sets the chunk size the stream is fed in, the rest
 * is the stream.  Checks: every message the reader returns that unpacks
 * as a request or reply packs back to a message that unpacks to the same
 * fields; a stream the reader says is incomplete is one msgpack also
 * cannot finish (else the peer would wait forever).
 */
#include "fuzz.h"

#include "ipc.h"

static int
bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
    if (a == NULL || b == NULL)
        return a == b || (an == 0 && bn == 0);
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Pack what was unpacked, read it back, compare. */
static void
round_trip(const msgpack_object *o)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    ipc_request_t rq, rq2;
    ipc_reply_t rp, rp2;
    int type = ipc_type(o);
    int isreq = type == IPC_REQUEST && ipc_unpack_request(o, &rq) == 0;
    int isrep = type == IPC_REPLY && ipc_unpack_reply(o, &rp) == 0;
    if (!isreq && !isrep) {
        msgpack_sbuffer_destroy(&sb);
        return;
    }
    if (isreq)
        ipc_pack_request(&sb, &rq);
    else
        ipc_pack_reply(&sb, &rp);
    ipc_reader_t rd;
    const msgpack_object *o2;
    ipc_reader_init(&rd);
    ipc_reader_feed(&rd, sb.data, sb.size);
    FUZZ_CHECK(ipc_reader_next(&rd, &o2) == 1);
    if (isreq) {
        FUZZ_CHECK(ipc_unpack_request(o2, &rq2) == 0);
        FUZZ_CHECK(rq.id == rq2.id);
        FUZZ_CHECK(bytes_eq(rq.method, rq.method_len, rq2.method, rq2.method_len));
        FUZZ_CHECK(bytes_eq(rq.path, rq.path_len, rq2.path, rq2.path_len));
        FUZZ_CHECK((rq.ctype == NULL) == (rq2.ctype == NULL));
        FUZZ_CHECK(bytes_eq(rq.ctype, rq.ctype_len, rq2.ctype, rq2.ctype_len));
        FUZZ_CHECK(bytes_eq(rq.body, rq.body_len, rq2.body, rq2.body_len));
        FUZZ_CHECK(rq.forwarded == rq2.forwarded);
    } else {
        FUZZ_CHECK(ipc_unpack_reply(o2, &rp2) == 0);
        FUZZ_CHECK(rp.id == rp2.id && rp.status == rp2.status);
        FUZZ_CHECK(bytes_eq(rp.body, rp.body_len, rp2.body, rp2.body_len));
    }
    FUZZ_CHECK(ipc_reader_next(&rd, &o2) == 0);
    ipc_reader_free(&rd);
    msgpack_sbuffer_destroy(&sb);
}

/* The reader wants more bytes: msgpack must agree that they are missing.
 * Only for the array headers the prescan lets through (a corrupt header
 * could make msgpack allocate without bound). */
static void
check_incomplete(const char *p, size_t n)
{
    if (n == 0 || (unsigned char)p[0] < 0x91 || (unsigned char)p[0] > 0x97)
        return;
    msgpack_unpacked u;
    size_t off = 0;
    msgpack_unpacked_init(&u);
    msgpack_unpack_return rc = msgpack_unpack_next(&u, p, n, &off);
    FUZZ_CHECK(rc != MSGPACK_UNPACK_SUCCESS && rc != MSGPACK_UNPACK_EXTRA_BYTES);
    msgpack_unpacked_destroy(&u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t chunk = (size_t)data[0] + 1, off = 1;
    ipc_reader_t rd;
    ipc_reader_init(&rd);
    int rc = 0;
    while (rc >= 0) {
        const msgpack_object *o;
        rc = ipc_reader_next(&rd, &o);
        if (rc == 1) {
            round_trip(o);
            continue;
        }
        if (rc < 0 || off == size)
            break;
        size_t n = size - off < chunk ? size - off : chunk;
        ipc_reader_feed(&rd, data + off, n);
        off += n;
        rc = 0;
    }
    if (rc == 0 && rd.data != NULL)
        check_incomplete(rd.data + rd.off, rd.len - rd.off);
    ipc_reader_free(&rd);
    return 0;
}
