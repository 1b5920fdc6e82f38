/*
 * respond.h - sending a worker's answers: what the request handler and the
 * relay of the master's answers both need.
 */
#ifndef SCHEMAD_RESPOND_H
#define SCHEMAD_RESPOND_H

#include "h2o.h"

/* The media types Confluent produces and consumes. */
#define RESPOND_CT_V1 "application/vnd.schemaregistry.v1+json"
#define RESPOND_CT_SR "application/vnd.schemaregistry+json"
#define RESPOND_CT_JSON "application/json"

/** Whether a request is HEAD: answered as GET, without the body. */
int respond_is_head(const h2o_req_t *req);

/**
 * Send a complete answer in the content type the request accepts; the body
 * must outlive the request unless `copy` is set (then it is copied into
 * the request's pool).  No body on HEAD, its Content-Length kept.
 */
void respond_send(h2o_req_t *req, int status, const char *body, size_t len, int copy);

#endif
