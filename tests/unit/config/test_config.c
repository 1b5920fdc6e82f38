/*
 * test_config.c - properties syntax, every setting's validation, the
 * SCHEMA_REGISTRY_* environment, JAAS lines and Kafka client translation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static int passed, failed;
static char tmpdir[64];
static char err[512];

static void
check(int ok, const char *what, int line)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL test_config.c:%d: %s (err: %s)\n", line, what, err);
}

#define CHECK(c) check((c), #c, __LINE__)

static int
streq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static const char *
extra(const config_t *cf, const char *key)
{
    for (size_t i = 0; i < cf->nkafka_extra; i++)
        if (strcmp(cf->kafka_extra[i].key, key) == 0)
            return cf->kafka_extra[i].value;
    return NULL;
}

/* Write `text` to a file (binary, as given) and load it with `env`. */
static config_t *
load(const char *text, char **env)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/t.properties", tmpdir);
    f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    return config_load(path, env, err, sizeof(err));
}

/* Load must fail and the message contain every one of the NULL-ended words. */
static void
load_fails(int line, const char *text, char **env, ...)
{
    config_t *cf = load(text, env);
    va_list ap;
    const char *word;

    check(cf == NULL, "load fails", line);
    config_free(cf);
    va_start(ap, env);
    while ((word = va_arg(ap, const char *)) != NULL) {
        char what[256];

        snprintf(what, sizeof(what), "message contains '%s'", word);
        check(strstr(err, word) != NULL, what, line);
    }
    va_end(ap);
}

static void
test_defaults(void)
{
    config_t *cf = config_load(NULL, NULL, err, sizeof(err));

    CHECK(cf != NULL);
    if (cf == NULL)
        return;
    CHECK(cf->path == NULL);
    CHECK(cf->nlisteners == 1);
    CHECK(cf->listeners[0].tls == 0);
    CHECK(streq(cf->listeners[0].host, ""));
    CHECK(cf->listeners[0].port == 8081);
    CHECK(cf->host_name != NULL && cf->host_name[0] != '\0');
    CHECK(cf->ssl_cert == NULL && cf->ssl_key == NULL);
    CHECK(streq(cf->journal, "file"));
    CHECK(streq(cf->data_dir, "/var/lib/schemad"));
    CHECK(cf->workers == 0);
    CHECK(config_workers(cf) >= 1);
    CHECK(cf->table_size == (size_t)4 << 30);
    CHECK(cf->request_max_bytes == (size_t)16 << 20);
    CHECK(cf->max_connections == 1024);
    CHECK(cf->worker_max_memory == (size_t)512 << 20);
    CHECK(cf->h2_max_streams == 32);
    CHECK(cf->idle_timeout_ms == 10000);
    CHECK(cf->leader_eligibility == 1);
    CHECK(cf->bootstrap_servers == NULL);
    CHECK(streq(cf->topic, "_schemas"));
    CHECK(cf->topic_replication_factor == 3);
    CHECK(cf->init_timeout_ms == 60000);
    CHECK(cf->timeout_ms == 500);
    CHECK(streq(cf->security_protocol, "PLAINTEXT"));
    CHECK(cf->sasl_mechanism == NULL);
    CHECK(cf->sasl_username == NULL && cf->sasl_password == NULL);
    CHECK(cf->nkafka_extra == 0);
    CHECK(streq(cf->compatibility_level, "BACKWARD"));
    CHECK(streq(cf->group_id, "schema-registry"));
    CHECK(cf->mode_mutability == 1);
    CHECK(cf->confluent_version == 8);
    CHECK(streq(cf->log_level, "info"));
    config_free(cf);
}

/* confluent.version: the dialect, 7 or 8. */
static void
test_confluent_version(void)
{
    config_t *cf = load("confluent.version=7\n", NULL);

    CHECK(cf != NULL && cf->confluent_version == 7);
    config_free(cf);
    load_fails(__LINE__, "confluent.version=9\n", NULL, "confluent.version", "7 to 8", NULL);
    load_fails(__LINE__, "confluent.version=8.3\n", NULL, "confluent.version", NULL);
}

static void
test_syntax(void)
{
    config_t *cf = load(
        "# a comment\n"
        "! another comment\n"
        "\n"
        "   \t \n"
        "  workers = 3  \n"
        "data.dir:/srv/a\n"
        "kafkastore.topic   _mine\n"
        "kafkastore.client.id = one\\\n"
        "     two\\\n"
        "\tthree\n"
        "kafkastore.a = tab\\there\\nnl\\\\bs\n"
        "kafkastore.b = caf\\u00e9 \\uD83D\\uDE00\n"
        "kafkastore.c = keep\\ \n"
        "kafkastore.d = even\\\\\n"
        "kafkastore.e = \\x\\=\\:\n"
        "kafkastore.f\\:g = colon in key\n"
        "# comment ending in a backslash does not continue \\\n"
        "kafkastore.h = x\r\n"
        "kafkastore.i = y\rkafkastore.j=\n"
        "kafkastore.k=first\n"
        "kafkastore.k=second\n"
        "kafkastore.l=\\\n"
        "\n"
        "kafkastore.m=last\\",
        NULL);

    CHECK(cf != NULL);
    if (cf == NULL)
        return;
    CHECK(cf->workers == 3);
    CHECK(config_workers(cf) == 3);
    CHECK(streq(cf->data_dir, "/srv/a"));
    CHECK(streq(cf->topic, "_mine"));
    CHECK(streq(extra(cf, "client.id"), "onetwothree"));
    CHECK(streq(extra(cf, "a"), "tab\there\nnl\\bs"));
    CHECK(streq(extra(cf, "b"), "caf\xc3\xa9 \xf0\x9f\x98\x80"));
    CHECK(streq(extra(cf, "c"), "keep "));
    CHECK(streq(extra(cf, "d"), "even\\"));
    CHECK(streq(extra(cf, "e"), "x=:"));
    CHECK(streq(extra(cf, "f:g"), "colon in key"));
    CHECK(streq(extra(cf, "h"), "x"));
    CHECK(streq(extra(cf, "i"), "y"));
    CHECK(streq(extra(cf, "j"), ""));
    CHECK(streq(extra(cf, "k"), "second"));
    CHECK(streq(extra(cf, "l"), ""));
    CHECK(streq(extra(cf, "m"), "last"));
    CHECK(streq(cf->path + strlen(cf->path) - 12, "t.properties"));
    config_free(cf);
}

static void
test_errors(void)
{
    load_fails(__LINE__, "# x\n\nnot.a.setting=1\n", NULL,
               "unknown setting 'not.a.setting'", "t.properties:3", NULL);
    load_fails(__LINE__, "kafkastore.a=b\\\n c\nbogus=1\n", NULL,
               "'bogus'", "t.properties:3", NULL);
    load_fails(__LINE__, "a.b\\\n  .c = 1\n", NULL, "'a.b.c'", ":1)", NULL);
    load_fails(__LINE__, "workers=abc\n", NULL, "workers", "'abc'", ":1", NULL);
    load_fails(__LINE__, "workers=-1\n", NULL, "workers", "'-1'", NULL);
    load_fails(__LINE__, "workers=99999999999999\n", NULL, "workers", NULL);
    load_fails(__LINE__, "\nkafkastore.timeout.ms=5s\n", NULL,
               "kafkastore.timeout.ms", "'5s'", ":2", NULL);
    load_fails(__LINE__, "kafkastore.init.timeout.ms=\n", NULL,
               "kafkastore.init.timeout.ms", NULL);
    load_fails(__LINE__, "kafkastore.topic.replication.factor=0\n", NULL,
               "kafkastore.topic.replication.factor", NULL);
    load_fails(__LINE__, "leader.eligibility=yes\n", NULL,
               "leader.eligibility", "'yes'", "true or false", NULL);
    load_fails(__LINE__, "master.eligibility=1\n", NULL, "master.eligibility", NULL);
    load_fails(__LINE__, "mode.mutability=maybe\n", NULL, "mode.mutability", NULL);
    load_fails(__LINE__, "listeners=ftp://0.0.0.0:8081\n", NULL,
               "listeners", "ftp://0.0.0.0:8081", ":1", NULL);
    load_fails(__LINE__, "listeners=http://0.0.0.0\n", NULL, "listeners", NULL);
    load_fails(__LINE__, "listeners=http://0.0.0.0:0\n", NULL, "listeners", NULL);
    load_fails(__LINE__, "listeners=http://0.0.0.0:70000\n", NULL,
               "http://0.0.0.0:70000", NULL);
    load_fails(__LINE__, "listeners=http://0.0.0.0:80x\n", NULL, "listeners", NULL);
    load_fails(__LINE__, "listeners=http://bad host:80\n", NULL, "listeners", NULL);
    load_fails(__LINE__, "listeners=http://[::1:80\n", NULL, "listeners", NULL);
    load_fails(__LINE__, "listeners=http://a:1,http://a:2,http://a:3,http://a:4,"
               "http://a:5,http://a:6,http://a:7,http://a:8,http://a:9\n", NULL,
               "too many", NULL);
    load_fails(__LINE__, "port=http\n", NULL, "port", "'http'", NULL);
    load_fails(__LINE__, "schema.compatibility.level=sideways\n", NULL,
               "schema.compatibility.level", "'sideways'", NULL);
    load_fails(__LINE__, "avro.compatibility.level=full_transitivex\n", NULL,
               "avro.compatibility.level", NULL);
    load_fails(__LINE__, "log.level=loud\n", NULL, "log.level", "'loud'", NULL);
    load_fails(__LINE__, "journal=sqlite\n", NULL, "journal", "'sqlite'", NULL);
    load_fails(__LINE__, "table.size=4X\n", NULL, "table.size", "'4X'", NULL);
    load_fails(__LINE__, "table.size=1K\n", NULL, "table.size", NULL);
    load_fails(__LINE__, "table.size=99999999999999999999G\n", NULL, "table.size", NULL);
    load_fails(__LINE__, "request.max.bytes=2G\n", NULL, "request.max.bytes", NULL);
    load_fails(__LINE__, "request.max.bytes=lots\n", NULL, "request.max.bytes", "'lots'", NULL);
    load_fails(__LINE__, "http.max.connections.per.worker=0\n", NULL,
               "http.max.connections.per.worker", NULL);
    load_fails(__LINE__, "http2.max.concurrent.streams=101\n", NULL,
               "http2.max.concurrent.streams", NULL);
    load_fails(__LINE__, "idle.timeout.ms=5\n", NULL, "idle.timeout.ms", NULL);
    load_fails(__LINE__, "http.max.memory.per.worker=1M\n", NULL,
               "http.max.memory.per.worker", NULL);
    load_fails(__LINE__, "kafkastore.security.protocol=TLS\n", NULL,
               "kafkastore.security.protocol", "'TLS'", NULL);
    load_fails(__LINE__, "kafkastore.sasl.mechanism=GSSAPI\n", NULL,
               "kafkastore.sasl.mechanism", "'GSSAPI'", NULL);
    load_fails(__LINE__, "kafkastore.topic=\n", NULL, "kafkastore.topic", NULL);
    load_fails(__LINE__, "schema.registry.group.id=\n", NULL,
               "schema.registry.group.id", NULL);
    load_fails(__LINE__, "data.dir=\n", NULL, "data.dir", NULL);
    load_fails(__LINE__, "journal=kafka\n", NULL, "kafkastore.bootstrap.servers", NULL);
    load_fails(__LINE__, "listeners=https://0.0.0.0:8443\n", NULL,
               "ssl.certificate.location", NULL);
    load_fails(__LINE__, "listeners=https://:8443\nssl.keystore.location=/k.jks\n",
               NULL, "ssl.keystore.location", "keytool -importkeystore -srckeystore /k.jks",
               "-deststoretype PKCS12", NULL);
    load_fails(__LINE__, "listeners=https://:8443\nssl.keystore.location=/k\n",
               NULL, "ssl.keystore.location", "ssl.keystore.type", NULL);
    load_fails(__LINE__, "ssl.keystore.type=JKS\n", NULL, "ssl.keystore.type", "keytool",
               "PKCS12", NULL);
    load_fails(__LINE__, "ssl.keystore.type=BKS\n", NULL, "ssl.keystore.type",
               "PEM or PKCS12", NULL);
    load_fails(__LINE__, "listeners=https://:8443\nssl.keystore.location=/k.p12\n"
               "ssl.keystore.password=a\nssl.key.password=b\n", NULL, "ssl.key.password",
               NULL);
    load_fails(__LINE__, "ssl.client.authentication=REQUIRED\n", NULL,
               "ssl.client.authentication", NULL);
    load_fails(__LINE__, "authentication.method=BASIC\n", NULL,
               "authentication.method", "'BASIC'", NULL);
    load_fails(__LINE__, "kafkastore.connection.url=zk:2181\n", NULL,
               "kafkastore.connection.url", "ZooKeeper", NULL);
    load_fails(__LINE__, "kafkastore.client.id=\\u12G4\n", NULL, "\\uXXXX", ":1", NULL);
    load_fails(__LINE__, "kafkastore.bootstrap.servers=SSL://a:9093\n", NULL,
               "kafkastore.bootstrap.servers", "PLAINTEXT", NULL);
    load_fails(__LINE__, "kafkastore.bootstrap.servers=a:9092\n"
               "kafkastore.ssl.truststore.location=/t.jks\n", NULL,
               "kafkastore.ssl.truststore.location", "keytool -importkeystore -srckeystore /t.jks",
               "kafkastore.ssl.truststore.type=PKCS12", NULL);
    load_fails(__LINE__, "kafkastore.ssl.keystore.location=/k\n"
               "kafkastore.ssl.keystore.type=JKS\n", NULL,
               "kafkastore.ssl.keystore.location", "keytool", "PKCS12", NULL);
    load_fails(__LINE__, "kafkastore.ssl.truststore.location=/nonexistent/t.p12\n", NULL,
               "kafkastore.ssl.truststore.location", "cannot open '/nonexistent/t.p12'", NULL);
    load_fails(__LINE__, "kafkastore.ssl.keystore.type=BKS\n", NULL,
               "kafkastore.ssl.keystore.type", NULL);

    CHECK(config_load("/nonexistent/x.properties", NULL, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "/nonexistent/x.properties") != NULL);
}

static void
test_jaas(void)
{
    config_t *cf;

    cf = load("kafkastore.bootstrap.servers=SASL_SSL://b1:9093,b2:9093\n"
              "kafkastore.security.protocol=SASL_SSL\n"
              "kafkastore.sasl.mechanism=scram-sha-512\n"
              "kafkastore.sasl.jaas.config=org.apache.kafka.common.security.scram."
              "ScramLoginModule required \\\n   username=\"alice\" "
              "password=\"p a\\\\\\\"ss;=\";\n", NULL);
    CHECK(cf != NULL);
    if (cf != NULL) {
        CHECK(streq(cf->journal, "kafka"));
        CHECK(streq(cf->bootstrap_servers, "b1:9093,b2:9093"));
        CHECK(streq(cf->security_protocol, "SASL_SSL"));
        CHECK(streq(cf->sasl_mechanism, "SCRAM-SHA-512"));
        CHECK(streq(cf->sasl_username, "alice"));
        CHECK(streq(cf->sasl_password, "p a\"ss;="));
        CHECK(extra(cf, "sasl.jaas.config") == NULL);
        config_free(cf);
    }

    /* PLAIN module, unquoted values, mechanism inferred. */
    cf = load("kafkastore.bootstrap.servers=SASL_PLAINTEXT://b:9092\n"
              "kafkastore.security.protocol=SASL_PLAINTEXT\n"
              "kafkastore.sasl.jaas.config=org.apache.kafka.common.security.plain."
              "PlainLoginModule optional username=bob password=x1;\n", NULL);
    CHECK(cf != NULL);
    if (cf != NULL) {
        CHECK(streq(cf->bootstrap_servers, "b:9092"));
        CHECK(streq(cf->sasl_mechanism, "PLAIN"));
        CHECK(streq(cf->sasl_username, "bob"));
        CHECK(streq(cf->sasl_password, "x1"));
        config_free(cf);
    }

    /* Our plain settings win over the JAAS line. */
    cf = load("kafkastore.bootstrap.servers=b:9092\n"
              "kafkastore.security.protocol=SASL_SSL\n"
              "kafkastore.sasl.mechanism=SCRAM-SHA-256\n"
              "kafkastore.sasl.username=carol\n"
              "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
              "username=\"u\" password=\"p\";\n", NULL);
    CHECK(cf != NULL);
    if (cf != NULL) {
        CHECK(streq(cf->sasl_username, "carol"));
        CHECK(streq(cf->sasl_password, "p"));
        config_free(cf);
    }

    cf = load("kafkastore.bootstrap.servers=b:9092\n"
              "kafkastore.security.protocol=SASL_SSL\n"
              "kafkastore.sasl.mechanism=PLAIN\n"
              "kafkastore.sasl.username=dave\n"
              "kafkastore.sasl.password=pw\n", NULL);
    CHECK(cf != NULL && streq(cf->sasl_username, "dave") && streq(cf->sasl_password, "pw"));
    config_free(cf);

    load_fails(__LINE__, "\n\nkafkastore.sasl.jaas.config=ScramLoginModule "
               "username=\"u\" password=\"p\";\n", NULL,
               "kafkastore.sasl.jaas.config", "t.properties:3", NULL);
    load_fails(__LINE__, "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
               "username=\"u\" password=\"p\"\n", NULL, "malformed", NULL);
    load_fails(__LINE__, "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
               "username=\"u password=\"p\";\n", NULL, "malformed", NULL);
    load_fails(__LINE__, "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
               "username= password=\"p\";\n", NULL, "malformed", NULL);
    load_fails(__LINE__, "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
               "username=\"u\" password=\"p\"; y.PlainLoginModule required;\n", NULL,
               "malformed", NULL);
    load_fails(__LINE__, "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
               "username=\"u\";\n", NULL, "password", NULL);
    load_fails(__LINE__, "kafkastore.sasl.jaas.config=com.sun.security.auth.module."
               "Krb5LoginModule required useKeyTab=true;\n", NULL,
               "unsupported login module", NULL);
    load_fails(__LINE__, "kafkastore.bootstrap.servers=b:9092\n"
               "kafkastore.security.protocol=SASL_SSL\n"
               "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
               "username=\"u\" password=\"p\";\n", NULL,
               "kafkastore.sasl.mechanism", NULL);
    load_fails(__LINE__, "kafkastore.bootstrap.servers=b:9092\n"
               "kafkastore.security.protocol=SASL_SSL\n"
               "kafkastore.sasl.mechanism=PLAIN\n"
               "kafkastore.sasl.jaas.config=x.ScramLoginModule required "
               "username=\"u\" password=\"p\";\n", NULL,
               "does not match", NULL);
    load_fails(__LINE__, "kafkastore.bootstrap.servers=b:9092\n"
               "kafkastore.security.protocol=SASL_SSL\n"
               "kafkastore.sasl.mechanism=PLAIN\n", NULL,
               "password", NULL);
}

static void
test_env(void)
{
    char *env[] = {
        "PATH=/usr/bin",
        "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS=PLAINTEXT://k1:9092,k2:9092",
        "SCHEMA_REGISTRY_HOST_NAME=sr1.example",
        "SCHEMA_REGISTRY_LISTENERS=http://127.0.0.1:18081",
        "SCHEMA_REGISTRY_KAFKASTORE_TOPIC=  _from_env  ",
        "SCHEMA_REGISTRY_KAFKASTORE_CLIENT__ID=underscore",
        "SCHEMA_REGISTRY_KAFKASTORE_X___Y=dash",
        "SCHEMA_REGISTRY_KAFKASTORE_Z____W=dash-dot",
        "SCHEMA_REGISTRY_OPTS=-Xmx1g",
        "SCHEMA_REGISTRY_HEAP_OPTS=-Xmx1g",
        "SCHEMA_REGISTRY_JVM_PERFORMANCE_OPTS=-server",
        "SCHEMA_REGISTRY_LOG4J_ROOT_LOGLEVEL=WARN",
        "SCHEMA_REGISTRY_LOG4J_LOGGERS=a=INFO",
        "SCHEMA_REGISTRY_JMX_PORT=9999",
        "SCHEMA_REGISTRY_DEBUG=true",
        "SCHEMA_REGISTRY_ACCESS_CONTROL_ALLOW_ORIGIN=*",
        "SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL=full_transitive",
        NULL,
    };
    char *bad_key[] = { "SCHEMA_REGISTRY_NO_SUCH_THING=1", NULL };
    char *bad_val[] = { "SCHEMA_REGISTRY_WORKERS=many", NULL };
    char *bad_listener[] = { "SCHEMA_REGISTRY_LISTENERS=http://x", NULL };
    config_t *cf;

    cf = load("kafkastore.topic=_from_file\nhost.name=file-host\nworkers=2\n", env);
    CHECK(cf != NULL);
    if (cf != NULL) {
        CHECK(streq(cf->bootstrap_servers, "k1:9092,k2:9092"));
        CHECK(streq(cf->journal, "kafka"));
        CHECK(streq(cf->host_name, "sr1.example"));
        CHECK(cf->nlisteners == 1 && streq(cf->listeners[0].host, "127.0.0.1") &&
              cf->listeners[0].port == 18081);
        CHECK(streq(cf->topic, "_from_env"));
        CHECK(cf->workers == 2);
        CHECK(streq(extra(cf, "client_id"), "underscore"));
        CHECK(streq(extra(cf, "x-y"), "dash"));
        CHECK(streq(extra(cf, "z-.w"), "dash-dot"));
        CHECK(streq(cf->compatibility_level, "FULL_TRANSITIVE"));
        config_free(cf);
    }
    load_fails(__LINE__, "", bad_key, "unknown setting 'no.such.thing'",
               "SCHEMA_REGISTRY_NO_SUCH_THING", NULL);
    load_fails(__LINE__, "", bad_val, "workers", "'many'", "SCHEMA_REGISTRY_WORKERS", NULL);
    load_fails(__LINE__, "", bad_listener, "SCHEMA_REGISTRY_LISTENERS", NULL);

    cf = config_load(NULL, bad_key + 1, err, sizeof(err));
    CHECK(cf != NULL);
    config_free(cf);
}

/* Which listener other nodes forward writes to, and how long they wait. */
static void
test_inter_instance(void)
{
    static const char both[] = "listeners=http://0.0.0.0:8081,https://0.0.0.0:8443\n"
                               "ssl.certificate.location=/etc/c.pem\n"
                               "ssl.key.location=/etc/k.pem\n";
    char text[512];
    config_t *cf = load(both, NULL);
    CHECK(cf != NULL && cf->advertised == 0 && cf->inter_instance_tls == -1 &&
          cf->leader_connect_ms == 60000 && cf->leader_read_ms == 60000);
    config_free(cf);
    snprintf(text, sizeof(text), "%sinter.instance.protocol=HTTPS\n"
             "leader.connect.timeout.ms=1500\nmaster.read.timeout.ms=2500\n", both);
    cf = load(text, NULL);
    CHECK(cf != NULL && cf->advertised == 1 && cf->leader_connect_ms == 1500 &&
          cf->leader_read_ms == 2500);
    config_free(cf);
    load_fails(__LINE__, "listeners=http://0.0.0.0:8081\ninter.instance.protocol=https\n", NULL,
               "inter.instance.protocol", "https", NULL);
    load_fails(__LINE__, "inter.instance.protocol=ftp\n", NULL, "inter.instance.protocol",
               "ftp", NULL);
    load_fails(__LINE__, "leader.read.timeout.ms=0\n", NULL, "leader.read.timeout.ms", NULL);
}

static void
test_listeners(void)
{
    config_t *cf;

    cf = load("listeners = http://0.0.0.0:8081, https://localhost:8443/ ,"
              "http://[::1]:9000,HTTP://127.0.0.1:1,http://[::]:2,http://:3\n"
              "ssl.certificate.location=/etc/c.pem\n"
              "ssl.key.location=/etc/k.pem\n", NULL);
    CHECK(cf != NULL);
    if (cf == NULL)
        return;
    CHECK(cf->nlisteners == 6);
    CHECK(!cf->listeners[0].tls && streq(cf->listeners[0].host, "") &&
          cf->listeners[0].port == 8081);
    CHECK(cf->listeners[1].tls && streq(cf->listeners[1].host, "localhost") &&
          cf->listeners[1].port == 8443);
    CHECK(streq(cf->listeners[2].host, "::1") && cf->listeners[2].port == 9000);
    CHECK(!cf->listeners[3].tls && streq(cf->listeners[3].host, "127.0.0.1"));
    CHECK(streq(cf->listeners[4].host, "") && cf->listeners[4].port == 2);
    CHECK(streq(cf->listeners[5].host, "") && cf->listeners[5].port == 3);
    CHECK(streq(cf->ssl_cert, "/etc/c.pem") && streq(cf->ssl_key, "/etc/k.pem"));
    config_free(cf);

    /* Confluent's keystore name with a PEM file holding certificate and key. */
    cf = load("listeners=https://0.0.0.0:8443\n"
              "ssl.keystore.location=/etc/sr.pem\nssl.keystore.password=x\n"
              "ssl.truststore.location=/etc/t.jks\n", NULL);
    CHECK(cf != NULL && streq(cf->ssl_cert, "/etc/sr.pem") &&
          streq(cf->ssl_key, "/etc/sr.pem"));
    config_free(cf);
    cf = load("listeners=https://0.0.0.0:8443\n"
              "ssl.keystore.location=/etc/both\nssl.keystore.type=pem\n", NULL);
    CHECK(cf != NULL && streq(cf->ssl_cert, "/etc/both") && !cf->ssl_pkcs12);
    config_free(cf);
    /* A PKCS#12 keystore, by its type or its name, and its password. */
    cf = load("listeners=https://0.0.0.0:8443\nssl.keystore.location=/etc/sr\n"
              "ssl.keystore.type=pkcs12\nssl.keystore.password=pw\nssl.key.password=pw\n",
              NULL);
    CHECK(cf != NULL && streq(cf->ssl_cert, "/etc/sr") && cf->ssl_pkcs12 &&
          streq(cf->ssl_keystore_password, "pw"));
    config_free(cf);
    cf = load("listeners=https://0.0.0.0:8443\nssl.keystore.location=/etc/sr.P12\n", NULL);
    CHECK(cf != NULL && cf->ssl_pkcs12 && cf->ssl_keystore_password == NULL);
    config_free(cf);
    /* An encrypted PEM key's password. */
    cf = load("listeners=https://0.0.0.0:8443\nssl.certificate.location=/c.pem\n"
              "ssl.key.location=/k.pem\nssl.key.password=secret\n", NULL);
    CHECK(cf != NULL && !cf->ssl_pkcs12 && streq(cf->ssl_key_password, "secret"));
    config_free(cf);

    /* Empty listeners and the deprecated port. */
    cf = load("listeners=\nport=9090\n", NULL);
    CHECK(cf != NULL && cf->nlisteners == 1 && cf->listeners[0].port == 9090 &&
          streq(cf->listeners[0].host, ""));
    config_free(cf);
    cf = load("port=9090\nlisteners=http://h:1\n", NULL);
    CHECK(cf != NULL && cf->nlisteners == 1 && cf->listeners[0].port == 1);
    config_free(cf);
}

static void
test_values(void)
{
    config_t *cf;

    cf = load("table.size=512M\nworkers=0\nleader.eligibility=FALSE\n"
              "request.max.bytes=2M\nhttp.max.connections.per.worker=64\n"
              "http2.max.concurrent.streams=8\nidle.timeout.ms=30000\n"
              "http.max.memory.per.worker=0\n"
              "mode.mutability=False\nlog.level=WARNING\njournal=FILE\n"
              "schema.compatibility.level=forward\n"
              "kafkastore.topic.replication.factor=-1\n"
              "kafkastore.init.timeout.ms=1000\nkafkastore.timeout.ms=0\n"
              "schema.registry.group.id=g1\n"
              "kafkastore.group.id=ignored\nkafkastore.write.max.retries=5\n"
              "schema.registry.inter.instance.protocol=http\n"
              "inter.instance.protocol=http\nresponse.mediatype.default=x\n"
              "access.control.allow.methods=GET\nschema.cache.size=10\n"
              "debug=false\nkafkastore.topic.config.min.insync.replicas=2\n", NULL);
    CHECK(cf != NULL);
    if (cf != NULL) {
        CHECK(cf->table_size == (size_t)512 << 20);
        CHECK(cf->request_max_bytes == (size_t)2 << 20);
        CHECK(cf->max_connections == 64);
        CHECK(cf->worker_max_memory == 0);
        CHECK(cf->h2_max_streams == 8);
        CHECK(cf->idle_timeout_ms == 30000);
        CHECK(cf->leader_eligibility == 0);
        CHECK(cf->mode_mutability == 0);
        CHECK(streq(cf->log_level, "warn"));
        CHECK(streq(cf->journal, "file"));
        CHECK(streq(cf->compatibility_level, "FORWARD"));
        CHECK(cf->topic_replication_factor == -1);
        CHECK(cf->init_timeout_ms == 1000 && cf->timeout_ms == 0);
        CHECK(streq(cf->group_id, "g1"));
        CHECK(cf->nkafka_extra == 0);
        config_free(cf);
    }

    cf = load("table.size=2g\nmaster.eligibility=false\n"
              "avro.compatibility.level=none\n"
              "schema.compatibility.level=full\n", NULL);
    CHECK(cf != NULL && cf->table_size == (size_t)2 << 30 &&
          cf->leader_eligibility == 0 && streq(cf->compatibility_level, "NONE"));
    config_free(cf);
    cf = load("table.size=1073741824\navro.compatibility.level=\n"
              "schema.compatibility.level=Backward_Transitive\n", NULL);
    CHECK(cf != NULL && cf->table_size == (size_t)1 << 30 &&
          streq(cf->compatibility_level, "BACKWARD_TRANSITIVE"));
    config_free(cf);

    /* Kafka configured but the file journal chosen explicitly. */
    cf = load("journal=file\nkafkastore.bootstrap.servers=k:9092\n", NULL);
    CHECK(cf != NULL && streq(cf->journal, "file") &&
          streq(cf->bootstrap_servers, "k:9092"));
    config_free(cf);
}

static void
test_kafka_extra(void)
{
    config_t *cf;

    cf = load("kafkastore.bootstrap.servers=SSL://k1:9093,PLAINTEXT://k2:9092,k3:9093\n"
              "kafkastore.security.protocol=ssl\n"
              "kafkastore.ssl.truststore.location=/etc/ca.pem\n"
              "kafkastore.ssl.truststore.type=PEM\n"
              "kafkastore.ssl.truststore.password=x\n"
              "kafkastore.ssl.keystore.location=/etc/client.pem\n"
              "kafkastore.ssl.keystore.password=y\n"
              "kafkastore.ssl.key.password=z\n"
              "kafkastore.ssl.endpoint.identification.algorithm=\n"
              "kafkastore.ssl.enabled.protocols=TLSv1.2\n"
              "kafkastore.ssl.keystore.certificate.chain=CHAIN\n"
              "kafkastore.request.timeout.ms=1000\n", NULL);
    CHECK(cf != NULL);
    if (cf != NULL) {
        CHECK(streq(cf->security_protocol, "SSL"));
        CHECK(streq(cf->bootstrap_servers, "k1:9093,k3:9093"));
        CHECK(streq(extra(cf, "ssl.ca.location"), "/etc/ca.pem"));
        CHECK(streq(extra(cf, "ssl.certificate.location"), "/etc/client.pem"));
        CHECK(streq(extra(cf, "ssl.key.location"), "/etc/client.pem"));
        CHECK(streq(extra(cf, "ssl.key.password"), "z"));
        CHECK(streq(extra(cf, "ssl.endpoint.identification.algorithm"), "none"));
        CHECK(streq(extra(cf, "ssl.certificate.pem"), "CHAIN"));
        CHECK(streq(extra(cf, "request.timeout.ms"), "1000"));
        CHECK(extra(cf, "ssl.keystore.password") == NULL);
        CHECK(extra(cf, "ssl.truststore.password") == NULL);
        CHECK(extra(cf, "ssl.truststore.type") == NULL);
        CHECK(extra(cf, "ssl.enabled.protocols") == NULL);
        CHECK(extra(cf, "ssl.truststore.location") == NULL);
        CHECK(extra(cf, "bootstrap.servers") == NULL);
        CHECK(extra(cf, "security.protocol") == NULL);
        config_free(cf);
    }

    /* librdkafka reads PKCS#12 keystores itself. */
    cf = load("kafkastore.ssl.keystore.location=/etc/client.p12\n"
              "kafkastore.ssl.keystore.password=y\n", NULL);
    CHECK(cf != NULL && streq(extra(cf, "ssl.keystore.location"), "/etc/client.p12") &&
          streq(extra(cf, "ssl.keystore.password"), "y") &&
          extra(cf, "ssl.certificate.location") == NULL);
    config_free(cf);
}

static char *
read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    if (text != NULL && fread(text, 1, (size_t)n, f) != (size_t)n) {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

/* The shipped file loads, and so does it with every example uncommented. */
static void
test_shipped_file(void)
{
    const char *src = getenv("SCHEMAD_SRCDIR");
    char path[4096];
    char *text, *out, *o;
    config_t *cf;

    snprintf(path, sizeof(path), "%s/etc/schemad.properties", src ? src : ".");
    cf = config_load(path, NULL, err, sizeof(err));
    CHECK(cf != NULL && streq(cf->journal, "file") && cf->nlisteners == 1);
    config_free(cf);

    text = read_all(path);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    out = o = calloc(1, strlen(text) + 1);
    for (const char *p = text; *p != '\0';) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);

        if (p[0] == '#' && ((p[1] >= 'a' && p[1] <= 'z') || strncmp(p + 1, "    ", 4) == 0)) {
            p++;
            n--;
        }
        memcpy(o, p, n);
        o += n;
        p += n;
    }
    cf = load(out, NULL);
    CHECK(cf != NULL);
    if (cf != NULL) {
        CHECK(streq(cf->journal, "kafka"));
        CHECK(cf->nlisteners == 2 && cf->listeners[1].tls);
        CHECK(streq(cf->ssl_cert, "/etc/schemad/tls/cert.pem"));
        CHECK(streq(cf->bootstrap_servers, "kafka1:9092,kafka2:9092"));
        CHECK(streq(cf->sasl_mechanism, "SCRAM-SHA-512"));
        CHECK(streq(cf->sasl_username, "schemad") && streq(cf->sasl_password, "secret"));
        CHECK(streq(extra(cf, "ssl.ca.location"), "/etc/schemad/kafka/ca.pem"));
        config_free(cf);
    }
    free(out);
    free(text);
}

int
main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config.XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    log_init(LOG_LVL_ERROR, "test");
    test_defaults();
    test_confluent_version();
    test_syntax();
    test_errors();
    test_jaas();
    test_env();
    test_listeners();
    test_inter_instance();
    test_values();
    test_kafka_extra();
    test_shipped_file();

    {
        char path[128];

        snprintf(path, sizeof(path), "%s/t.properties", tmpdir);
        unlink(path);
        rmdir(tmpdir);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
