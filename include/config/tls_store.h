/*
 * tls_store.h - PKCS#12 key and trust stores (what Strimzi and Java tools
 * hand out) read with OpenSSL: a keystore's key and chain into a server
 * SSL_CTX, a trust store's certificates as PEM text for librdkafka.
 */
#ifndef SCHEMAD_TLS_STORE_H
#define SCHEMAD_TLS_STORE_H

#include <stddef.h>

#include <openssl/ssl.h>

/**
 * Use the private key and certificate chain of the PKCS#12 file `path`
 * (`password` may be NULL: no or an empty password) in `ctx`.  Returns 0,
 * or -1 with err set (unreadable, not PKCS#12, wrong password, no key).
 */
int tls_store_p12_use(SSL_CTX *ctx, const char *path, const char *password, char *err,
                      size_t errlen);

/**
 * Every certificate of the PKCS#12 trust store `path`, as PEM text; the
 * caller frees it.  NULL with err set when it cannot be read or holds no
 * certificate.
 */
char *tls_store_p12_certs_pem(const char *path, const char *password, char *err,
                              size_t errlen);

/**
 * Every certificate of the PEM file `path`, as PEM text; the caller frees
 * it.  NULL with err set when it cannot be read or holds no certificate.
 */
char *tls_store_pem_certs(const char *path, char *err, size_t errlen);

/**
 * Trust the certificates of `pem` (PEM text) in `ctx`, or the system's
 * CAs when `pem` is NULL.  0, or -1 when none could be added.
 */
int tls_store_trust(SSL_CTX *ctx, const char *pem);

/** The keytool command that converts the JKS store `path` to PKCS#12, for error messages. */
void tls_store_jks_hint(const char *path, char *out, size_t outlen);

#endif
