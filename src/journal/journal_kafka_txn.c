/*
 * journal_kafka_txn.c - transactions: a term of leadership per
 * transactional producer (fenced at init_transactions), the uncommitted
 * scan for the id floor, and each batch of writes committed, aborted or
 * lost.
 */
#include "journal_kafka_int.h"

#include <stdio.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "mem.h"

/* Whether init_transactions failed because the cluster does not give this
 * node transactions (an authorizer, a broker too old), not for a while. */
static int
journal_kafka_txn__refused(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
           e == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE;
}

void
journal_kafka_txn_end(journal_kafka_t *k)
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

int
journal_kafka_txn_begin_term(journal_kafka_t *k)
{
    char err[1024];
    if (k->fencing == 0) {
        journal_kafka_txn_end(k);
        k->tprod = journal_kafka_client_new(RD_KAFKA_PRODUCER, rd_kafka_conf_dup(k->tconf), err,
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
    int again = rd_kafka_error_is_retriable(e) && !journal_kafka_txn__refused(code);
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
    if (!journal_kafka_txn__refused(code)) {
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

int64_t journal_kafka_txn_scan_floor(journal_kafka_t *k, int64_t from)
{
    char err[1024];
    int64_t deadline = deadline_now_ms() + JOURNAL_KAFKA_FENCE_MS;
    int64_t lo = 0, hi = -1, top = 0, at;
    rd_kafka_t *rk = journal_kafka_client_new(RD_KAFKA_CONSUMER, rd_kafka_conf_dup(k->sconf), err,
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
                int64_t id = journal_kafka_read_schema_id(m->key, m->key_len, m->payload, m->len);
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
journal_kafka_txn__abort(journal_kafka_t *k)
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
        journal_kafka_read_floor(k, k->next_offset > 0 ? k->next_offset - 1 : 0, top);
    return 0;
}

/* The term ends: fenced, or the transaction could be neither committed nor
 * aborted.  A session timeout passes before this node may fence anyone: by
 * then a stale member has been revoked from the group. */
static void
journal_kafka_txn__lost(journal_kafka_t *k, const char *why)
{
    log_warn("kafka: a transaction on topic %s failed (%s); this node writes again only "
             "once elected after a session timeout", k->topic, why);
    journal_kafka_txn_end(k);
    k->claim = JOURNAL_KAFKA_UNCLAIMED;
    k->reclaim_at = deadline_now_ms() + k->session_ms;
}

void
journal_kafka_txn_commit(journal_kafka_t *k)
{
    if (k->tprod == NULL || (!k->txn_open && !k->txn_fatal))
        return;
    if (k->aborting && !k->txn_fatal) {
        if (journal_kafka_txn__abort(k) < 0)
            journal_kafka_txn__lost(k, "the abort failed");
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
        journal_kafka_txn__lost(k, why);
        return;
    }
    log_warn("kafka: a transaction on topic %s failed (%s): aborting it, its writes answered "
             "as failed", k->topic, why);
    if (journal_kafka_txn__abort(k) < 0)
        journal_kafka_txn__lost(k, "the abort failed");
}

int
journal_kafka_txn_conf(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    k->txn_id = mem_printf("schemad-%s-%s", cf->group_id, k->topic);
    k->tconf = journal_kafka_client_producer_conf(k, cf, k->txn_id, err, errlen);
    if (k->tconf == NULL)
        return -1;
    k->sconf = journal_kafka_client_consumer_conf(k, cf, "read_uncommitted", err, errlen);
    return k->sconf != NULL ? 0 : -1;
}

rd_kafka_t *
journal_kafka_txn_writer(journal_kafka_t *k)
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
