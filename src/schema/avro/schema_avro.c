/*
 * schema_avro.c - the public face of the Avro module: canonical text as
 * Confluent's AvroSchema.canonicalString() gives it, optionally after
 * AvroSchema.normalize().  Parsing lives in schema_avro_parse.c, rendering
 * in schema_avro_write.c and schema_avro_norm.c, compatibility in
 * schema_avro_compat.c.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_avro.h"
#include "schema_avro_model.h"

/*
 * Parses the references into `c` (their named types become known names)
 * and remembers each reference's top-level schema in tops[].
 */
static int
parse_refs(avro_ctx_t *c, const schema_ref_t *refs, size_t nrefs, avro_schema_t **tops)
{
    for (size_t i = 0; i < nrefs; i++) {
        tops[i] = avro_parse_text(c, refs[i].text, strlen(refs[i].text));
        if (tops[i] == NULL)
            return -1;
    }
    return 0;
}

int
schema_avro_canonical(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
                      int flags, char **out, char **err)
{
    avro_ctx_t c;
    avro_schema_t **tops = mem_calloc(nrefs + 1, sizeof(*tops));
    avro_schema_t *s = NULL;
    char *normalized = NULL;
    int normalize = (flags & SCHEMA_NORMALIZE) != 0;
    *out = NULL;
    *err = NULL;
    avro_ctx_init(&c);
    /* One Schema.Parser reads the references and the schema alike. */
    c.validate_defaults = (flags & SCHEMA_VALIDATE_DEFAULTS) != 0;
    if (parse_refs(&c, refs, nrefs, tops) == 0)
        s = avro_parse_text(&c, text, len);
    if (s == NULL) {
        *err = c.err != NULL ? c.err : mem_strdup("Invalid schema");
        c.err = NULL;
    } else if (normalize) {
        normalized = avro_normalized_text(s, tops, nrefs);
    } else {
        *out = avro_to_string(s, tops, nrefs);
    }
    avro_ctx_free(&c);
    free(tops);
    if (normalized == NULL)
        return *out != NULL ? 0 : -1;
    /* Confluent parses the normalized text again and stores its canonical form. */
    int rc = schema_avro_canonical(normalized, strlen(normalized), refs, nrefs, 0, out, err);
    free(normalized);
    return rc;
}

const schema_type_t schema_avro_type = {
    .name = "AVRO",
    .canonical = schema_avro_canonical,
    .compatible = schema_avro_compatible,
    .edit_tags = schema_avro_edit_tags,
};
