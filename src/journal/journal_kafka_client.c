/*
 * journal_kafka_client.c - the Kafka journal's clients: their settings
 * from the configuration (Confluent's kafkastore.* and the librdkafka
 * passthrough), how each is made, and librdkafka's log and error callbacks,
 * served on the caller's thread.
 */
#include "journal_kafka_int.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/*
 * librdkafka logs every failed reconnect; the error callback already
 * reports what matters once, so its log stays at debug level except for
 * warnings that are not connection churn.
 */
static void
journal_kafka_client__on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    if (level <= 4 && strcmp(fac, "FAIL") != 0 && strcmp(fac, "ERROR") != 0)
        log_warn("kafka: %s: %s", fac, buf);
    else
        log_debug("kafka: %s: %s", fac, buf);
}

void
journal_kafka_client_on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
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

int
journal_kafka_client_set(rd_kafka_conf_t *conf, const char *name, const char *value, char *err,
                         size_t errlen)
{
    char why[512];
    rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, name, value, why, sizeof(why));
    if (r == RD_KAFKA_CONF_OK)
        return 0;
    snprintf(err, errlen, "kafkastore.%s: %s", name, why);
    return -1;
}

rd_kafka_conf_t *
journal_kafka_client_conf(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[512];
    int rc = 0;

    rc |= journal_kafka_client_set(conf, "bootstrap.servers", k->servers, err, errlen);
    rc |= journal_kafka_client_set(conf, "client.id", "schemad", err, errlen);
    rc |= journal_kafka_client_set(conf, "log.queue", "true", err, errlen);
    rc |= journal_kafka_client_set(conf, "allow.auto.create.topics", "false", err, errlen);
    /* The Java client's 1 s, not librdkafka's 10 s: back soon after an outage. */
    rc |= journal_kafka_client_set(conf, "reconnect.backoff.max.ms", "1000", err, errlen);
    if (rc == 0 && cf->security_protocol != NULL && cf->security_protocol[0] != '\0')
        rc = journal_kafka_client_set(conf, "security.protocol", cf->security_protocol, err,
                                      errlen);
    if (rc == 0 && cf->sasl_mechanism != NULL && cf->sasl_mechanism[0] != '\0')
        rc = journal_kafka_client_set(conf, "sasl.mechanisms", cf->sasl_mechanism, err, errlen);
    if (rc == 0 && cf->sasl_username != NULL)
        rc = journal_kafka_client_set(conf, "sasl.username", cf->sasl_username, err, errlen);
    if (rc == 0 && cf->sasl_password != NULL)
        rc = journal_kafka_client_set(conf, "sasl.password", cf->sasl_password, err, errlen);
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
    rd_kafka_conf_set_error_cb(conf, journal_kafka_client_on_error);
    rd_kafka_conf_set_log_cb(conf, journal_kafka_client__on_log);
    return conf;
}

rd_kafka_t *
journal_kafka_client_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *err, size_t errlen)
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

rd_kafka_conf_t *
journal_kafka_client_producer_conf(journal_kafka_t *k, const config_t *cf, const char *txn_id,
                                   char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka_client_conf(k, cf, err, errlen);
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
    rc |= journal_kafka_client_set(conf, "acks", "all", err, errlen);
    rc |= journal_kafka_client_set(conf, "enable.idempotence", "true", err, errlen);
    rc |= journal_kafka_client_set(conf, "linger.ms", "2", err, errlen);
    rc |= journal_kafka_client_set(conf, "message.timeout.ms", delivery, err, errlen);
    if (txn_id != NULL) {
        rc |= journal_kafka_client_set(conf, "transactional.id", txn_id, err, errlen);
        rc |= journal_kafka_client_set(conf, "transaction.timeout.ms", txn_timeout, err, errlen);
    }
    if (rc != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, journal_kafka_on_delivery);
    return conf;
}

rd_kafka_t *
journal_kafka_client_producer(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka_client_producer_conf(k, cf, NULL, err, errlen);
    return conf != NULL ? journal_kafka_client_new(RD_KAFKA_PRODUCER, conf, err, errlen) : NULL;
}

rd_kafka_conf_t *
journal_kafka_client_consumer_conf(journal_kafka_t *k, const config_t *cf, const char *isolation,
                                   char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = journal_kafka_client_conf(k, cf, err, errlen);
    char host[128] = "localhost";
    char group[192];
    int rc = 0;

    if (conf == NULL)
        return NULL;
    /* The group is never joined (assign, no subscribe, no commits). */
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    snprintf(group, sizeof(group), "schemad-%s", host);
    rc |= journal_kafka_client_set(conf, "group.id", group, err, errlen);
    rc |= journal_kafka_client_set(conf, "enable.auto.commit", "false", err, errlen);
    rc |= journal_kafka_client_set(conf, "enable.auto.offset.store", "false", err, errlen);
    rc |= journal_kafka_client_set(conf, "auto.offset.reset", "earliest", err, errlen);
    rc |= journal_kafka_client_set(conf, "enable.partition.eof", "false", err, errlen);
    rc |= journal_kafka_client_set(conf, "isolation.level", isolation, err, errlen);
    if (rc != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

rd_kafka_t *
journal_kafka_client_consumer(journal_kafka_t *k, const config_t *cf, char *err, size_t errlen)
{
    /* Records of open or aborted transactions (a deposed leader's) are
     * never applied; non-transactional ones (Confluent's) all are. */
    rd_kafka_conf_t *conf =
        journal_kafka_client_consumer_conf(k, cf, "read_committed", err, errlen);
    if (conf == NULL)
        return NULL;
    rd_kafka_t *rk = journal_kafka_client_new(RD_KAFKA_CONSUMER, conf, err, errlen);
    if (rk != NULL)
        rd_kafka_poll_set_consumer(rk);
    return rk;
}

void
journal_kafka_client_log_version(const config_t *cf)
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
