/*
 * journal_kafka.c - the journal as a single-partition compacted Kafka topic
 * (`_schemas` by default), read and written the way Confluent Schema
 * Registry's KafkaStore does, through librdkafka.
 *
 * Client instances:
 *   - a producer (acks=all, idempotent) that also runs the admin requests
 *     (describe/create the topic, describe its configs), and writes only
 *     where the cluster refuses transactions;
 *   - the leader's transactional producer, one per term of leadership, its
 *     transactional.id shared by every node of the registry: the next
 *     leader's init_transactions fences it at the broker;
 *   - a consumer (read_committed) assigned to partition 0 from the
 *     beginning, without a subscription or commits: every node reads the
 *     whole log;
 *   - on an eligible node, the election's group member.
 * Every record read is applied in offset order, ours and other writers'
 * alike.  An append is acknowledged once its delivery report gave it an
 * offset AND the consumer has applied that offset (read-your-writes).
 *
 * One writer at a time.  Eligible nodes elect a leader in a consumer group
 * (holding partition 0, see "the election").  Every record this node
 * produces carries a `schemad.writer` header naming this process (listener,
 * pid and a random nonce); a leader first appends a claim, a NOOP with
 * `schemad.claim`, and writes once it has read it back.  Every reader
 * applies a record with a writer header only when its writer made the last
 * claim before it in the log, so a deposed leader's records that land after
 * a later claim are fenced alike on every node (their ids still raise the
 * id floor), and a write is acked only if it stands.  A record with no
 * writer header written since start (Confluent, Karapace) makes the node
 * stop writing for good and say why.
 *
 * Transactions make a deposed leader unable to write at all: each term
 * starts with init_transactions (the broker bumps the epoch of the shared
 * transactional.id and aborts what the previous leader left open), every
 * batch of writes is one transaction committed before its writes are
 * acknowledged, and readers only see committed records.  The claim then
 * carries an id floor (header `schemad.floor`): the highest id of any
 * record since the last such claim, aborted ones included, so that no id
 * a reader of uncommitted records saw is given again.
 *
 * Everything runs on the caller's thread: librdkafka's errors, logs and
 * delivery reports are queued and served from open() and poll(), and both
 * queues wake one pipe that fd() exposes.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "deadline.h"
#include "kafka_group.h"
#include "kafka_topic.h"
#include "log.h"
#include "mem.h"
#include "record.h"

#define JOURNAL_KAFKA_DEFAULT_TOPIC "_schemas"
#define JOURNAL_KAFKA_DEFAULT_INIT_MS 60000
#define JOURNAL_KAFKA_DEFAULT_TIMEOUT_MS 500
/* Floor for message.timeout.ms: the ack wait (kafkastore.timeout.ms) is
 * short, but the record itself may keep being retried a little longer, as
 * Confluent's producer does (it may land after the client saw a timeout). */
#define JOURNAL_KAFKA_MIN_DELIVERY_MS 5000
/* Records applied per poll() before yielding back to the event loop. */
#define JOURNAL_KAFKA_BATCH 1000
/* The headers that name a record's writer and mark a claim. */
#define JOURNAL_KAFKA_H_WRITER "schemad.writer"
#define JOURNAL_KAFKA_H_CLAIM "schemad.claim"
#define JOURNAL_KAFKA_H_FLOOR "schemad.floor"
/* A transaction left open by a dead leader blocks read_committed readers
 * until the next leader's init_transactions aborts it, or this. */
#define JOURNAL_KAFKA_TXN_TIMEOUT_MS 10000
/* A new leader's init_transactions runs in the background: the loop waits
 * for it this long per poll, and says why once it has taken this long. */
#define JOURNAL_KAFKA_FENCE_SLICE_MS 20
#define JOURNAL_KAFKA_FENCE_MS 10000

/* Where this node stands as a writer of the topic. */
enum { JOURNAL_KAFKA_UNCLAIMED, JOURNAL_KAFKA_CLAIMING, JOURNAL_KAFKA_CLAIMED };

/* One append waiting for its ack. */
typedef struct journal_kafka_pending {
    struct journal_kafka_pending *next;
    void *cookie;               /* the caller's; not owned */
    int64_t offset;             /* -1 until the delivery report */
    int64_t deadline;           /* monotonic ms; JOURNAL_ETIMEOUT after it */
    int err;                    /* -1 while undecided, else the JOURNAL_* */
    int acked;                  /* ack() was called */
    int delivered;              /* librdkafka no longer refers to it */
    int committed;              /* its transaction committed (or none) */
    uint64_t txn;               /* the transaction it was produced in, 0 if none */
    int64_t id;                 /* a SCHEMA record's id, else 0 */
} journal_kafka_pending_t;

typedef struct journal_kafka {
    journal_t *j;               /* back pointer; not owned */
    rd_kafka_t *prod;           /* owned */
    rd_kafka_t *cons;           /* owned */
    rd_kafka_queue_t *pq;       /* producer main queue; owned reference */
    rd_kafka_queue_t *cq;       /* consumer queue; owned reference */
    char *topic;                /* owned */
    char *servers;              /* owned, for messages */
    int timeout_ms;
    int64_t next_offset;        /* offset after the last record applied */
    journal_kafka_pending_t *head;  /* owned, in append order */
    journal_kafka_pending_t *tail;
    int pipefd[2];              /* wakeups from both queues */
    int opening;                /* errors go to err[] rather than the log */
    int fatal;                  /* the producer raised a fatal error */
    kafka_topic_conn_t conn;    /* what open() learns; its last_err is the latest client error */
    char logged_err[512];       /* the last one logged, to log each once */
    char logged_write[512];     /* the same for failed writes */
    char *writer;               /* owned: this process's writer identity */
    int64_t start_hi;           /* offsets from here were written since open */
    char *claimant;             /* owned: the last claim's writer, or NULL */
    int claim;                  /* JOURNAL_KAFKA_UNCLAIMED ... */
    int64_t valid_from;         /* our records in [valid_from, valid_to) stand */
    int64_t valid_to;
    char refusal[768];          /* non-empty: this node no longer writes */
    rd_kafka_t *elect;          /* owned: the election's group member, or NULL */
    rd_kafka_queue_t *eq;       /* its queue; owned reference */
    int elected;                /* holds partition 0 in the group */
    int rebalanced;             /* the group assigned this member once */
    int eligible;               /* leader.eligibility */
    int session_ms;             /* kafkagroup.session.timeout.ms */
    int64_t reclaim_at;         /* deposed: no new claim before (monotonic ms) */
    char follow[768];           /* why a follower does not write */
    char leader_url[512];       /* the last claimant's scheme://host:port */
    rd_kafka_conf_t *tconf;     /* owned: the transactional producer's, copied per term */
    rd_kafka_conf_t *sconf;     /* owned: the floor scan's consumer, copied per scan */
    rd_kafka_t *tprod;          /* owned: this term's transactional producer, or NULL */
    rd_kafka_queue_t *tq;       /* its main queue; owned reference */
    char *txn_id;               /* owned: transactional.id, one per registry */
    int txn_off;                /* the cluster refuses transactions: claims alone fence */
    int txn_fatal;              /* the transactional producer raised a fatal error */
    int txn_open;               /* the current transaction holds records */
    int64_t committing;         /* a commit timed out: resumed until then (monotonic ms), else 0 */
    int64_t aborting;           /* an abort goes on: resumed until then, else 0 */
    int64_t fencing;            /* tprod's init_transactions runs since then, else 0 */
    int fence_logged;           /* a slow fence was logged */
    uint64_t txn_seq;           /* the current transaction's number (from 1) */
    int64_t floor_from;         /* offset of the last claim carrying a floor, or -1 */
    uint64_t term;              /* this node's claims, numbered (the claim header's value) */
    kafka_group_watch_t *gw;    /* owned: the group's holder, when not this node */
    int foreign_seen;           /* another registry held the group since the last claim read */
    char foreign_logged[512];   /* their leader as last logged */
    char *group;                /* owned: schema.registry.group.id */
} journal_kafka_t;

/* --- librdkafka callbacks (served on our thread from poll calls) --- */

/*
 * librdkafka logs every failed reconnect; the error callback already
 * reports what matters once, so its log stays at debug level except for
 * warnings that are not connection churn.
 */
static void
journal_kafka__on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    if (level <= 4 && strcmp(fac, "FAIL") != 0 && strcmp(fac, "ERROR") != 0)
        log_warn("kafka: %s: %s", fac, buf);
    else
        log_debug("kafka: %s: %s", fac, buf);
}

static void
journal_kafka__on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    journal_kafka_t *k = opaque;
    char fatal[512];

    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
        reason = fatal;
        /* A transactional producer's fatal error (fenced by a newer leader,
         * most often) ends its term, not the process. */
        if (rk == k->tprod) {
            k->txn_fatal = 1;
            log_warn("kafka: transactional producer: %s", reason);
            return;
        }
        k->fatal = 1;
    }
    if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__SSL)
        k->conn.auth_failed = 1;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && k->conn.last_err[0] != '\0')
        return;     /* keep the cause (connection refused, ...) */
    snprintf(k->conn.last_err, sizeof(k->conn.last_err), "%s", reason);
    if (k->opening) {
        log_debug("kafka: %s", reason);
        return;
    }
    /* Retries repeat the same error several times a second: log it once. */
    if (strcmp(k->logged_err, reason) == 0)
        return;
    snprintf(k->logged_err, sizeof(k->logged_err), "%s", reason);
    if (k->fatal)
        log_error("kafka: fatal producer error: %s", reason);
    else
        log_warn("kafka: %s", reason);
}

static void
journal_kafka__on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    journal_kafka_t *k = opaque;
    journal_kafka_pending_t *p = m->_private;

    (void)rk;
    if (p == NULL) {
        /* Our claim: if it failed, the next append claims again (records
         * of ours that land without a claim of ours before them stand
         * nowhere and are answered as failed). */
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && k->claim == JOURNAL_KAFKA_CLAIMING)
            k->claim = JOURNAL_KAFKA_UNCLAIMED;
        return;
    }
    p->delivered = 1;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        p->offset = m->offset;
        k->logged_err[0] = k->logged_write[0] = '\0';     /* the cluster answers again */
        return;
    }
    if (p->err < 0)
        p->err = m->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ? JOURNAL_ETIMEOUT : JOURNAL_ESTORE;
    if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
        return;
    /* In an outage every queued write fails alike: log the first. */
    char msg[512];
    snprintf(msg, sizeof(msg), "write to topic %s failed: %s", k->topic,
             rd_kafka_err2str(m->err));
    if (strcmp(k->logged_write, msg) != 0) {
        snprintf(k->logged_write, sizeof(k->logged_write), "%s", msg);
        log_warn("kafka: %s", msg);
    }
}

/* --- client configuration --- */

static int
journal_kafka__set(rd_kafka_conf_t *conf, const char *name, const char *value, char *err,
                   size_t errlen)
{
    char why[512];
    rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, name, value, why, sizeof(why));
    if (r == RD_KAFKA_CONF_OK)
        return 0;
    snprintf(err, errlen, "kafkastore.%s: %s", name, why);
    return -1;
}

/* Settings both clients share: the cluster, security, pass-through, callbacks. */
static rd_kafka_conf_t *
journal_kafka__conf(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[512];
    int rc = 0;

    rc |= journal_kafka__set(conf, "bootstrap.servers", k->servers, err, errlen);
    rc |= journal_kafka__set(conf, "client.id", "schemad", err, errlen);
    rc |= journal_kafka__set(conf, "log.queue", "true", err, errlen);
    rc |= journal_kafka__set(conf, "allow.auto.create.topics", "false", err, errlen);
    /* The Java client's 1 s, not librdkafka's 10 s: back soon after an outage. */
    rc |= journal_kafka__set(conf, "reconnect.backoff.max.ms", "1000", err, errlen);
    if (rc == 0 && cf->security_protocol != NULL && cf->security_protocol[0] != '\0')
        rc = journal_kafka__set(conf, "security.protocol", cf->security_protocol, err, errlen);
    if (rc == 0 && cf->sasl_mechanism != NULL && cf->sasl_mechanism[0] != '\0')
        rc = journal_kafka__set(conf, "sasl.mechanisms", cf->sasl_mechanism, err, errlen);
    if (rc == 0 && cf->sasl_username != NULL)
        rc = journal_kafka__set(conf, "sasl.username", cf->sasl_username, err, errlen);
    if (rc == 0 && cf->sasl_password != NULL)
        rc = journal_kafka__set(conf, "sasl.password", cf->sasl_password, err, errlen);
    for (size_t i = 0; rc == 0 && i < cf->nkafka_extra; i++) {
        const config_kv_t *kv = &cf->kafka_extra[i];
        rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, kv->key, kv->value, why, sizeof(why));
        /* Java-client-only settings (JKS stores, ...) are not fatal, as an
         * unknown setting is not for the Java client either. */
        if (r == RD_KAFKA_CONF_UNKNOWN)
            log_warn("kafkastore.%s is not a librdkafka setting; ignored", kv->key);
        else if (r != RD_KAFKA_CONF_OK) {
            snprintf(err, errlen, "kafkastore.%s: %s", kv->key, why);
            rc = -1;
        }
    }
    if (rc != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_error_cb(conf, journal_kafka__on_error);
    rd_kafka_conf_set_log_cb(conf, journal_kafka__on_log);
    return conf;
}

/* Create one client; its logs are then served from its main queue. */
static rd_kafka_t *
journal_kafka__client(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *err, size_t errlen)
{
    char why[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, why, sizeof(why));
    if (rk == NULL) {
        rd_kafka_conf_destroy(conf);
        snprintf(err, errlen, "cannot create the Kafka %s: %s",
                 type == RD_KAFKA_PRODUCER ? "producer" : "consumer", why);
        return NULL;
    }
    rd_kafka_set_log_queue(rk, NULL);
    return rk;
}

/* The producers' settings; with a transactional.id, the leader's.  NULL
 * with a message on error.  Caller frees with rd_kafka_conf_destroy() or
 * hands it to rd_kafka_new(). */
static rd_kafka_conf_t *
journal_kafka__producer_conf(journal_kafka_t *k, const config_t *cf, const char *txn_id,
                             char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka__conf(k, cf, err, errlen);
    char delivery[32], txn_timeout[32];
    int delivery_ms = k->timeout_ms > JOURNAL_KAFKA_MIN_DELIVERY_MS ? k->timeout_ms
                                                                    : JOURNAL_KAFKA_MIN_DELIVERY_MS;
    int rc = 0;

    if (conf == NULL)
        return NULL;
    snprintf(delivery, sizeof(delivery), "%d", delivery_ms);
    /* librdkafka wants message.timeout.ms within transaction.timeout.ms. */
    snprintf(txn_timeout, sizeof(txn_timeout), "%d",
             delivery_ms > JOURNAL_KAFKA_TXN_TIMEOUT_MS ? delivery_ms
                                                        : JOURNAL_KAFKA_TXN_TIMEOUT_MS);
    rc |= journal_kafka__set(conf, "acks", "all", err, errlen);
    rc |= journal_kafka__set(conf, "enable.idempotence", "true", err, errlen);
    rc |= journal_kafka__set(conf, "linger.ms", "2", err, errlen);
    rc |= journal_kafka__set(conf, "message.timeout.ms", delivery, err, errlen);
    if (txn_id != NULL) {
        rc |= journal_kafka__set(conf, "transactional.id", txn_id, err, errlen);
        rc |= journal_kafka__set(conf, "transaction.timeout.ms", txn_timeout, err, errlen);
    }
    if (rc != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, journal_kafka__on_delivery);
    return conf;
}

static rd_kafka_t *
journal_kafka__producer(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka__producer_conf(k, cf, NULL, err, errlen);
    return conf != NULL ? journal_kafka__client(RD_KAFKA_PRODUCER, conf, err, errlen) : NULL;
}

/* A reader's settings: `isolation` read_committed for the journal (only
 * what a leader committed), read_uncommitted for the floor scan.  Caller
 * frees as above. */
static rd_kafka_conf_t *
journal_kafka__consumer_conf(journal_kafka_t *k, const config_t *cf, const char *isolation,
                             char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka__conf(k, cf, err, errlen);
    char host[128] = "localhost";
    char group[192];
    int rc = 0;

    if (conf == NULL)
        return NULL;
    /* The group is never joined (assign, no subscribe, no commits). */
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    snprintf(group, sizeof(group), "schemad-%s", host);
    rc |= journal_kafka__set(conf, "group.id", group, err, errlen);
    rc |= journal_kafka__set(conf, "enable.auto.commit", "false", err, errlen);
    rc |= journal_kafka__set(conf, "enable.auto.offset.store", "false", err, errlen);
    rc |= journal_kafka__set(conf, "auto.offset.reset", "earliest", err, errlen);
    rc |= journal_kafka__set(conf, "enable.partition.eof", "false", err, errlen);
    rc |= journal_kafka__set(conf, "isolation.level", isolation, err, errlen);
    if (rc != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

static rd_kafka_t *
journal_kafka__consumer(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    /* Records of open or aborted transactions (a deposed leader's) are
     * never applied; non-transactional ones (Confluent's) all are. */
    rd_kafka_conf_t *conf = journal_kafka__consumer_conf(k, cf, "read_committed", err, errlen);
    if (conf == NULL)
        return NULL;
    rd_kafka_t *rk = journal_kafka__client(RD_KAFKA_CONSUMER, conf, err, errlen);
    if (rk != NULL)
        rd_kafka_poll_set_consumer(rk);
    return rk;
}

/* --- one writer --- */

static void journal_kafka__send_claim(journal_kafka_t *k);
static void journal_kafka__txn_end(journal_kafka_t *k);

static int
journal_kafka__mine(const journal_kafka_t *k, const void *w, size_t wlen)
{
    return w != NULL && strlen(k->writer) == wlen && memcmp(k->writer, w, wlen) == 0;
}

/* Stop writing for good, once, saying why. */
static void
journal_kafka__refuse(journal_kafka_t *k, const char *why)
{
    if (k->refusal[0] != '\0')
        return;
    snprintf(k->refusal, sizeof(k->refusal), "%s", why);
    log_error("kafka: this node stops writing to topic %s: %s; schemad cannot share a "
              "topic with another writer: stop it, then restart this node", k->topic, why);
}

/* A claim read at `offset`: its writer's records stand from here on. */
static void
journal_kafka__on_claim(journal_kafka_t *k, int64_t offset, const void *w, size_t wlen,
                        const void *c, size_t clen)
{
    char term[24];
    free(k->claimant);
    k->claimant = mem_strndup(w, wlen);
    k->foreign_seen = 0;    /* schemad nodes hold the group again */
    if (journal_kafka__mine(k, w, wlen)) {
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
journal_kafka__foreign(journal_kafka_t *k, kafka_group_view_t *v)
{
    kafka_group_watch_get(k->gw, v);
    if (v->state != KAFKA_GROUP_FOREIGN)
        return 0;
    k->foreign_seen = 1;
    return 1;
}

/* A standing record with no writer header written since our start: a
 * registry that is not schemad (or an older one) writes to the topic.
 * While that registry holds our group its records are its leader's, the
 * one writer the group allows: they are read as Confluent's followers
 * read them. */
static void
journal_kafka__on_other(journal_kafka_t *k, int64_t offset)
{
    char why[600];
    kafka_group_view_t v;
    if (offset < k->start_hi || !k->eligible)
        return;
    if (k->claim != JOURNAL_KAFKA_CLAIMED && (journal_kafka__foreign(k, &v) || k->foreign_seen))
        return;
    snprintf(why, sizeof(why), "a writer that is not schemad (Confluent Schema Registry, "
             "Karapace, or an older schemad) wrote the record at offset %lld",
             (long long)offset);
    journal_kafka__refuse(k, why);
}

/* --- the election --- */

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
journal_kafka__on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
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
            journal_kafka__txn_end(k);  /* a fence not done must not depose the next */
    }
}

static rd_kafka_t *
journal_kafka__elector(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka__conf(k, cf, err, errlen);
    char session[32], heartbeat[32];
    int rc = 0;

    if (conf == NULL)
        return NULL;
    snprintf(session, sizeof(session), "%d", cf->group_session_ms);
    snprintf(heartbeat, sizeof(heartbeat), "%d", cf->group_heartbeat_ms);
    rc |= journal_kafka__set(conf, "group.id", cf->group_id, err, errlen);
    rc |= journal_kafka__set(conf, "client.id", k->writer, err, errlen);
    rc |= journal_kafka__set(conf, "session.timeout.ms", session, err, errlen);
    rc |= journal_kafka__set(conf, "heartbeat.interval.ms", heartbeat, err, errlen);
    /* The member that holds the partition keeps it when others join. */
    rc |= journal_kafka__set(conf, "partition.assignment.strategy", "cooperative-sticky", err,
                             errlen);
    rc |= journal_kafka__set(conf, "enable.auto.commit", "false", err, errlen);
    rc |= journal_kafka__set(conf, "enable.auto.offset.store", "false", err, errlen);
    rc |= journal_kafka__set(conf, "auto.offset.reset", "latest", err, errlen);
    if (rc != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_rebalance_cb(conf, journal_kafka__on_rebalance);
    rd_kafka_t *rk = journal_kafka__client(RD_KAFKA_CONSUMER, conf, err, errlen);
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

/* At start, wait for the group's first assignment (as Confluent's init
 * does), so that a lone node writes as soon as it is ready.  A group that
 * cannot be joined (another registry's protocol holds it) is not fatal: the
 * node serves reads and refuses writes. */
static void
journal_kafka__elect_wait(journal_kafka_t *k, int64_t deadline)
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

/* Serve the election's callbacks; a new leader claims at once, so that the
 * followers learn who leads and its first write need not wait. */
static void
journal_kafka__elect_poll(journal_kafka_t *k)
{
    rd_kafka_message_t *m;
    if (k->elect == NULL)
        return;
    while ((m = rd_kafka_consumer_poll(k->elect, 0)) != NULL) {
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
            journal_kafka__on_error(k->elect, m->err, rd_kafka_message_errstr(m), k);
        rd_kafka_message_destroy(m);
    }
    if (k->elected && k->claim == JOURNAL_KAFKA_UNCLAIMED && k->refusal[0] == '\0' &&
        deadline_now_ms() >= k->reclaim_at)
        journal_kafka__send_claim(k);
}

/* Another registry's group: describes run on the watch's thread while
 * this node does not lead; their leader is logged when it changes. */
static void
journal_kafka__watch_poll(journal_kafka_t *k)
{
    kafka_group_view_t v;
    kafka_group_watch_want(k->gw, !k->elected);
    if (!journal_kafka__foreign(k, &v)) {
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

/* --- reading --- */

/* Apply an id floor as the record the store knows (record.h): every later
 * id is above `id`.  Not a record of the topic: applied at `offset`, the
 * claim's, or the last one read. */
static void
journal_kafka__floor(journal_kafka_t *k, int64_t offset, int64_t id)
{
    char key[64], val[64];
    int klen = snprintf(key, sizeof(key), "{\"keytype\":\"%s\",\"magic\":0}",
                        RECORD_KEYTYPE_ID_FLOOR);
    int vlen = snprintf(val, sizeof(val), "{\"id\":%lld,\"bump\":0}", (long long)id);
    k->j->apply(k->j->ctx, offset, -1, key, (size_t)klen, val, (size_t)vlen);
}

/* A claim's floor header: the highest id of any record a reader of
 * uncommitted records may have seen.  -1 when it is not a number (the claim
 * is then applied as the NOOP it is). */
static int
journal_kafka__apply_floor(journal_kafka_t *k, int64_t offset, const void *f, size_t flen)
{
    const char *d = f;
    int64_t id = 0;
    if (flen == 0 || flen > 10)
        return -1;
    for (size_t i = 0; i < flen; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        id = id * 10 + (d[i] - '0');
    }
    if (id >= INT_MAX)
        return -1;
    k->floor_from = offset;
    journal_kafka__floor(k, offset, id);
    return 0;
}

/* Apply one consumed message, or note the consumer error it carries. */
static void
journal_kafka__consume(journal_kafka_t *k, rd_kafka_message_t *m)
{
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        journal_kafka__on_error(k->cons, m->err, rd_kafka_message_errstr(m), k);
        return;
    }
    if (m->partition != 0 || m->offset < k->next_offset)
        return;     /* not ours, or a duplicate after a reset */
    k->next_offset = m->offset + 1;
    const void *w = NULL, *c = NULL;
    size_t wlen = 0, clen = 0;
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (rd_kafka_header_get_last(h, JOURNAL_KAFKA_H_WRITER, &w, &wlen) != 0)
            w = NULL;
        if (w != NULL && rd_kafka_header_get_last(h, JOURNAL_KAFKA_H_CLAIM, &c, &clen) != 0)
            c = NULL;
    }
    const char *val = m->payload;
    size_t vlen = val != NULL ? m->len : 0;
    int64_t ts = rd_kafka_message_timestamp(m, NULL);    /* -1 when none */
    if (c != NULL) {
        journal_kafka__on_claim(k, m->offset, w, wlen, c, clen);
        const void *f = NULL;
        size_t flen = 0;
        if (rd_kafka_header_get_last(h, JOURNAL_KAFKA_H_FLOOR, &f, &flen) == 0 && f != NULL &&
            journal_kafka__apply_floor(k, m->offset, f, flen) == 0)
            return;
        k->j->apply(k->j->ctx, m->offset, ts, m->key, m->key_len, val, vlen);
        return;
    }
    int stands = w == NULL || (k->claimant != NULL && strlen(k->claimant) == wlen &&
                               memcmp(k->claimant, w, wlen) == 0);
    if (!stands) {
        if (k->j->fenced != NULL)
            k->j->fenced(k->j->ctx, m->offset, ts, m->key, m->key_len, val, vlen);
        return;
    }
    if (w == NULL)
        journal_kafka__on_other(k, m->offset);
    k->j->apply(k->j->ctx, m->offset, ts, m->key, m->key_len, val, vlen);
}

/*
 * The consumer's position, which also moves past offsets that are never
 * delivered (transaction markers), or -1 when unknown.
 */
static int64_t
journal_kafka__position(journal_kafka_t *k)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    int64_t pos = -1;
    rd_kafka_topic_partition_list_add(l, k->topic, 0);
    if (rd_kafka_position(k->cons, l) == RD_KAFKA_RESP_ERR_NO_ERROR && l->elems[0].offset >= 0)
        pos = l->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(l);
    return pos;
}

/*
 * Start reading at `from`, the log start offset just queried: a logical
 * BEGINNING would cost another offset lookup, retried on a slow timer when
 * the consumer does not know the leader yet, delaying the first acks.  If
 * the log start moved meanwhile, auto.offset.reset=earliest applies.
 */
static int
journal_kafka__assign(journal_kafka_t *k, int64_t from, char *err, size_t errlen)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, k->topic, 0)->offset = from;
    rd_kafka_resp_err_t e = rd_kafka_assign(k->cons, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
        return 0;
    snprintf(err, errlen, "cannot assign topic %s: %s", k->topic, rd_kafka_err2str(e));
    return -1;
}

/* Read and apply everything up to the high watermark seen now. */
static int
journal_kafka__replay(journal_kafka_t *k, int64_t deadline, char *err, size_t errlen)
{
    int64_t lo = 0, hi = -1;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__TIMED_OUT;

    while (hi < 0) {
        int slice = deadline_slice_ms(deadline, 1000);
        e = rd_kafka_query_watermark_offsets(k->cons, k->topic, 0, &lo, &hi, slice);
        rd_kafka_poll(k->cons, 0);
        if (kafka_topic_auth_msg(&k->conn, err, errlen) < 0)
            return -1;
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
            hi = -1;
        if (hi < 0 && deadline_left_ms(deadline) == 0) {
            kafka_topic_timeout_msg(&k->conn, "reading the end offset of the topic", err, errlen);
            return -1;
        }
    }
    log_info("kafka: replaying topic %s offsets %lld..%lld", k->topic, (long long)lo,
             (long long)hi);
    k->start_hi = hi;
    if (journal_kafka__assign(k, lo, err, errlen) < 0)
        return -1;
    while (k->next_offset < hi) {
        int slice = deadline_slice_ms(deadline, KAFKA_TOPIC_SLICE_MS);
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->cons, slice);
        if (m != NULL) {
            journal_kafka__consume(k, m);
            rd_kafka_message_destroy(m);
            continue;
        }
        if (kafka_topic_auth_msg(&k->conn, err, errlen) < 0)
            return -1;
        int64_t pos = journal_kafka__position(k);
        if (pos >= hi)
            break;
        if (deadline_left_ms(deadline) == 0) {
            char doing[256];
            snprintf(doing, sizeof(doing), "reading topic %s (at offset %lld of %lld)", k->topic,
                     (long long)k->next_offset, (long long)hi);
            kafka_topic_timeout_msg(&k->conn, doing, err, errlen);
            return -1;
        }
    }
    return 0;
}

/* --- transactions --- */

/* Whether init_transactions failed because the cluster does not give this
 * node transactions (an authorizer, a broker too old), not for a while. */
static int
journal_kafka__txn_refused(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
           e == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE;
}

/*
 * End this term's transactional producer: abort what it holds open (its
 * records never reach a reader of committed records), fail its writes not
 * committed, destroy it.  Committed writes are still acked once read back.
 */
static void
journal_kafka__txn_end(journal_kafka_t *k)
{
    if (k->tprod == NULL)
        return;
    if (k->txn_open && !k->txn_fatal) {
        rd_kafka_error_t *e = rd_kafka_abort_transaction(k->tprod, k->timeout_ms);
        if (e != NULL) {
            log_debug("kafka: abort: %s", rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
        }
    }
    rd_kafka_purge(k->tprod, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(k->tprod, 0);
    for (journal_kafka_pending_t *p = k->head; p != NULL; p = p->next) {
        if (p->txn == 0)
            continue;
        if (!p->committed && p->err < 0)
            p->err = JOURNAL_ESTORE;
        p->delivered = 1;   /* no report comes after the destroy below */
    }
    if (k->tq != NULL)
        rd_kafka_queue_destroy(k->tq);
    k->tq = NULL;
    rd_kafka_destroy(k->tprod);
    k->tprod = NULL;
    k->txn_open = 0;
    k->txn_fatal = 0;
    k->committing = 0;
    k->aborting = 0;
    k->fencing = 0;
    k->txn_seq++;
}

/*
 * A new term: a transactional producer whose init_transactions fences every
 * earlier holder of the registry's transactional.id at the broker (the
 * transaction it left open is aborted, its later produce requests are
 * refused).  The fence goes on in the background (the coordinator may first
 * have to abort, or to be found): each call waits for it a few ms and
 * resumes it.  Returns 0 with k->tprod ready, 0 with txn_off set when the
 * cluster refuses transactions, 1 while the fence goes on (call again), -1
 * to try again later.
 */
static int
journal_kafka__txn_begin_term(journal_kafka_t *k)
{
    char err[1024];
    if (k->fencing == 0) {
        journal_kafka__txn_end(k);
        k->tprod = journal_kafka__client(RD_KAFKA_PRODUCER, rd_kafka_conf_dup(k->tconf), err,
                                         sizeof(err));
        if (k->tprod == NULL) {
            log_error("kafka: %s", err);
            return -1;
        }
        k->txn_fatal = 0;
        k->fencing = deadline_now_ms();
        k->fence_logged = 0;
    }
    rd_kafka_error_t *e = rd_kafka_init_transactions(k->tprod, JOURNAL_KAFKA_FENCE_SLICE_MS);
    if (e == NULL) {
        k->fencing = 0;
        k->tq = rd_kafka_queue_get_main(k->tprod);
        rd_kafka_queue_io_event_enable(k->tq, k->pipefd[1], "1", 1);
        /* What it queued before the line above signals nothing. */
        if (write(k->pipefd[1], "1", 1) < 0)
            log_debug("kafka: wakeup pipe full");
        return 0;
    }
    rd_kafka_resp_err_t code = rd_kafka_error_code(e);
    snprintf(err, sizeof(err), "%s", rd_kafka_error_string(e));
    int again = rd_kafka_error_is_retriable(e) && !journal_kafka__txn_refused(code);
    rd_kafka_error_destroy(e);
    if (again) {
        if (!k->fence_logged && deadline_now_ms() - k->fencing >= JOURNAL_KAFKA_FENCE_MS) {
            k->fence_logged = 1;
            log_warn("kafka: fencing the previous leader of topic %s (transactional.id %s) "
                     "takes long: %s; writes wait.  Is the transaction coordinator up (its "
                     "topic __transaction_state needs transaction.state.log.replication.factor "
                     "brokers)?", k->topic, k->txn_id, err);
        }
        return 1;
    }
    k->fencing = 0;
    rd_kafka_destroy(k->tprod);
    k->tprod = NULL;
    k->txn_fatal = 0;
    if (!journal_kafka__txn_refused(code)) {
        log_warn("kafka: cannot fence the previous leader of topic %s (transactional.id %s): "
                 "%s; trying again", k->topic, k->txn_id, err);
        return -1;
    }
    k->txn_off = 1;
    log_error("kafka: the cluster refuses transactions to this node (transactional.id %s: %s): "
              "it writes to topic %s without them.  A deposed leader's late records are then "
              "fenced only by the claims in the log, which schemad nodes honour and other "
              "readers (Confluent, Karapace) do not.  Grant WRITE and DESCRIBE on "
              "TransactionalId %s (and IDEMPOTENT_WRITE on the cluster) and restart to make a "
              "deposed leader unable to write", k->txn_id, err, k->topic, k->txn_id);
    return 0;
}

/* The id of a SCHEMA record, else 0. */
static int64_t
journal_kafka__schema_id(const char *k, size_t klen, const char *val, size_t vlen)
{
    record_key_t key;
    if (val == NULL || k == NULL || record_key_decode(k, klen, &key) != 0)
        return 0;
    int schema = key.type == RECORD_SCHEMA;
    record_key_free(&key);
    if (!schema)
        return 0;
    json_t *v = record_value_decode(val, vlen);
    json_int_t id = json_integer_value(json_object_get(v, "id"));
    json_decref(v);
    return id > 0 && id < INT_MAX ? id : 0;
}

/*
 * The highest schema id in any record from `from` to the end, committed or
 * not (read_uncommitted), or -1 if the topic could not be read in time.
 * Run by a new leader once it has fenced the previous one, so that the end
 * no longer moves: aborted records (the transaction a deposed leader left
 * open, a commit that failed) are invisible to this node's reader but not
 * to a reader of uncommitted records, and their ids must not be given
 * again.  Every claim carries the result, so the next leader reads on
 * from that claim only.
 */
static int64_t
journal_kafka__scan_floor(journal_kafka_t *k, int64_t from)
{
    char err[1024];
    int64_t deadline = deadline_now_ms() + JOURNAL_KAFKA_FENCE_MS;
    int64_t lo = 0, hi = -1, top = 0, at;
    rd_kafka_t *rk = journal_kafka__client(RD_KAFKA_CONSUMER, rd_kafka_conf_dup(k->sconf), err,
                                           sizeof(err));
    if (rk == NULL) {
        log_warn("kafka: %s", err);
        return -1;
    }
    rd_kafka_poll_set_consumer(rk);
    if (rd_kafka_query_watermark_offsets(rk, k->topic, 0, &lo, &hi,
                                         deadline_slice_ms(deadline, JOURNAL_KAFKA_FENCE_MS)) !=
        RD_KAFKA_RESP_ERR_NO_ERROR)
        hi = -1;
    at = from > lo ? from : lo;
    if (hi >= 0 && at < hi) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, k->topic, 0)->offset = at;
        if (rd_kafka_assign(rk, l) != RD_KAFKA_RESP_ERR_NO_ERROR)
            hi = -1;
        rd_kafka_topic_partition_list_destroy(l);
    }
    while (hi >= 0 && at < hi && deadline_left_ms(deadline) > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, deadline_slice_ms(deadline, 100));
        if (m != NULL) {
            if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->offset >= at) {
                int64_t id = journal_kafka__schema_id(m->key, m->key_len, m->payload, m->len);
                top = id > top ? id : top;
                at = m->offset + 1;
            }
            rd_kafka_message_destroy(m);
            continue;
        }
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, k->topic, 0);
        if (rd_kafka_position(rk, l) == RD_KAFKA_RESP_ERR_NO_ERROR && l->elems[0].offset > at)
            at = l->elems[0].offset;    /* past markers and compacted offsets */
        rd_kafka_topic_partition_list_destroy(l);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (hi < 0 || at < hi)
        return -1;
    log_info("kafka: topic %s read uncommitted from offset %lld to %lld: highest id %lld",
             k->topic, (long long)from, (long long)hi, (long long)top);
    return top;
}

/*
 * Abort the open transaction after a failed commit, with the same producer
 * (no new term: that would fence a newer leader if this node is a stale
 * one), resumed for a few ms at each poll.  Its writes fail; its ids raise
 * this node's id floor (no reader of committed records saw them, but a
 * reader of uncommitted ones may have), and the next leader's scan finds
 * them.  Returns 0 once aborted, 1 while it goes on, -1 when the producer
 * cannot go on (fenced while it bumped its epoch, or no answer in time).
 */
static int
journal_kafka__txn_abort(journal_kafka_t *k)
{
    if (k->aborting == 0)
        k->aborting = deadline_now_ms() + JOURNAL_KAFKA_TXN_TIMEOUT_MS;
    rd_kafka_error_t *e = rd_kafka_abort_transaction(k->tprod, 10);
    if (e != NULL) {
        int again = rd_kafka_error_is_retriable(e) && !rd_kafka_error_is_fatal(e) &&
                    deadline_left_ms(k->aborting) > 0;
        if (!again)
            log_warn("kafka: cannot abort the transaction: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        if (again)
            return 1;
        k->aborting = 0;
        return -1;
    }
    k->aborting = 0;
    int64_t top = 0;
    for (journal_kafka_pending_t *p = k->head; p != NULL; p = p->next) {
        if (p->txn != k->txn_seq)
            continue;
        if (p->err < 0)
            p->err = JOURNAL_ESTORE;
        top = p->id > top ? p->id : top;
    }
    k->txn_open = 0;
    k->txn_seq++;
    if (top > 0)
        journal_kafka__floor(k, k->next_offset > 0 ? k->next_offset - 1 : 0, top);
    return 0;
}

/* The term ends: fenced, or the transaction could be neither committed nor
 * aborted.  A session timeout passes before this node may fence anyone: by
 * then a stale member has been revoked from the group. */
static void
journal_kafka__txn_lost(journal_kafka_t *k, const char *why)
{
    log_warn("kafka: a transaction on topic %s failed (%s); this node writes again only "
             "once elected after a session timeout", k->topic, why);
    journal_kafka__txn_end(k);
    k->claim = JOURNAL_KAFKA_UNCLAIMED;
    k->reclaim_at = deadline_now_ms() + k->session_ms;
}

/*
 * Commit the open transaction: its writes become visible to every reader
 * at once, and are acked once read back.  A commit that times out goes on
 * in the background, resumed at each poll for a few ms (writes wait
 * meanwhile), until it ends or the transaction's own timeout passes.  One
 * that fails for a while (its records timed out) is aborted and the leader
 * goes on.  One fenced (a newer leader's init_transactions bumped the
 * epoch; also how a resumed zombie learns it, its group membership still
 * looking current for a moment), or that cannot be aborted, ends the term.
 */
static void
journal_kafka__txn_commit(journal_kafka_t *k)
{
    if (k->tprod == NULL || (!k->txn_open && !k->txn_fatal))
        return;
    if (k->aborting && !k->txn_fatal) {
        if (journal_kafka__txn_abort(k) < 0)
            journal_kafka__txn_lost(k, "the abort failed");
        return;
    }
    rd_kafka_error_t *e = NULL;
    if (!k->txn_fatal) {
        int slice = k->committing ? 10 : k->timeout_ms;
        e = rd_kafka_commit_transaction(k->tprod, slice);
        if (e == NULL && !k->txn_fatal) {
            for (journal_kafka_pending_t *p = k->head; p != NULL; p = p->next)
                if (p->txn == k->txn_seq)
                    p->committed = 1;
            k->txn_open = 0;
            k->committing = 0;
            k->txn_seq++;
            return;
        }
        if (e != NULL && rd_kafka_error_is_retriable(e) && !k->txn_fatal) {
            if (k->committing == 0)
                k->committing = deadline_now_ms() + JOURNAL_KAFKA_TXN_TIMEOUT_MS;
            if (deadline_left_ms(k->committing) > 0) {
                rd_kafka_error_destroy(e);
                return;
            }
        }
    }
    char why[512];
    snprintf(why, sizeof(why), "%s",
             e != NULL ? rd_kafka_error_string(e) : "the producer was fenced");
    int fatal = k->txn_fatal || (e != NULL && rd_kafka_error_is_fatal(e));
    int resumable = e != NULL && rd_kafka_error_is_retriable(e);
    if (e != NULL)
        rd_kafka_error_destroy(e);
    k->committing = 0;
    if (fatal || resumable || k->claim != JOURNAL_KAFKA_CLAIMED) {
        journal_kafka__txn_lost(k, why);
        return;
    }
    log_warn("kafka: a transaction on topic %s failed (%s): aborting it, its writes answered "
             "as failed", k->topic, why);
    if (journal_kafka__txn_abort(k) < 0)
        journal_kafka__txn_lost(k, "the abort failed");
}

/* --- acks --- */

/* An ack decided, to be called once the list is consistent again. */
typedef struct journal_kafka_done {
    void *cookie;
    int err;
} journal_kafka_done_t;

/*
 * Decide what can be decided and unlink what librdkafka is done with, then
 * call the acks: last, because an ack may append again.  A timed-out record
 * stays listed (acked) until its delivery report, which still refers to it.
 */
static void
journal_kafka__fire(journal_kafka_t *k)
{
    int64_t now = deadline_now_ms();
    size_t n = 0, cap = 0;
    journal_kafka_done_t *done = NULL;
    journal_kafka_pending_t **pp = &k->head;

    k->tail = NULL;
    while (*pp != NULL) {
        journal_kafka_pending_t *p = *pp;
        if (p->err < 0 && p->committed && p->offset >= 0 && p->offset < k->next_offset)
            p->err = p->offset >= k->valid_from && p->offset < k->valid_to ? JOURNAL_OK
                                                                           : JOURNAL_ESTORE;
        else if (p->err < 0 && now >= p->deadline)
            p->err = JOURNAL_ETIMEOUT;
        if (!p->acked && p->err >= 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                done = mem_realloc(done, cap * sizeof(*done));
            }
            done[n].cookie = p->cookie;
            done[n++].err = p->err;
            p->acked = 1;
        }
        if (p->acked && p->delivered) {
            *pp = p->next;
            free(p);
            continue;
        }
        k->tail = p;
        pp = &p->next;
    }
    for (size_t i = 0; i < n; i++)
        k->j->ack(k->j->ctx, done[i].cookie, done[i].err);
    free(done);
}

/* The earliest ack deadline, as a poll timeout from now; -1 if none. */
static int
journal_kafka__next_deadline(journal_kafka_t *k)
{
    int64_t first = -1;
    for (journal_kafka_pending_t *p = k->head; p != NULL; p = p->next)
        if (!p->acked && (first < 0 || p->deadline < first))
            first = p->deadline;
    return first < 0 ? -1 : deadline_left_ms(first);
}

/* --- the journal_ops_t --- */

static void
journal_kafka__free(journal_kafka_t *k)
{
    if (k->pq != NULL)
        rd_kafka_queue_destroy(k->pq);
    if (k->cq != NULL)
        rd_kafka_queue_destroy(k->cq);
    if (k->eq != NULL)
        rd_kafka_queue_destroy(k->eq);
    journal_kafka__txn_end(k);     /* its open transaction must not hold readers back */
    if (k->tconf != NULL)
        rd_kafka_conf_destroy(k->tconf);
    if (k->sconf != NULL)
        rd_kafka_conf_destroy(k->sconf);
    free(k->txn_id);
    if (k->elect != NULL) {
        rd_kafka_consumer_close(k->elect);     /* leaves the group: a quick handover */
        rd_kafka_destroy(k->elect);
    }
    if (k->cons != NULL) {
        rd_kafka_consumer_close(k->cons);
        rd_kafka_destroy(k->cons);
    }
    /* After the election's member left (a quick handover), before the
     * producer it borrows goes. */
    kafka_group_watch_stop(k->gw);
    if (k->prod != NULL) {
        rd_kafka_purge(k->prod, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(k->prod, 0);
        rd_kafka_destroy(k->prod);
    }
    while (k->head != NULL) {
        journal_kafka_pending_t *p = k->head;
        k->head = p->next;
        free(p);
    }
    if (k->pipefd[0] >= 0)
        close(k->pipefd[0]);
    if (k->pipefd[1] >= 0)
        close(k->pipefd[1]);
    free(k->topic);
    free(k->servers);
    free(k->writer);
    free(k->claimant);
    free(k->group);
    free(k);
}

/* Both queues write a byte to the pipe when they go from empty to non-empty. */
static int
journal_kafka__wakeups(journal_kafka_t *k, char *err, size_t errlen)
{
    if (pipe2(k->pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        k->pipefd[0] = k->pipefd[1] = -1;
        return -1;
    }
    k->pq = rd_kafka_queue_get_main(k->prod);
    k->cq = rd_kafka_queue_get_consumer(k->cons);
    rd_kafka_queue_io_event_enable(k->pq, k->pipefd[1], "1", 1);
    rd_kafka_queue_io_event_enable(k->cq, k->pipefd[1], "1", 1);
    if (k->elect != NULL) {
        k->eq = rd_kafka_queue_get_consumer(k->elect);
        rd_kafka_queue_io_event_enable(k->eq, k->pipefd[1], "1", 1);
    }
    return 0;
}

/*
 * Which librdkafka runs (a --with-system-librdkafka build may load an old
 * one), and, once, what an old one cannot do: before 2.6.1 it repeats the
 * client nonce in SCRAM's final message (librdkafka#4895), which Kafka
 * 4.x refuses as invalid credentials whatever the password.
 */
static void
journal_kafka__log_version(const config_t *cf)
{
    log_info("kafka: librdkafka %s", rd_kafka_version_str());
    if (cf->sasl_mechanism == NULL || strncmp(cf->sasl_mechanism, "SCRAM", 5) != 0 ||
        rd_kafka_version() >= 0x020601ff)
        return;
    log_warn("kafka: librdkafka %s is older than 2.6.1: its %s login fails against Kafka 4.x "
             "brokers (reported as invalid credentials) because it sends a malformed nonce "
             "(librdkafka#4895); Kafka 3.x accepts it.  Build schemad against librdkafka "
             ">= 2.6.1 (the default static build does)", rd_kafka_version_str(),
             cf->sasl_mechanism);
}

/* This process's writer identity: where it listens, its pid, and a nonce
 * (a restarted node on the same URL is another writer).  Caller frees. */
static char *
journal_kafka__identity(const config_t *cf)
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

/* What an eligible node needs to lead a term: the transactional producer's
 * settings (one transactional.id per registry: its group and topic) and
 * the floor scan's.  Kept as templates, as the config may be reloaded. */
static int
journal_kafka__txn_conf(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    k->txn_id = mem_printf("schemad-%s-%s", cf->group_id, k->topic);
    k->tconf = journal_kafka__producer_conf(k, cf, k->txn_id, err, errlen);
    if (k->tconf == NULL)
        return -1;
    k->sconf = journal_kafka__consumer_conf(k, cf, "read_uncommitted", err, errlen);
    return k->sconf != NULL ? 0 : -1;
}

/* Learn who holds the group before the first write is planned (a node
 * that did not get into it may stand beside Confluent's), then keep
 * watching on a thread. */
static void
journal_kafka__watch_start(journal_kafka_t *k, const config_t *cf, int64_t deadline)
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
    journal_kafka__watch_poll(k);
}

static int
journal_kafka_open(journal_t *j, const config_t *cf, char *err, size_t errlen)
{
    journal_kafka_t *k = mem_calloc(1, sizeof(*k));
    int init_ms = cf->init_timeout_ms > 0 ? cf->init_timeout_ms : JOURNAL_KAFKA_DEFAULT_INIT_MS;
    int64_t deadline = deadline_now_ms() + init_ms;

    k->j = j;
    k->pipefd[0] = k->pipefd[1] = -1;
    k->opening = 1;
    k->writer = journal_kafka__identity(cf);
    k->eligible = cf->leader_eligibility;
    k->session_ms = cf->group_session_ms;
    k->valid_from = k->valid_to = INT64_MAX;
    k->floor_from = -1;
    k->txn_seq = 1;
    k->group = mem_strdup(cf->group_id);
    k->topic = mem_strdup(cf->topic != NULL && cf->topic[0] != '\0' ? cf->topic
                                                                    : JOURNAL_KAFKA_DEFAULT_TOPIC);
    k->timeout_ms = cf->timeout_ms > 0 ? cf->timeout_ms : JOURNAL_KAFKA_DEFAULT_TIMEOUT_MS;
    if (cf->bootstrap_servers == NULL || cf->bootstrap_servers[0] == '\0') {
        snprintf(err, errlen, "kafkastore.bootstrap.servers is not set");
        journal_kafka__free(k);
        return -1;
    }
    journal_kafka__log_version(cf);
    k->servers = mem_strdup(cf->bootstrap_servers);
    k->conn.topic = k->topic;
    k->conn.servers = k->servers;
    k->conn.cf = cf;
    j->impl = k;
    k->prod = journal_kafka__producer(k, cf, err, errlen);
    k->conn.rk = k->prod;
    if (k->prod == NULL || kafka_topic_ensure(&k->conn, deadline, err, errlen) < 0)
        goto fail;
    k->cons = journal_kafka__consumer(k, cf, err, errlen);
    if (k->cons == NULL || journal_kafka__replay(k, deadline, err, errlen) < 0)
        goto fail;
    if (cf->leader_eligibility && journal_kafka__txn_conf(k, cf, err, errlen) < 0)
        goto fail;
    if (cf->leader_eligibility && (k->elect = journal_kafka__elector(k, cf, err, errlen)) == NULL)
        goto fail;
    if (k->elect != NULL)
        journal_kafka__elect_wait(k, deadline);
    journal_kafka__watch_start(k, cf, deadline);
    if (journal_kafka__wakeups(k, err, errlen) < 0)
        goto fail;
    k->opening = 0;
    k->conn.last_err[0] = '\0';
    log_info("kafka: topic %s replayed up to offset %lld", k->topic, (long long)k->next_offset);
    return 0;
fail:
    j->impl = NULL;
    journal_kafka__free(k);
    return -1;
}

/* The producer of this term's writes, inside a transaction begun if none
 * is open; NULL when it cannot write (no term, or a fatal error). */
static rd_kafka_t *
journal_kafka__writer(journal_kafka_t *k)
{
    if (k->txn_off)
        return k->prod;
    if (k->tprod == NULL || k->txn_fatal || k->committing || k->aborting || k->fencing)
        return NULL;
    if (!k->txn_open) {
        rd_kafka_error_t *e = rd_kafka_begin_transaction(k->tprod);
        if (e != NULL) {
            log_warn("kafka: cannot begin a transaction: %s", rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            return NULL;
        }
        k->txn_open = 1;
    }
    return k->tprod;
}

/* Produce one record with our writer header (and, for a claim, the claim
 * header holding the term and the floor header if `floor` is not NULL). */
static rd_kafka_resp_err_t
journal_kafka__produce(journal_kafka_t *k, const char *key, size_t klen, const char *val,
                       size_t vlen, int claim, const char *floor, journal_kafka_pending_t *p)
{
    void *value = (void *)val;
    size_t value_len = val != NULL ? vlen : 0;
    char term[24];
    rd_kafka_t *rk = journal_kafka__writer(k);
    if (rk == NULL)
        return RD_KAFKA_RESP_ERR__STATE;
    if (p != NULL) {
        p->txn = rk == k->tprod ? k->txn_seq : 0;
        p->committed = p->txn == 0;
    }
    rd_kafka_headers_t *h = rd_kafka_headers_new(3);
    rd_kafka_header_add(h, JOURNAL_KAFKA_H_WRITER, -1, k->writer, -1);
    if (claim) {
        snprintf(term, sizeof(term), "%llu", (unsigned long long)k->term);
        rd_kafka_header_add(h, JOURNAL_KAFKA_H_CLAIM, -1, term, -1);
    }
    if (floor != NULL)
        rd_kafka_header_add(h, JOURNAL_KAFKA_H_FLOOR, -1, floor, -1);
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(k->topic), RD_KAFKA_V_PARTITION(0),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, klen),
        RD_KAFKA_V_VALUE(value, value_len), RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_OPAQUE(p),
        RD_KAFKA_V_END);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        rd_kafka_headers_destroy(h);   /* owned by the message only once queued */
    return e;
}

/*
 * Claim the topic before our first record: a NOOP with the claim header.
 * With transactions, first fence the previous leader (a new term) and read
 * every record since the last floor, committed or not; the claim carries
 * the highest id seen (the barrier: once read back, every id below is
 * known).  Blocks the caller for the fence and the read (a failover).
 */
static void
journal_kafka__send_claim(journal_kafka_t *k)
{
    static const char noop[] = "{\"keytype\":\"NOOP\",\"magic\":0}";
    char floor[24];
    const char *with = NULL;
    int rc = k->txn_off ? 0 : journal_kafka__txn_begin_term(k);
    if (rc != 0) {
        k->reclaim_at = deadline_now_ms() + (rc > 0 ? 0 : 1000);
        return;
    }
    if (k->tprod != NULL) {
        int64_t top = journal_kafka__scan_floor(k, k->floor_from >= 0 ? k->floor_from : 0);
        if (top < 0) {
            log_warn("kafka: cannot read topic %s to its end; claiming again in a second",
                     k->topic);
            journal_kafka__txn_end(k);
            k->reclaim_at = deadline_now_ms() + 1000;
            return;
        }
        snprintf(floor, sizeof(floor), "%lld", (long long)top);
        with = floor;
    }
    k->term++;
    if (journal_kafka__produce(k, noop, sizeof(noop) - 1, NULL, 0, 1, with, NULL) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        k->claim = JOURNAL_KAFKA_CLAIMING;
        log_info("kafka: claiming topic %s for writes as %s", k->topic, k->writer);
    }
}

/*
 * Queue one record.  Always returns 0: the outcome comes through ack()
 * from poll(), JOURNAL_ESTORE at once if librdkafka refused it.
 */
static int
journal_kafka_append(journal_t *j, const char *key, size_t klen, const char *val, size_t vlen,
                     void *cookie)
{
    journal_kafka_t *k = j->impl;
    journal_kafka_pending_t *p = mem_calloc(1, sizeof(*p));

    p->cookie = cookie;
    p->offset = -1;
    p->err = -1;
    p->deadline = deadline_now_ms() + k->timeout_ms;
    if (!k->txn_off)
        p->id = journal_kafka__schema_id(key, klen, val, vlen);
    /* Only a holder of the topic writes (journal_kafka_claim()). */
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__STATE;
    if (k->refusal[0] == '\0' && k->claim == JOURNAL_KAFKA_CLAIMED)
        e = journal_kafka__produce(k, key, klen, val, vlen, 0, NULL, p);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (e != RD_KAFKA_RESP_ERR__STATE)
            log_warn("kafka: cannot queue a write to topic %s: %s", k->topic,
                     rd_kafka_err2str(e));
        p->err = JOURNAL_ESTORE;
        p->delivered = 1;
        /* Make sure the next poll() runs soon to deliver this ack. */
        if (k->pipefd[1] >= 0 && write(k->pipefd[1], "1", 1) < 0)
            log_debug("kafka: wakeup pipe full");
    }
    if (k->tail != NULL)
        k->tail->next = p;
    else
        k->head = p;
    k->tail = p;
    return 0;
}

static void
journal_kafka__drain_pipe(journal_kafka_t *k)
{
    char buf[256];
    while (read(k->pipefd[0], buf, sizeof(buf)) > 0)
        ;
}

static int
journal_kafka_poll(journal_t *j, int timeout_ms)
{
    journal_kafka_t *k = j->impl;
    if (k == NULL)
        return 0;   /* open() failed: the master still drains its workers */
    int wait = timeout_ms;
    int next = journal_kafka__next_deadline(k);

    if (next >= 0 && (wait < 0 || next < wait))
        wait = next;
    if (wait != 0) {
        struct pollfd pfd = { .fd = k->pipefd[0], .events = POLLIN };
        poll(&pfd, 1, wait);
    }
    journal_kafka__drain_pipe(k);
    rd_kafka_poll(k->prod, 0);
    if (k->tprod != NULL)
        rd_kafka_poll(k->tprod, 0);
    journal_kafka__elect_poll(k);
    journal_kafka__watch_poll(k);
    /* What the master appended since the last poll is one transaction. */
    journal_kafka__txn_commit(k);
    int n = 0;
    rd_kafka_message_t *m;
    while (n < JOURNAL_KAFKA_BATCH && (m = rd_kafka_consumer_poll(k->cons, 0)) != NULL) {
        journal_kafka__consume(k, m);
        rd_kafka_message_destroy(m);
        n++;
    }
    /* The queue only signals when it becomes non-empty: signal ourselves. */
    if (n == JOURNAL_KAFKA_BATCH && write(k->pipefd[1], "1", 1) < 0)
        log_debug("kafka: wakeup pipe full");
    if (n > 0)
        k->logged_err[0] = k->logged_write[0] = '\0';
    journal_kafka__fire(k);
    return k->fatal ? -1 : 0;
}

static int
journal_kafka_fd(journal_t *j)
{
    journal_kafka_t *k = j->impl;
    return k != NULL ? k->pipefd[0] : -1;
}

/*
 * Give queued records up to kafkastore.timeout.ms to land and be acked,
 * then ack the rest JOURNAL_ETIMEOUT (they may still land later).
 */
static void
journal_kafka_close(journal_t *j)
{
    journal_kafka_t *k = j->impl;
    if (k == NULL)
        return;
    int64_t deadline = deadline_now_ms() + k->timeout_ms;
    while (k->head != NULL && deadline_left_ms(deadline) > 0)
        journal_kafka_poll(j, deadline_slice_ms(deadline, 50));
    for (journal_kafka_pending_t *p = k->head; p != NULL; p = p->next)
        if (p->err < 0)
            p->err = JOURNAL_ETIMEOUT;
    journal_kafka__fire(k);
    journal_kafka__free(k);
    j->impl = NULL;
}

/* Whether the last claim in the log is ours: a leader that lost the group
 * for a moment (a broker restart, a coordinator move) is most likely
 * elected again; its writes wait for that rather than fail. */
static int
journal_kafka__led_last(const journal_kafka_t *k)
{
    return k->claimant != NULL && strcmp(k->claimant, k->writer) == 0;
}

/*
 * Before its first write a node claims the topic and waits until it has
 * read its claim back: every record before the claim is then applied (ids
 * are allocated above them), and every other writer's record after it is
 * fenced on every node.
 */
static int
journal_kafka_claim(journal_t *j)
{
    journal_kafka_t *k = j->impl;
    if (k != NULL && k->claim == JOURNAL_KAFKA_CLAIMED && (k->committing || k->aborting))
        return 0;   /* a commit that timed out, or an abort, is resumed first */
    if (k == NULL || k->refusal[0] != '\0' || k->claim == JOURNAL_KAFKA_CLAIMED)
        return 1;
    if (k->elect != NULL && !k->elected)
        return !journal_kafka__led_last(k);  /* wait for a re-election, or refused */
    if (k->claim == JOURNAL_KAFKA_UNCLAIMED && deadline_now_ms() >= k->reclaim_at)
        journal_kafka__send_claim(k);
    return 0;
}

static const char *
journal_kafka_refusal(journal_t *j)
{
    journal_kafka_t *k = j->impl;
    if (k == NULL)
        return NULL;
    kafka_group_view_t v;
    if (k->refusal[0] != '\0')
        return k->refusal;
    if (!k->elected && journal_kafka__foreign(k, &v)) {
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
    if (k->elect == NULL || k->elected || journal_kafka__led_last(k))
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

/* Where a follower sends writes: the leader of the registry that holds
 * the group if it is not schemad, else the URL of the last claim's writer. */
static int
journal_kafka_follows(journal_t *j, const char **url)
{
    journal_kafka_t *k = j->impl;
    kafka_group_view_t v;
    *url = NULL;
    if (k == NULL || k->refusal[0] != '\0' || journal_kafka_refusal(j) == NULL)
        return 0;
    if (!k->elected && journal_kafka__foreign(k, &v)) {
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

const journal_ops_t journal_kafka_ops = {
    .name = "kafka",
    .open = journal_kafka_open,
    .append = journal_kafka_append,
    .poll = journal_kafka_poll,
    .fd = journal_kafka_fd,
    .close = journal_kafka_close,
    .refusal = journal_kafka_refusal,
    .claim = journal_kafka_claim,
    .follows = journal_kafka_follows,
};
