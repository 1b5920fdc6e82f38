/*
 * leader_error.h - what a follower answers when a write it would forward
 * cannot reach the leader: Confluent's code and message, which depend on
 * the route (each resource of Confluent's catches the forwarding and
 * unknown-leader failures with its own text).
 */
#ifndef SCHEMAD_LEADER_ERROR_H
#define SCHEMAD_LEADER_ERROR_H

#include <stddef.h>

#include "route.h"

/* Confluent's codes: the relay failed; no leader is known. */
#define LEADER_ERROR_FORWARD 50003
#define LEADER_ERROR_UNKNOWN 50004

/**
 * The error code and message for a write on route `r` that could not be
 * forwarded (`unknown`: no leader is known, else the relay failed).  The
 * message is written into msg[cap] (always NUL-terminated); returns the
 * code (HTTP status 500 in every case).
 */
int leader_error(const route_t *r, int unknown, char *msg, size_t cap);

/** The same from a request line: the route is parsed here. */
int leader_error_of(const char *method, size_t method_len, const char *path, size_t path_len,
                    int unknown, char *msg, size_t cap);

#endif
