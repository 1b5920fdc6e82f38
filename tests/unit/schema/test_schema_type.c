/* test_schema_type.c - the table of schema types and a call through it. */
#include <stdlib.h>
#include <string.h>

#include "schema_type.h"
#include "tally.h"

int
main(void)
{
    tally_t t = {0, 0};
    const schema_type_t *avro = schema_type_find(NULL, 8);
    check(&t, avro != NULL && strcmp(avro->name, "AVRO") == 0, "no schemaType is AVRO");
    check(&t, schema_type_find("AVRO", 8) == avro, "AVRO by name");
    check(&t, schema_type_find("avro", 8) == NULL && schema_type_find("", 8) == NULL,
          "names are exact: no lower case, no empty name");
    check(&t, schema_type_find("AVRO", 7) == avro,
          "a row without 8.x hooks of its own is the same in both dialects");
    const schema_type_t *j7 = schema_type_find("JSON", 7), *j8 = schema_type_find("JSON", 8);
    check(&t, j7 != NULL && j8 != NULL && j7 != j8 && strcmp(j8->name, "JSON") == 0,
          "JSON Schema has 8.3's hooks under confluent.version 8");
    check(&t, schema_type_known(NULL) && schema_type_known("JSON") &&
              schema_type_known("PROTOBUF") && !schema_type_known("") &&
              !schema_type_known("XML"),
          "Confluent's three names are known, nothing else");
    char *out = NULL, *err = NULL;
    const char *text = "{\"type\": \"record\", \"name\": \"r\", \"fields\": []}";
    int rc = avro->canonical(text, strlen(text), NULL, 0, 0, &out, &err);
    check(&t, rc == 0 && strcmp(out, "{\"type\":\"record\",\"name\":\"r\",\"fields\":[]}") == 0,
          "canonical text through the table");
    free(out);
    free(err);
    json_t *msgs = json_array();
    check(&t, avro->compatible("\"long\"", NULL, 0, "\"int\"", NULL, 0, 1, msgs) == 1,
          "compatibility through the table: long reads int");
    check(&t, avro->compatible("\"int\"", NULL, 0, "\"long\"", NULL, 0, 1, msgs) == 0 &&
              json_array_size(msgs) > 0,
          "int cannot read long, with a message");
    json_decref(msgs);
    return tally_report(&t);
}
