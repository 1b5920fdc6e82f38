/*
 * respond.h - sending a worker's answers: what the request handler and the
 * relay of the master's answers both need.
 */
#ifndef SCHEMAD_RESPOND_H
#define SCHEMAD_RESPOND_H

#include <stdint.h>

#include "h2o.h"

/* The media types Confluent produces and consumes. */
#define RESPOND_CT_V1 "application/vnd.schemaregistry.v1+json"
#define RESPOND_CT_SR "application/vnd.schemaregistry+json"
#define RESPOND_CT_JSON "application/json"

/* The mark on a write one node relays to another (one hop at most), and
 * the journal offset the answering node had applied when it answered it:
 * the relaying node answers once it has applied as much (read-your-writes
 * from node to node). */
#define RESPOND_H_FORWARDED "x-schemad-forwarded"
#define RESPOND_H_OFFSET "x-schemad-offset"

/** Whether another node relayed this request. */
int respond_forwarded(const h2o_req_t *req);

/** On a relayed request, set (or replace) the offset header of the answer;
 *  call before respond_send. */
void respond_mark_offset(h2o_req_t *req, int64_t offset);

/** Whether a request is HEAD: answered as GET, without the body. */
int respond_is_head(const h2o_req_t *req);

/**
 * Send a complete answer in the content type the request accepts; the body
 * must outlive the request unless `copy` is set (then it is copied into
 * the request's pool).  No body on HEAD, its Content-Length kept.
 */
void respond_send(h2o_req_t *req, int status, const char *body, size_t len, int copy);

#endif
