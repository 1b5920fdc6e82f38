/*
 * journal_kafka_read.c - reading the topic: every record in offset
 * order through the store, the claims and id floors among them, and the
 * replay at open.
 */
#include "journal_kafka_int.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "record.h"

void
journal_kafka_read_floor(journal_kafka_t *k, int64_t offset, int64_t id)
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
journal_kafka_read__apply_floor(journal_kafka_t *k, int64_t offset, const void *f, size_t flen)
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
    journal_kafka_read_floor(k, offset, id);
    return 0;
}

void
journal_kafka_read_consume(journal_kafka_t *k, rd_kafka_message_t *m)
{
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        journal_kafka_client_on_error(k->cons, m->err, rd_kafka_message_errstr(m), k);
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
        journal_kafka_elect_on_claim(k, m->offset, w, wlen, c, clen);
        const void *f = NULL;
        size_t flen = 0;
        if (rd_kafka_header_get_last(h, JOURNAL_KAFKA_H_FLOOR, &f, &flen) == 0 && f != NULL &&
            journal_kafka_read__apply_floor(k, m->offset, f, flen) == 0)
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
        journal_kafka_elect_on_other(k, m->offset);
    k->j->apply(k->j->ctx, m->offset, ts, m->key, m->key_len, val, vlen);
}

/*
 * The consumer's position, which also moves past offsets that are never
 * delivered (transaction markers), or -1 when unknown.
 */
static int64_t
journal_kafka_read__position(journal_kafka_t *k)
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
journal_kafka_read__assign(journal_kafka_t *k, int64_t from, char *err, size_t errlen)
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

int
journal_kafka_read_replay(journal_kafka_t *k, int64_t deadline, char *err, size_t errlen)
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
    if (journal_kafka_read__assign(k, lo, err, errlen) < 0)
        return -1;
    while (k->next_offset < hi) {
        int slice = deadline_slice_ms(deadline, KAFKA_TOPIC_SLICE_MS);
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->cons, slice);
        if (m != NULL) {
            journal_kafka_read_consume(k, m);
            rd_kafka_message_destroy(m);
            continue;
        }
        if (kafka_topic_auth_msg(&k->conn, err, errlen) < 0)
            return -1;
        int64_t pos = journal_kafka_read__position(k);
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

int64_t journal_kafka_read_schema_id(const char *k, size_t klen, const char *val, size_t vlen)
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
