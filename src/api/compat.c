/* compat.c - compatibility levels over a subject's versions. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>



schema_ref_t *
compat_schema_refs(const store_t *st, const store_schema_t *s, size_t *n)
{
    schema_ref_t *v = NULL;
    hmap_t seen = {0};
    size_t i;
    json_t *ref;
    *n = 0;
    json_array_foreach(s->references, i, ref) {
        const char *rs = json_string_value(json_object_get(ref, "subject"));
        int rv = (int)json_integer_value(json_object_get(ref, "version"));
        const char *rname = json_string_value(json_object_get(ref, "name"));
        char *qualified = rs ? store_ref_subject(s->context, rs) : NULL;
        store_subject_t *sub = qualified ? store_subject(st, qualified) : NULL;
        store_version_t *ver = sub ? store_version(sub, rv) : NULL;
        free(qualified);
        /* A stored schema's chains were checked when it was registered. */
        if (ver != NULL)
            (void)store_schema_deps(st, ver->schema, rname ? rname : "", &seen, &v, n, 1);
    }
    hmap_free(&seen);
    return v;
}

/* One direction of one pair; appends differences. 1 ok, 0 not. */
static int
compat__pair(const store_t *st, const compat_schema_t *s, const store_schema_t *old,
             int new_is_reader, json_t *diffs)
{
    size_t nold;
    schema_ref_t *oldrefs = compat_schema_refs(st, old, &nold);
    const char *text = store_schema_text(st, old);
    /* A type without a policy of its own checks LENIENT as STRICT, as
     * Confluent's ParsedSchema does. */
    int (*hook)(const char *, const schema_ref_t *, size_t, const char *, const schema_ref_t *,
                size_t, int, json_t *) =
        s->lenient && s->type->compatible_lenient != NULL ? s->type->compatible_lenient
                                                          : s->type->compatible;
    int rc;
    if (new_is_reader)
        rc = hook(s->canonical, s->refs, s->nrefs, text, oldrefs, nold, 1, diffs);
    else
        rc = hook(text, oldrefs, nold, s->canonical, s->refs, s->nrefs, 0, diffs);
    schema_refs_free(oldrefs, nold);
    return rc == 1;
}

static int
compat__has(const char *level, const char *word)
{
    return strstr(level, word) != NULL;
}

/* Check one old version under the level's directions. */
static int
compat__version(const store_t *st, const char *level, const compat_schema_t *s,
                const store_version_t *old, json_t *diffs, int *with_old)
{
    *with_old = 1;
    if (strcmp(old->schema->schema_type, s->type->name) != 0) {
        json_array_append_new(diffs, json_string("Incompatible because of different schema type"));
        return 0;
    }
    int ok = 1;
    int full = compat__has(level, "FULL");
    if (full || compat__has(level, "FORWARD"))
        ok &= compat__pair(st, s, old->schema, 0, diffs);
    if (full || compat__has(level, "BACKWARD")) {
        int back = compat__pair(st, s, old->schema, 1, diffs);
        /* Confluent names the old version only when new-reads-old failed:
         * a FULL check failing the other way alone lists just the differences. */
        *with_old = !full || !back;
        ok &= back;
    }
    return ok;
}

static void
compat__trailer(json_t *messages, const char *level)
{
    char *m = mem_printf("{validateFields: 'false', compatibility: '%s'}", level);
    json_array_append_new(messages, json_string(m));
    free(m);
}

static int
compat__fail(const store_t *st, json_t *messages, json_t *diffs,
             const store_version_t *old, const char *level, int with_old)
{
    if (messages == NULL)
        return 0;
    json_array_extend(messages, diffs);
    int typed = json_array_size(diffs) == 1 &&
                strcmp(json_string_value(json_array_get(diffs, 0)),
                       "Incompatible because of different schema type") == 0;
    if (!typed && with_old) {
        char *m = mem_printf("{oldSchemaVersion: %d}", old->version);
        json_array_append_new(messages, json_string(m));
        free(m);
        buf_t b = {0};
        buf_puts(&b, "{oldSchema: '");
        buf_puts(&b, store_schema_text(st, old->schema));
        buf_puts(&b, "'}");
        json_array_append_new(messages, json_string(b.data));
        buf_free(&b);
    }
    compat__trailer(messages, level);
    return 0;
}

/* The value of the compatibilityGroup property in metadata, or NULL. */
static const char *
compat__group_value(const json_t *metadata, const char *group)
{
    return json_string_value(json_object_get(json_object_get(metadata, "properties"), group));
}

static int
compat__same_group(const char *group, const json_t *metadata, const store_schema_t *old)
{
    if (group == NULL)
        return 1;
    const char *a = compat__group_value(metadata, group);
    const char *b = compat__group_value(old->metadata, group);
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int
compat_evaluate(const store_t *st, const char *subject, const char *level, const char *group,
                const compat_schema_t *s, const store_version_t *only, json_t *messages)
{
    if (strcmp(level, "NONE") == 0)
        return 1;
    store_subject_t *sub = store_subject(st, subject);
    int transitive = compat__has(level, "TRANSITIVE");
    for (size_t i = sub ? sub->nversions : 0; i > 0; i--) {
        const store_version_t *v = &sub->versions[i - 1];
        if (only != NULL ? v != only : v->deleted)
            continue;
        if (!compat__same_group(group, s->metadata, v->schema))
            continue;
        json_t *diffs = json_array();
        int with_old;
        int ok = compat__version(st, level, s, v, diffs, &with_old);
        if (!ok) {
            compat__fail(st, messages, diffs, v, level, with_old);
            json_decref(diffs);
            return 0;
        }
        json_decref(diffs);
        if (!transitive || only != NULL)
            break;
    }
    return 1;
}
