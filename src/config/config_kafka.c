/*
 * config_kafka.c - the Kafka client settings (kafkastore.*), named as
 * Confluent's Java client names them, turned into librdkafka's.
 */
#include "config_kafka.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"
#include "text.h"
#include "tls_store.h"

static int config_kafka__fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
config_kafka__fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void
config_kafka_set(config_kafka_list_t *l, const char *key, const char *val)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].key, key) == 0) {
            free(l->v[i].value);
            l->v[i].value = mem_strdup(val);
            return;
        }
    }
    l->v = mem_realloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n].key = mem_strdup(key);
    l->v[l->n].value = mem_strdup(val);
    l->n++;
}

const char *
config_kafka_get(const config_kafka_list_t *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].key, key) == 0)
            return l->v[i].value;
    return NULL;
}

void
config_kafka_free(config_kv_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].value);
    }
    free(v);
}

/* As Confluent's endpointsToBootstrapServers does. */
char *
config_kafka_bootstrap(const char *raw, const char *protocol, char *err, size_t errlen)
{
    char *copy, *save = NULL;
    buf_t out = {0};
    size_t plen = strlen(protocol);

    copy = mem_strdup(raw);
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        char *ep = text_trim(tok, strlen(tok));
        const char *host = ep;

        if (strncasecmp(ep, protocol, plen) == 0 &&
            strncmp(ep + plen, "://", 3) == 0) {
            host = ep + plen + 3;
        } else if (strstr(ep, "://") != NULL) {
            log_warn("ignoring Kafka broker endpoint %s that does not match "
                     "kafkastore.security.protocol=%s", ep, protocol);
            host = "";
        }
        if (host[0] != '\0') {
            if (out.len > 0)
                buf_append(&out, ",", 1);
            buf_puts(&out, host);
        }
        free(ep);
    }
    free(copy);
    if (out.len == 0) {
        buf_free(&out);
        snprintf(err, errlen, "no usable endpoint in kafkastore.bootstrap.servers '%s': at "
                 "least one must match kafkastore.security.protocol=%s", raw, protocol);
        return NULL;
    }
    return buf_steal(&out, NULL);
}

/* A Java store type: the explicit type, else guessed from the extension. */
static const char *
config_kafka__store_type(const char *type, const char *location)
{
    if (type != NULL)
        return type;
    if (text_ends_with(location, ".jks", 1))
        return "JKS";
    if (text_ends_with(location, ".p12", 1) || text_ends_with(location, ".pfx", 1))
        return "PKCS12";
    return "PEM";
}

/* Java client names that librdkafka spells differently. */
static const struct {
    const char *java;
    const char *rdkafka;
} config_kafka__renames[] = {
    { "ssl.truststore.certificates", "ssl.ca.pem" },
    { "ssl.keystore.certificate.chain", "ssl.certificate.pem" },
    { "ssl.keystore.key", "ssl.key.pem" },
};

/* Java-only client settings with no librdkafka meaning. */
static const char *const config_kafka__java_only[] = {
    "ssl.protocol", "ssl.enabled.protocols", "ssl.keymanager.algorithm",
    "ssl.trustmanager.algorithm", "ssl.secure.random.implementation",
    "ssl.provider", "ssl.engine.factory.class", "ssl.truststore.password",
    "ssl.truststore.type", "ssl.keystore.type",
};

static void
config_kafka__extra(config_kafka_list_t *out, const char *key, const char *val)
{
    if (config_kafka_get(out, key) == NULL)
        config_kafka_set(out, key, val);
}

/* A JKS store: what to do instead. */
static int
config_kafka__jks(char *err, size_t errlen, const char *which, const char *path)
{
    char hint[512];

    tls_store_jks_hint(path, hint, sizeof(hint));
    return config_kafka__fail(err, errlen, "kafkastore.ssl.%s.location '%s': JKS %ss are not "
                              "supported; %s and set kafkastore.ssl.%s.type=PKCS12 (or give "
                              "PEM)", which, path, which, hint, which);
}

/*
 * librdkafka reads no PKCS#12 trust store: its certificates go to it as
 * PEM text (ssl.ca.pem), read now so that a bad store fails the start.
 */
static int
config_kafka__p12_trust(const config_kafka_list_t *java, config_kafka_list_t *out,
                        const char *path, char *err, size_t errlen)
{
    char why[512];
    char *pem = tls_store_p12_certs_pem(path, config_kafka_get(java, "ssl.truststore.password"),
                                        why, sizeof(why));

    if (pem == NULL)
        return config_kafka__fail(err, errlen, "kafkastore.ssl.truststore.location: %s", why);
    config_kafka__extra(out, "ssl.ca.pem", pem);
    free(pem);
    return 0;
}

/* Translate one kafkastore.* setting; 1 if it was handled. */
static int
config_kafka__ssl(const config_kafka_list_t *java, config_kafka_list_t *out, const char *key,
                  const char *val, char *err, size_t errlen, int *bad)
{
    const char *kst = config_kafka__store_type(config_kafka_get(java, "ssl.keystore.type"), val);
    const char *tst = config_kafka__store_type(config_kafka_get(java, "ssl.truststore.type"), val);

    *bad = 0;
    if (strcmp(key, "ssl.truststore.location") == 0) {
        if (strcasecmp(tst, "PKCS12") == 0)
            *bad = config_kafka__p12_trust(java, out, val, err, errlen);
        else if (strcasecmp(tst, "PEM") != 0)
            *bad = config_kafka__jks(err, errlen, "truststore", val);
        else
            config_kafka__extra(out, "ssl.ca.location", val);
        return 1;
    }
    if (strcmp(key, "ssl.keystore.location") == 0) {
        if (strcasecmp(kst, "PKCS12") == 0) {
            config_kafka__extra(out, "ssl.keystore.location", val);
        } else if (strcasecmp(kst, "PEM") == 0) {
            /* One PEM file holds both; OpenSSL picks each part out of it. */
            config_kafka__extra(out, "ssl.certificate.location", val);
            config_kafka__extra(out, "ssl.key.location", val);
        } else {
            *bad = config_kafka__jks(err, errlen, "keystore", val);
        }
        return 1;
    }
    if (strcmp(key, "ssl.keystore.password") == 0) {
        const char *loc = config_kafka_get(java, "ssl.keystore.location");

        if (loc != NULL && strcasecmp(config_kafka__store_type(
                config_kafka_get(java, "ssl.keystore.type"), loc), "PKCS12") == 0)
            config_kafka__extra(out, key, val);
        return 1;
    }
    if (strcmp(key, "ssl.endpoint.identification.algorithm") == 0) {
        config_kafka__extra(out, key, val[0] == '\0' ? "none" : val);
        return 1;
    }
    return 0;
}

static int
config_kafka__store_types(const config_kafka_list_t *java, char *err, size_t errlen)
{
    static const char *const keys[] = { "ssl.keystore.type", "ssl.truststore.type" };

    for (size_t i = 0; i < 2; i++) {
        const char *v = config_kafka_get(java, keys[i]);

        if (v != NULL && strcasecmp(v, "PEM") != 0 && strcasecmp(v, "PKCS12") != 0 &&
            strcasecmp(v, "JKS") != 0)
            return config_kafka__fail(err, errlen, "bad value '%s' for kafkastore.%s: "
                                "expected PEM or PKCS12", v, keys[i]);
    }
    return 0;
}

int
config_kafka_translate(const config_kafka_list_t *java, config_kafka_list_t *out, char *err,
                       size_t errlen)
{
    if (config_kafka__store_types(java, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < java->n; i++) {
        const char *key = java->v[i].key, *val = java->v[i].value;
        int skip = 0, bad;

        for (size_t j = 0; j < sizeof(config_kafka__java_only) / sizeof(config_kafka__java_only[0]); j++)
            skip |= strcmp(key, config_kafka__java_only[j]) == 0;
        if (skip)
            continue;
        if (config_kafka__ssl(java, out, key, val, err, errlen, &bad)) {
            if (bad < 0)
                return -1;
            continue;
        }
        for (size_t j = 0; j < sizeof(config_kafka__renames) / sizeof(config_kafka__renames[0]); j++)
            if (strcmp(key, config_kafka__renames[j].java) == 0)
                key = config_kafka__renames[j].rdkafka;
        config_kafka_set(out, key, val);
    }
    return 0;
}
