/*
 * test_tls_store.c - PKCS#12 stores made here with OpenSSL: a keystore
 * used by a server SSL_CTX, a trust store turned into PEM text (directly
 * and as the Kafka client's ssl.ca.pem), and the refusals (wrong password,
 * JKS, not a store).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "config_kafka.h"
#include "tally.h"
#include "tls_store.h"

static char dir[64];

/* A self-signed certificate for `key`, named `cn`. */
static X509 *
make_cert(EVP_PKEY *key, const char *cn)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_get_subject_name(x);

    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_sign(x, key, EVP_sha256());
    return x;
}

/* Write a PKCS#12 file of `key` (may be NULL) + `cert`, or of `cert` as a trusted one. */
static void
write_p12(const char *path, const char *pass, EVP_PKEY *key, X509 *cert)
{
    STACK_OF(X509) *ca = sk_X509_new_null();
    PKCS12 *p12;
    FILE *f;

    if (key == NULL)
        sk_X509_push(ca, cert);
    p12 = PKCS12_create(pass, "schemad", key, key != NULL ? cert : NULL, ca, 0, 0, 0, 0, 0);
    f = fopen(path, "wb");
    if (p12 == NULL || f == NULL || i2d_PKCS12_fp(f, p12) != 1) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
    PKCS12_free(p12);
    sk_X509_free(ca);
}

static void
write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL || fwrite(data, 1, n, f) != n) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
}

static int
contains(const char *s, const char *word)
{
    return s != NULL && strstr(s, word) != NULL;
}

static void
test_keystore(tally_t *t, const char *keystore, const char *jks, const char *junk)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    char err[512] = "";

    check(t, tls_store_p12_use(ctx, keystore, "pw", err, sizeof(err)) == 0 &&
              SSL_CTX_check_private_key(ctx) == 1, "a keystore's key and certificate in use");
    SSL_CTX_free(ctx);
    ctx = SSL_CTX_new(TLS_server_method());
    check(t, tls_store_p12_use(ctx, keystore, "nope", err, sizeof(err)) < 0 &&
              contains(err, "wrong password"), "a wrong password is refused");
    check(t, tls_store_p12_use(ctx, jks, "pw", err, sizeof(err)) < 0 &&
              contains(err, "JKS") && contains(err, "keytool -importkeystore"),
          "a JKS store is refused with the keytool command");
    check(t, tls_store_p12_use(ctx, junk, "pw", err, sizeof(err)) < 0 &&
              contains(err, "not a PKCS#12"), "a file of something else is refused");
    check(t, tls_store_p12_use(ctx, "/nonexistent.p12", NULL, err, sizeof(err)) < 0 &&
              contains(err, "cannot open '/nonexistent.p12'"), "a missing file is refused");
    SSL_CTX_free(ctx);
}

static void
test_truststore(tally_t *t, const char *truststore, const char *nopass)
{
    char err[512] = "";
    char *pem = tls_store_p12_certs_pem(truststore, "pw", err, sizeof(err));

    check(t, pem != NULL && strncmp(pem, "-----BEGIN CERTIFICATE-----", 27) == 0 &&
              contains(pem, "-----END CERTIFICATE-----\n"), "a trust store as PEM text");
    free(pem);
    pem = tls_store_p12_certs_pem(nopass, NULL, err, sizeof(err));
    check(t, contains(pem, "BEGIN CERTIFICATE"), "a trust store without a password");
    free(pem);
    pem = tls_store_p12_certs_pem(truststore, "nope", err, sizeof(err));
    check(t, pem == NULL && contains(err, "wrong password"), "a wrong trust store password");
}

/* The Kafka client settings: a PKCS#12 trust store becomes ssl.ca.pem. */
static void
test_kafka_translate(tally_t *t, const char *truststore, const char *jks)
{
    config_kafka_list_t java = {0}, out = {0};
    char err[512] = "";

    config_kafka_set(&java, "ssl.truststore.location", truststore);
    config_kafka_set(&java, "ssl.truststore.type", "PKCS12");
    config_kafka_set(&java, "ssl.truststore.password", "pw");
    check(t, config_kafka_translate(&java, &out, err, sizeof(err)) == 0 &&
              contains(config_kafka_get(&out, "ssl.ca.pem"), "BEGIN CERTIFICATE") &&
              config_kafka_get(&out, "ssl.ca.location") == NULL &&
              config_kafka_get(&out, "ssl.truststore.password") == NULL,
          "kafkastore PKCS#12 trust store -> ssl.ca.pem");
    config_kafka_free(out.v, out.n);
    out = (config_kafka_list_t){0};
    config_kafka_set(&java, "ssl.truststore.password", "nope");
    check(t, config_kafka_translate(&java, &out, err, sizeof(err)) < 0 &&
              contains(err, "kafkastore.ssl.truststore.location") &&
              contains(err, "wrong password"), "a wrong kafkastore trust store password");
    config_kafka_free(out.v, out.n);
    out = (config_kafka_list_t){0};
    /* A .jks named store of the PKCS12 type is read, and found out. */
    config_kafka_set(&java, "ssl.truststore.location", jks);
    check(t, config_kafka_translate(&java, &out, err, sizeof(err)) < 0 && contains(err, "keytool"),
          "a JKS file given as PKCS12");
    config_kafka_free(out.v, out.n);
    config_kafka_free(java.v, java.n);
}

int
main(void)
{
    static const unsigned char jks_magic[] = { 0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2 };
    tally_t t = {0, 0};
    char keystore[128], truststore[128], nopass[128], jks[128], junk[128];
    EVP_PKEY *key;
    X509 *cert;

    snprintf(dir, sizeof(dir), "/tmp/test_tls_store.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(keystore, sizeof(keystore), "%s/keystore.p12", dir);
    snprintf(truststore, sizeof(truststore), "%s/truststore.p12", dir);
    snprintf(nopass, sizeof(nopass), "%s/nopass.p12", dir);
    snprintf(jks, sizeof(jks), "%s/store.jks", dir);
    snprintf(junk, sizeof(junk), "%s/junk.p12", dir);
    key = EVP_EC_gen("P-256");
    cert = make_cert(key, "localhost");
    write_p12(keystore, "pw", key, cert);
    write_p12(truststore, "pw", NULL, cert);
    write_p12(nopass, NULL, NULL, cert);
    write_bytes(jks, jks_magic, sizeof(jks_magic));
    write_bytes(junk, "-----BEGIN NOTHING-----\n", 24);

    test_keystore(&t, keystore, jks, junk);
    test_truststore(&t, truststore, nopass);
    test_kafka_translate(&t, truststore, jks);

    X509_free(cert);
    EVP_PKEY_free(key);
    unlink(keystore);
    unlink(truststore);
    unlink(nopass);
    unlink(jks);
    unlink(junk);
    rmdir(dir);
    return tally_report(&t);
}
