/*
 * fuzz_avro_parse.c - Avro schema texts (schema_avro_parse.c and the
 * writers): parse, canonical Schema.toString(), normalized form, with
 * references.
 *
 * Input: parts split on 0xFF; all but the last are referenced schemas (in
 * dependency order, each parsed with those before it, as Confluent
 * resolves them), the last is the schema.  Checks: a failure always has a
 * message; the canonical text parses again to itself (the fingerprint of a
 * schema must not depend on whether it was sent canonical); the normalized
 * form exists exactly when the schema parses, and is stable too.
 */
#include "fuzz.h"

#include "schema_avro.h"

#define MAX_REFS 3

static int
canonical(const char *text, size_t len, const schema_ref_t *refs, size_t nrefs,
          int normalize, char **out)
{
    char *err = NULL;
    int rc = schema_avro_canonical(text, len, refs, nrefs, normalize, out, &err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(rc == 0 ? *out != NULL && err == NULL : *out == NULL && err != NULL);
    free(err);
    return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part_t parts[MAX_REFS + 1];
    int n = fuzz_split(data, size, parts, MAX_REFS + 1);
    schema_ref_t refs[MAX_REFS];
    size_t nrefs = 0;
    for (int i = 0; i < n - 1; i++) {
        char *c = NULL;
        if (canonical(parts[i].p, parts[i].n, refs, nrefs, 0, &c) == 0)
            refs[nrefs++] = (schema_ref_t){.name = "", .text = c};
    }
    const schema_ref_t *r = refs;
    /* The text is copied so that ASan sees a read past its end. */
    char *text = fuzz_strndup(parts[n - 1].p, parts[n - 1].n);
    char *plain = NULL, *norm = NULL;
    int rc = canonical(text, parts[n - 1].n, r, nrefs, 0, &plain);
    int nrc = canonical(text, parts[n - 1].n, r, nrefs, 1, &norm);
    FUZZ_CHECK(rc == nrc);
    if (rc == 0) {
        char *again = NULL, *nagain = NULL;
        FUZZ_CHECK(canonical(plain, strlen(plain), r, nrefs, 0, &again) == 0);
        FUZZ_CHECK(strcmp(plain, again) == 0);
        FUZZ_CHECK(canonical(norm, strlen(norm), r, nrefs, 1, &nagain) == 0);
        FUZZ_CHECK(strcmp(norm, nagain) == 0);
        free(again);
        free(nagain);
    }
    free(plain);
    free(norm);
    free(text);
    for (size_t i = 0; i < nrefs; i++)
        free(refs[i].text);
    return 0;
}
