/*
 * ipc.h - the messages between workers and the master, as msgpack arrays
 * over one stream socketpair per worker.
 *
 *   request  [1, id, method, path-with-query, content-type|nil, body, forwarded]
 *   reply    [2, id, status, body]
 *   cancel   [3, id]      the client of request id went away
 *   forward  [4, id, url] relay request id to the leader at url (a follower's write)
 *
 * A worker sends a request it cannot answer from the shared table (a write,
 * or a read off the hot path) and relays the master's reply unchanged.
 */
#ifndef SCHEMAD_IPC_H
#define SCHEMAD_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>

enum { IPC_REQUEST = 1, IPC_REPLY = 2, IPC_CANCEL = 3, IPC_FORWARD = 4 };

/** A request; the pointers borrow from the unpacked message or the caller. */
typedef struct ipc_request {
    uint32_t id;
    const char *method;
    size_t method_len;
    const char *path;
    size_t path_len;
    const char *ctype;      /* NULL when the request had no Content-Type */
    size_t ctype_len;
    const char *body;
    size_t body_len;
    int forwarded;          /* another node relayed it: never relayed again */
} ipc_request_t;

typedef struct ipc_reply {
    uint32_t id;
    int status;
    const char *body;
    size_t body_len;
} ipc_reply_t;

/** Append the packed message to `out` (caller owns the sbuffer). */
void ipc_pack_request(msgpack_sbuffer *out, const ipc_request_t *r);
void ipc_pack_reply(msgpack_sbuffer *out, const ipc_reply_t *r);
void ipc_pack_cancel(msgpack_sbuffer *out, uint32_t id);
void ipc_pack_forward(msgpack_sbuffer *out, uint32_t id, const char *url, size_t url_len);

/** The message type of an unpacked object (IPC_REQUEST/REPLY/CANCEL/FORWARD), or -1. */
int ipc_type(const msgpack_object *o);
/** Read a request or reply out of an unpacked object; 0, or -1 if malformed. */
int ipc_unpack_request(const msgpack_object *o, ipc_request_t *r);
int ipc_unpack_reply(const msgpack_object *o, ipc_reply_t *r);
int ipc_unpack_cancel(const msgpack_object *o, uint32_t *id);
/** The url borrows from the unpacked message. */
int ipc_unpack_forward(const msgpack_object *o, uint32_t *id, const char **url, size_t *url_len);

/** A stream of messages read in arbitrary chunks. */
typedef struct ipc_reader {
    char *data;             /* bytes received and not yet consumed; owned */
    size_t len;
    size_t cap;
    size_t off;             /* start of the next message in data */
    msgpack_unpacked msg;   /* the last message returned */
} ipc_reader_t;

void ipc_reader_init(ipc_reader_t *rd);
void ipc_reader_free(ipc_reader_t *rd);
/** Feed bytes read from the socket. */
void ipc_reader_feed(ipc_reader_t *rd, const void *data, size_t len);
/**
 * The next whole message: returns 1 and points *o at it (valid until the
 * next call), 0 when more bytes are needed, -1 when the stream is corrupt.
 */
int ipc_reader_next(ipc_reader_t *rd, const msgpack_object **o);
/** Once every message read is dealt with: free a buffer grown past
 *  IPC_READER_KEEP by a large message, so that it does not stay at its
 *  peak.  Returns the bytes given back (0 when kept). */
#define IPC_READER_KEEP ((size_t)1 << 20)
size_t ipc_reader_shrink(ipc_reader_t *rd);

/** Write all of buf to a blocking fd.  Returns 0 or -1 (errno set). */
int ipc_write_all(int fd, const void *buf, size_t len);

/**
 * Whole messages waiting for a socket that is not to be blocked on: the
 * writer appends complete messages and writes as much as the socket takes;
 * what it does not take stays at the head for the next try, so the stream
 * never holds part of a message followed by anything else.
 * Zero-initialise; free with ipc_outq_free().
 */
typedef struct ipc_outq {
    char *data;             /* owned */
    size_t off;             /* bytes before off are written */
    size_t len;
    size_t cap;
} ipc_outq_t;

/** Append a packed reply (one copy of the body). */
void ipc_outq_reply(ipc_outq_t *q, const ipc_reply_t *r);
/** Append bytes that are one or more whole messages. */
void ipc_outq_push(ipc_outq_t *q, const void *data, size_t len);
/** Bytes not yet written. */
size_t ipc_outq_pending(const ipc_outq_t *q);
/**
 * Write to fd (a socket) without blocking until the queue is empty or the
 * socket is full.  Returns the bytes still queued (0 when empty), or -1 on
 * an error other than a full socket (errno set; the queue is unchanged
 * from what was written).
 */
long ipc_outq_flush(ipc_outq_t *q, int fd);
/**
 * Once everything is written, give back a buffer that a large message
 * grew past IPC_READER_KEEP; returns the bytes released (0 when kept), for
 * mem_release().
 */
size_t ipc_outq_shrink(ipc_outq_t *q);
void ipc_outq_free(ipc_outq_t *q);

#endif
