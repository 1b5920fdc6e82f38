/*
 * config_listener.c - one entry of `listeners`, as Confluent writes them:
 * "http://host:port" or "https://[v6]:port".
 */
#include "config_listener.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
config_listener__host_ok(const char *h)
{
    for (; *h != '\0'; h++)
        if (!isalnum((unsigned char)*h) && strchr(".-_", *h) == NULL)
            return 0;
    return 1;
}

int
config_listener_parse(const char *s, config_listener_t *l)
{
    const char *p, *colon;
    char host[256];
    size_t hlen;
    char *end;
    long port;

    memset(l, 0, sizeof(*l));
    if (strncasecmp(s, "http://", 7) == 0) {
        p = s + 7;
    } else if (strncasecmp(s, "https://", 8) == 0) {
        l->tls = 1;
        p = s + 8;
    } else {
        return -1;
    }
    if (*p == '[') {
        const char *close = strchr(p, ']');

        if (close == NULL || close[1] != ':')
            return -1;
        hlen = (size_t)(close - p - 1);
        if (hlen == 0 || hlen >= sizeof(host))
            return -1;
        memcpy(host, p + 1, hlen);
        host[hlen] = '\0';
        if (strspn(host, "0123456789abcdefABCDEF:.%") != hlen)
            return -1;
        colon = close + 1;
    } else {
        colon = strchr(p, ':');
        if (colon == NULL)
            return -1;
        hlen = (size_t)(colon - p);
        if (hlen >= sizeof(host))
            return -1;
        memcpy(host, p, hlen);
        host[hlen] = '\0';
        if (!config_listener__host_ok(host))
            return -1;
    }
    if (!isdigit((unsigned char)colon[1]))
        return -1;
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (errno != 0 || port < 1 || port > 65535)
        return -1;
    if (*end == '/')
        end++;
    if (*end != '\0')
        return -1;
    /* Java binds its wildcard dual-stack, so both wildcards mean "all". */
    if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
        host[0] = '\0';
    snprintf(l->host, sizeof(l->host), "%s", host);
    l->port = (int)port;
    return 0;
}
