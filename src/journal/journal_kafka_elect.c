/*
 * journal_kafka_elect.c - one writer of the topic: this process's
 * writer identity, the claims in the log (whose records stand), the
 * election in a consumer group, another registry holding the group, and
 * the journal's answers to whether this node writes or follows.
 */
#include "journal_kafka_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "mem.h"

static int
journal_kafka_elect__mine(const journal_kafka_t *k, const void *w, size_t wlen)
{
    return w != NULL && strlen(k->writer) == wlen && memcmp(k->writer, w, wlen) == 0;
}

/* Stop writing for good, once, saying why. */
static void
journal_kafka_elect__refuse(journal_kafka_t *k, const char *why)
{
    if (k->refusal[0] != '\0')
        return;
    snprintf(k->refusal, sizeof(k->refusal), "%s", why);
    log_error("kafka: this node stops writing to topic %s: %s; schemad cannot share a "
              "topic with another writer: stop it, then restart this node", k->topic, why);
}

void
journal_kafka_elect_on_claim(journal_kafka_t *k, int64_t offset, const void *w, size_t wlen,
                             const void *c, size_t clen)
{
    char term[24];
    free(k->claimant);
    k->claimant = mem_strndup(w, wlen);
    k->foreign_seen = 0;    /* schemad nodes hold the group again */
    if (journal_kafka_elect__mine(k, w, wlen)) {
        /* Only this term's claim: an earlier one of ours (its commit
         * reported failed, yet it landed) precedes this term's floor. */
        int n = snprintf(term, sizeof(term), "%llu", (unsigned long long)k->term);
        int current = (size_t)n == clen && memcmp(term, c, clen) == 0;
        if (current && k->claim == JOURNAL_KAFKA_CLAIMING && k->refusal[0] == '\0') {
            k->claim = JOURNAL_KAFKA_CLAIMED;
            k->valid_from = offset;
            k->valid_to = INT64_MAX;
        }
        return;
    }
    /* Whatever we believe, our records after another's claim stand nowhere. */
    if (offset > k->valid_from && offset < k->valid_to)
        k->valid_to = offset;
    if (k->claim != JOURNAL_KAFKA_CLAIMED)
        return;     /* CLAIMING: ours lands after this one and wins */
    k->claim = JOURNAL_KAFKA_UNCLAIMED;
    /* Deposed while the group still lists us: either we are the stale one
     * (our membership is about to be revoked) or the other is; claiming
     * again only after a session timeout lets the stale one learn it
     * instead of the two taking turns. */
    k->reclaim_at = deadline_now_ms() + k->session_ms;
    log_warn("kafka: deposed: node %s claimed topic %s at offset %lld", k->claimant, k->topic,
             (long long)offset);
}

/* Whether another registry (Confluent's or Karapace's protocol) holds the
 * group: *v says who leads it. */
static int
journal_kafka_elect__foreign(journal_kafka_t *k, kafka_group_view_t *v)
{
    kafka_group_watch_get(k->gw, v);
    if (v->state != KAFKA_GROUP_FOREIGN)
        return 0;
    k->foreign_seen = 1;
    return 1;
}

void
journal_kafka_elect_on_other(journal_kafka_t *k, int64_t offset)
{
    char why[600];
    kafka_group_view_t v;
    if (offset < k->start_hi || !k->eligible)
        return;
    if (k->claim != JOURNAL_KAFKA_CLAIMED &&
        (journal_kafka_elect__foreign(k, &v) || k->foreign_seen))
        return;
    snprintf(why, sizeof(why), "a writer that is not schemad (Confluent Schema Registry, "
             "Karapace, or an older schemad) wrote the record at offset %lld",
             (long long)offset);
    journal_kafka_elect__refuse(k, why);
}

/*
 * Leadership is holding partition 0 of the topic in a consumer group of all
 * eligible nodes (schema.registry.group.id): the group coordinator hands it
 * to one live member at a time, and to another once that member leaves or
 * misses kafkagroup.session.timeout.ms.  The member never reads through it
 * (the partition is paused).  The group only says who should write; what
 * makes it safe is the claim in the log: a new leader claims, and every
 * record of a deposed one after the claim is fenced on every node.
 */
static void
journal_kafka_elect__on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    journal_kafka_t *k = opaque;
    int cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    int has0 = 0;
    for (int i = 0; i < parts->cnt; i++)
        if (parts->elems[i].partition == 0 && strcmp(parts->elems[i].topic, k->topic) == 0)
            has0 = 1;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        k->rebalanced = 1;
        if (cooperative)
            rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, parts));
        else
            rd_kafka_assign(rk, parts);
        rd_kafka_pause_partitions(rk, parts);
        if (has0 && !k->elected) {
            k->elected = 1;
            k->reclaim_at = 0;
            log_info("kafka: elected the leader; claiming topic %s", k->topic);
        }
        return;
    }
    if (cooperative)
        rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, parts));
    else
        rd_kafka_assign(rk, NULL);
    if (has0 || !cooperative) {
        if (k->elected)
            log_info("kafka: no longer the leader (%s)", rd_kafka_err2str(err));
        k->elected = 0;
        if (k->claim != JOURNAL_KAFKA_UNCLAIMED)
            k->claim = JOURNAL_KAFKA_UNCLAIMED;
        if (k->fencing)
            journal_kafka_txn_end(k);  /* a fence not done must not depose the next */
    }
}

rd_kafka_t *
journal_kafka_elect_member(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka_client_conf(k, cf, err, errlen);
    char session[32], heartbeat[32];
    int rc = 0;

    if (conf == NULL)
        return NULL;
    snprintf(session, sizeof(session), "%d", cf->group_session_ms);
    snprintf(heartbeat, sizeof(heartbeat), "%d", cf->group_heartbeat_ms);
    rc |= journal_kafka_client_set(conf, "group.id", cf->group_id, err, errlen);
    rc |= journal_kafka_client_set(conf, "client.id", k->writer, err, errlen);
    rc |= journal_kafka_client_set(conf, "session.timeout.ms", session, err, errlen);
    rc |= journal_kafka_client_set(conf, "heartbeat.interval.ms", heartbeat, err, errlen);
    /* The member that holds the partition keeps it when others join. */
    rc |= journal_kafka_client_set(conf, "partition.assignment.strategy", "cooperative-sticky", err,
                             errlen);
    rc |= journal_kafka_client_set(conf, "enable.auto.commit", "false", err, errlen);
    rc |= journal_kafka_client_set(conf, "enable.auto.offset.store", "false", err, errlen);
    rc |= journal_kafka_client_set(conf, "auto.offset.reset", "latest", err, errlen);
    if (rc != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_rebalance_cb(conf, journal_kafka_elect__on_rebalance);
    rd_kafka_t *rk = journal_kafka_client_new(RD_KAFKA_CONSUMER, conf, err, errlen);
    if (rk == NULL)
        return NULL;
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, k->topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        snprintf(err, errlen, "cannot join group %s: %s", cf->group_id, rd_kafka_err2str(e));
        rd_kafka_destroy(rk);
        return NULL;
    }
    return rk;
}

void
journal_kafka_elect_wait(journal_kafka_t *k, int64_t deadline)
{
    int64_t until = deadline_now_ms() + 15000;
    if (until > deadline)
        until = deadline;
    while (!k->rebalanced && deadline_left_ms(until) > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->elect, deadline_slice_ms(until, 100));
        if (m != NULL)
            rd_kafka_message_destroy(m);
    }
    if (!k->rebalanced)
        log_warn("kafka: not yet a member of group %s (%s); writes wait for the election",
                 k->conn.cf->group_id, k->conn.last_err[0] ? k->conn.last_err : "no answer");
}

void
journal_kafka_elect_poll(journal_kafka_t *k)
{
    rd_kafka_message_t *m;
    if (k->elect == NULL)
        return;
    while ((m = rd_kafka_consumer_poll(k->elect, 0)) != NULL) {
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
            journal_kafka_client_on_error(k->elect, m->err, rd_kafka_message_errstr(m), k);
        rd_kafka_message_destroy(m);
    }
    if (k->elected && k->claim == JOURNAL_KAFKA_UNCLAIMED && k->refusal[0] == '\0' &&
        deadline_now_ms() >= k->reclaim_at)
        journal_kafka_send_claim(k);
}

void
journal_kafka_elect_watch_poll(journal_kafka_t *k)
{
    kafka_group_view_t v;
    kafka_group_watch_want(k->gw, !k->elected);
    if (!journal_kafka_elect__foreign(k, &v)) {
        k->foreign_logged[0] = '\0';
        return;
    }
    const char *now = v.leader[0] != '\0' ? v.leader : v.why;
    if (strcmp(now, k->foreign_logged) == 0)
        return;
    snprintf(k->foreign_logged, sizeof(k->foreign_logged), "%s", now);
    if (v.leader[0] != '\0')
        log_info("kafka: group %s is held by another registry (Confluent Schema Registry or "
                 "Karapace); its leader %s takes this node's writes", k->group, v.leader);
    else
        log_warn("kafka: group %s is held by another registry (Confluent Schema Registry or "
                 "Karapace) and no leader is known: %s", k->group, v.why);
}

char *
journal_kafka_elect_identity(const config_t *cf)
{
    char host[256] = "localhost";
    uint64_t nonce = 0;
    const char *scheme = "http";
    int port = 8081;

    if (cf->host_name != NULL && cf->host_name[0] != '\0')
        snprintf(host, sizeof(host), "%s", cf->host_name);
    else if (gethostname(host, sizeof(host) - 1) == 0)
        host[sizeof(host) - 1] = '\0';
    if (cf->nlisteners > 0) {
        scheme = cf->listeners[cf->advertised].tls ? "https" : "http";
        port = cf->listeners[cf->advertised].port;
    }
    if (getrandom(&nonce, sizeof(nonce), GRND_NONBLOCK) != (ssize_t)sizeof(nonce))
        nonce = (uint64_t)deadline_now_ms() ^ ((uint64_t)getpid() << 32);
    return mem_printf("%s://%s:%d pid %ld %016llx", scheme, host, port, (long)getpid(),
                      (unsigned long long)nonce);
}

void
journal_kafka_elect_watch_start(journal_kafka_t *k, const config_t *cf, int64_t deadline)
{
    kafka_group_view_t v = { .state = KAFKA_GROUP_UNKNOWN };
    int interval = cf->group_heartbeat_ms > 0 ? cf->group_heartbeat_ms : 3000;

    if (k->elect == NULL || !k->rebalanced)
        kafka_group_describe(k->prod, k->group, deadline_slice_ms(deadline, 5000), &v);
    k->gw = kafka_group_watch_start(k->prod, k->group, interval < 2000 ? interval : 2000);
    if (k->gw == NULL)
        log_warn("kafka: cannot start a thread to watch group %s: a registry of another kind "
                 "holding it will not be found", k->group);
    kafka_group_watch_set(k->gw, &v);
    journal_kafka_elect_watch_poll(k);
}

/* Whether the last claim in the log is ours: a leader that lost the group
 * for a moment (a broker restart, a coordinator move) is most likely
 * elected again; its writes wait for that rather than fail. */
static int
journal_kafka_elect__led_last(const journal_kafka_t *k)
{
    return k->claimant != NULL && strcmp(k->claimant, k->writer) == 0;
}

int
journal_kafka_elect_claim(journal_t *j)
{
    journal_kafka_t *k = j->impl;
    if (k != NULL && k->claim == JOURNAL_KAFKA_CLAIMED && (k->committing || k->aborting))
        return 0;   /* a commit that timed out, or an abort, is resumed first */
    if (k == NULL || k->refusal[0] != '\0' || k->claim == JOURNAL_KAFKA_CLAIMED)
        return 1;
    if (k->elect != NULL && !k->elected)
        return !journal_kafka_elect__led_last(k);  /* wait for a re-election, or refused */
    if (k->claim == JOURNAL_KAFKA_UNCLAIMED && deadline_now_ms() >= k->reclaim_at)
        journal_kafka_send_claim(k);
    return 0;
}

const char *
journal_kafka_elect_refusal(journal_t *j)
{
    journal_kafka_t *k = j->impl;
    if (k == NULL)
        return NULL;
    kafka_group_view_t v;
    if (k->refusal[0] != '\0')
        return k->refusal;
    if (!k->elected && journal_kafka_elect__foreign(k, &v)) {
        if (v.leader[0] != '\0')
            snprintf(k->follow, sizeof(k->follow), "it is not the leader; group %s is held by "
                     "another registry (Confluent Schema Registry or Karapace) whose leader is "
                     "%s", k->group, v.leader);
        else
            snprintf(k->follow, sizeof(k->follow), "group %s is held by another registry "
                     "(Confluent Schema Registry or Karapace): %s", k->group, v.why);
        return k->follow;
    }
    if (!k->eligible)
        return "leader.eligibility is false";
    if (k->elect == NULL || k->elected || journal_kafka_elect__led_last(k))
        return NULL;
    if (k->claimant == NULL) {
        snprintf(k->follow, sizeof(k->follow), "it is not the leader, and no leader is known");
    } else {
        size_t n = strcspn(k->claimant, " ");
        snprintf(k->follow, sizeof(k->follow), "it is not the leader; the leader is %.*s",
                 (int)n, k->claimant);
    }
    return k->follow;
}

int
journal_kafka_elect_follows(journal_t *j, const char **url)
{
    journal_kafka_t *k = j->impl;
    kafka_group_view_t v;
    *url = NULL;
    if (k == NULL || k->refusal[0] != '\0' || journal_kafka_elect_refusal(j) == NULL)
        return 0;
    if (!k->elected && journal_kafka_elect__foreign(k, &v)) {
        if (v.leader[0] != '\0') {
            snprintf(k->leader_url, sizeof(k->leader_url), "%s", v.leader);
            *url = k->leader_url;
        }
        return 1;
    }
    if (k->claimant != NULL) {
        size_t n = strcspn(k->claimant, " ");
        snprintf(k->leader_url, sizeof(k->leader_url), "%.*s", (int)n, k->claimant);
        *url = k->leader_url;
    }
    return 1;
}
