/*
 * http.h - what the master prepares before fork for the workers' HTTP
 * servers: the h2o global configuration with its handler, the TLS context
 * (ALPN h2 and http/1.1), and the listening sockets, one SO_REUSEPORT
 * socket per listener per worker slot so that the kernel spreads
 * connections evenly and a replaced worker inherits its slot's queue.
 */
#ifndef SCHEMAD_HTTP_H
#define SCHEMAD_HTTP_H

#include <openssl/ssl.h>

#include "h2o.h"

struct config;
struct serve_handler;

typedef struct http_listener {
    int tls;
    int *fds;           /* one per worker slot, owned */
} http_listener_t;

typedef struct http {
    h2o_globalconf_t globalconf;
    struct serve_handler *handler;  /* owned by globalconf */
    SSL_CTX *ssl_ctx;               /* NULL without an https listener */
    http_listener_t *listeners;
    int nlisteners;
    int nslots;
    int max_connections;            /* per worker */
    uint64_t stall_ms;              /* a connection silent this long is closed */
    size_t memory_budget;           /* per worker, 0 = none */
    uint64_t leader_connect_ms;     /* leader.connect.timeout.ms: relaying writes */
    uint64_t leader_read_ms;        /* leader.read.timeout.ms */
    char *relay_trust_pem;          /* owned copy: ssl.truststore.* as PEM, NULL: the system's */
    int relay_verify_host;          /* ssl.endpoint.identification.algorithm=https */
    int dialect;                    /* confluent.version: whose schema hooks the memo runs */
} http_t;

/**
 * Build the configuration and bind every listener for `nslots` workers.
 * Returns 0, or -1 with the cause in err[errlen].
 */
int http_init(http_t *h, const struct config *cf, int nslots, char *err, size_t errlen);

/** Bind more slots (a reload asked for more workers).  0 or -1. */
int http_grow(http_t *h, const struct config *cf, int nslots, char *err, size_t errlen);

/**
 * Set what the workers spawned from now on relay writes with (the leader
 * timeouts, the trust store): at init and on a reload.  0, or -1 with the
 * cause in err[errlen] and nothing changed.
 */
int http_relay_settings(http_t *h, const struct config *cf, char *err, size_t errlen);

/** Close every socket and free the configuration. */
void http_free(http_t *h);

#endif
