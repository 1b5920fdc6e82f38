/*
 * kafka_topic.h - the journal topic's setup when a Kafka journal opens
 * (describe, create as Confluent does, verify), and the messages that say
 * why an open failed.
 */
#ifndef SCHEMAD_KAFKA_TOPIC_H
#define SCHEMAD_KAFKA_TOPIC_H

#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

#include "config.h"

/* Slice for blocking librdkafka calls during an open, so that errors (bad
 * credentials) are noticed quickly rather than at the deadline. */
#define KAFKA_TOPIC_SLICE_MS 250

/** What the setup and the messages need to know of the open under way. */
typedef struct kafka_topic_conn {
    rd_kafka_t *rk;             /* runs the metadata and admin requests; borrowed */
    const char *topic;          /* borrowed */
    const char *servers;        /* bootstrap servers, for messages; borrowed */
    const config_t *cf;         /* borrowed */
    int auth_failed;            /* set by the client's error callback */
    char last_err[512];         /* the latest client error, for messages */
} kafka_topic_conn_t;

/**
 * Make sure the topic exists and can be the journal: create it if missing;
 * refuse more than one partition or a cleanup.policy other than compact.
 * Serves the client's callbacks meanwhile.  Returns 0, or -1 with err set.
 */
int kafka_topic_ensure(kafka_topic_conn_t *c, int64_t deadline, char *err, size_t errlen);

/**
 * When the cluster refused the login or the TLS handshake: the one error
 * to report into err, and -1; otherwise 0.
 */
int kafka_topic_auth_msg(const kafka_topic_conn_t *c, char *err, size_t errlen);

/** The one error to report when the cluster did not answer in time `doing` something. */
void kafka_topic_timeout_msg(const kafka_topic_conn_t *c, const char *doing, char *err,
                             size_t errlen);

#endif
