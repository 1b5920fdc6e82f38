/*
 * tls_store.c - PKCS#12 key and trust stores read with OpenSSL.
 */
#include "tls_store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "mem.h"
#include "text.h"

typedef struct tls_store__p12 {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *chain;
} tls_store__p12_t;

static int tls_store__fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The message, then OpenSSL's reason for the latest error, if any. */
static int
tls_store__fail(char *err, size_t errlen, const char *fmt, ...)
{
    unsigned long e = ERR_peek_last_error();
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    n = strlen(err);
    if (e != 0 && ERR_reason_error_string(e) != NULL && n + 3 < errlen)
        snprintf(err + n, errlen - n, ": %s", ERR_reason_error_string(e));
    ERR_clear_error();
    return -1;
}

static void
tls_store__p12_free(tls_store__p12_t *p)
{
    EVP_PKEY_free(p->key);
    X509_free(p->cert);
    sk_X509_pop_free(p->chain, X509_free);
    memset(p, 0, sizeof(*p));
}

/* Whether the open file `f` starts with the JKS magic (0xFEEDFEED); rewinds it. */
static int
tls_store__is_jks(FILE *f)
{
    unsigned char magic[4] = {0};
    size_t n = fread(magic, 1, sizeof(magic), f);

    rewind(f);
    return n == 4 && magic[0] == 0xfe && magic[1] == 0xed && magic[2] == 0xfe &&
           magic[3] == 0xed;
}

/* Parse `path`; on success the caller frees `out` with tls_store__p12_free. */
static int
tls_store__p12_read(const char *path, const char *password, tls_store__p12_t *out, char *err,
                    size_t errlen)
{
    FILE *f = fopen(path, "rb");
    PKCS12 *p12 = NULL;
    char hint[512];
    int ok;

    memset(out, 0, sizeof(*out));
    ERR_clear_error();
    if (f == NULL)
        return tls_store__fail(err, errlen, "cannot open '%s': %s", path, strerror(errno));
    if (tls_store__is_jks(f)) {
        fclose(f);
        tls_store_jks_hint(path, hint, sizeof(hint));
        return tls_store__fail(err, errlen, "'%s' is a JKS store, which is not supported: %s",
                               path, hint);
    }
    p12 = d2i_PKCS12_fp(f, NULL);
    fclose(f);
    if (p12 == NULL)
        return tls_store__fail(err, errlen, "'%s' is not a PKCS#12 file", path);
    /* NULL tries both no password and the empty one. */
    ok = PKCS12_parse(p12, password != NULL && password[0] != '\0' ? password : NULL,
                      &out->key, &out->cert, &out->chain);
    PKCS12_free(p12);
    if (!ok)
        return tls_store__fail(err, errlen, "cannot read the PKCS#12 file '%s' (wrong "
                               "password?)", path);
    return 0;
}

int
tls_store_p12_use(SSL_CTX *ctx, const char *path, const char *password, char *err,
                  size_t errlen)
{
    tls_store__p12_t p;
    int rc = 0;

    if (tls_store__p12_read(path, password, &p, err, errlen) < 0)
        return -1;
    if (p.key == NULL || p.cert == NULL)
        rc = tls_store__fail(err, errlen, "the PKCS#12 keystore '%s' holds no private key "
                             "with its certificate", path);
    else if (SSL_CTX_use_certificate(ctx, p.cert) != 1 ||
             SSL_CTX_use_PrivateKey(ctx, p.key) != 1 ||
             SSL_CTX_check_private_key(ctx) != 1)
        rc = tls_store__fail(err, errlen, "cannot use the key and certificate of '%s'", path);
    /* The rest of the chain, sent after the certificate. */
    for (int i = 0; rc == 0 && i < sk_X509_num(p.chain); i++)
        if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(p.chain, i)) != 1)
            rc = tls_store__fail(err, errlen, "cannot use the certificate chain of '%s'", path);
    tls_store__p12_free(&p);
    return rc;
}

static int
tls_store__pem(BIO *out, X509 *x)
{
    return x == NULL || PEM_write_bio_X509(out, x) == 1 ? 0 : -1;
}

char *
tls_store_p12_certs_pem(const char *path, const char *password, char *err, size_t errlen)
{
    tls_store__p12_t p;
    BIO *out;
    char *data = NULL, *pem = NULL;
    long n;
    int rc;

    if (tls_store__p12_read(path, password, &p, err, errlen) < 0)
        return NULL;
    out = BIO_new(BIO_s_mem());
    rc = tls_store__pem(out, p.cert);
    for (int i = 0; rc == 0 && i < sk_X509_num(p.chain); i++)
        rc = tls_store__pem(out, sk_X509_value(p.chain, i));
    n = BIO_get_mem_data(out, &data);
    if (rc < 0)
        tls_store__fail(err, errlen, "cannot convert the certificates of '%s'", path);
    else if (n <= 0)
        tls_store__fail(err, errlen, "the PKCS#12 trust store '%s' holds no certificate", path);
    else
        pem = mem_strndup(data, (size_t)n);
    BIO_free(out);
    tls_store__p12_free(&p);
    return pem;
}

char *
tls_store_pem_certs(const char *path, char *err, size_t errlen)
{
    BIO *in = BIO_new_file(path, "r");
    if (in == NULL) {
        tls_store__fail(err, errlen, "cannot read the trust store '%s': %s", path,
                        strerror(errno));
        return NULL;
    }
    BIO *out = BIO_new(BIO_s_mem());
    X509 *x;
    int n = 0, rc = 0;
    while (rc == 0 && (x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
        rc = tls_store__pem(out, x);
        X509_free(x);
        n++;
    }
    ERR_clear_error();      /* the read that ends the loop leaves "no start line" */
    char *data = NULL, *pem = NULL;
    long len = BIO_get_mem_data(out, &data);
    if (rc == 0 && n > 0 && len > 0)
        pem = mem_strndup(data, (size_t)len);
    else
        tls_store__fail(err, errlen, "the PEM trust store '%s' holds no certificate", path);
    BIO_free(out);
    BIO_free(in);
    return pem;
}

int
tls_store_trust(SSL_CTX *ctx, const char *pem)
{
    if (pem == NULL)
        return SSL_CTX_set_default_verify_paths(ctx) == 1 ? 0 : -1;
    BIO *in = BIO_new_mem_buf(pem, -1);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    X509 *x;
    int n = 0;
    while ((x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
        n += X509_STORE_add_cert(store, x) == 1;
        X509_free(x);
    }
    ERR_clear_error();
    BIO_free(in);
    return n > 0 ? 0 : -1;
}

void
tls_store_jks_hint(const char *path, char *out, size_t outlen)
{
    snprintf(out, outlen, "convert it to PKCS#12 with 'keytool -importkeystore -srckeystore "
             "%s -srcstoretype JKS -destkeystore %s.p12 -deststoretype PKCS12'", path, path);
}
