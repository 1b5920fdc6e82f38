/*
 * schema_json_tags.c - add and remove `confluent:tags` on a JSON Schema's
 * nodes, as Confluent's JsonSchema.copy(tagsToAdd, tagsToRemove): an
 * entity path ("object.a", "object.definitions.X", "array.object.b") is
 * walked down the document as JsonSchemaUtils.findMatchingEntity walks it,
 * and the node found gets the union (or difference) of its tags.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_json.h"
#include "schema_json_node.h"

#define SJT_TAGS "confluent:tags"

/* The path's words: Java's split("\\.") (trailing empty words dropped). */
typedef struct sjt_words {
    char **w;
    size_t n;
    size_t at;      /* the next word to poll */
} sjt_words_t;

static void
sjt_split(sjt_words_t *ws, const char *path)
{
    const char *p = path;
    ws->w = NULL;
    ws->n = ws->at = 0;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        ws->w = mem_realloc(ws->w, (ws->n + 1) * sizeof(*ws->w));
        ws->w[ws->n++] = mem_strndup(p, len);
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    while (ws->n > 1 && ws->w[ws->n - 1][0] == '\0')
        free(ws->w[--ws->n]);
}

static void
sjt_words_free(sjt_words_t *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        free(ws->w[i]);
    free(ws->w);
}

static const char *
sjt_poll(sjt_words_t *ws)
{
    return ws->at < ws->n ? ws->w[ws->at++] : NULL;
}

static const char *
sjt_peek(const sjt_words_t *ws)
{
    return ws->at < ws->n ? ws->w[ws->at] : NULL;
}

static jsn_t *
sjt_get(jsn_t *node, const char *key)
{
    long at = jsn_find(node, key, strlen(key));
    return at >= 0 ? node->items[at] : NULL;
}

/* findNodeFromNameBuilder: words joined by '.' until `node` has the name. */
static jsn_t *
sjt_by_name(jsn_t *node, sjt_words_t *ws)
{
    const char *word = sjt_poll(ws);
    if (word == NULL || node == NULL)
        return NULL;
    buf_t name = {0};
    buf_puts(&name, word);
    while (jsn_find(node, name.data, name.len) < 0 && sjt_peek(ws) != NULL) {
        buf_puts(&name, ".");
        buf_puts(&name, sjt_poll(ws));
    }
    long at = jsn_find(node, name.data, name.len);
    buf_free(&name);
    return at >= 0 ? node->items[at] : NULL;
}

static jsn_t *sjt_find(jsn_t *node, int record, sjt_words_t *ws, int depth);

/* A subschema of allOf/anyOf/oneOf by its index.  Confluent sorts the list
 * by its JsonSchemaComparator first; here the list is taken in order. */
static jsn_t *
sjt_indexed(jsn_t *node, int record, const char *key, sjt_words_t *ws, int depth)
{
    const char *index = sjt_poll(ws);
    jsn_t *list = sjt_get(node, key);
    if (index == NULL || list == NULL || list->type != JSN_ARR)
        return NULL;
    char *end;
    unsigned long i = strtoul(index, &end, 10);
    if (*index == '\0' || *end != '\0' || i >= list->n)
        return NULL;
    return sjt_find(list->items[i], record, ws, depth + 1);
}

static jsn_t *
sjt_find_object(jsn_t *node, int record, sjt_words_t *ws, int depth)
{
    if (record && sjt_peek(ws) == NULL)
        return node;
    const char *word = sjt_peek(ws);
    if (word == NULL)
        return NULL;
    jsn_t *result;
    if (strcmp(word, "definitions") == 0 || strcmp(word, "$defs") == 0) {
        sjt_poll(ws);
        result = sjt_by_name(sjt_get(node, word), ws);
    } else {
        result = sjt_by_name(sjt_get(node, "properties"), ws);
    }
    if (result == NULL || sjt_peek(ws) == NULL)
        return result;
    return sjt_find(result, record, ws, depth + 1);
}

/* JsonSchemaUtils.findNodeHelper. */
static jsn_t *
sjt_find(jsn_t *node, int record, sjt_words_t *ws, int depth)
{
    const char *type = sjt_poll(ws);
    if (type == NULL || node == NULL || depth > JSN_MAX_DEPTH)
        return NULL;
    if (strcmp(type, "object") == 0)
        return sjt_find_object(node, record, ws, depth);
    if (strcmp(type, "array") == 0)
        return sjt_find(sjt_get(node, "items"), record, ws, depth + 1);
    if (strcmp(type, "not") == 0)
        return sjt_find(sjt_get(node, "not"), record, ws, depth + 1);
    if (strcmp(type, "oneof") == 0)
        return sjt_indexed(node, record, "oneOf", ws, depth);
    if (strcmp(type, "anyof") == 0) {
        if (sjt_get(node, "anyOf") != NULL)
            return sjt_indexed(node, record, "anyOf", ws, depth);
        sjt_poll(ws);   /* "type": ["null", "object"] */
        return sjt_find(node, record, ws, depth + 1);
    }
    if (strcmp(type, "allof") == 0) {
        if (sjt_get(node, "allOf") != NULL)
            return sjt_indexed(node, record, "allOf", ws, depth);
        sjt_poll(ws);
        const char *next = sjt_peek(ws);
        if (next != NULL && strcmp(next, "conditional") == 0) {
            sjt_poll(ws);
            const char *branch = sjt_poll(ws);
            return sjt_find(branch ? sjt_get(node, branch) : NULL, record, ws, depth + 1);
        }
        return sjt_find(node, record, ws, depth + 1);
    }
    return NULL;
}

/* The node's tags with `tags` added or removed, insertion order, no repeats. */
static void
sjt_edit(jsn_t *node, const json_t *tags, int add)
{
    hmap_t set = {0}, drop = {0};
    jsn_t *out = jsn_new(JSN_ARR);
    const jsn_t *cur = jsn_get(node, SJT_TAGS);
    size_t i;
    json_t *t;
    if (!add) {
        json_array_foreach(tags, i, t) {
            if (json_is_string(t))
                hmap_put(&drop, json_string_value(t), json_string_length(t), &drop);
        }
    }
    for (i = 0; cur != NULL && cur->type == JSN_ARR && i < cur->n; i++) {
        const jsn_t *e = cur->items[i];
        if (e->type != JSN_STR || hmap_get(&set, e->str, e->len) != NULL ||
            hmap_get(&drop, e->str, e->len) != NULL)
            continue;
        hmap_put(&set, e->str, e->len, &set);
        jsn_append(out, jsn_copy(e));
    }
    json_array_foreach(tags, i, t) {
        if (!add || !json_is_string(t) ||
            hmap_get(&set, json_string_value(t), json_string_length(t)) != NULL)
            continue;
        hmap_put(&set, json_string_value(t), json_string_length(t), &set);
        jsn_t *s = jsn_new(JSN_STR);
        s->str = mem_strndup(json_string_value(t), json_string_length(t));
        s->len = json_string_length(t);
        jsn_append(out, s);
    }
    hmap_free(&set);
    hmap_free(&drop);
    if (out->n > 0) {
        jsn_set(node, SJT_TAGS, strlen(SJT_TAGS), out);
        return;
    }
    jsn_free(out);
    long at = jsn_find(node, SJT_TAGS, strlen(SJT_TAGS));
    if (at < 0)
        return;
    /* Remove the member: rebuild the object without it (its index too). */
    jsn_t *keep = jsn_new(JSN_OBJ);
    for (size_t k = 0; k < node->n; k++) {
        if ((long)k == at) {
            jsn_free(node->items[k]);
        } else {
            jsn_set(keep, node->keys[k], node->klens[k], node->items[k]);
        }
        free(node->keys[k]);
    }
    free(node->items);
    free(node->keys);
    free(node->klens);
    hmap_free(&node->index);
    *node = *keep;
    free(keep);
}

static int
sjt_apply(jsn_t *root, const json_t *list, int add, char **err)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const json_t *ent = json_object_get(item, "schemaEntity");
        const char *path = json_string_value(json_object_get(ent, "entityPath"));
        const char *type = json_string_value(json_object_get(ent, "entityType"));
        sjt_words_t ws;
        sjt_split(&ws, path ? path : "");
        jsn_t *node = sjt_find(root, type && strcmp(type, "sr_record") == 0, &ws, 0);
        sjt_words_free(&ws);
        if (node == NULL || node->type != JSN_OBJ) {
            *err = mem_printf("java.lang.IllegalArgumentException: No matching path '%s' "
                              "found in the schema", path ? path : "null");
            return -1;
        }
        sjt_edit(node, json_object_get(item, "tags"), add);
    }
    return 0;
}

int
schema_json_edit_tags(const char *text, const json_t *add, const json_t *remove,
                      char **out, char **err)
{
    *out = NULL;
    *err = NULL;
    jsn_t *root = jsn_parse(text, strlen(text));
    if (root == NULL) {
        *err = mem_strdup("Invalid JSON");
        return -1;
    }
    int rc = -1;
    if (sjt_apply(root, add, 1, err) == 0 && sjt_apply(root, remove, 0, err) == 0) {
        buf_t b = {0};
        jsn_write(&b, root, 0);
        *out = buf_steal(&b, NULL);
        rc = 0;
    }
    jsn_free(root);
    return rc;
}
