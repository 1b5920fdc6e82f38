/*
 * guid.h - a schema's GUID as Confluent 8 computes it (Schema.updateHash):
 * the MD5 of the stored schema text, then of each reference (name, subject,
 * version as 4 bytes big-endian), then, when present, a 1 byte and the
 * metadata (tags, properties, sensitive, each sorted), and a 1 byte and the
 * rule set (migration, domain and encoding rules, enableAt), written as a
 * UUID string without version bits.
 */
#ifndef SCHEMAD_GUID_H
#define SCHEMAD_GUID_H

#include <stddef.h>
#include <jansson.h>

#define GUID_LEN 36
#define GUID_BYTES 16

/**
 * The GUID of a schema as its 16 bytes (the MD5), into out.  references,
 * metadata and rule_set may be NULL.
 */
void guid_digest(const char *schema, const json_t *references, const json_t *metadata,
                 const json_t *rule_set, unsigned char out[GUID_BYTES]);

/** 16 bytes as a GUID: lower-case hex in the 8-4-4-4-12 groups, into out. */
void guid_format(const unsigned char d[GUID_BYTES], char out[GUID_LEN + 1]);

/** guid_digest(), formatted. */
void guid_of(const char *schema, const json_t *references, const json_t *metadata,
             const json_t *rule_set, char out[GUID_LEN + 1]);

/**
 * A record's "md5" (base64 of 16 bytes, which Confluent writes when it
 * encrypted sensitive metadata and which then is the GUID) into out.
 * 0, or -1 (out zeroed) when it is not base64 of 16 bytes.
 */
int guid_from_md5_base64(const char *b64, unsigned char out[GUID_BYTES]);

/**
 * A GUID as a client may write it (upper or lower case, with the dashes or
 * as 32 hex digits) as its 16 bytes.  0, or -1 (out zeroed) when it is
 * neither.
 */
int guid_parse(const char *in, size_t len, unsigned char out[GUID_BYTES]);

/** guid_parse(), formatted: 0, or -1 (out set to "") when it is no GUID. */
int guid_normalize(const char *in, size_t len, char out[GUID_LEN + 1]);

#endif
