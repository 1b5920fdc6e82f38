/*
 * worker.h - a worker process: an h2o event loop serving HTTP/1.1 and
 * HTTP/2 on the listening sockets it inherited, reading the shared table,
 * and forwarding to the master what the table cannot answer.
 */
#ifndef SCHEMAD_WORKER_H
#define SCHEMAD_WORKER_H

#include <signal.h>
#include <stdint.h>

#include "h2o.h"
#include "canon_cache.h"
#include "http_conns.h"
#include "ipc.h"
#include "mem.h"
#include "relay.h"
#include "table.h"

struct http;

#define WORKER_PENDING 65536  /* forwarded requests in flight per worker */

typedef struct worker_pending {
    uint32_t id;
    h2o_req_t *req;         /* NULL when free or when the client went away */
    int live;               /* awaiting the master's reply (counted in npending) */
} worker_pending_t;

/** The whole state of a worker process (there is one per process). */
typedef struct worker {
    int index;
    struct http *http;          /* borrowed: the master's listeners and globalconf */
    table_t *table;             /* the read-only shared table */
    h2o_evloop_t *loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_plain;
    h2o_accept_ctx_t accept_tls;
    h2o_socket_t **listeners;   /* one per listener, owned */
    int nlisteners;
    http_conns_t conns;         /* the cap and the stall backstop */

    int ipc_fd;                 /* to the master */
    h2o_socket_t *ipc_sock;
    ipc_reader_t reader;
    buf_t outq;                 /* bytes waiting to be written to the master */
    buf_t writing;              /* bytes being written (must live until done) */
    int write_busy;

    canon_cache_t canon;        /* request bodies -> fingerprints */
    relay_t relay;              /* a follower's writes to the leader */

    uint32_t next_id;
    worker_pending_t *pending;  /* WORKER_PENDING slots, owned */
    int npending;

    volatile sig_atomic_t stop;
} worker_t;

/** Run worker `index` until SIGTERM; never returns (exits the process). */
void worker_main(struct http *http, table_t *table, int index, int ipc_fd)
    __attribute__((noreturn));

/** Send a request to the master; the reply completes `req` later. */
void worker_forward(worker_t *w, h2o_req_t *req);

#endif
