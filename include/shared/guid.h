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

#include <jansson.h>

#define GUID_LEN 36

/**
 * The GUID of a schema into out[GUID_LEN + 1]: lower-case hex in the 8-4-4-4-12
 * groups.  references, metadata and rule_set may be NULL.
 */
void guid_of(const char *schema, const json_t *references, const json_t *metadata,
             const json_t *rule_set, char out[GUID_LEN + 1]);

/**
 * A record's "md5" (base64 of 16 bytes, which Confluent writes when it
 * encrypted sensitive metadata and which then is the GUID) into out.
 * 0, or -1 (out set to "") when it is not base64 of 16 bytes.
 */
int guid_from_md5_base64(const char *b64, char out[GUID_LEN + 1]);

/**
 * A GUID as a client may write it (upper or lower case, with the dashes or
 * as 32 hex digits) in its canonical form into out.  0, or -1 (out set to
 * "") when it is neither.
 */
int guid_normalize(const char *in, size_t len, char out[GUID_LEN + 1]);

#endif
