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
 * and, for the golden answers of Confluent's own code (tests/diff/golden):
 *   jcompat {"ab","ba"}: JSON Schema's compatible hook on the update "a"
 *          against the original "b" (BACKWARD words), and the other way:
 *          the messages, or "invalid" when either text is refused (its
 *          canonical hook); "ra" and "rb" their references ({name: text});
 *          the hooks of dialect "d" (confluent.version, 7 when absent),
 *          "p":"LENIENT" the compatibilityPolicy (the row's
 *          compatible_lenient hook, when it has one).
 *   anorm  {"n"} or {"e"}: schema_avro_canonical with SCHEMA_NORMALIZE,
 *          the texts of "refs" as references.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "schema_avro.h"
#include "schema_json.h"
#include "schema_type.h"

/* refs: the JSON array of the references' texts, or NULL. */
/* An error message as the API sends it: the model spells a NUL as the
 * modified-UTF-8 pair C0 80, which buf_json_string writes as \u0000. */
static json_t *
message(const char *e)
{
    size_t n = strlen(e), o = 0;
    char *t = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        int nul = (unsigned char)e[i] == 0xC0 && i + 1 < n && (unsigned char)e[i + 1] == 0x80;
        t[o++] = nul ? '\0' : e[i];
        i += (size_t)nul;
    }
    json_t *j = json_stringn(t, o);
    free(t);
    return j;
}

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
        snprintf(key, sizeof key, "%s%s", flags & SCHEMA_NORMALIZE ? "n" : "c", sfx);
        json_object_set_new(out, key, json_stringn(c, strlen(c)));
    } else {
        snprintf(key, sizeof key, "e%s", sfx);
        json_object_set_new(out, key, message(e != NULL ? e : "(null)"));
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

/* The references of a JSON object {name: text} as schema_ref_t (borrowed
 * strings; the array is malloc'd, caller frees), *n set. */
static schema_ref_t *
jrefs(json_t *o, size_t *n)
{
    schema_ref_t *r = calloc(json_object_size(o) + 1, sizeof(*r));
    const char *k;
    json_t *v;
    *n = 0;
    json_object_foreach(o, k, v) {
        r[*n].name = (char *)k;
        r[*n].text = (char *)json_string_value(v);
        (*n)++;
    }
    return r;
}

/* The messages of `update` against `original`, or "invalid". */
static json_t *
jbackward(const schema_type_t *st, int lenient, const char *update, json_t *urefs,
          const char *original, json_t *orefs)
{
    json_t *m = json_array();
    size_t nu, no;
    schema_ref_t *ur = jrefs(urefs, &nu), *or_ = jrefs(orefs, &no);
    int rc = lenient && st->compatible_lenient != NULL
                 ? st->compatible_lenient(update, ur, nu, original, or_, no, 1, m)
                 : st->compatible(update, ur, nu, original, or_, no, 1, m);
    free(ur);
    free(or_);

    if (rc < 0) {
        json_decref(m);
        return json_string("invalid");
    }
    return m;
}

static void
jcompat(json_t *out, int dialect, int lenient, const char *a, size_t alen, json_t *ra,
        const char *b, size_t blen, json_t *rb)
{
    const schema_type_t *st = schema_type_find("JSON", dialect);
    char *ca = NULL, *cb = NULL, *e = NULL;
    size_t na, nb;
    schema_ref_t *ar = jrefs(ra, &na), *br = jrefs(rb, &nb);
    int ok = st->canonical(a, alen, ar, na, 0, &ca, &e) == 0;

    free(e);
    e = NULL;
    ok = ok && st->canonical(b, blen, br, nb, 0, &cb, &e) == 0;
    free(e);
    free(ar);
    free(br);
    if (!ok) {
        json_object_set_new(out, "ab", json_string("invalid"));
        json_object_set_new(out, "ba", json_string("invalid"));
    } else {
        json_object_set_new(out, "ab", jbackward(st, lenient, ca, ra, cb, rb));
        json_object_set_new(out, "ba", jbackward(st, lenient, cb, rb, ca, ra));
    }
    free(ca);
    free(cb);
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

        if (k != NULL && strcmp(k, "jcompat") == 0) {
            s = json_object_get(req, "a");
            w = json_object_get(req, "b");
        }
        if (k == NULL || !json_is_string(s)) {
            fprintf(stderr, "diff_driver: bad input line: %s\n", jerr.text);
            return 1;
        }
        if (strcmp(k, "avro") == 0) {
            json_t *refs = json_object_get(req, "refs");
            avro(out, json_string_value(s), json_string_length(s), refs, 0, "0");
            avro(out, json_string_value(s), json_string_length(s), refs, SCHEMA_VALIDATE_DEFAULTS, "1");
        } else if (strcmp(k, "anorm") == 0) {
            avro(out, json_string_value(s), json_string_length(s),
                 json_object_get(req, "refs"), SCHEMA_NORMALIZE, "");
        } else if (strcmp(k, "jcompat") == 0) {
            json_t *d = json_object_get(req, "d");
            const char *p = json_string_value(json_object_get(req, "p"));
            jcompat(out, json_is_integer(d) ? (int)json_integer_value(d) : 7,
                    p != NULL && strcmp(p, "LENIENT") == 0,
                    json_string_value(s), json_string_length(s), json_object_get(req, "ra"),
                    json_string_value(w), json_string_length(w), json_object_get(req, "rb"));
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
