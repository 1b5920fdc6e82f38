/* test_config_listener.c - entries of `listeners` as Confluent writes them. */
#include <string.h>

#include "config_listener.h"
#include "tally.h"

static int
parses(const char *s, int tls, const char *host, int port)
{
    config_listener_t l;
    return config_listener_parse(s, &l) == 0 && l.tls == tls && strcmp(l.host, host) == 0 &&
           l.port == port;
}

static int
refused(const char *s)
{
    config_listener_t l;
    return config_listener_parse(s, &l) == -1;
}

int
main(void)
{
    tally_t t = {0, 0};
    check(&t, parses("http://127.0.0.1:8081", 0, "127.0.0.1", 8081), "http, IPv4");
    check(&t, parses("HTTPS://reg.example-1.com:443/", 1, "reg.example-1.com", 443),
          "https in any case, a trailing slash");
    check(&t, parses("http://[::1]:8081", 0, "::1", 8081), "IPv6 in brackets");
    check(&t, parses("http://0.0.0.0:8081", 0, "", 8081) && parses("http://[::]:1", 0, "", 1),
          "both wildcards mean every address");
    check(&t, refused("ftp://h:1") && refused("http://h") && refused("http://h:0") &&
              refused("http://h:65536") && refused("http://h:80x") && refused("http://h/x:80"),
          "scheme, port and host are checked");
    check(&t, refused("http://[::1:80") && refused("http://[]:80") && refused("http://[g::1]:80"),
          "malformed IPv6");
    return tally_report(&t);
}
