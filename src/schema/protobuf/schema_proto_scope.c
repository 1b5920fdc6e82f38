/*
 * schema_proto_scope.c - the index of type names and protobuf's lookup:
 * from the innermost enclosing scope outwards, the first scope where the
 * name exists wins.
 */
#include <string.h>

#include "schema_proto_scope.h"

/* The values of an enum's and of a bundled message's name. */
static const char pm_scope_mark;
static const char pm_scope_known;

/* The types of the files Confluent bundles (ProtobufSchema's
 * KNOWN_DEPENDENCIES), importable without a reference. */
static const char *const pm_known_types[] = {
    "google.protobuf.Any", "google.protobuf.Api", "google.protobuf.Method",
    "google.protobuf.Mixin", "google.protobuf.Duration", "google.protobuf.Empty",
    "google.protobuf.FieldMask", "google.protobuf.SourceContext", "google.protobuf.Struct",
    "google.protobuf.Value", "google.protobuf.NullValue", "google.protobuf.ListValue",
    "google.protobuf.Timestamp", "google.protobuf.Type", "google.protobuf.Field",
    "google.protobuf.Field.Kind", "google.protobuf.Field.Cardinality", "google.protobuf.Enum",
    "google.protobuf.EnumValue", "google.protobuf.Option", "google.protobuf.Syntax",
    "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue",
    "google.protobuf.FileDescriptorSet", "google.protobuf.FileDescriptorProto",
    "google.protobuf.DescriptorProto", "google.protobuf.FieldDescriptorProto",
    "google.protobuf.OneofDescriptorProto", "google.protobuf.EnumDescriptorProto",
    "google.protobuf.EnumValueDescriptorProto", "google.protobuf.ServiceDescriptorProto",
    "google.protobuf.MethodDescriptorProto", "google.protobuf.FileOptions",
    "google.protobuf.MessageOptions", "google.protobuf.FieldOptions",
    "google.protobuf.OneofOptions", "google.protobuf.EnumOptions",
    "google.protobuf.EnumValueOptions", "google.protobuf.ServiceOptions",
    "google.protobuf.MethodOptions", "google.protobuf.UninterpretedOption",
    "google.protobuf.SourceCodeInfo", "google.protobuf.GeneratedCodeInfo",
    "google.type.CalendarPeriod", "google.type.Color", "google.type.Date",
    "google.type.DateTime", "google.type.TimeZone", "google.type.DayOfWeek",
    "google.type.Decimal", "google.type.Expr", "google.type.Fraction", "google.type.Interval",
    "google.type.LatLng", "google.type.Money", "google.type.Month", "google.type.PhoneNumber",
    "google.type.PhoneNumber.ShortCode", "google.type.PostalAddress", "google.type.Quaternion",
    "google.type.TimeOfDay", "confluent.Meta", "confluent.type.Decimal",
    NULL,
};

/* The files Confluent bundles (KNOWN_DEPENDENCIES' keys). */
static const char *const pm_known_files[] = {
    "confluent/meta.proto", "confluent/type/decimal.proto",
    "google/type/calendar_period.proto", "google/type/color.proto", "google/type/date.proto",
    "google/type/datetime.proto", "google/type/dayofweek.proto", "google/type/decimal.proto",
    "google/type/expr.proto", "google/type/fraction.proto", "google/type/interval.proto",
    "google/type/latlng.proto", "google/type/money.proto", "google/type/month.proto",
    "google/type/phone_number.proto", "google/type/postal_address.proto",
    "google/type/quaternion.proto", "google/type/timeofday.proto",
    "google/protobuf/any.proto", "google/protobuf/api.proto",
    "google/protobuf/descriptor.proto", "google/protobuf/duration.proto",
    "google/protobuf/empty.proto", "google/protobuf/field_mask.proto",
    "google/protobuf/source_context.proto", "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto", "google/protobuf/type.proto",
    "google/protobuf/wrappers.proto", NULL,
};

int
pm_scope_known_file(const char *name)
{
    for (const char *const *k = pm_known_files; *k; k++) {
        if (strcmp(*k, name) == 0)
            return 1;
    }
    return 0;
}

static void
pm_scope__put(pm_scope_t *s, const char *full, size_t len, const void *val)
{
    hmap_put(&s->types, full, len, (void *)val);
}

static void pm_scope__msgs(pm_scope_t *s, buf_t *prefix, const pm_msgs_t *msgs,
                           const pm_enums_t *enums);

static void
pm_scope__named(pm_scope_t *s, buf_t *prefix, const char *name, const void *val,
                const pm_msg_t *m)
{
    size_t mark = prefix->len;
    if (prefix->len > 0)
        buf_puts(prefix, ".");
    buf_puts(prefix, name);
    pm_scope__put(s, prefix->data, prefix->len, val);
    if (m != NULL)
        pm_scope__msgs(s, prefix, &m->nested, &m->enums);
    prefix->len = mark;
}

static void
pm_scope__msgs(pm_scope_t *s, buf_t *prefix, const pm_msgs_t *msgs, const pm_enums_t *enums)
{
    for (size_t i = 0; i < msgs->n; i++)
        pm_scope__named(s, prefix, msgs->v[i].name, &msgs->v[i], &msgs->v[i]);
    for (size_t i = 0; i < enums->n; i++)
        pm_scope__named(s, prefix, enums->v[i].name, &pm_scope_mark, NULL);
}

void
pm_scope_add(pm_scope_t *s, const pm_file_t *f)
{
    buf_t prefix = {0};
    buf_puts(&prefix, f->package ? f->package : "");
    pm_scope__msgs(s, &prefix, &f->msgs, &f->enums);
    buf_free(&prefix);
}

void
pm_scope_add_known(pm_scope_t *s)
{
    for (const char *const *t = pm_known_types; *t; t++)
        pm_scope__put(s, *t, strlen(*t), &pm_scope_known);
}

int
pm_scope_resolve(const pm_scope_t *s, const char *where, const char *name, buf_t *out)
{
    out->len = 0;
    if (name[0] == '.') {
        buf_puts(out, name + 1);
        return hmap_get(&s->types, out->data, out->len) ? 0 : -1;
    }
    size_t scope = strlen(where);
    for (;;) {
        out->len = 0;
        buf_append(out, where, scope);
        if (scope > 0)
            buf_puts(out, ".");
        buf_puts(out, name);
        if (hmap_get(&s->types, out->data, out->len) != NULL)
            return 0;
        if (scope == 0)
            return -1;
        while (scope > 0 && where[scope - 1] != '.')
            scope--;
        if (scope > 0)
            scope--;
    }
}

const pm_msg_t *
pm_scope_msg(const pm_scope_t *s, const char *full)
{
    const void *v = hmap_get(&s->types, full, strlen(full));
    return v == &pm_scope_mark || v == &pm_scope_known ? NULL : v;
}

int
pm_scope_is_enum(const pm_scope_t *s, const char *full)
{
    return hmap_get(&s->types, full, strlen(full)) == &pm_scope_mark;
}

void
pm_scope_free(pm_scope_t *s)
{
    hmap_free(&s->types);
}
