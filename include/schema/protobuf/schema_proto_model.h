/*
 * schema_proto_model.h - a .proto file as a FileDescriptorProto holds it,
 * in C: what Google's parser gives (proto_pb.c++) and what a client's
 * serialized schema carries decode into the same model, from which
 * Confluent's printer and diff work.  Everything lives in the file's
 * arena and dies with pm_file_free().
 */
#ifndef SCHEMAD_SCHEMA_PROTO_MODEL_H
#define SCHEMAD_SCHEMA_PROTO_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

/* How an option's value was written (wire's OptionElement kinds). */
typedef enum {
    PM_OPT_STRING,      /* value is the unescaped text */
    PM_OPT_IDENT,       /* true, false, an enum constant: printed as is */
    PM_OPT_NUMBER,      /* printed as is */
    PM_OPT_AGGREGATE,   /* the text between the braces */
} pm_opt_kind_t;

typedef struct pm_opt {
    const char *name;   /* as printed: "java_package", "(a.b).c" */
    pm_opt_kind_t kind;
    const char *value;
} pm_opt_t;

typedef struct pm_opts {
    pm_opt_t *v;
    size_t n;
} pm_opts_t;

/* FieldDescriptorProto's labels and the types the printer names. */
enum { PM_LABEL_NONE = 0, PM_LABEL_OPTIONAL = 1, PM_LABEL_REQUIRED = 2, PM_LABEL_REPEATED = 3 };
enum { PM_TYPE_GROUP = 10, PM_TYPE_MESSAGE = 11, PM_TYPE_ENUM = 14, PM_TYPE_MAX = 18 };

typedef struct pm_field {
    const char *name;
    int32_t number;
    int label;
    int type;               /* 0 when only type_name says (the parser's output) */
    const char *type_name;  /* as written, or NULL for a scalar */
    const char *extendee;   /* an extension's message, else NULL */
    const char *default_value;
    const char *json_name;
    int32_t oneof_index;    /* -1: none */
    int proto3_optional;
    pm_opts_t opts;
} pm_field_t;

/* A range [start, end): reserved and extension ranges of a message;
 * an enum's reserved ranges are stored end-exclusive too. */
typedef struct pm_range {
    int64_t start;      /* int32 in the descriptor; 64 bits so that end+1 fits */
    int64_t end;
} pm_range_t;

typedef struct pm_ranges {
    pm_range_t *v;
    size_t n;
} pm_ranges_t;

typedef struct pm_names {
    const char **v;
    size_t n;
} pm_names_t;

typedef struct pm_enum_value {
    const char *name;
    int32_t number;
    pm_opts_t opts;
} pm_enum_value_t;

typedef struct pm_enum {
    const char *name;
    pm_enum_value_t *values;
    size_t nvalues;
    pm_opts_t opts;
    pm_ranges_t reserved;
    pm_names_t reserved_names;
} pm_enum_t;

typedef struct pm_oneof {
    const char *name;
    pm_opts_t opts;
} pm_oneof_t;

typedef struct pm_msg pm_msg_t;

typedef struct pm_fields {
    pm_field_t *v;
    size_t n;
} pm_fields_t;

typedef struct pm_msgs {
    pm_msg_t *v;
    size_t n;
} pm_msgs_t;

typedef struct pm_enums {
    pm_enum_t *v;
    size_t n;
} pm_enums_t;

struct pm_msg {
    const char *name;
    pm_fields_t fields;
    pm_msgs_t nested;
    pm_enums_t enums;
    pm_fields_t extensions;
    pm_ranges_t ext_ranges;
    pm_oneof_t *oneofs;
    size_t noneofs;
    pm_opts_t opts;
    pm_ranges_t reserved;
    pm_names_t reserved_names;
    int map_entry;
};

typedef struct pm_method {
    const char *name;
    const char *input;
    const char *output;
    int client_streaming;
    int server_streaming;
    pm_opts_t opts;
} pm_method_t;

typedef struct pm_service {
    const char *name;
    pm_method_t *methods;
    size_t nmethods;
    pm_opts_t opts;
} pm_service_t;

typedef struct pm_file {
    mem_arena_t arena;      /* owns everything below */
    const char *name;
    const char *package;    /* NULL: none */
    const char *syntax;     /* NULL: none written */
    pm_names_t deps;
    int32_t *public_deps;   /* indexes into deps */
    size_t npublic;
    pm_msgs_t msgs;
    pm_enums_t enums;
    pm_service_t *services;
    size_t nservices;
    pm_fields_t extensions;
    pm_opts_t opts;
} pm_file_t;

/**
 * Decode a serialized FileDescriptorProto.  0 with *out (free with
 * pm_file_free); -1 when the bytes are not one (truncated, a wrong wire
 * type, nesting deeper than 128).  Unknown fields are skipped; options
 * the descriptor holds interpreted are named as in .proto text.
 */
int pm_decode(const unsigned char *data, size_t len, pm_file_t **out);

/** Free a file and everything in it.  NULL is fine. */
void pm_file_free(pm_file_t *f);

/** The name of scalar type `type` ("string"), or NULL. */
const char *pm_scalar_name(int type);

/* The options messages of descriptor.proto. */
typedef enum {
    PM_OPTS_FILE, PM_OPTS_MSG, PM_OPTS_FIELD, PM_OPTS_ENUM, PM_OPTS_VALUE, PM_OPTS_SERVICE,
    PM_OPTS_METHOD,
} pm_opts_of_t;

/**
 * Where a built-in option goes in its options message: its field number
 * into *num; 0 with *varint (a bool or an enum's number), 2 for a string
 * (the option's value), -1 when `o` is no built-in option of `of` or its
 * value is not one the option takes.
 */
int pm_known_option(pm_opts_of_t of, const pm_opt_t *o, uint32_t *num, uint64_t *varint);

/** Whether the public dependency list names dep index `i`. */
int pm_is_public(const pm_file_t *f, size_t i);

/**
 * The synthetic entry message of map field `fd` of message `m` (a nested
 * map_entry message of two fields named as the field's type's last part),
 * borrowed from `m`; NULL when `fd` is no map field or `m` is NULL.
 */
const pm_msg_t *pm_map_entry(const pm_msg_t *m, const pm_field_t *fd);

#endif
