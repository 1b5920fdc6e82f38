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
 * The rooms: journal_kafka_client.c (clients), journal_kafka_elect.c (one
 * writer), journal_kafka_read.c (reading), journal_kafka_txn.c
 * (transactions); this file appends and acknowledges, and is the
 * journal_ops_t.  Everything runs on the caller's thread: librdkafka's
 * errors, logs and delivery reports are queued and served from open() and
 * poll(), and both queues wake one pipe that fd() exposes.
 */
#include "journal_kafka_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "mem.h"

/* An ack decided, to be called once the list is consistent again. */
typedef struct journal_kafka_done {
    void *cookie;
    int err;
} journal_kafka_done_t;

void
journal_kafka_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
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

static void
journal_kafka__free(journal_kafka_t *k)
{
    if (k->pq != NULL)
        rd_kafka_queue_destroy(k->pq);
    if (k->cq != NULL)
        rd_kafka_queue_destroy(k->cq);
    if (k->eq != NULL)
        rd_kafka_queue_destroy(k->eq);
    journal_kafka_txn_end(k);     /* its open transaction must not hold readers back */
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

static int
journal_kafka_open(journal_t *j, const config_t *cf, char *err, size_t errlen)
{
    journal_kafka_t *k = mem_calloc(1, sizeof(*k));
    int init_ms = cf->init_timeout_ms > 0 ? cf->init_timeout_ms : JOURNAL_KAFKA_DEFAULT_INIT_MS;
    int64_t deadline = deadline_now_ms() + init_ms;

    k->j = j;
    k->pipefd[0] = k->pipefd[1] = -1;
    k->opening = 1;
    k->writer = journal_kafka_elect_identity(cf);
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
    journal_kafka_client_log_version(cf);
    k->servers = mem_strdup(cf->bootstrap_servers);
    k->conn.topic = k->topic;
    k->conn.servers = k->servers;
    k->conn.cf = cf;
    j->impl = k;
    k->prod = journal_kafka_client_producer(k, cf, err, errlen);
    k->conn.rk = k->prod;
    if (k->prod == NULL || kafka_topic_ensure(&k->conn, deadline, err, errlen) < 0)
        goto fail;
    k->cons = journal_kafka_client_consumer(k, cf, err, errlen);
    if (k->cons == NULL || journal_kafka_read_replay(k, deadline, err, errlen) < 0)
        goto fail;
    if (cf->leader_eligibility && journal_kafka_txn_conf(k, cf, err, errlen) < 0)
        goto fail;
    if (cf->leader_eligibility &&
        (k->elect = journal_kafka_elect_member(k, cf, err, errlen)) == NULL)
        goto fail;
    if (k->elect != NULL)
        journal_kafka_elect_wait(k, deadline);
    journal_kafka_elect_watch_start(k, cf, deadline);
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

/* Produce one record with our writer header (and, for a claim, the claim
 * header holding the term and the floor header if `floor` is not NULL). */
static rd_kafka_resp_err_t
journal_kafka__produce(journal_kafka_t *k, const char *key, size_t klen, const char *val,
                       size_t vlen, int claim, const char *floor, journal_kafka_pending_t *p)
{
    void *value = (void *)val;
    size_t value_len = val != NULL ? vlen : 0;
    char term[24];
    rd_kafka_t *rk = journal_kafka_txn_writer(k);
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

void
journal_kafka_send_claim(journal_kafka_t *k)
{
    static const char noop[] = "{\"keytype\":\"NOOP\",\"magic\":0}";
    char floor[24];
    const char *with = NULL;
    int rc = k->txn_off ? 0 : journal_kafka_txn_begin_term(k);
    if (rc != 0) {
        k->reclaim_at = deadline_now_ms() + (rc > 0 ? 0 : 1000);
        return;
    }
    if (k->tprod != NULL) {
        int64_t top = journal_kafka_txn_scan_floor(k, k->floor_from >= 0 ? k->floor_from : 0);
        if (top < 0) {
            log_warn("kafka: cannot read topic %s to its end; claiming again in a second",
                     k->topic);
            journal_kafka_txn_end(k);
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
        p->id = journal_kafka_read_schema_id(key, klen, val, vlen);
    /* Only a holder of the topic writes (journal_kafka_elect_claim()). */
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
    journal_kafka_elect_poll(k);
    journal_kafka_elect_watch_poll(k);
    /* What the master appended since the last poll is one transaction. */
    journal_kafka_txn_commit(k);
    int n = 0;
    rd_kafka_message_t *m;
    while (n < JOURNAL_KAFKA_BATCH && (m = rd_kafka_consumer_poll(k->cons, 0)) != NULL) {
        journal_kafka_read_consume(k, m);
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

const journal_ops_t journal_kafka_ops = {
    .name = "kafka",
    .open = journal_kafka_open,
    .append = journal_kafka_append,
    .poll = journal_kafka_poll,
    .fd = journal_kafka_fd,
    .close = journal_kafka_close,
    .refusal = journal_kafka_elect_refusal,
    .claim = journal_kafka_elect_claim,
    .follows = journal_kafka_elect_follows,
};
