/*
 * config.c - read schemad.properties (Java properties syntax, Confluent
 * Schema Registry's setting names) and the SCHEMA_REGISTRY_* environment.
 *
 * Loading runs in three steps: the file, then the environment (which
 * overrides it), then a final pass that resolves settings depending on one
 * another (journal default, deprecated aliases, bootstrap endpoints versus
 * security protocol, SASL credentials, Java client names for librdkafka).
 * Settings are applied in any order, so nothing that depends on another
 * setting is decided before the final pass.
 */
#include "config.h"
#include "config_env.h"
#include "jaas.h"
#include "properties.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "text.h"
#include "tls_store.h"


/* State that lives only while loading: values resolved in the final pass. */
typedef struct loader {
    config_t *cf;
    char *err;
    size_t errlen;
    char origin[PATH_MAX + 64];     /* "file:line" or "environment variable X" */

    int listeners_set;
    int port;                       /* deprecated `port`, 0 = unset */
    char *avro_level;               /* avro.compatibility.level, upper case */
    char *raw_bootstrap;            /* kafkastore.bootstrap.servers as given */
    jaas_t jaas;                    /* kafkastore.sasl.jaas.config */
    char *keystore;                 /* listener ssl.keystore.location */
    char *keystore_type;            /* listener ssl.keystore.type: PEM or PKCS12 */
    char *truststore;               /* ssl.truststore.location */
    char *truststore_type;          /* ssl.truststore.type: PKCS12 (default), PEM, JKS */
    char *truststore_password;      /* ssl.truststore.password */
    config_kafka_list_t kafka;      /* kafkastore.* with Java names */
} loader_t;

typedef int (*setter_fn)(loader_t *ld, const char *key, const char *val);

enum { K_STR, K_NONEMPTY, K_INT, K_BOOL, K_FN };

typedef struct setting {
    const char *key;
    int kind;
    size_t off;                     /* field in config_t for K_STR..K_BOOL */
    int min, max;                   /* K_INT range */
    setter_fn fn;                   /* K_FN */
} setting_t;

static int config__fail(loader_t *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int config__bad(loader_t *ld, const char *key, const char *val,
                       const char *why);
static int config__set(loader_t *ld, const char *key, const char *val);

/* ---- small helpers -------------------------------------------------- */

static int
config__fail(loader_t *ld, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ld->err, ld->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int
config__bad(loader_t *ld, const char *key, const char *val, const char *why)
{
    return config__fail(ld, "bad value '%s' for %s (%s): %s",
                        val, key, ld->origin, why);
}

static void
config__replace(char **field, const char *val)
{
    free(*field);
    *field = val != NULL ? mem_strdup(val) : NULL;
}

static int
config__parse_int(const char *s, int min, int max, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* Java's ConfigDef booleans: "true" or "false", any case. */
static int
config__parse_bool(const char *s, int *out)
{
    if (strcasecmp(s, "true") == 0) {
        *out = 1;
        return 0;
    }
    if (strcasecmp(s, "false") == 0) {
        *out = 0;
        return 0;
    }
    return -1;
}

/* Bytes with an optional K, M, G or T suffix (powers of 1024, "B" allowed). */
static int
config__parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v, mult = 1;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0)
        return -1;
    switch (toupper((unsigned char)*end)) {
    case 'K': mult = 1ULL << 10; end++; break;
    case 'M': mult = 1ULL << 20; end++; break;
    case 'G': mult = 1ULL << 30; end++; break;
    case 'T': mult = 1ULL << 40; end++; break;
    default: break;
    }
    if (toupper((unsigned char)*end) == 'B')
        end++;
    if (*end != '\0' || v > SIZE_MAX / mult)
        return -1;
    *out = (size_t)(v * mult);
    return 0;
}

/* ---- listeners ------------------------------------------------------- */

static int
config__set_listeners(loader_t *ld, const char *key, const char *val)
{
    config_t *cf = ld->cf;
    char *copy = mem_strdup(val), *save = NULL;
    int n = 0;

    for (char *tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        char *item = text_trim(tok, strlen(tok));
        int rc = 0;

        if (item[0] == '\0') {
            free(item);
            continue;
        }
        if (n == CONFIG_MAX_LISTENERS)
            rc = config__bad(ld, key, val, "too many listeners");
        else if (config_listener_parse(item, &cf->listeners[n]) < 0)
            rc = config__fail(ld, "bad listener '%s' in %s (%s): expected "
                              "http://host:port or https://host:port with "
                              "a port from 1 to 65535", item, key, ld->origin);
        free(item);
        if (rc < 0) {
            free(copy);
            return -1;
        }
        n++;
    }
    free(copy);
    cf->nlisteners = n;
    ld->listeners_set = n > 0;
    return 0;
}

static int
config__set_port(loader_t *ld, const char *key, const char *val)
{
    if (config__parse_int(val, 1, 65535, &ld->port) < 0)
        return config__bad(ld, key, val, "expected a port from 1 to 65535");
    return 0;
}

/* ---- individual settings -------------------------------------------- */

static int
config__set_host_name(loader_t *ld, const char *key, const char *val)
{
    (void)key;
    if (val[0] != '\0')
        config__replace(&ld->cf->host_name, val);
    return 0;
}

static int
config__set_inter_protocol(loader_t *ld, const char *key, const char *val)
{
    if (strcasecmp(val, "http") == 0)
        ld->cf->inter_instance_tls = 0;
    else if (strcasecmp(val, "https") == 0)
        ld->cf->inter_instance_tls = 1;
    else
        return config__fail(ld, "%s must be http or https, not '%s'", key, val);
    return 0;
}

/* -1 asks the broker for its default.replication.factor (KIP-464). */
static int
config__set_replication(loader_t *ld, const char *key, const char *val)
{
    int v;

    if (config__parse_int(val, -1, 32767, &v) < 0 || v == 0)
        return config__bad(ld, key, val, "expected -1 or an integer from 1 to 32767");
    ld->cf->topic_replication_factor = v;
    return 0;
}

static int
config__set_journal(loader_t *ld, const char *key, const char *val)
{
    if (strcasecmp(val, "file") == 0)
        config__replace(&ld->cf->journal, "file");
    else if (strcasecmp(val, "kafka") == 0)
        config__replace(&ld->cf->journal, "kafka");
    else
        return config__bad(ld, key, val, "expected file or kafka");
    return 0;
}

static int
config__set_table_size(loader_t *ld, const char *key, const char *val)
{
    size_t v;

    if (config__parse_size(val, &v) < 0)
        return config__bad(ld, key, val,
                           "expected a byte count with an optional K, M or G suffix");
    if (v < ((size_t)1 << 20))
        return config__bad(ld, key, val, "must be at least 1M");
    ld->cf->table_size = v;
    return 0;
}

static int
config__set_request_max(loader_t *ld, const char *key, const char *val)
{
    size_t v;

    if (config__parse_size(val, &v) < 0)
        return config__bad(ld, key, val,
                           "expected a byte count with an optional K, M or G suffix");
    if (v < 1024 || v > ((size_t)1 << 30))
        return config__bad(ld, key, val, "must be between 1K and 1G");
    ld->cf->request_max_bytes = v;
    return 0;
}

static int
config__set_worker_memory(loader_t *ld, const char *key, const char *val)
{
    size_t v;

    if (config__parse_size(val, &v) < 0)
        return config__bad(ld, key, val,
                           "expected a byte count with an optional K, M or G suffix");
    if (v != 0 && v < ((size_t)16 << 20))
        return config__bad(ld, key, val, "must be 0 (no limit) or at least 16M");
    ld->cf->worker_max_memory = v;
    return 0;
}

static const char *const config__levels[] = {
    "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
    "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE",
};

static int
config__check_level(loader_t *ld, const char *key, const char *val, char **out)
{
    for (size_t i = 0; i < sizeof(config__levels) / sizeof(config__levels[0]); i++) {
        if (strcasecmp(val, config__levels[i]) == 0) {
            config__replace(out, config__levels[i]);
            return 0;
        }
    }
    return config__bad(ld, key, val, "expected none, backward, forward, full "
                       "or one of their _transitive forms");
}

static int
config__set_compat(loader_t *ld, const char *key, const char *val)
{
    return config__check_level(ld, key, val, &ld->cf->compatibility_level);
}

/* Deprecated; an empty value means "not set", as in Confluent. */
static int
config__set_avro_compat(loader_t *ld, const char *key, const char *val)
{
    if (val[0] == '\0') {
        config__replace(&ld->avro_level, NULL);
        return 0;
    }
    return config__check_level(ld, key, val, &ld->avro_level);
}

static int
config__set_log_level(loader_t *ld, const char *key, const char *val)
{
    static const char *const names[] = {
        [LOG_LVL_ERROR] = "error", [LOG_LVL_WARN] = "warn",
        [LOG_LVL_INFO] = "info", [LOG_LVL_DEBUG] = "debug",
    };
    int lvl = log_level_parse(val);

    if (lvl < 0 || val[0] == '\0')
        return config__bad(ld, key, val, "expected debug, info, warn or error");
    config__replace(&ld->cf->log_level, names[lvl]);
    return 0;
}

static int
config__set_bootstrap(loader_t *ld, const char *key, const char *val)
{
    (void)key;
    config__replace(&ld->raw_bootstrap, val[0] != '\0' ? val : NULL);
    return 0;
}

static int
config__set_protocol(loader_t *ld, const char *key, const char *val)
{
    static const char *const names[] = {
        "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(val, names[i]) == 0) {
            config__replace(&ld->cf->security_protocol, names[i]);
            return 0;
        }
    }
    return config__bad(ld, key, val,
                       "expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
}

static int
config__set_mechanism(loader_t *ld, const char *key, const char *val)
{
    static const char *const names[] = {
        "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(val, names[i]) == 0) {
            config__replace(&ld->cf->sasl_mechanism, names[i]);
            return 0;
        }
    }
    return config__bad(ld, key, val,
                       "expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
}

/* ---- JAAS ------------------------------------------------------------ */

static int
config__set_jaas(loader_t *ld, const char *key, const char *val)
{
    int rc;

    jaas_clear(&ld->jaas);
    if (val[0] == '\0')
        return 0;
    rc = jaas_parse(val, &ld->jaas);
    if (rc == JAAS_EMODULE)
        return config__fail(ld, "unsupported login module in %s (%s): only "
                            "PlainLoginModule and ScramLoginModule are supported",
                            key, ld->origin);
    if (rc == JAAS_ECREDENTIALS)
        return config__fail(ld, "%s (%s) must give username=\"...\" and "
                            "password=\"...\"", key, ld->origin);
    if (rc < 0)
        return config__fail(ld, "malformed %s (%s): expected '<LoginModule> "
                            "required username=\"u\" password=\"p\";'",
                            key, ld->origin);
    return 0;
}

/* ---- HTTPS listener certificate ------------------------------------- */

static int
config__set_keystore(loader_t *ld, const char *key, const char *val)
{
    (void)key;
    config__replace(&ld->keystore, val[0] != '\0' ? val : NULL);
    return 0;
}

static int
config__set_keystore_type(loader_t *ld, const char *key, const char *val)
{
    if (strcasecmp(val, "JKS") == 0)
        return config__bad(ld, key, val, "JKS keystores are not supported; convert it "
                           "with 'keytool -importkeystore -srckeystore KEYSTORE.jks "
                           "-destkeystore KEYSTORE.p12 -deststoretype PKCS12' and set "
                           "ssl.keystore.type=PKCS12, or give PEM files");
    if (strcasecmp(val, "PEM") != 0 && strcasecmp(val, "PKCS12") != 0)
        return config__bad(ld, key, val, "expected PEM or PKCS12");
    config__replace(&ld->keystore_type, strcasecmp(val, "PEM") == 0 ? "PEM" : "PKCS12");
    return 0;
}

static int
config__set_client_auth(loader_t *ld, const char *key, const char *val)
{
    if (strcasecmp(val, "NONE") != 0 && strcasecmp(val, "false") != 0 &&
        val[0] != '\0')
        return config__bad(ld, key, val,
                           "client certificate authentication is not supported");
    return 0;
}

static void config__free_secret(char *s);

/* Kept until the end: the store is read once all three are known. */
static int
config__set_truststore(loader_t *ld, const char *key, const char *val)
{
    char **slot = strcmp(key, "ssl.truststore.location") == 0 ? &ld->truststore
                  : strcmp(key, "ssl.truststore.type") == 0 ? &ld->truststore_type
                  : &ld->truststore_password;
    config__free_secret(*slot);
    *slot = mem_strdup(val);
    return 0;
}

/* Kafka's SslConfigs: "https" checks the peer's name, empty does not. */
static int
config__set_endpoint_id(loader_t *ld, const char *key, const char *val)
{
    if (val[0] != '\0' && strcasecmp(val, "https") != 0)
        return config__bad(ld, key, val, "use https, or an empty value to skip the check");
    ld->cf->relay_verify_host = val[0] != '\0';
    return 0;
}

static int
config__set_auth_method(loader_t *ld, const char *key, const char *val)
{
    if (strcasecmp(val, "NONE") != 0 && val[0] != '\0')
        return config__bad(ld, key, val, "only NONE is supported");
    return 0;
}

static int
config__set_zookeeper(loader_t *ld, const char *key, const char *val)
{
    if (val[0] == '\0')
        return 0;
    return config__bad(ld, key, val, "ZooKeeper is not supported; set "
                       "kafkastore.bootstrap.servers");
}

/* ---- the setting table ---------------------------------------------- */

#define F(field) offsetof(config_t, field)

static const setting_t config__settings[] = {
    { "listeners", K_FN, 0, 0, 0, config__set_listeners },
    { "port", K_FN, 0, 0, 0, config__set_port },
    { "host.name", K_FN, 0, 0, 0, config__set_host_name },
    { "ssl.certificate.location", K_STR, F(ssl_cert), 0, 0, NULL },
    { "ssl.key.location", K_STR, F(ssl_key), 0, 0, NULL },
    { "ssl.keystore.location", K_FN, 0, 0, 0, config__set_keystore },
    { "ssl.keystore.type", K_FN, 0, 0, 0, config__set_keystore_type },
    { "ssl.keystore.password", K_STR, F(ssl_keystore_password), 0, 0, NULL },
    { "ssl.key.password", K_STR, F(ssl_key_password), 0, 0, NULL },
    { "ssl.truststore.location", K_FN, 0, 0, 0, config__set_truststore },
    { "ssl.truststore.type", K_FN, 0, 0, 0, config__set_truststore },
    { "ssl.truststore.password", K_FN, 0, 0, 0, config__set_truststore },
    { "ssl.endpoint.identification.algorithm", K_FN, 0, 0, 0, config__set_endpoint_id },
    { "ssl.client.authentication", K_FN, 0, 0, 0, config__set_client_auth },
    { "ssl.client.auth", K_FN, 0, 0, 0, config__set_client_auth },
    { "authentication.method", K_FN, 0, 0, 0, config__set_auth_method },
    { "journal", K_FN, 0, 0, 0, config__set_journal },
    { "data.dir", K_NONEMPTY, F(data_dir), 0, 0, NULL },
    { "workers", K_INT, F(workers), 0, 1024, NULL },
    { "table.size", K_FN, 0, 0, 0, config__set_table_size },
    { "request.max.bytes", K_FN, 0, 0, 0, config__set_request_max },
    { "http.max.connections.per.worker", K_INT, F(max_connections), 1, 1000000, NULL },
    { "http.max.memory.per.worker", K_FN, 0, 0, 0, config__set_worker_memory },
    { "http2.max.concurrent.streams", K_INT, F(h2_max_streams), 1, 100, NULL },
    { "idle.timeout.ms", K_INT, F(idle_timeout_ms), 100, 3600000, NULL },
    { "inter.instance.protocol", K_FN, 0, 0, 0, config__set_inter_protocol },
    { "schema.registry.inter.instance.protocol", K_FN, 0, 0, 0, config__set_inter_protocol },
    { "leader.connect.timeout.ms", K_INT, F(leader_connect_ms), 1, INT_MAX, NULL },
    { "master.connect.timeout.ms", K_INT, F(leader_connect_ms), 1, INT_MAX, NULL },
    { "leader.read.timeout.ms", K_INT, F(leader_read_ms), 1, INT_MAX, NULL },
    { "master.read.timeout.ms", K_INT, F(leader_read_ms), 1, INT_MAX, NULL },
    { "leader.eligibility", K_BOOL, F(leader_eligibility), 0, 0, NULL },
    { "schema.validate.new.schemas", K_BOOL, F(validate_new_schemas), 0, 0, NULL },
    { "master.eligibility", K_BOOL, F(leader_eligibility), 0, 0, NULL },
    { "kafkastore.bootstrap.servers", K_FN, 0, 0, 0, config__set_bootstrap },
    { "kafkastore.connection.url", K_FN, 0, 0, 0, config__set_zookeeper },
    { "kafkastore.topic", K_NONEMPTY, F(topic), 0, 0, NULL },
    { "kafkastore.topic.replication.factor", K_FN, 0, 0, 0,
      config__set_replication },
    { "kafkastore.init.timeout.ms", K_INT, F(init_timeout_ms), 0, INT_MAX, NULL },
    { "kafkastore.timeout.ms", K_INT, F(timeout_ms), 0, INT_MAX, NULL },
    { "kafkastore.security.protocol", K_FN, 0, 0, 0, config__set_protocol },
    { "kafkastore.sasl.mechanism", K_FN, 0, 0, 0, config__set_mechanism },
    { "kafkastore.sasl.jaas.config", K_FN, 0, 0, 0, config__set_jaas },
    { "kafkastore.sasl.username", K_STR, F(sasl_username), 0, 0, NULL },
    { "kafkastore.sasl.password", K_STR, F(sasl_password), 0, 0, NULL },
    { "schema.compatibility.level", K_FN, 0, 0, 0, config__set_compat },
    { "avro.compatibility.level", K_FN, 0, 0, 0, config__set_avro_compat },
    { "schema.registry.group.id", K_NONEMPTY, F(group_id), 0, 0, NULL },
    { "kafkagroup.session.timeout.ms", K_INT, F(group_session_ms), 1, INT_MAX, NULL },
    { "kafkagroup.heartbeat.interval.ms", K_INT, F(group_heartbeat_ms), 1, INT_MAX, NULL },
    { "mode.mutability", K_BOOL, F(mode_mutability), 0, 0, NULL },
    { "confluent.version", K_INT, F(confluent_version), 7, 8, NULL },
    { "log.level", K_FN, 0, 0, 0, config__set_log_level },
};

#undef F

/* Confluent settings that change nothing here (JVM, REST tuning, caches). */
static const char *const config__ignored[] = {
    "debug", "host.port", "kafkastore.group.id",
    "kafkastore.write.max.retries", "kafkastore.init.wait.for.reader",
    "kafkastore.topic.skip.validation", "kafkastore.checkpoint.dir",
    "kafkastore.checkpoint.version", "kafkastore.update.handlers",
    "kafkastore.zk.session.timeout.ms", "zookeeper.set.acl",
    "inter.instance.listener.name", "inter.instance.headers.whitelist",
    "leader.election.sticky", "leader.election.delay",
    "schema.cache.size", "schema.cache.expiry.secs", "schema.validate.fields",
    "schema.providers", "schema.canonicalize.on.consume",
    "metadata.encoder.topic", "authentication.realm", "authentication.roles",
    "ssl.protocol",
    "ssl.enabled.protocols", "ssl.cipher.suites", "ssl.provider",
    "ssl.keymanager.algorithm",
    "ssl.trustmanager.algorithm", "request.logger.name",
    "shutdown.graceful.ms", "compression.enable",
    "metrics.jmx.prefix", "metrics.reporters", "metrics.num.samples",
    "metrics.sample.window.ms", "metric.reporters",
};

static const char *const config__ignored_prefixes[] = {
    "access.control.allow.", "response.mediatype.", "kafkagroup.",
    "kafkastore.topic.config.", "schema.search.", "subject.search.",
    "subject.version.search.", "context.search.", "size.limit.filter.",
    "metrics.tag.",
};

static int
config__apply(loader_t *ld, const setting_t *s, const char *key, const char *val)
{
    char *base = (char *)ld->cf;

    switch (s->kind) {
    case K_NONEMPTY:
        if (val[0] == '\0')
            return config__bad(ld, key, val, "must not be empty");
        /* fall through */
    case K_STR:
        config__replace((char **)(void *)(base + s->off), val[0] ? val : NULL);
        return 0;
    case K_INT:
        if (config__parse_int(val, s->min, s->max, (int *)(void *)(base + s->off)) == 0)
            return 0;
        {
            char why[96];

            snprintf(why, sizeof(why), "expected an integer from %d to %d",
                     s->min, s->max);
            return config__bad(ld, key, val, why);
        }
    case K_BOOL:
        if (config__parse_bool(val, (int *)(void *)(base + s->off)) < 0)
            return config__bad(ld, key, val, "expected true or false");
        return 0;
    default:
        return s->fn(ld, key, val);
    }
}

static int
config__ignored_key(const char *key)
{
    for (size_t i = 0; i < sizeof(config__ignored) / sizeof(config__ignored[0]); i++)
        if (strcmp(key, config__ignored[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof(config__ignored_prefixes) /
                           sizeof(config__ignored_prefixes[0]); i++) {
        const char *p = config__ignored_prefixes[i];

        if (strncmp(key, p, strlen(p)) == 0)
            return 1;
    }
    return 0;
}

static int
config__set(loader_t *ld, const char *key, const char *val)
{
    for (size_t i = 0; i < sizeof(config__settings) / sizeof(config__settings[0]); i++)
        if (strcmp(key, config__settings[i].key) == 0)
            return config__apply(ld, &config__settings[i], key, val);
    if (config__ignored_key(key))
        return 0;
    if (strncmp(key, "kafkastore.", 11) == 0 && key[11] != '\0') {
        config_kafka_set(&ld->kafka, key + 11, val);
        return 0;
    }
    return config__fail(ld, "unknown setting '%s' (%s)", key, ld->origin);
}

/* ---- properties file ------------------------------------------------- */

typedef struct config_file {
    loader_t *ld;
    const char *path;
} config_file_t;

static int
config__on_property(void *ctx, const char *key, const char *val, int line)
{
    config_file_t *cf = ctx;
    snprintf(cf->ld->origin, sizeof(cf->ld->origin), "%s:%d", cf->path, line);
    if (key == NULL || val == NULL)
        return config__fail(cf->ld, "malformed \\uXXXX escape (%s)", cf->ld->origin);
    return config__set(cf->ld, key, val);
}

static int
config__read_file(loader_t *ld, const char *path)
{
    FILE *f = fopen(path, "rb");
    buf_t b = {0};
    char chunk[8192];
    size_t n;
    int rc;

    if (f == NULL)
        return config__fail(ld, "cannot open %s: %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    if (ferror(f)) {
        rc = config__fail(ld, "cannot read %s: %s", path, strerror(errno));
        fclose(f);
        buf_free(&b);
        return rc;
    }
    fclose(f);
    config_file_t file = {ld, path};
    rc = properties_parse(b.data ? b.data : "", b.len, config__on_property, &file);
    buf_free(&b);
    return rc;
}

/* ---- environment ----------------------------------------------------- */

static int
config__read_env(loader_t *ld, char **env)
{
    size_t plen = strlen(CONFIG_ENV_PREFIX);

    for (; env != NULL && *env != NULL; env++) {
        const char *var = *env, *eq = strchr(var, '=');
        char *key, *val;
        int rc;

        if (eq == NULL || strncmp(var, CONFIG_ENV_PREFIX, plen) != 0)
            continue;
        key = config_env_key(var + plen, (size_t)(eq - var) - plen);
        if (key == NULL)
            continue;
        val = text_trim(eq + 1, strlen(eq + 1));
        snprintf(ld->origin, sizeof(ld->origin), "environment variable %.*s",
                 (int)(eq - var), var);
        rc = config__set(ld, key, val);
        free(key);
        free(val);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- final pass ------------------------------------------------------ */

static int
config__resolve_bootstrap(loader_t *ld)
{
    if (ld->raw_bootstrap == NULL)
        return 0;
    ld->cf->bootstrap_servers = config_kafka_bootstrap(ld->raw_bootstrap,
                                                       ld->cf->security_protocol,
                                                       ld->err, ld->errlen);
    return ld->cf->bootstrap_servers != NULL ? 0 : -1;
}

static int
config__resolve_kafka(loader_t *ld)
{
    config_kafka_list_t out = {0};

    if (config_kafka_translate(&ld->kafka, &out, ld->err, ld->errlen) < 0) {
        config_kafka_free(out.v, out.n);
        return -1;
    }
    ld->cf->kafka_extra = out.v;
    ld->cf->nkafka_extra = out.n;
    return 0;
}

static int
config__resolve_sasl(loader_t *ld)
{
    config_t *cf = ld->cf;

    if (cf->sasl_username == NULL && ld->jaas.username != NULL)
        cf->sasl_username = mem_strdup(ld->jaas.username);
    if (cf->sasl_password == NULL && ld->jaas.password != NULL)
        cf->sasl_password = mem_strdup(ld->jaas.password);
    if (strncmp(cf->security_protocol, "SASL_", 5) != 0)
        return 0;
    /* Kafka's own default is GSSAPI, which librdkafka cannot do here. */
    if (cf->sasl_mechanism == NULL && ld->jaas.module == JAAS_PLAIN)
        cf->sasl_mechanism = mem_strdup("PLAIN");
    if (cf->sasl_mechanism == NULL)
        return config__fail(ld, "kafkastore.security.protocol=%s needs "
                            "kafkastore.sasl.mechanism (PLAIN, SCRAM-SHA-256 "
                            "or SCRAM-SHA-512)", cf->security_protocol);
    if ((ld->jaas.module == JAAS_PLAIN && strcmp(cf->sasl_mechanism, "PLAIN") != 0) ||
        (ld->jaas.module == JAAS_SCRAM && strcmp(cf->sasl_mechanism, "PLAIN") == 0))
        return config__fail(ld, "kafkastore.sasl.jaas.config names a login "
                            "module that does not match kafkastore.sasl.mechanism=%s",
                            cf->sasl_mechanism);
    if (cf->sasl_username == NULL || cf->sasl_password == NULL)
        return config__fail(ld, "kafkastore.security.protocol=%s needs a user "
                            "name and password (kafkastore.sasl.jaas.config or "
                            "kafkastore.sasl.username and kafkastore.sasl.password)",
                            cf->security_protocol);
    return 0;
}

/* The listener keystore's type: the one set, else told by the file name. */
static const char *
config__keystore_type(const loader_t *ld)
{
    if (ld->keystore_type != NULL)
        return ld->keystore_type;
    if (text_ends_with(ld->keystore, ".pem", 1))
        return "PEM";
    if (text_ends_with(ld->keystore, ".p12", 1) || text_ends_with(ld->keystore, ".pfx", 1))
        return "PKCS12";
    return NULL;
}

static int
config__resolve_tls(loader_t *ld)
{
    config_t *cf = ld->cf;

    if (ld->keystore != NULL && cf->ssl_cert == NULL) {
        const char *type = config__keystore_type(ld);

        if (type == NULL && text_ends_with(ld->keystore, ".jks", 1)) {
            char hint[512];

            tls_store_jks_hint(ld->keystore, hint, sizeof(hint));
            return config__fail(ld, "ssl.keystore.location '%s': JKS keystores are not "
                                "supported; %s and set ssl.keystore.type=PKCS12, or give "
                                "PEM files", ld->keystore, hint);
        }
        if (type == NULL)
            return config__fail(ld, "ssl.keystore.location '%s': set ssl.keystore.type "
                                "(PKCS12, or PEM for one file holding the certificate and "
                                "key), or set ssl.certificate.location and ssl.key.location",
                                ld->keystore);
        cf->ssl_cert = mem_strdup(ld->keystore);
        cf->ssl_pkcs12 = strcmp(type, "PKCS12") == 0;
    }
    /* OpenSSL reads a PKCS#12 file with one password, as keytool writes them. */
    if (cf->ssl_pkcs12 && cf->ssl_key_password != NULL && cf->ssl_key_password[0] != '\0' &&
        (cf->ssl_keystore_password == NULL ||
         strcmp(cf->ssl_key_password, cf->ssl_keystore_password) != 0))
        return config__fail(ld, "ssl.key.password differs from ssl.keystore.password: "
                            "a PKCS#12 keystore is read with its store password");
    if (cf->ssl_key == NULL && cf->ssl_cert != NULL)
        cf->ssl_key = mem_strdup(cf->ssl_cert);
    for (int i = 0; i < cf->nlisteners; i++)
        if (cf->listeners[i].tls && cf->ssl_cert == NULL)
            return config__fail(ld, "an https listener needs "
                                "ssl.certificate.location and ssl.key.location "
                                "(PEM), or ssl.keystore.location");
    return 0;
}

/*
 * The CAs a follower trusts in the leader's certificate when it relays a
 * write over HTTPS (Confluent's forwarding uses the ssl.truststore.*
 * settings; without them the JVM's, here the system's).  The type defaults
 * by the file's name: .jks is JKS (not read: a warning with keytool's
 * command), .pem and .crt are PEM, anything else PKCS#12.
 */
static int
config__resolve_trust(loader_t *ld)
{
    const char *path = ld->truststore, *type = ld->truststore_type;
    if (path == NULL || path[0] == '\0')
        return 0;
    if (type == NULL || type[0] == '\0')
        type = text_ends_with(path, ".jks", 1) ? "JKS"
               : text_ends_with(path, ".pem", 1) || text_ends_with(path, ".crt", 1) ? "PEM"
               : "PKCS12";
    char why[512];
    /* Confluent's listeners are often set up with a JKS store this node
     * cannot read; it matters only to relaying over https, so it is said,
     * not refused. */
    if (strcasecmp(type, "JKS") == 0) {
        tls_store_jks_hint(path, why, sizeof(why));
        log_warn("ssl.truststore.location '%s': JKS trust stores are not read; a write "
                 "relayed to an https leader trusts the system's CAs instead: %s and set "
                 "ssl.truststore.type=PKCS12", path, why);
        return 0;
    }
    if (strcasecmp(type, "PEM") != 0 && strcasecmp(type, "PKCS12") != 0)
        return config__fail(ld, "ssl.truststore.type '%s': use PKCS12 or PEM", type);
    /* Read by the workers' setup (http_init), where a failure stops the start. */
    ld->cf->relay_truststore = mem_strdup(path);
    ld->cf->relay_truststore_pem = strcasecmp(type, "PEM") == 0;
    if (ld->truststore_password != NULL)
        ld->cf->relay_truststore_password = mem_strdup(ld->truststore_password);
    return 0;
}

/* The listener other nodes forward writes to: the first of the scheme
 * inter.instance.protocol names (Confluent refuses to start without one),
 * or the first listener when the setting is absent. */
static int
config__resolve_advertised(loader_t *ld)
{
    config_t *cf = ld->cf;
    cf->advertised = 0;
    if (cf->inter_instance_tls < 0)
        return 0;
    for (int i = 0; i < cf->nlisteners; i++) {
        if (cf->listeners[i].tls == cf->inter_instance_tls) {
            cf->advertised = i;
            return 0;
        }
    }
    return config__fail(ld, "inter.instance.protocol is %s but no listener uses that scheme",
                        cf->inter_instance_tls ? "https" : "http");
}

static int
config__finish(loader_t *ld)
{
    config_t *cf = ld->cf;

    if (!ld->listeners_set) {
        cf->nlisteners = 1;
        cf->listeners[0] = (config_listener_t){ .tls = 0, .host = "",
                                                .port = ld->port ? ld->port : 8081 };
    }
    if (ld->avro_level != NULL)
        config__replace(&cf->compatibility_level, ld->avro_level);
    if (config__resolve_advertised(ld) < 0)
        return -1;
    if (cf->host_name == NULL) {
        char host[256] = "localhost";

        if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
            snprintf(host, sizeof(host), "localhost");
        host[sizeof(host) - 1] = '\0';
        cf->host_name = mem_strdup(host);
    }
    if (cf->journal == NULL)
        cf->journal = mem_strdup(ld->raw_bootstrap != NULL ? "kafka" : "file");
    if (strcmp(cf->journal, "kafka") == 0 && ld->raw_bootstrap == NULL)
        return config__fail(ld, "journal=kafka needs kafkastore.bootstrap.servers");
    if (config__resolve_bootstrap(ld) < 0 || config__resolve_sasl(ld) < 0 ||
        config__resolve_kafka(ld) < 0 || config__resolve_tls(ld) < 0 ||
        config__resolve_trust(ld) < 0)
        return -1;
    return 0;
}

/* ---- public API ------------------------------------------------------ */

static config_t *
config__defaults(void)
{
    config_t *cf = mem_calloc(1, sizeof(*cf));

    cf->data_dir = mem_strdup("/var/lib/schemad");
    cf->table_size = (size_t)4 << 30;
    cf->leader_eligibility = 1;
    cf->validate_new_schemas = 1;
    cf->inter_instance_tls = -1;
    cf->relay_verify_host = 1;
    cf->leader_connect_ms = 60000;    /* Confluent's defaults */
    cf->leader_read_ms = 60000;
    cf->request_max_bytes = (size_t)16 << 20;
    cf->max_connections = 1024;
    cf->worker_max_memory = (size_t)512 << 20;
    cf->h2_max_streams = 32;
    cf->idle_timeout_ms = 10000;
    cf->topic = mem_strdup("_schemas");
    cf->topic_replication_factor = 3;
    cf->init_timeout_ms = 60000;
    cf->timeout_ms = 500;
    cf->security_protocol = mem_strdup("PLAINTEXT");
    cf->compatibility_level = mem_strdup("BACKWARD");
    cf->group_id = mem_strdup("schema-registry");
    cf->group_session_ms = 10000;     /* Confluent's defaults */
    cf->group_heartbeat_ms = 3000;
    cf->mode_mutability = 1;
    cf->confluent_version = 8;
    cf->log_level = mem_strdup("info");
    return cf;
}

static void
config__free_secret(char *s)
{
    if (s == NULL)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

static void
loader_free(loader_t *ld)
{
    free(ld->avro_level);
    free(ld->raw_bootstrap);
    jaas_clear(&ld->jaas);
    free(ld->keystore);
    free(ld->keystore_type);
    free(ld->truststore);
    free(ld->truststore_type);
    config__free_secret(ld->truststore_password);
    for (size_t i = 0; i < ld->kafka.n; i++) {
        free(ld->kafka.v[i].key);
        config__free_secret(ld->kafka.v[i].value);
    }
    free(ld->kafka.v);
}

config_t *
config_load(const char *path, char **environ_, char *err, size_t errlen)
{
    loader_t ld = { .err = err, .errlen = errlen };
    int rc = 0;

    if (errlen > 0)
        err[0] = '\0';
    ld.cf = config__defaults();
    if (path != NULL) {
        ld.cf->path = mem_strdup(path);
        rc = config__read_file(&ld, path);
    }
    if (rc == 0)
        rc = config__read_env(&ld, environ_);
    if (rc == 0)
        rc = config__finish(&ld);
    loader_free(&ld);
    if (rc < 0) {
        config_free(ld.cf);
        return NULL;
    }
    return ld.cf;
}

void
config_free(config_t *cf)
{
    if (cf == NULL)
        return;
    free(cf->path);
    free(cf->host_name);
    free(cf->ssl_cert);
    free(cf->ssl_key);
    free(cf->journal);
    free(cf->data_dir);
    free(cf->bootstrap_servers);
    free(cf->topic);
    free(cf->security_protocol);
    free(cf->sasl_mechanism);
    free(cf->sasl_username);
    config__free_secret(cf->sasl_password);
    config__free_secret(cf->ssl_keystore_password);
    config__free_secret(cf->ssl_key_password);
    free(cf->relay_truststore);
    config__free_secret(cf->relay_truststore_password);
    for (size_t i = 0; i < cf->nkafka_extra; i++) {
        free(cf->kafka_extra[i].key);
        config__free_secret(cf->kafka_extra[i].value);
    }
    free(cf->kafka_extra);
    free(cf->compatibility_level);
    free(cf->group_id);
    free(cf->log_level);
    free(cf);
}

int
config_workers(const config_t *cf)
{
    long n;

    if (cf->workers > 0)
        return cf->workers;
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
