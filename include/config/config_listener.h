/* config_listener.h - one entry of the `listeners` setting. */
#ifndef SCHEMAD_CONFIG_LISTENER_H
#define SCHEMAD_CONFIG_LISTENER_H

typedef struct config_listener {
    int tls;            /* https:// */
    char host[256];     /* "" = all addresses */
    int port;
} config_listener_t;

/**
 * Parse "http://host:port" or "https://[v6]:port" (an optional "/" after)
 * into `l`.  Both wildcards (0.0.0.0 and ::) become "" (all addresses, as
 * Java's dual-stack wildcard binds).  Returns 0, or -1 when malformed.
 */
int config_listener_parse(const char *s, config_listener_t *l);

#endif
