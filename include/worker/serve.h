/*
 * serve.h - the request handler of the workers: answers hot routes from the
 * shared table, refuses what is malformed, forwards the rest to the master.
 */
#ifndef SCHEMAD_SERVE_H
#define SCHEMAD_SERVE_H

#include "h2o.h"
#include "canon_cache.h"
#include "table.h"

/*
 * What the handler works with, filled in by the worker after fork: the
 * table it reads, its body memo, and how to hand a request to the master
 * (`forward(owner, req, read)`: `read` when the master drops it once its
 * client is gone, a write being carried out all the same).  The handler
 * names no worker.
 */
typedef struct serve_ctx {
    table_t *table;
    canon_cache_t *canon;
    void (*forward)(void *owner, h2o_req_t *req, int read);
    void *owner;
} serve_ctx_t;

/** The h2o handler, registered on "/" before fork; `ctx` set after. */
typedef struct serve_handler {
    h2o_handler_t super;
    serve_ctx_t ctx;
} serve_handler_t;

/** Register the handler on a path config; returns it. */
serve_handler_t *serve_register(h2o_pathconf_t *pathconf);

#endif
