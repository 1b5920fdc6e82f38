/*
 * schema_avro_numbers.h - numbers Jackson reads and jansson refuses (an
 * integer past a long, a real past the finite range), carried through
 * jansson as placeholders (schema_avro_numbers.c).  Not part of the
 * public API: used by schema_avro_parse.c.
 */
#ifndef SCHEMAD_SCHEMA_AVRO_NUMBERS_H
#define SCHEMAD_SCHEMA_AVRO_NUMBERS_H

#include <stddef.h>
#include <jansson.h>

#include "schema_avro_model.h"

typedef struct avro_numbers {
    char *text;     /* the text with placeholders (owned), NULL when none was needed */
    size_t len;
    size_t *at;     /* where each placeholder starts in text */
    long *delta;    /* its length less the number's */
    char **lit;     /* each number as written (owned) */
    size_t n;
    unsigned mark;  /* the noncharacter that starts each placeholder */
} avro_numbers_t;

/** Finds the numbers of `t` (len bytes, comments blanked) jansson refuses
 *  in value positions; m->text is then the text to hand jansson.  Nothing
 *  is marked when the text could hold every placeholder mark itself. */
void avro_numbers_mark(avro_numbers_t *m, const char *t, size_t len);
/** Replaces, in the tree jansson read from m->text, each placeholder by
 *  its special number (avro_json_special).  Returns the tree: `j`, or
 *  the special number that replaced it (j released). */
json_t *avro_numbers_restore(const avro_numbers_t *m, json_t *j);
/** An offset in m->text as the offset in the text given to mark. */
size_t avro_numbers_orig_pos(const avro_numbers_t *m, size_t pos);
void avro_numbers_free(avro_numbers_t *m);

#endif
