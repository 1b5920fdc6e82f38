/*
 * schema_avro_tags.c - add and remove `confluent:tags` on an Avro schema's
 * records (sr_record) and fields (sr_field), as Confluent's
 * AvroSchema.copy(tagsToAdd, tagsToRemove): paths are a record's full or
 * simple name, or that name and a field's, and each edit is one lookup in
 * an index built by one walk of the schema.
 */
#include "schema_avro.h"

#include <stdlib.h>
#include <string.h>

#include "jsonset.h"
#include "mem.h"

#define SCHEMA_AVRO_TAGS_PROP "confluent:tags"

/* The full name of a named Avro type given the enclosing namespace. */
static char *
schema_avro_tags__full_name(const json_t *node, const char *ns, const char **own_ns)
{
    const char *name = json_string_value(json_object_get(node, "name"));
    const char *nsp = json_string_value(json_object_get(node, "namespace"));
    if (name == NULL)
        return NULL;
    if (strchr(name, '.') != NULL) {
        *own_ns = NULL;
        return mem_strdup(name);
    }
    if (nsp == NULL)
        nsp = ns;
    *own_ns = nsp;
    return nsp && *nsp ? mem_printf("%s.%s", nsp, name) : mem_strdup(name);
}

/* Add or remove tags on one object's confluent:tags (insertion order, no
 * repeats), in time linear in both lists. */
static void
schema_avro_tags__edit_tags(json_t *obj, const json_t *tags, int add)
{
    json_t *cur = json_object_get(obj, SCHEMA_AVRO_TAGS_PROP);
    json_t *out = json_array();
    hmap_t set = {0};   /* add: the tags kept so far; remove: those to drop */
    size_t i;
    json_t *t;
    if (!add)
        jsonset_add_all(&set, tags);
    json_array_foreach(cur, i, t) {
        if (add)
            jsonset_has(&set, t, 1);
        else if (jsonset_has(&set, t, 0))
            continue;
        json_array_append(out, t);
    }
    json_array_foreach(tags, i, t) {
        if (add && json_is_string(t) && !jsonset_has(&set, t, 1))
            json_array_append(out, t);
    }
    hmap_free(&set);
    if (json_array_size(out) > 0)
        json_object_set_new(obj, SCHEMA_AVRO_TAGS_PROP, out);
    else {
        json_object_del(obj, SCHEMA_AVRO_TAGS_PROP);
        json_decref(out);
    }
}

/*
 * The records and fields a tag path can name, found in one walk so that
 * each edit is one lookup: "r:NAME" lists the records whose full or simple
 * name is NAME, "f:NAME.FIELD" the fields FIELD of those records.
 */
static void schema_avro_tags__index(json_t *idx, json_t *node, const char *ns, int depth);

static void
schema_avro_tags__index_add(json_t *idx, char kind, const char *name, const char *field, json_t *node)
{
    char *key = field ? mem_printf("%c:%s.%s", kind, name, field) : mem_printf("%c:%s", kind, name);
    json_t *list = json_object_get(idx, key);
    if (list == NULL) {
        list = json_array();
        json_object_set_new(idx, key, list);
    }
    json_array_append(list, node);
    free(key);
}

static void
schema_avro_tags__index_record(json_t *idx, json_t *node, const char *ns, int depth)
{
    const char *own_ns = ns;
    char *full = schema_avro_tags__full_name(node, ns, &own_ns);
    if (full == NULL)
        return;
    const char *simple = json_string_value(json_object_get(node, "name"));
    int both = simple != NULL && strcmp(simple, full) != 0;
    json_t *fields = json_object_get(node, "fields");
    size_t i;
    json_t *f;
    schema_avro_tags__index_add(idx, 'r', full, NULL, node);
    if (both)
        schema_avro_tags__index_add(idx, 'r', simple, NULL, node);
    json_array_foreach(fields, i, f) {
        const char *fname = json_string_value(json_object_get(f, "name"));
        if (fname == NULL)
            continue;
        schema_avro_tags__index_add(idx, 'f', full, fname, f);
        if (both)
            schema_avro_tags__index_add(idx, 'f', simple, fname, f);
    }
    json_array_foreach(fields, i, f)
        schema_avro_tags__index(idx, json_object_get(f, "type"), own_ns, depth + 1);
    free(full);
}

/* Visit every record reachable from a type (unions, arrays, maps, fields). */
static void
schema_avro_tags__index(json_t *idx, json_t *node, const char *ns, int depth)
{
    if (depth > 64)
        return;
    if (json_is_array(node)) {
        size_t i;
        json_t *b;
        json_array_foreach(node, i, b) schema_avro_tags__index(idx, b, ns, depth + 1);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *type = json_string_value(json_object_get(node, "type"));
    if (type != NULL && (strcmp(type, "record") == 0 || strcmp(type, "error") == 0)) {
        schema_avro_tags__index_record(idx, node, ns, depth);
        return;
    }
    schema_avro_tags__index(idx, json_object_get(node, "items"), ns, depth + 1);
    schema_avro_tags__index(idx, json_object_get(node, "values"), ns, depth + 1);
    if (json_is_object(json_object_get(node, "type")) || json_is_array(json_object_get(node, "type")))
        schema_avro_tags__index(idx, json_object_get(node, "type"), ns, depth + 1);
}

/* Apply one list of {schemaEntity:{entityPath,entityType},tags}.  0 or -1. */
static int
schema_avro_tags__apply(const json_t *idx, const json_t *list, int add, char **err)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const json_t *ent = json_object_get(item, "schemaEntity");
        const char *path = json_string_value(json_object_get(ent, "entityPath"));
        const char *type = json_string_value(json_object_get(ent, "entityType"));
        int field = type && strcmp(type, "sr_field") == 0;
        if (path == NULL)
            path = "";
        if (field && strchr(path, '.') == NULL) {
            /* Java's substring(0, lastIndexOf('.')) on a path without a dot. */
            *err = mem_strdup("java.lang.IllegalArgumentException: 0 > -1");
            return -1;
        }
        char *key = mem_printf("%c:%s", field ? 'f' : 'r', path);
        const json_t *nodes = json_object_get(idx, key);
        free(key);
        if (json_array_size(nodes) == 0) {
            *err = mem_printf("java.lang.IllegalArgumentException: No matching path '%s' "
                              "found in the schema", path);
            return -1;
        }
        size_t k;
        json_t *node;
        json_array_foreach(nodes, k, node)
            schema_avro_tags__edit_tags(node, json_object_get(item, "tags"), add);
    }
    return 0;
}

int
schema_avro_edit_tags(const char *text, const json_t *add, const json_t *remove,
                      char **out, char **err)
{
    *out = NULL;
    *err = NULL;
    /* A stored text may hold an escaped NUL (a doc's); jansson keeps it
     * with its length and writes it back escaped. */
    json_t *root = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    json_t *idx = json_object();
    schema_avro_tags__index(idx, root, "", 0);
    int rc = -1;
    if (schema_avro_tags__apply(idx, add, 1, err) == 0 &&
        schema_avro_tags__apply(idx, remove, 0, err) == 0) {
        *out = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
        rc = 0;
    }
    json_decref(idx);
    json_decref(root);
    return rc;
}
