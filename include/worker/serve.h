/*
 * serve.h - the request handler of the workers: answers hot routes from the
 * shared table, refuses what is malformed, forwards the rest to the master.
 */
#ifndef SCHEMAD_SERVE_H
#define SCHEMAD_SERVE_H

#include "h2o.h"

struct worker;

/** The h2o handler, registered on "/" before fork; `worker` set after. */
typedef struct serve_handler {
    h2o_handler_t super;
    struct worker *worker;
} serve_handler_t;

/** Register the handler on a path config; returns it. */
serve_handler_t *serve_register(h2o_pathconf_t *pathconf);

/** Whether a request is HEAD: answered as GET, without the body. */
int serve_is_head(const h2o_req_t *req);

/** Send a complete response whose body outlives the request (or is copied when copy is set);
 * no body on HEAD. */
void serve_respond(h2o_req_t *req, int status, const char *body, size_t len, int copy);

#endif
