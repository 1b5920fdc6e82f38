/*
 * coldclient.c - N clients at once, each on a NEW TCP connection, each
 * sending one `GET <prefix><id> HTTP/1.1` with `Connection: close` for its own
 * id (read from a file, one per line) and reading the answer to EOF.
 * Prints: "<req/s> <p50 ms> <p99 ms> <errors>" where a request's time runs
 * from its connect() to the end of its response, and req/s is N divided by
 * the time from the first connect() to the last response.
 *
 *   cc -O2 -o coldclient coldclient.c
 *   coldclient 127.0.0.1 PORT /schemas/ids/ IDS_FILE [N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd, sent, done, ok;
    double t0, t1;
    char req[256];
    size_t reqlen, got;
    char head[16];
} cli_t;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: coldclient HOST PORT PATH_PREFIX IDS_FILE [N]\n");
        return 2;
    }
    FILE *f = fopen(argv[4], "r");
    if (!f) { perror(argv[4]); return 2; }
    int cap = 100000, n = 0;
    long *ids = malloc(sizeof(long) * cap);
    while (n < cap && fscanf(f, "%ld", &ids[n]) == 1)
        n++;
    fclose(f);
    if (argc > 5 && atoi(argv[5]) > 0 && atoi(argv[5]) < n)
        n = atoi(argv[5]);
    if (n == 0) { fprintf(stderr, "no ids\n"); return 2; }

    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &sa.sin_addr);
    cli_t *c = calloc(n, sizeof(cli_t));
    int ep = epoll_create1(0), left = n, errors = 0;
    double start = now();
    for (int i = 0; i < n; i++) {
        c[i].reqlen = snprintf(c[i].req, sizeof(c[i].req),
                               "GET %s%ld HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n",
                               argv[3], ids[i], argv[1], argv[2]);
        c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c[i].t0 = now();
        if (connect(c[i].fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
            c[i].done = 1; errors++; left--; close(c[i].fd);
            continue;
        }
        struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
    }
    struct epoll_event evs[256];
    char buf[65536];
    while (left > 0) {
        int k = epoll_wait(ep, evs, 256, 10000);
        if (k <= 0) { fprintf(stderr, "timeout with %d clients left\n", left); errors += left; break; }
        for (int e = 0; e < k; e++) {
            cli_t *x = &c[evs[e].data.u32];
            if (x->done)
                continue;
            if (!x->sent && (evs[e].events & EPOLLOUT)) {
                ssize_t w = write(x->fd, x->req, x->reqlen);
                if (w != (ssize_t)x->reqlen) { x->done = 1; errors++; left--; close(x->fd); continue; }
                x->sent = 1;
                struct epoll_event ev = {.events = EPOLLIN, .data.u32 = evs[e].data.u32};
                epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &ev);
                continue;
            }
            if (evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                ssize_t r;
                while ((r = read(x->fd, buf, sizeof(buf))) > 0) {
                    if (x->got < sizeof(x->head))
                        memcpy(x->head + x->got, buf,
                               (size_t)r < sizeof(x->head) - x->got ? (size_t)r : sizeof(x->head) - x->got);
                    x->got += r;
                }
                if (r == 0 || (r < 0 && errno != EAGAIN)) {
                    x->t1 = now();
                    x->done = 1;
                    x->ok = x->got > 12 && memcmp(x->head + 9, "200", 3) == 0;
                    if (!x->ok) errors++;
                    left--;
                    close(x->fd);
                }
            }
        }
    }
    double end = 0, *lat = malloc(sizeof(double) * n);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (c[i].ok) {
            lat[m++] = (c[i].t1 - c[i].t0) * 1e3;
            if (c[i].t1 > end) end = c[i].t1;
        }
    qsort(lat, m, sizeof(double), cmp);
    printf("%.0f %.3f %.3f %d\n", m / (end - start), m ? lat[m / 2] : 0,
           m ? lat[(int)(0.99 * (m - 1) + 0.5)] : 0, errors);
    return 0;
}
