/*
 * test_schema_json_jackson.c - the JSON Schema rules the differential
 * tests (tests/integration/test_diff_reference.py) found schemad breaking:
 * how Confluent's Jackson mapper reads numbers (ALLOW_NON_NUMERIC_NUMBERS;
 * a literal past BigDecimal's range falls back to its double) and that
 * Confluent's loader, fed through org.json, refuses a non-finite number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"

typedef struct stats {
    int passed;
    int failed;
} stats_t;

static void
check(stats_t *st, const char *in, int want_rc, const char *want)
{
    char *out = NULL, *err = NULL;
    int rc = schema_json_canonical(in, strlen(in), NULL, 0, 0, &out, &err);
    const char *got = rc == 0 ? out : err;
    if (rc == want_rc && got != NULL && strcmp(got, want) == 0) {
        st->passed++;
    } else {
        st->failed++;
        printf("FAIL %s\n  got:  %d %s\n  want: %d %s\n", in, rc, got ? got : "(null)", want_rc, want);
    }
    free(out);
    free(err);
}

/* BigDecimal refuses an exponent or a scale past an int; Jackson then
 * takes the literal's double: zero (with its sign) or an infinity. */
static void
test_past_bigdecimal(stats_t *st)
{
    check(st, "{\"x\":1e-2147483649}", 0, "{\"x\":0.0}");
    check(st, "{\"x\":-1e-2147483649}", 0, "{\"x\":-0.0}");
    check(st, "{\"x\":0.1e-2147483647}", 0, "{\"x\":0.0}");
    check(st, "{\"x\":0e99999999999}", 0, "{\"x\":0.0}");
    check(st, "{\"x\":1e2147483647}", 0, "{\"x\":1E+2147483647}");
    check(st, "{\"x\":1e99999999999}", -2, "Invalid JSON Schema");
    check(st, "{\"x\":-2e2147483648}", -2, "Invalid JSON Schema");
}

/* NaN, Infinity, and after a sign Infinity or INF are JSON to Jackson;
 * org.json refuses them on the way to the loader. */
static void
test_non_numeric(stats_t *st)
{
    check(st, "{\"type\":\"object\",\"x\":NaN}", -2, "Invalid JSON Schema");
    check(st, "{\"type\":\"object\",\"x\":[Infinity]}", -2, "Invalid JSON Schema");
    check(st, "{\"type\":\"object\",\"x\":+Infinity}", -2, "Invalid JSON Schema");
    check(st, "{\"type\":\"object\",\"x\":-Infinity}", -2, "Invalid JSON Schema");
    check(st, "{\"type\":\"object\",\"x\":+INF}", -2, "Invalid JSON Schema");
    check(st, "{\"type\":\"object\",\"x\":-INF}", -2, "Invalid JSON Schema");
    check(st, "{\"minimum\":Infinity}", -2, "Invalid JSON Schema");
    check(st, "{\"x\":-NaN}", -1, "Invalid JSON {\"x\":-NaN}");
    check(st, "{\"x\":INF}", -1, "Invalid JSON {\"x\":INF}");
    check(st, "{\"x\":nan}", -1, "Invalid JSON {\"x\":nan}");
    check(st, "{\"x\":Infinityx}", -1, "Invalid JSON {\"x\":Infinityx}");
    check(st, "{\"x\":\"NaN\"}", 0, "{\"x\":\"NaN\"}");
}

int
main(void)
{
    stats_t st = {0, 0};
    test_past_bigdecimal(&st);
    test_non_numeric(&st);
    printf("%d passed, %d failed\n", st.passed, st.failed);
    return st.failed != 0;
}
