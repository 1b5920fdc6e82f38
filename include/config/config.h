/*
 * config.h - schemad's settings: a Java-style properties file with
 * Confluent Schema Registry's names where they exist, overridden by
 * SCHEMA_REGISTRY_* environment variables the way Confluent's container
 * maps them (SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS ->
 * kafkastore.bootstrap.servers).
 */
#ifndef SCHEMAD_CONFIG_H
#define SCHEMAD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "config_kafka.h"
#include "config_listener.h"

#define CONFIG_MAX_LISTENERS 8

typedef struct config {
    char *path;                         /* the file read, or NULL */

    config_listener_t listeners[CONFIG_MAX_LISTENERS];
    int nlisteners;
    char *host_name;                    /* host.name */
    int advertised;                     /* the listener other nodes reach (inter.instance.protocol) */
    int inter_instance_tls;             /* inter.instance.protocol: -1 unset, 0 http, 1 https */
    int leader_connect_ms;              /* leader.connect.timeout.ms */
    int leader_read_ms;                 /* leader.read.timeout.ms */
    char *ssl_cert;                     /* ssl.certificate.location (PEM) */
    char *ssl_key;                      /* ssl.key.location (PEM) */
    int ssl_pkcs12;                     /* ssl_cert is a PKCS#12 keystore: key and chain */
    char *ssl_keystore_password;        /* ssl.keystore.password (PKCS#12) */
    char *ssl_key_password;             /* ssl.key.password (an encrypted PEM key) */
    char *relay_truststore;             /* ssl.truststore.location: the CAs a follower trusts
                                           in the leader's certificate; NULL: the system's */
    int relay_truststore_pem;           /* it is PEM, else PKCS#12 */
    char *relay_truststore_password;    /* ssl.truststore.password (PKCS#12) */
    int relay_verify_host;              /* ssl.endpoint.identification.algorithm=https (default) */

    char *journal;                      /* "file" or "kafka" */
    char *data_dir;                     /* data.dir for the file journal */
    int workers;                        /* 0 = number of cores */
    size_t table_size;                  /* table.size bytes reserved */
    int leader_eligibility;             /* leader.eligibility */
    int validate_new_schemas;           /* schema.validate.new.schemas (dialect 8) */

    size_t request_max_bytes;           /* request.max.bytes: largest body */
    int max_connections;                /* http.max.connections.per.worker */
    size_t worker_max_memory;           /* http.max.memory.per.worker, 0 = none */
    int h2_max_streams;                 /* http2.max.concurrent.streams */
    int idle_timeout_ms;                /* idle.timeout.ms */

    char *bootstrap_servers;            /* kafkastore.bootstrap.servers */
    char *topic;                        /* kafkastore.topic */
    int topic_replication_factor;       /* kafkastore.topic.replication.factor */
    int init_timeout_ms;                /* kafkastore.init.timeout.ms */
    int timeout_ms;                     /* kafkastore.timeout.ms */
    char *security_protocol;            /* kafkastore.security.protocol */
    char *sasl_mechanism;               /* kafkastore.sasl.mechanism */
    char *sasl_username;                /* from jaas.config or kafkastore.sasl.username */
    char *sasl_password;
    /* Other kafkastore.* settings (ssl.*, ...), prefix stripped, for librdkafka. */
    config_kv_t *kafka_extra;
    size_t nkafka_extra;

    char *compatibility_level;          /* schema.compatibility.level, upper case */
    char *group_id;                     /* schema.registry.group.id */
    int group_session_ms;               /* kafkagroup.session.timeout.ms */
    int group_heartbeat_ms;             /* kafkagroup.heartbeat.interval.ms */
    int mode_mutability;                /* mode.mutability */
    int confluent_version;              /* confluent.version: 7 or 8, the dialect answered */
    char *log_level;                    /* log.level: debug|info|warn|error */
} config_t;

/**
 * Read `path` (NULL: defaults only), then apply the environment.  Returns a
 * config the caller frees with config_free(), or NULL with one message
 * naming the cause (file, line, key) in err[errlen].
 */
config_t *config_load(const char *path, char **environ_, char *err, size_t errlen);

void config_free(config_t *cf);

/** The effective number of workers (resolves 0 to the core count). */
int config_workers(const config_t *cf);

#endif
