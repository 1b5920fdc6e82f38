/*
 * http_conns.c - a worker's connection cap and stall backstop.
 *
 * Each accepted socket gets a small record, freed by the socket's on_close
 * hook (which h2o leaves to its user for server sockets), so the count is
 * exact whatever protocol the connection speaks or becomes (TLS, h2c
 * upgrade).  Once a second the tick compares each connection's byte
 * counters with the previous tick's: a connection on which no byte moved
 * either way for stall_ms is shut down, which h2o sees as the peer
 * closing, so it frees the connection and everything it held.  h2o closes
 * idle connections itself after idle.timeout.ms; this catches only those
 * it keeps because a request is in progress on them.
 */
#include "http_conns.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "mem.h"

enum { HTTP_CONNS_TICK_MS = 1000 };

typedef struct http_conn {
    h2o_linklist_t link;        /* in http_conns_t.all */
    http_conns_t *owner;
    h2o_socket_t *sock;
    size_t last_read, last_written;
    uint64_t quiet_ms;          /* since a byte last moved */
} http_conn_t;

static void
http_conns__on_close(void *data)
{
    http_conn_t *c = data;
    c->owner->count--;
    h2o_linklist_unlink(&c->link);
    free(c);
}

static void
http_conns__on_tick(h2o_timeout_entry_t *entry)
{
    http_conns_t *cs = H2O_STRUCT_FROM_MEMBER(http_conns_t, tick_entry, entry);
    if (cs->refused > 0) {
        log_warn("refused %llu connections over http.max.connections.per.worker=%d",
                 (unsigned long long)cs->refused, cs->max);
        cs->refused = 0;
    }
    for (h2o_linklist_t *l = cs->all.next; l != &cs->all; l = l->next) {
        http_conn_t *c = H2O_STRUCT_FROM_MEMBER(http_conn_t, link, l);
        if (c->sock->bytes_read != c->last_read || c->sock->bytes_written != c->last_written) {
            c->last_read = c->sock->bytes_read;
            c->last_written = c->sock->bytes_written;
            c->quiet_ms = 0;
            continue;
        }
        c->quiet_ms += HTTP_CONNS_TICK_MS;
        if (c->quiet_ms >= cs->stall_ms) {
            log_debug("closing a connection silent for %llu ms", (unsigned long long)c->quiet_ms);
            /* Not closed here: h2o owns the socket and learns of the end
             * from its next read or write; quiet_ms restarts so that the
             * shutdown is not repeated every tick. */
            shutdown(h2o_socket_get_fd(c->sock), SHUT_RDWR);
            c->quiet_ms = 0;
        }
    }
    h2o_timeout_link(cs->loop, &cs->tick, &cs->tick_entry);
}

void
http_conns_init(http_conns_t *cs, h2o_loop_t *loop, int max, uint64_t stall_ms)
{
    memset(cs, 0, sizeof(*cs));
    cs->loop = loop;
    cs->max = max;
    cs->stall_ms = stall_ms;
    h2o_linklist_init_anchor(&cs->all);
    h2o_timeout_init(loop, &cs->tick, HTTP_CONNS_TICK_MS);
    cs->tick_entry.cb = http_conns__on_tick;
    h2o_timeout_link(loop, &cs->tick, &cs->tick_entry);
}

void
http_conns_accept(http_conns_t *cs, h2o_accept_ctx_t *actx, h2o_socket_t *sock)
{
    if (cs->count >= cs->max) {
        cs->refused++;
        h2o_socket_close(sock);
        return;
    }
    http_conn_t *c = mem_calloc(1, sizeof(*c));
    c->owner = cs;
    c->sock = sock;
    h2o_linklist_insert(&cs->all, &c->link);
    cs->count++;
    sock->on_close.cb = http_conns__on_close;
    sock->on_close.data = c;
    h2o_accept(actx, sock);
}
