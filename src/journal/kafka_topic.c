/*
 * kafka_topic.c - the journal topic's setup when a Kafka journal opens, as
 * Confluent's KafkaStore does it: describe the topic, create it if missing
 * (one partition, compacted, the replication factor capped to the brokers),
 * and refuse one that cannot be the journal.  Every step waits in short
 * slices, so that a refused login is reported at once, not at the deadline.
 */
#include "kafka_topic.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"

#define KAFKA_TOPIC_DEFAULT_RF 3

/* The replication factor asked for (Confluent's default 3). */
static int
kafka_topic__wanted_rf(const config_t *cf)
{
    return cf->topic_replication_factor > 0 ? cf->topic_replication_factor
                                            : KAFKA_TOPIC_DEFAULT_RF;
}

void
kafka_topic_timeout_msg(const kafka_topic_conn_t *c, const char *doing, char *err,
                        size_t errlen)
{
    if (c->last_err[0] != '\0')
        snprintf(err, errlen, "timed out after %d ms %s (Kafka at %s): %s",
                 c->cf->init_timeout_ms, doing, c->servers, c->last_err);
    else
        snprintf(err, errlen, "timed out after %d ms %s (Kafka at %s)", c->cf->init_timeout_ms,
                 doing, c->servers);
}

/*
 * librdkafka before 2.6.1 sends a wrong SCRAM nonce that Kafka 4.x brokers
 * reject as "invalid credentials" (librdkafka#4895): right credentials look
 * wrong, so say so where it may be the cause.
 */
static const char *
kafka_topic__scram_hint(const config_t *cf)
{
    if (cf->sasl_mechanism == NULL || strncmp(cf->sasl_mechanism, "SCRAM", 5) != 0)
        return "";
    if (rd_kafka_version() >= 0x020601ff)
        return "";
    return " (if the broker runs Kafka 4.x, this librdkafka, older than 2.6.1, cannot complete "
           "SCRAM with it whatever the credentials: librdkafka#4895)";
}

int
kafka_topic_auth_msg(const kafka_topic_conn_t *c, char *err, size_t errlen)
{
    if (!c->auth_failed)
        return 0;
    if (c->cf->sasl_username != NULL)
        snprintf(err, errlen, "Kafka at %s refused user '%s': %s%s", c->servers,
                 c->cf->sasl_username, c->last_err, kafka_topic__scram_hint(c->cf));
    else
        snprintf(err, errlen, "Kafka at %s refused the connection: %s", c->servers, c->last_err);
    return -1;
}

/*
 * Ask the cluster about the topic until it answers or the deadline passes.
 * Returns 1 (exists; *partitions and *replicas set), 0 (does not exist) or
 * -1 (err set).  *brokers is the cluster's broker count.  With must_exist
 * (just created) "unknown topic" is metadata lagging: ask again.
 */
static int
kafka_topic__describe(kafka_topic_conn_t *c, int64_t deadline, int must_exist,
                      int *partitions, int *replicas, int *brokers, char *err, size_t errlen)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(c->rk, c->topic, NULL);
    int rc = -2;

    while (rc == -2) {
        const struct rd_kafka_metadata *md = NULL;
        int slice = deadline_slice_ms(deadline, KAFKA_TOPIC_SLICE_MS);
        rd_kafka_resp_err_t e = rd_kafka_metadata(c->rk, 0, rkt, &md, slice);
        rd_kafka_poll(c->rk, 0);
        if (kafka_topic_auth_msg(c, err, errlen) < 0) {
            rc = -1;
        } else if (e == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1) {
            const rd_kafka_metadata_topic_t *t = &md->topics[0];
            *brokers = md->broker_cnt;
            if (t->err == RD_KAFKA_RESP_ERR_NO_ERROR && t->partition_cnt > 0) {
                *partitions = t->partition_cnt;
                *replicas = t->partitions[0].replica_cnt;
                rc = 1;
            } else if (t->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && !must_exist) {
                rc = 0;
            } else if (t->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
                snprintf(err, errlen, "not authorized to describe topic %s on Kafka at %s",
                         c->topic, c->servers);
                rc = -1;
            } else {
                /* LEADER_NOT_AVAILABLE and the like: a new topic settling. */
                snprintf(c->last_err, sizeof(c->last_err), "topic %s: %s", c->topic,
                         rd_kafka_err2str(t->err));
            }
        }
        if (md != NULL)
            rd_kafka_metadata_destroy(md);
        if (rc == -2 && deadline_left_ms(deadline) == 0) {
            kafka_topic_timeout_msg(c, "describing the topic", err, errlen);
            rc = -1;
        } else if (rc == -2 && e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            usleep(50000);
        }
    }
    rd_kafka_topic_destroy(rkt);
    return rc;
}

/* Wait for one admin result on q; NULL (err set) on timeout. */
static rd_kafka_event_t *
kafka_topic__admin_wait(kafka_topic_conn_t *c, rd_kafka_queue_t *q, int64_t deadline,
                        const char *doing, char *err, size_t errlen)
{
    for (;;) {
        int slice = deadline_slice_ms(deadline, KAFKA_TOPIC_SLICE_MS);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, slice);
        rd_kafka_poll(c->rk, 0);
        if (ev != NULL)
            return ev;
        if (kafka_topic_auth_msg(c, err, errlen) < 0)
            return NULL;
        if (deadline_left_ms(deadline) == 0) {
            kafka_topic_timeout_msg(c, doing, err, errlen);
            return NULL;
        }
    }
}

static rd_kafka_AdminOptions_t *
kafka_topic__admin_options(kafka_topic_conn_t *c, int64_t deadline)
{
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(c->rk, RD_KAFKA_ADMIN_OP_ANY);
    char why[256];
    int left = deadline_left_ms(deadline);
    if (left < 1)
        left = 1;
    rd_kafka_AdminOptions_set_request_timeout(o, left, why, sizeof(why));
    return o;
}

/*
 * Create the topic as Confluent does: 1 partition, compacted, with the
 * configured replication factor capped to the number of brokers.
 * "Already exists" (another node won the race) is success.
 */
static int
kafka_topic__create(kafka_topic_conn_t *c, int64_t deadline, int brokers, char *err,
                    size_t errlen)
{
    int want = kafka_topic__wanted_rf(c->cf);
    int rf = brokers > 0 && brokers < want ? brokers : want;
    char why[512];

    if (rf < want)
        log_warn("Creating the schema topic %s using a replication factor of %d, which is less "
                 "than the desired one of %d. If this is a production environment, it's crucial "
                 "to add more brokers and increase the replication factor of the topic.",
                 c->topic, rf, want);
    else
        log_info("Creating schemas topic %s with replication factor %d", c->topic, rf);

    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(c->topic, 1, rf, why, sizeof(why));
    if (nt == NULL) {
        snprintf(err, errlen, "cannot create topic %s: %s", c->topic, why);
        return -1;
    }
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    rd_kafka_AdminOptions_t *o = kafka_topic__admin_options(c, deadline);
    rd_kafka_queue_t *q = rd_kafka_queue_new(c->rk);
    rd_kafka_CreateTopics(c->rk, &nt, 1, o, q);
    rd_kafka_event_t *ev = kafka_topic__admin_wait(c, q, deadline, "creating the topic", err,
                                                   errlen);
    int rc = ev == NULL ? -1 : 0;
    if (ev != NULL) {
        size_t n = 0;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        rd_kafka_resp_err_t e = n == 1 ? rd_kafka_topic_result_error(res[0])
                                       : rd_kafka_event_error(ev);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            const char *msg = n == 1 ? rd_kafka_topic_result_error_string(res[0])
                                     : rd_kafka_event_error_string(ev);
            snprintf(err, errlen, "cannot create topic %s: %s", c->topic,
                     msg != NULL ? msg : rd_kafka_err2str(e));
            rc = -1;
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

/* The topic's cleanup.policy into policy[len]; 0, or -1 with err set. */
static int
kafka_topic__cleanup_policy(kafka_topic_conn_t *c, int64_t deadline, char *policy, size_t len,
                            char *err, size_t errlen)
{
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, c->topic);
    rd_kafka_AdminOptions_t *o = kafka_topic__admin_options(c, deadline);
    rd_kafka_queue_t *q = rd_kafka_queue_new(c->rk);
    int rc = -1;

    rd_kafka_DescribeConfigs(c->rk, &cr, 1, o, q);
    rd_kafka_event_t *ev = kafka_topic__admin_wait(c, q, deadline,
                                                   "describing the topic's configuration",
                                                   err, errlen);
    if (ev != NULL) {
        size_t n = 0, nc = 0;
        const rd_kafka_ConfigResource_t **res = rd_kafka_DescribeConfigs_result_resources(
            rd_kafka_event_DescribeConfigs_result(ev), &n);
        rd_kafka_resp_err_t e = n == 1 ? rd_kafka_ConfigResource_error(res[0])
                                       : rd_kafka_event_error(ev);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            snprintf(err, errlen, "cannot describe the configuration of topic %s: %s", c->topic,
                     rd_kafka_err2str(e));
        } else {
            const rd_kafka_ConfigEntry_t **ce = rd_kafka_ConfigResource_configs(res[0], &nc);
            snprintf(policy, len, "delete");    /* Kafka's default */
            for (size_t i = 0; i < nc; i++) {
                const char *v = rd_kafka_ConfigEntry_value(ce[i]);
                if (strcmp(rd_kafka_ConfigEntry_name(ce[i]), "cleanup.policy") == 0 && v != NULL)
                    snprintf(policy, len, "%s", v);
            }
            rc = 0;
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ConfigResource_destroy(cr);
    return rc;
}

int
kafka_topic_ensure(kafka_topic_conn_t *c, int64_t deadline, char *err, size_t errlen)
{
    int partitions = 0, replicas = 0, brokers = 0;
    int rc = kafka_topic__describe(c, deadline, 0, &partitions, &replicas, &brokers, err,
                                   errlen);
    int created = rc == 0;
    if (created) {
        if (kafka_topic__create(c, deadline, brokers, err, errlen) < 0)
            return -1;
        /* Wait until the new topic has a leader in the metadata. */
        rc = kafka_topic__describe(c, deadline, 1, &partitions, &replicas, &brokers, err,
                                   errlen);
    }
    if (rc < 0)
        return -1;
    if (partitions != 1) {
        snprintf(err, errlen, "The schema topic %s should have only 1 partition but has %d",
                 c->topic, partitions);
        return -1;
    }
    int want = kafka_topic__wanted_rf(c->cf);
    if (!created && replicas < want)
        log_warn("The replication factor of the schema topic %s is less than the desired one "
                 "of %d. If this is a production environment, it's crucial to add more brokers "
                 "and increase the replication factor of the topic.",
                 c->topic, want);
    char policy[128];
    if (kafka_topic__cleanup_policy(c, deadline, policy, sizeof(policy), err, errlen) < 0)
        return -1;
    if (strcmp(policy, "compact") != 0) {
        snprintf(err, errlen,
                 "The retention policy of the schema topic %s is incorrect. Expected "
                 "cleanup.policy to be 'compact' but it is %s",
                 c->topic, policy);
        return -1;
    }
    return 0;
}
