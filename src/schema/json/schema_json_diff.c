/*
 * schema_json_diff.c - Confluent's Difference.Type for JSON Schema: for
 * each kind, whether SchemaDiff.COMPATIBLE_CHANGES holds it and which of
 * Difference.error()'s sentences describes it.
 */
#include <string.h>

#include "mem.h"
#include "schema_json_diff.h"

/* How Difference.error() words a type. */
enum { M_NONE, M_KEYWORD, M_MORE, M_LESS, M_VALUE, M_FEWER, M_MORE_ELEMS, M_TYPE,
       M_OPEN_ADDED, M_UNOPEN_REQUIRED, M_CLOSED_REMOVED, M_PARTIAL_REMOVED,
       M_PARTIAL_ADDED };

typedef struct sjd_info {
    const char *name;
    int words;
    int compatible;
} sjd_info_t;

#define DT(n, w, c) [SJD_##n] = {#n, w, c}
static const sjd_info_t sjd_types[SJD_COUNT] = {
    DT(ID_CHANGED, M_NONE, 1), DT(DESCRIPTION_CHANGED, M_NONE, 1),
    DT(TITLE_CHANGED, M_NONE, 1), DT(DEFAULT_CHANGED, M_NONE, 1),
    DT(SCHEMA_ADDED, M_NONE, 0), DT(SCHEMA_REMOVED, M_NONE, 1),
    DT(TYPE_EXTENDED, M_NONE, 1), DT(TYPE_NARROWED, M_TYPE, 0), DT(TYPE_CHANGED, M_TYPE, 0),
    DT(MAX_LENGTH_ADDED, M_KEYWORD, 0), DT(MAX_LENGTH_REMOVED, M_NONE, 1),
    DT(MAX_LENGTH_INCREASED, M_NONE, 1), DT(MAX_LENGTH_DECREASED, M_LESS, 0),
    DT(MIN_LENGTH_ADDED, M_KEYWORD, 0), DT(MIN_LENGTH_REMOVED, M_NONE, 1),
    DT(MIN_LENGTH_INCREASED, M_MORE, 0), DT(MIN_LENGTH_DECREASED, M_NONE, 1),
    DT(PATTERN_ADDED, M_KEYWORD, 0), DT(PATTERN_REMOVED, M_NONE, 1),
    DT(PATTERN_CHANGED, M_VALUE, 0),
    DT(MAXIMUM_ADDED, M_KEYWORD, 0), DT(MAXIMUM_REMOVED, M_NONE, 1),
    DT(MAXIMUM_INCREASED, M_NONE, 1), DT(MAXIMUM_DECREASED, M_LESS, 0),
    DT(MINIMUM_ADDED, M_KEYWORD, 0), DT(MINIMUM_REMOVED, M_NONE, 1),
    DT(MINIMUM_INCREASED, M_MORE, 0), DT(MINIMUM_DECREASED, M_NONE, 1),
    DT(EXCLUSIVE_MAXIMUM_ADDED, M_KEYWORD, 0), DT(EXCLUSIVE_MAXIMUM_REMOVED, M_NONE, 1),
    DT(EXCLUSIVE_MAXIMUM_INCREASED, M_NONE, 1), DT(EXCLUSIVE_MAXIMUM_DECREASED, M_LESS, 0),
    DT(EXCLUSIVE_MINIMUM_ADDED, M_KEYWORD, 0), DT(EXCLUSIVE_MINIMUM_REMOVED, M_NONE, 1),
    DT(EXCLUSIVE_MINIMUM_INCREASED, M_MORE, 0), DT(EXCLUSIVE_MINIMUM_DECREASED, M_NONE, 1),
    DT(MULTIPLE_OF_ADDED, M_KEYWORD, 0), DT(MULTIPLE_OF_REMOVED, M_NONE, 1),
    DT(MULTIPLE_OF_EXPANDED, M_MORE, 0), DT(MULTIPLE_OF_REDUCED, M_NONE, 1),
    DT(MULTIPLE_OF_CHANGED, M_VALUE, 0),
    DT(REQUIRED_ATTRIBUTE_ADDED, M_KEYWORD, 0),
    DT(REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, M_NONE, 1),
    DT(REQUIRED_ATTRIBUTE_REMOVED, M_NONE, 1),
    DT(MAX_PROPERTIES_ADDED, M_KEYWORD, 0), DT(MAX_PROPERTIES_REMOVED, M_NONE, 1),
    DT(MAX_PROPERTIES_INCREASED, M_NONE, 1), DT(MAX_PROPERTIES_DECREASED, M_LESS, 0),
    DT(MIN_PROPERTIES_ADDED, M_KEYWORD, 0), DT(MIN_PROPERTIES_REMOVED, M_NONE, 1),
    DT(MIN_PROPERTIES_INCREASED, M_MORE, 0), DT(MIN_PROPERTIES_DECREASED, M_NONE, 1),
    DT(ADDITIONAL_PROPERTIES_ADDED, M_NONE, 1), DT(ADDITIONAL_PROPERTIES_REMOVED, M_KEYWORD, 0),
    DT(ADDITIONAL_PROPERTIES_EXTENDED, M_NONE, 1),
    DT(ADDITIONAL_PROPERTIES_NARROWED, M_FEWER, 0),
    DT(DEPENDENCY_ARRAY_ADDED, M_KEYWORD, 0), DT(DEPENDENCY_ARRAY_REMOVED, M_NONE, 1),
    DT(DEPENDENCY_ARRAY_EXTENDED, M_MORE_ELEMS, 0), DT(DEPENDENCY_ARRAY_NARROWED, M_NONE, 1),
    DT(DEPENDENCY_ARRAY_CHANGED, M_VALUE, 0), DT(DEPENDENCY_SCHEMA_ADDED, M_KEYWORD, 0),
    DT(DEPENDENCY_SCHEMA_REMOVED, M_NONE, 1),
    DT(PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, M_OPEN_ADDED, 0),
    DT(PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, M_UNOPEN_REQUIRED, 0),
    DT(REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL, M_NONE, 1),
    DT(OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_CLOSED_REMOVED, 0),
    DT(PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_REMOVED, 0),
    DT(PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_ADDED, 0),
    DT(MAX_ITEMS_ADDED, M_KEYWORD, 0), DT(MAX_ITEMS_REMOVED, M_NONE, 1),
    DT(MAX_ITEMS_INCREASED, M_NONE, 1), DT(MAX_ITEMS_DECREASED, M_LESS, 0),
    DT(MIN_ITEMS_ADDED, M_KEYWORD, 0), DT(MIN_ITEMS_REMOVED, M_NONE, 1),
    DT(MIN_ITEMS_INCREASED, M_MORE, 0), DT(MIN_ITEMS_DECREASED, M_NONE, 1),
    DT(UNIQUE_ITEMS_ADDED, M_KEYWORD, 0), DT(UNIQUE_ITEMS_REMOVED, M_NONE, 1),
    DT(ADDITIONAL_ITEMS_ADDED, M_NONE, 1), DT(ADDITIONAL_ITEMS_REMOVED, M_KEYWORD, 0),
    DT(ADDITIONAL_ITEMS_EXTENDED, M_NONE, 1), DT(ADDITIONAL_ITEMS_NARROWED, M_FEWER, 0),
    DT(ITEM_ADDED_TO_OPEN_CONTENT_MODEL, M_OPEN_ADDED, 0),
    DT(ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL, M_CLOSED_REMOVED, 0),
    DT(ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_REMOVED, 0),
    DT(ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_NONE, 1),
    DT(ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, M_PARTIAL_ADDED, 0),
    DT(ENUM_ARRAY_EXTENDED, M_NONE, 1), DT(ENUM_ARRAY_NARROWED, M_FEWER, 0),
    DT(ENUM_ARRAY_CHANGED, M_TYPE, 0),
    DT(COMBINED_TYPE_EXTENDED, M_NONE, 1), DT(COMBINED_TYPE_CHANGED, M_TYPE, 0),
    DT(PRODUCT_TYPE_EXTENDED, M_MORE_ELEMS, 0), DT(PRODUCT_TYPE_NARROWED, M_NONE, 1),
    DT(SUM_TYPE_EXTENDED, M_MORE_ELEMS, 1), DT(SUM_TYPE_NARROWED, M_FEWER, 0),
    DT(COMBINED_TYPE_SUBSCHEMAS_CHANGED, M_TYPE, 0),
    DT(NOT_TYPE_EXTENDED, M_MORE_ELEMS, 0), DT(NOT_TYPE_NARROWED, M_NONE, 1),
    /* 8.3's: under its STRICT policy the three open-content-model kinds
     * that replaced PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL stay incompatible
     * (LENIENT lets two of them through, and a narrowed or removed
     * unevaluatedProperties). */
    DT(REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, M_OPEN_ADDED, 0),
    DT(REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL, M_OPEN_ADDED, 0),
    DT(OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, M_OPEN_ADDED, 0),
    DT(UNEVALUATED_PROPERTIES_ADDED, M_NONE, 1), DT(UNEVALUATED_PROPERTIES_REMOVED, M_KEYWORD, 0),
    DT(UNEVALUATED_PROPERTIES_EXTENDED, M_NONE, 1),
    DT(UNEVALUATED_PROPERTIES_NARROWED, M_FEWER, 0),
    DT(MAX_CONTAINS_ADDED, M_KEYWORD, 0), DT(MAX_CONTAINS_REMOVED, M_NONE, 1),
    DT(MAX_CONTAINS_INCREASED, M_NONE, 1), DT(MAX_CONTAINS_DECREASED, M_LESS, 0),
    DT(MIN_CONTAINS_ADDED, M_KEYWORD, 0), DT(MIN_CONTAINS_REMOVED, M_NONE, 1),
    DT(MIN_CONTAINS_INCREASED, M_MORE, 0), DT(MIN_CONTAINS_DECREASED, M_NONE, 1),
    DT(UNEVALUATED_ITEMS_ADDED, M_NONE, 1), DT(UNEVALUATED_ITEMS_REMOVED, M_KEYWORD, 0),
    DT(UNEVALUATED_ITEMS_EXTENDED, M_NONE, 1), DT(UNEVALUATED_ITEMS_NARROWED, M_FEWER, 0),
};
#undef DT

/* SchemaDiff.COMPATIBLE_CHANGES_LENIENT beyond the STRICT set (8.3). */
static int
sjd_lenient(sjd_type_t type)
{
    static const sjd_type_t more[] = {
        SJD_ADDITIONAL_PROPERTIES_NARROWED, SJD_ADDITIONAL_PROPERTIES_REMOVED,
        SJD_UNEVALUATED_PROPERTIES_NARROWED, SJD_UNEVALUATED_PROPERTIES_REMOVED,
        SJD_REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL,
        SJD_OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
        SJD_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, SJD_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
        SJD_PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        SJD_PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    };
    for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
        if (more[i] == type)
            return 1;
    }
    return 0;
}

int
sjd_compatible(sjd_type_t type, int lenient)
{
    return sjd_types[type].compatible || (lenient && sjd_lenient(type));
}

char *
sjd_message(sjd_type_t type, const char *path, const char *reader, const char *writer)
{
    static const char *const words[] = {
        [M_NONE] = "",
        [M_KEYWORD] = "The keyword at path '%p' in the %s schema is not present in the %s schema",
        [M_MORE] = "The value at path '%p' in the %s schema is more than its value in the %s schema",
        [M_LESS] = "The value at path '%p' in the %s schema is less than its value in the %s schema",
        [M_VALUE] = "The value at path '%p' is different between the %s and %s schema",
        [M_FEWER] = "An array or combined type at path '%p' has fewer elements in the %s schema "
                    "than the %s schema",
        [M_MORE_ELEMS] = "An array or combined type at path '%p' has more elements in the %s "
                         "schema than the %s schema",
        [M_TYPE] = "A type at path '%p' is different between the %s schema and the %s schema",
        [M_OPEN_ADDED] = "The %s schema has an open content model and has a property or item at "
                         "path '%p' which is missing in the %s schema",
        [M_UNOPEN_REQUIRED] = "The %s schema has an unopen content model and has a required "
                              "property at path '%p' which is missing in the %s schema",
        [M_CLOSED_REMOVED] = "The %s has a closed content model and is missing a property or "
                             "item present at path '%p' in the %s schema",
        [M_PARTIAL_REMOVED] = "A property or item is missing in the %s schema but present at "
                              "path '%p' in the %s schema and is not covered by its partially "
                              "open content model",
        [M_PARTIAL_ADDED] = "The %s schema has a property or item at path '%p' which is missing "
                            "in the %s schema and is not covered by its partially open content "
                            "model",
    };
    const char *w = words[sjd_types[type].words];
    const char *roles[2] = {reader, writer};
    int next = 0;
    buf_t b = {0};
    buf_printf(&b, "{errorType:\"%s\", description:\"", sjd_types[type].name);
    for (const char *p = w; *p; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            buf_puts(&b, path);
            p++;
        } else if (p[0] == '%' && p[1] == 's') {
            buf_puts(&b, roles[next < 2 ? next : 1]);
            next++;
            p++;
        } else {
            buf_append(&b, p, 1);
        }
    }
    buf_puts(&b, "'}");
    return buf_steal(&b, NULL);
}
