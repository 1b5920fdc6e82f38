/*
 * schema_avro_default.c - Java Avro's Schema.isValidDefault: whether a
 * field's default value fits its schema.  Confluent asks for the check on
 * the normalize path of a new schema (AvroSchemaProvider: validateDefaults
 * || normalize, when isNew); elsewhere defaults are taken as written.
 */
#include <stdint.h>

#include "schema_avro_model.h"

static int
avro__valid_list(const avro_schema_t *items, const json_t *def, int depth)
{
    size_t i;
    json_t *e;
    json_array_foreach(def, i, e) {
        int r = avro_default_valid(items, e, depth + 1);
        if (r <= 0)
            return r;
    }
    return 1;
}

static int
avro__valid_map(const avro_schema_t *values, const json_t *def, int depth)
{
    const char *k;
    json_t *e;
    json_object_foreach((json_t *)def, k, e) {
        int r = avro_default_valid(values, e, depth + 1);
        if (r <= 0)
            return r;
    }
    return 1;
}

/* A record default: each field's value, or that field's own default. */
static int
avro__valid_record(const avro_schema_t *s, const json_t *def, int depth)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const avro_field_t *f = &s->fields[i];
        const json_t *v = f->name ? json_object_get(def, f->name) : NULL;
        int r = avro_default_valid(f->schema, v != NULL ? v : f->def, depth + 1);
        if (r <= 0)
            return r;
    }
    return 1;
}

int
avro_default_valid(const avro_schema_t *s, const json_t *def, int depth)
{
    /* A default is bounded by the document's nesting; this only guards a
     * record that defaults to itself through its fields' defaults. */
    if (def == NULL || s == NULL || depth > 1000)
        return 0;
    switch (s->type) {
    case AVRO_STRING:
    case AVRO_BYTES:
    case AVRO_ENUM:
    case AVRO_FIXED:
        return avro_is_text(def);
    case AVRO_INT:
        return json_is_integer(def) && json_integer_value(def) >= INT32_MIN &&
               json_integer_value(def) <= INT32_MAX;
    case AVRO_LONG:
        return json_is_integer(def);
    case AVRO_FLOAT:
    case AVRO_DOUBLE:
        return json_is_number(def) || avro_json_special(def) != 0;
    case AVRO_BOOLEAN:
        return json_is_boolean(def);
    case AVRO_NULL:
        return json_is_null(def);
    case AVRO_ARRAY:
        return json_is_array(def) ? avro__valid_list(s->child, def, depth) : 0;
    case AVRO_MAP:
        return json_is_object(def) ? avro__valid_map(s->child, def, depth) : 0;
    case AVRO_UNION:
        /* getTypes().get(0) of an empty union throws. */
        return s->nbranches > 0 ? avro_default_valid(s->branches[0], def, depth + 1) : -1;
    case AVRO_RECORD:
        return json_is_object(def) ? avro__valid_record(s, def, depth) : 0;
    }
    return 0;
}
