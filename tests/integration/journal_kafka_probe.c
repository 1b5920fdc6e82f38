/*
 * journal_kafka_probe.c - drive the Kafka journal against a real broker,
 * for the integration tests: open (replay), append N records, wait for
 * their acks, report everything on stdout, one event per line:
 *
 *   apply <offset> <key> <value|-tombstone->
 *   replayed <count> <ms>
 *   ack <index> <err> applied=<0|1>
 *   open-failed <ms> <message>
 *   woke <ms>             (-w: fd() became readable)
 *
 * usage: journal_kafka_probe [-u user -p password] [-m mechanism]
 *            [-s protocol] [-i init_ms] [-T timeout_ms] [-r rf]
 *            [-X key=value] [-w wait_ms] [-a every_ms] [-x] bootstrap topic nappend
 * -x makes the last append a tombstone; -w keeps polling that long after
 * the acks (to see other writers' records); -a appends one record every
 * that many ms instead of all at once (for outage tests).
 * Exit status: 0 all acks OK and applied first, 1 some ack failed, 2 open
 * failed.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "journal.h"
#include "log.h"
#include "mem.h"

#define PROBE_MAX_EXTRA 16

typedef struct probe {
    long replayed;
    int nappend;
    int nacked;
    int failed;
    char prefix[64];            /* keys of our own appends */
    int *applied;               /* per append index */
} probe_t;

static long
probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void
probe_apply(void *ctx, int64_t offset, const char *key, size_t klen, const char *val,
            size_t vlen)
{
    probe_t *p = ctx;
    size_t plen = strlen(p->prefix);
    p->replayed++;
    printf("apply %lld %.*s %.*s\n", (long long)offset, (int)klen, key,
           val != NULL ? (int)vlen : 11, val != NULL ? val : "-tombstone-");
    if (klen > plen && memcmp(key, p->prefix, plen) == 0) {
        int i = atoi(key + plen);
        if (i >= 0 && i < p->nappend)
            p->applied[i] = 1;
    }
}

static void
probe_ack(void *ctx, void *cookie, int err)
{
    probe_t *p = ctx;
    int i = (int)(intptr_t)cookie;
    p->nacked++;
    printf("ack %d %d applied=%d\n", i, err, p->applied[i]);
    if (err != JOURNAL_OK || !p->applied[i])
        p->failed = 1;
}

int
main(int argc, char **argv)
{
    config_t cf = { 0 };
    config_kv_t extra[PROBE_MAX_EXTRA];
    int opt, tomb = 0, wait_ms = 0, every_ms = 0;
    char err[1024];

    cf.init_timeout_ms = 30000;
    cf.timeout_ms = 5000;
    cf.topic_replication_factor = 3;
    cf.kafka_extra = extra;
    while ((opt = getopt(argc, argv, "u:p:m:s:i:T:r:X:w:a:x")) != -1) {
        switch (opt) {
        case 'u': cf.sasl_username = optarg; break;
        case 'p': cf.sasl_password = optarg; break;
        case 'm': cf.sasl_mechanism = optarg; break;
        case 's': cf.security_protocol = optarg; break;
        case 'i': cf.init_timeout_ms = atoi(optarg); break;
        case 'T': cf.timeout_ms = atoi(optarg); break;
        case 'r': cf.topic_replication_factor = atoi(optarg); break;
        case 'w': wait_ms = atoi(optarg); break;
        case 'x': tomb = 1; break;
        case 'a': every_ms = atoi(optarg); break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (eq == NULL || cf.nkafka_extra == PROBE_MAX_EXTRA)
                return 64;
            *eq = '\0';
            extra[cf.nkafka_extra].key = optarg;
            extra[cf.nkafka_extra++].value = eq + 1;
            break;
        }
        default: return 64;
        }
    }
    if (argc - optind != 3) {
        fprintf(stderr, "usage: %s [options] bootstrap topic nappend\n", argv[0]);
        return 64;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    log_init(getenv("PROBE_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_INFO, "probe");
    cf.bootstrap_servers = argv[optind];
    cf.topic = argv[optind + 1];

    probe_t p = { 0 };
    p.nappend = atoi(argv[optind + 2]);
    p.applied = mem_calloc((size_t)p.nappend + 1, sizeof(int));
    snprintf(p.prefix, sizeof(p.prefix), "probe-%d-", (int)getpid());

    journal_t j = { .ops = &journal_kafka_ops, .apply = probe_apply, .ack = probe_ack, .ctx = &p };
    long t0 = probe_now_ms();
    if (j.ops->open(&j, &cf, err, sizeof(err)) < 0) {
        printf("open-failed %ld %s\n", probe_now_ms() - t0, err);
        free(p.applied);
        return 2;
    }
    printf("replayed %ld %ld\n", p.replayed, probe_now_ms() - t0);
    if (j.ops->fd(&j) < 0)
        printf("no-fd\n");

    for (int i = 0; i < p.nappend; i++) {
        char key[96], val[96];
        snprintf(key, sizeof(key), "%s%d", p.prefix, i);
        snprintf(val, sizeof(val), "value-%d", i);
        int last_tomb = tomb && i == p.nappend - 1;
        printf("append %d\n", i);
        j.ops->append(&j, key, strlen(key), last_tomb ? NULL : val, strlen(val),
                      (void *)(intptr_t)i);
        for (long t = probe_now_ms(); probe_now_ms() - t < every_ms;)
            j.ops->poll(&j, 50);
    }
    long t1 = probe_now_ms();
    while (p.nacked < p.nappend && probe_now_ms() - t1 < 60000) {
        if (j.ops->poll(&j, 100) < 0) {
            printf("poll-failed\n");
            p.failed = 1;
            break;
        }
    }
    printf("acked %d/%d %ld\n", p.nacked, p.nappend, probe_now_ms() - t1);
    /* Sleep on fd() as the daemon's loop will: it must wake for records. */
    long t2 = probe_now_ms();
    while (probe_now_ms() - t2 < wait_ms) {
        struct pollfd pfd = { .fd = j.ops->fd(&j), .events = POLLIN };
        if (poll(&pfd, 1, (int)(wait_ms - (probe_now_ms() - t2))) > 0)
            printf("woke %ld\n", probe_now_ms() - t2);
        j.ops->poll(&j, 0);
    }
    j.ops->close(&j);
    free(p.applied);
    return p.failed || p.nacked < p.nappend ? 1 : 0;
}
