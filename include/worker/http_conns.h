/*
 * http_conns.h - a worker's open connections: a cap on how many it keeps,
 * and a backstop for connections h2o considers busy but on which nothing
 * has moved for long (an HTTP/2 client that never opens its flow-control
 * window holds its answers in memory, and h2o's idle timeout does not run
 * while a stream waits on it), and a memory budget past which the
 * connection that sent the most unanswered bytes is closed.
 */
#ifndef SCHEMAD_HTTP_CONNS_H
#define SCHEMAD_HTTP_CONNS_H

#include <stdint.h>

#include "h2o.h"

typedef struct http_conns {
    h2o_loop_t *loop;
    int max;                    /* connections kept at once */
    uint64_t stall_ms;          /* no byte either way this long: closed */
    size_t budget;              /* heap bytes in use above which one goes; 0 = none */
    int count;
    uint64_t refused;           /* over the cap since the last tick's log */
    size_t free_seen;           /* the heap's lowest free bytes since the last trim */
    h2o_linklist_t all;         /* of http_conn_t (owned, freed on close) */
    h2o_timeout_t tick;
    h2o_timeout_entry_t tick_entry;
} http_conns_t;

/** Start watching; a tick runs four times a second on `loop`. */
void http_conns_init(http_conns_t *cs, h2o_loop_t *loop, int max, uint64_t stall_ms,
                     size_t budget);

/**
 * Hand a just-accepted socket to h2o, or close it at once when the worker
 * already holds `max` connections (the client sees the connection close;
 * the others are served as before).
 */
void http_conns_accept(http_conns_t *cs, h2o_accept_ctx_t *actx, h2o_socket_t *sock);

#endif
