/*
 * config_kafka.h - the Kafka client settings (kafkastore.*), named as
 * Confluent's Java client names them, turned into librdkafka's: bootstrap
 * endpoints filtered by the security protocol, key and trust stores
 * checked and mapped, names renamed, Java-only settings dropped.
 */
#ifndef SCHEMAD_CONFIG_KAFKA_H
#define SCHEMAD_CONFIG_KAFKA_H

#include <stddef.h>

/** One key=value pair kept verbatim (kafkastore.* pass-through). */
typedef struct config_kv {
    char *key;
    char *value;
} config_kv_t;

/** Settings by name, a later set replacing an earlier one; owns its strings. */
typedef struct config_kafka_list {
    config_kv_t *v;
    size_t n;
} config_kafka_list_t;

void config_kafka_set(config_kafka_list_t *l, const char *key, const char *val);
/** The value of `key`, or NULL; the list owns it. */
const char *config_kafka_get(const config_kafka_list_t *l, const char *key);
/** Free `n` pairs and the array. */
void config_kafka_free(config_kv_t *v, size_t n);

/**
 * Keep the endpoints of a bootstrap.servers list whose "PROTO://" matches
 * `protocol` (or that have none), without the prefix; warn about the
 * others.  Returns the list for librdkafka (caller frees), or NULL with
 * err set when none is left.
 */
char *config_kafka_bootstrap(const char *raw, const char *protocol, char *err, size_t errlen);

/**
 * The librdkafka settings for the Java client settings `java` into `out`
 * (empty on entry; the caller frees it).  A PKCS#12 trust store is read
 * now and given as ssl.ca.pem.  Returns 0, or -1 with err set (a JKS
 * store, an unreadable PKCS#12 trust store).
 */
int config_kafka_translate(const config_kafka_list_t *java, config_kafka_list_t *out, char *err,
                           size_t errlen);

#endif
