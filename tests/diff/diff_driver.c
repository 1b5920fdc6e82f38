/*
 * diff_driver.c - schemad's answers for the differential tests, in the
 * format of Ref.java (the reference): one JSON line per input line
 * {"k": kind, "s": text, "w": text} read on stdin.
 *   avro   {"c0","e0","c1","e1"}: schema_avro_canonical with flags 0 and
 *          SCHEMA_VALIDATE_DEFAULTS (canonical text or error message),
 *          with the texts of "refs" as references when given.
 *   compat {"r", "m"}: schema_avro_compatible of reader s and writer w
 *          (each first canonicalized; r null when either fails), the
 *          reader being the new schema.
 *   json   {"c","e"}: schema_json_canonical (flags 0); "e" is the error,
 *          "x" set when the text is JSON but not a schema (-2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "schema_avro.h"
#include "schema_json.h"

/* refs: the JSON array of the references' texts, or NULL. */
static void
avro(json_t *out, const char *s, size_t len, json_t *refs, int flags, const char *sfx)
{
    char *c = NULL, *e = NULL;
    char key[4];
    size_t n = json_array_size(refs);
    schema_ref_t *r = calloc(n + 1, sizeof(*r));

    for (size_t i = 0; i < n; i++) {
        r[i].name = (char *)"ref";
        r[i].text = (char *)json_string_value(json_array_get(refs, i));
    }
    int rc = schema_avro_canonical(s, len, r, n, flags, &c, &e);
    free(r);
    if (rc == 0) {
        snprintf(key, sizeof key, "c%s", sfx);
        json_object_set_new(out, key, json_stringn(c, strlen(c)));
    } else {
        snprintf(key, sizeof key, "e%s", sfx);
        json_object_set_new(out, key, json_string(e != NULL ? e : "(null)"));
    }
    free(c);
    free(e);
}

static void
compat(json_t *out, const char *r, size_t rlen, const char *w, size_t wlen)
{
    char *rc = NULL, *wc = NULL, *e1 = NULL, *e2 = NULL;

    if (schema_avro_canonical(r, rlen, NULL, 0, 0, &rc, &e1) != 0 ||
        schema_avro_canonical(w, wlen, NULL, 0, 0, &wc, &e2) != 0) {
        json_object_set_new(out, "r", json_null());
    } else {
        json_t *m = json_array();
        int res = schema_avro_compatible(rc, NULL, 0, wc, NULL, 0, 1, m);
        json_object_set_new(out, "m", m);
        json_object_set_new(out, "r", res < 0 ? json_string("error") : json_boolean(res == 1));
    }
    free(rc);
    free(wc);
    free(e1);
    free(e2);
}

static void
jsonschema(json_t *out, const char *s, size_t len)
{
    char *c = NULL, *e = NULL;
    int rc = schema_json_canonical(s, len, NULL, 0, 0, &c, &e);

    if (rc == 0) {
        json_object_set_new(out, "c", json_string(c));
    } else {
        json_object_set_new(out, "e", json_string(e != NULL ? e : "(null)"));
        if (rc == -2)
            json_object_set_new(out, "x", json_true());
    }
    free(c);
    free(e);
}

int
main(void)
{
    char *line = NULL;
    size_t cap = 0;

    while (getline(&line, &cap, stdin) > 0) {
        json_error_t jerr;
        json_t *req = json_loads(line, JSON_ALLOW_NUL, &jerr);
        json_t *out = json_object();
        const char *k = json_string_value(json_object_get(req, "k"));
        json_t *s = json_object_get(req, "s"), *w = json_object_get(req, "w");

        if (k == NULL || !json_is_string(s)) {
            fprintf(stderr, "diff_driver: bad input line: %s\n", jerr.text);
            return 1;
        }
        if (strcmp(k, "avro") == 0) {
            json_t *refs = json_object_get(req, "refs");
            avro(out, json_string_value(s), json_string_length(s), refs, 0, "0");
            avro(out, json_string_value(s), json_string_length(s), refs, SCHEMA_VALIDATE_DEFAULTS, "1");
        } else if (strcmp(k, "compat") == 0) {
            compat(out, json_string_value(s), json_string_length(s),
                   json_string_value(w), json_string_length(w));
        } else {
            jsonschema(out, json_string_value(s), json_string_length(s));
        }
        char *txt = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII);
        puts(txt);
        free(txt);
        json_decref(out);
        json_decref(req);
    }
    free(line);
    return 0;
}
