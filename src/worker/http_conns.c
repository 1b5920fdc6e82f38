/*
 * http_conns.c - a worker's connection cap, stall backstop and memory
 * budget.
 *
 * Each accepted socket gets a small record, freed by the socket's on_close
 * hook (which h2o leaves to its user for server sockets), so the count is
 * exact whatever protocol the connection speaks or becomes (TLS, h2c
 * upgrade).  Four times a second the tick compares each connection's byte
 * counters with the previous tick's: a connection on which no byte moved
 * either way for stall_ms is shut down, which h2o sees as the peer
 * closing, so it frees the connection and everything it held.  h2o closes
 * idle connections itself after idle.timeout.ms; this catches only those
 * it keeps because a request is in progress on them.  The same tick
 * enforces the memory budget (http_conns__brake).
 */
#include "http_conns.h"

#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <stddef.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include "log.h"
#include "mem.h"

enum { HTTP_CONNS_TICK_MS = 250 };

typedef struct http_conn {
    h2o_linklist_t link;        /* in http_conns_t.all */
    http_conns_t *owner;
    h2o_socket_t *sock;
    uint64_t last_read, last_written;
    uint64_t quiet_ms;          /* since a byte last moved */
    int shut;                   /* shut down, h2o has yet to close it */
} http_conn_t;

static void
http_conns__on_close(void *data)
{
    http_conn_t *c = data;
    c->owner->count--;
    h2o_linklist_unlink(&c->link);
    free(c);
}

/* End a connection the way a peer would: h2o sees it at its next read or
 * write, and frees the connection and everything it held. */
static void
http_conns__shut(http_conn_t *c)
{
    shutdown(h2o_socket_get_fd(c->sock), SHUT_RDWR);
    c->shut = 1;
}

/*
 * The bytes a connection received and those of ours its peer acknowledged,
 * from the kernel.  h2o 2.2's evloop leaves in sock->bytes_read the size of
 * the last read, not a total: a client sending equal frames at a steady
 * pace looked silent and was cut.  A socket that is not TCP falls back on
 * h2o's figures.
 */
static void
http_conns__counts(const http_conn_t *c, uint64_t *in, uint64_t *out)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    memset(&ti, 0, sizeof(ti));
    if (getsockopt(h2o_socket_get_fd(c->sock), IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
        len >= offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)) {
        *in = ti.tcpi_bytes_received;
        *out = ti.tcpi_bytes_acked;
        return;
    }
    *in = c->sock->bytes_read;
    *out = c->sock->bytes_written;
}

/* Bytes the client sent beyond those it was sent: a body being received
 * (HTTP/1 keeps it in the socket's input, HTTP/2 in its streams) shows
 * here, whatever the protocol. */
static size_t
http_conns__net_in(const http_conn_t *c)
{
    uint64_t r, w;
    http_conns__counts(c, &r, &w);
    return r > w ? (size_t)(r - w) : 0;
}

/*
 * Over the memory budget (the heap in use, blocks mapped apart included),
 * the connection that sent the most bytes it was not answered with goes,
 * one per tick until the worker is back under it.  A client streaming
 * bodies on many HTTP/2 streams at once (h2o admits 100, each up to
 * request.max.bytes) is the one it finds; O(connections), at most four
 * times a second, and only when over.
 */
static void
http_conns__brake(http_conns_t *cs)
{
    if (cs->budget == 0)
        return;
    struct mallinfo2 mi = mallinfo2();
    size_t heap = mi.uordblks + mi.hblkhd;
    if (heap <= cs->budget)
        return;
    http_conn_t *worst = NULL;
    size_t most = 0;
    for (h2o_linklist_t *l = cs->all.next; l != &cs->all; l = l->next) {
        http_conn_t *c = H2O_STRUCT_FROM_MEMBER(http_conn_t, link, l);
        size_t in = c->shut ? 0 : http_conns__net_in(c);
        if (in > most) {
            worst = c;
            most = in;
        }
    }
    if (worst == NULL || most < MEM_LARGE)
        return;
    log_warn("worker memory %zu MB over http.max.memory.per.worker: closing the connection "
             "that sent %zu MB unanswered", heap >> 20, most >> 20);
    http_conns__shut(worst);
}

/*
 * Large bodies go with their connections (a client gone mid-body, or whose
 * answer was dropped), and h2o frees their buffers without a word: once a
 * MEM_LARGE more of the heap is free than after the last look, the pages go
 * back.  Trimmed pages stay counted as free, hence the difference from
 * the lowest count since the last trim.
 */
static void
http_conns__trim(http_conns_t *cs)
{
    struct mallinfo2 mi = mallinfo2();
    if (mi.fordblks >= cs->free_seen + MEM_LARGE) {
        malloc_trim(0);
        cs->free_seen = mallinfo2().fordblks;
    } else if (mi.fordblks < cs->free_seen) {
        cs->free_seen = mi.fordblks;    /* reused: measure from the low */
    }
}

static void
http_conns__on_tick(h2o_timeout_entry_t *entry)
{
    http_conns_t *cs = H2O_STRUCT_FROM_MEMBER(http_conns_t, tick_entry, entry);
    http_conns__trim(cs);
    http_conns__brake(cs);
    if (cs->refused > 0) {
        log_warn("refused %llu connections over http.max.connections.per.worker=%d",
                 (unsigned long long)cs->refused, cs->max);
        cs->refused = 0;
    }
    for (h2o_linklist_t *l = cs->all.next; l != &cs->all; l = l->next) {
        http_conn_t *c = H2O_STRUCT_FROM_MEMBER(http_conn_t, link, l);
        uint64_t in, out;
        http_conns__counts(c, &in, &out);
        if (in != c->last_read || out != c->last_written) {
            c->last_read = in;
            c->last_written = out;
            c->quiet_ms = 0;
            continue;
        }
        c->quiet_ms += HTTP_CONNS_TICK_MS;
        if (c->quiet_ms >= cs->stall_ms && !c->shut) {
            log_debug("closing a connection silent for %llu ms", (unsigned long long)c->quiet_ms);
            http_conns__shut(c);
        }
    }
    h2o_timeout_link(cs->loop, &cs->tick, &cs->tick_entry);
}

void
http_conns_init(http_conns_t *cs, h2o_loop_t *loop, int max, uint64_t stall_ms, size_t budget)
{
    memset(cs, 0, sizeof(*cs));
    cs->loop = loop;
    cs->max = max;
    cs->stall_ms = stall_ms;
    cs->budget = budget;
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
