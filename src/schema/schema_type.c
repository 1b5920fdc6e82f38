/* schema_type.c - the table of schema types: one row per type's folder. */
#include "schema_type.h"

#include <stdlib.h>
#include <string.h>

/* The rows, declared here as nginx's generated ngx_modules.c declares its
 * modules: this table depends on no type's own header. */
extern const schema_type_t schema_avro_type;
extern const schema_type_t schema_json_type;
extern const schema_type_t schema_proto_type;

static const schema_type_t *const schema_types[] = {
    &schema_avro_type,
    &schema_json_type,
    &schema_proto_type,
};

/* The types Confluent's providers register, whether or not schemad has them. */
static const char *const schema_type_confluent[] = {"AVRO", "JSON", "PROTOBUF"};

/* A row's hooks under `dialect`: 8.x's where the row has its own. */
static const schema_type_t *
schema_type__dialect(const schema_type_t *t, int dialect)
{
    return dialect >= 8 && t->dialect8 != NULL ? t->dialect8 : t;
}

const schema_type_t *
schema_type_find(const char *name, int dialect)
{
    if (name == NULL)
        return schema_type__dialect(schema_types[0], dialect);
    for (size_t i = 0; i < sizeof(schema_types) / sizeof(schema_types[0]); i++) {
        if (strcmp(schema_types[i]->name, name) == 0)
            return schema_type__dialect(schema_types[i], dialect);
    }
    return NULL;
}

int
schema_type_known(const char *name)
{
    if (name == NULL)
        return 1;
    for (size_t i = 0; i < sizeof(schema_type_confluent) / sizeof(schema_type_confluent[0]); i++) {
        if (strcmp(schema_type_confluent[i], name) == 0)
            return 1;
    }
    return 0;
}

void
schema_refs_free(schema_ref_t *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(refs[i].name);
        free(refs[i].text);
    }
    free(refs);
}
