/*
 * ipc.h - the messages between workers and the master, as msgpack arrays
 * over one stream socketpair per worker.
 *
 *   request  [1, id, method, path-with-query, content-type|nil, body]
 *   reply    [2, id, status, body]
 *
 * A worker sends a request it cannot answer from the shared table (a write,
 * or a read off the hot path) and relays the master's reply unchanged.
 */
#ifndef SCHEMAD_IPC_H
#define SCHEMAD_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>

enum { IPC_REQUEST = 1, IPC_REPLY = 2 };

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

/** The message type of an unpacked object (IPC_REQUEST/IPC_REPLY), or -1. */
int ipc_type(const msgpack_object *o);
/** Read a request or reply out of an unpacked object; 0, or -1 if malformed. */
int ipc_unpack_request(const msgpack_object *o, ipc_request_t *r);
int ipc_unpack_reply(const msgpack_object *o, ipc_reply_t *r);

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

#endif
