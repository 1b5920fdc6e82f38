/*
 * fuzz_avro_compat.c - Avro compatibility (schema_avro_compat.c) between
 * two schemas, both ways: BACKWARD reads the old with the new, FORWARD the
 * new with the old, FULL both, and the transitive levels repeat these
 * pairwise, so the two directions (each with either wording) cover every
 * level.
 *
 * Input: two schema texts split on 0xFF.  Checks: the verdict is 0 or 1
 * for parsed schemas; an incompatible verdict comes with messages, all
 * strings; a schema is compatible with itself.
 */
#include "fuzz.h"

#include <jansson.h>

#include "schema_avro.h"

static int
check(const char *reader, const char *writer, int reader_is_new)
{
    json_t *msgs = json_array();
    int rc = schema_avro_compatible(reader, NULL, 0, writer, NULL, 0, reader_is_new, msgs);
    FUZZ_CHECK(rc == 0 || rc == 1);
    FUZZ_CHECK(rc == 0 ? json_array_size(msgs) > 0 : json_array_size(msgs) == 0);
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
        FUZZ_CHECK(json_is_string(m));
    json_decref(msgs);
    return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part_t parts[2];
    if (fuzz_split(data, size, parts, 2) != 2)
        return 0;
    char *a = NULL, *b = NULL, *err = NULL;
    if (schema_avro_canonical(parts[0].p, parts[0].n, NULL, 0, 0, &a, &err) == 0 &&
        schema_avro_canonical(parts[1].p, parts[1].n, NULL, 0, 0, &b, &err) == 0) {
        for (int wording = 0; wording < 2; wording++) {
            check(a, b, wording);
            check(b, a, wording);
        }
        FUZZ_CHECK(check(a, a, 1) == 1);
        /* Without a messages array the verdict is the same. */
        int v = schema_avro_compatible(b, NULL, 0, a, NULL, 0, 1, NULL);
        FUZZ_CHECK(v == check(b, a, 1));
    }
    free(a);
    free(b);
    free(err);
    return 0;
}
