/* http.c - listeners, TLS and the h2o configuration, built in the master. */
#include "http.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "config.h"
#include "http_error.h"
#include "mem.h"
#include "serve.h"
#include "tls_store.h"

static int
http__bind(const config_listener_t *l, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char port[16];
    snprintf(port, sizeof(port), "%d", l->port);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    const char *host = l->host[0] ? l->host : NULL;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve listener host '%s': %s", l->host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 4096) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", l->host[0] ? l->host : "*",
                 l->port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    return fd;
}

/* SO_REUSEPORT would let a second schemad bind the same port silently and
 * steal half the connections: refuse a port that something already owns. */
static int
http__port_free(const config_listener_t *l, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char port[16];
    snprintf(port, sizeof(port), "%d", l->port);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(l->host[0] ? l->host : NULL, port, &hints, &ai) != 0)
        return 0;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    int rc = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd >= 0 && bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", l->host[0] ? l->host : "*",
                 l->port, strerror(errno));
        rc = -1;
    }
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return rc;
}

static int
http__tls(http_t *h, const config_t *cf, char *err, size_t errlen)
{
    h->ssl_ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(h->ssl_ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(h->ssl_ctx, SSL_OP_NO_COMPRESSION);
    if (cf->ssl_pkcs12) {
        if (tls_store_p12_use(h->ssl_ctx, cf->ssl_cert, cf->ssl_keystore_password, err,
                              errlen) < 0)
            return -1;
        h2o_ssl_register_alpn_protocols(h->ssl_ctx, h2o_http2_alpn_protocols);
        return 0;
    }
    /* OpenSSL's default password callback reads an encrypted PEM key with it. */
    if (cf->ssl_key_password != NULL && cf->ssl_key_password[0] != '\0')
        SSL_CTX_set_default_passwd_cb_userdata(h->ssl_ctx, cf->ssl_key_password);
    if (SSL_CTX_use_certificate_chain_file(h->ssl_ctx, cf->ssl_cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(h->ssl_ctx, cf->ssl_key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(h->ssl_ctx) != 1) {
        snprintf(err, errlen, "cannot load TLS certificate '%s' and key '%s'",
                 cf->ssl_cert ? cf->ssl_cert : "(none)", cf->ssl_key ? cf->ssl_key : "(none)");
        return -1;
    }
    SSL_CTX_set_default_passwd_cb_userdata(h->ssl_ctx, NULL);
    h2o_ssl_register_alpn_protocols(h->ssl_ctx, h2o_http2_alpn_protocols);
    return 0;
}

int
http_grow(http_t *h, const config_t *cf, int nslots, char *err, size_t errlen)
{
    for (int i = 0; i < h->nlisteners; i++) {
        http_listener_t *l = &h->listeners[i];
        l->fds = mem_realloc(l->fds, (size_t)nslots * sizeof(int));
        for (int s = h->nslots; s < nslots; s++) {
            if ((l->fds[s] = http__bind(&cf->listeners[i], err, errlen)) < 0)
                return -1;
        }
    }
    if (nslots > h->nslots)
        h->nslots = nslots;
    return 0;
}

/* How a follower's workers relay writes to the leader: its timeouts, and
 * the CAs it trusts in an https leader's certificate, as PEM text the
 * workers inherit (NULL: the system's).  Read again on a reload (a rotated
 * trust store, new timeouts); a store that cannot be read changes nothing. */
int
http_relay_settings(http_t *h, const config_t *cf, char *err, size_t errlen)
{
    const char *path = cf->relay_truststore;
    char why[512];
    char *pem = NULL;
    if (path != NULL) {
        pem = cf->relay_truststore_pem
                  ? tls_store_pem_certs(path, why, sizeof(why))
                  : tls_store_p12_certs_pem(path, cf->relay_truststore_password, why,
                                            sizeof(why));
        if (pem == NULL) {
            snprintf(err, errlen, "ssl.truststore.location: %s", why);
            return -1;
        }
    }
    free(h->relay_trust_pem);
    h->relay_trust_pem = pem;
    h->relay_verify_host = cf->relay_verify_host;
    h->leader_connect_ms = (uint64_t)cf->leader_connect_ms;
    h->leader_read_ms = (uint64_t)cf->leader_read_ms;
    return 0;
}

int
http_init(http_t *h, const config_t *cf, int nslots, char *err, size_t errlen)
{
    memset(h, 0, sizeof(*h));
    h2o_config_init(&h->globalconf);
    h->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("schemad"));
    /* h2o refuses a larger body itself (413, before buffering it when
     * Content-Length says so); HTTP/2 resets such a stream. */
    h->globalconf.max_request_entity_size = cf->request_max_bytes;
    h->globalconf.http1.req_timeout = (uint64_t)cf->idle_timeout_ms;
    h->globalconf.http2.idle_timeout = (uint64_t)cf->idle_timeout_ms;
    h->globalconf.http2.max_concurrent_requests_per_connection = (size_t)cf->h2_max_streams;
    h->max_connections = cf->max_connections;
    /* h2o closes idle connections after the idle timeout; ours is the
     * backstop for those it keeps busy (see http_conns.c), slower so that
     * a slow answer of the master is not cut. */
    h->stall_ms = 3 * (uint64_t)cf->idle_timeout_ms;
    h->memory_budget = cf->worker_max_memory;
    h->dialect = cf->confluent_version;
    if (http_relay_settings(h, cf, err, errlen) != 0)
        return -1;
    h2o_hostconf_t *host = h2o_config_register_host(&h->globalconf,
                                                    h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    h->handler = serve_register(path);
    http_error_register(host, path, cf->request_max_bytes);
    h->listeners = mem_calloc((size_t)cf->nlisteners, sizeof(http_listener_t));
    h->nlisteners = cf->nlisteners;
    for (int i = 0; i < cf->nlisteners; i++) {
        h->listeners[i].tls = cf->listeners[i].tls;
        if (cf->listeners[i].tls && h->ssl_ctx == NULL && http__tls(h, cf, err, errlen) != 0)
            return -1;
        if (http__port_free(&cf->listeners[i], err, errlen) != 0)
            return -1;
    }
    return http_grow(h, cf, nslots, err, errlen);
}

void
http_free(http_t *h)
{
    for (int i = 0; i < h->nlisteners; i++) {
        for (int s = 0; s < h->nslots; s++)
            close(h->listeners[i].fds[s]);
        free(h->listeners[i].fds);
    }
    free(h->listeners);
    if (h->ssl_ctx != NULL)
        SSL_CTX_free(h->ssl_ctx);
    free(h->relay_trust_pem);
    h2o_config_dispose(&h->globalconf);
    memset(h, 0, sizeof(*h));
}
