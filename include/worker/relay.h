/*
 * relay.h - a follower's worker relays a write to the leader over HTTP/1.1
 * (or HTTPS) with h2o's client, on its own event loop: nothing blocks.
 * The leader's status and body pass through unchanged; a relay that fails
 * is answered with Confluent's 50003; a success is answered once this
 * node's table has applied the journal offset the leader answered with
 * (bounded wait), so that the client reads its write here at once.
 */
#ifndef SCHEMAD_RELAY_H
#define SCHEMAD_RELAY_H

#include <openssl/ssl.h>
#include <stdint.h>

#include "h2o.h"
#include "h2o/http1client.h"
#include "table.h"

#define RELAY_POOLS 4       /* leaders' connection pools kept (one per URL) */

/* Kept-alive connections to one leader. */
typedef struct relay_pool {
    char *url;              /* owned; NULL when the slot is empty */
    h2o_socketpool_t pool;
    int refs;               /* relays in flight through it */
} relay_pool_t;

/** A worker's relay state (one per worker). */
typedef struct relay {
    h2o_loop_t *loop;
    table_t *table;                 /* borrowed: this node's table */
    h2o_http1client_ctx_t ctx;
    h2o_timeout_t io_timeout;       /* leader.read.timeout.ms */
    h2o_timeout_t connect_timeout;  /* leader.connect.timeout.ms */
    h2o_timeout_t tick;             /* 1 ms: a relayed write waits to be applied here */
    uint64_t catchup_ms;            /* at most this long */
    h2o_multithread_queue_t *getaddr_queue;     /* name resolution, owned */
    h2o_multithread_receiver_t getaddr_receiver;
    SSL_CTX *ssl_ctx;               /* owned: for an https leader */
    relay_pool_t pools[RELAY_POOLS];
    int inflight;                   /* relays not yet answered */
    uint64_t logged_at;             /* h2o_now() of the last warning */
    uint64_t unlogged;              /* warnings left out since */
} relay_t;

/** Set up on the worker's loop, after fork. */
void relay_init(relay_t *rl, h2o_loop_t *loop, table_t *table, uint64_t connect_ms,
                uint64_t read_ms);

/**
 * Relay `req` (a write) to the leader at url (scheme://host:port) and
 * answer it.  If the client goes away meanwhile, the relay is cancelled.
 */
void relay_start(relay_t *rl, h2o_req_t *req, const char *url, size_t url_len);

#endif
