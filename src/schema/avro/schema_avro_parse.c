/*
 * schema_avro_parse.c - JSON text to avro_schema_t, following
 * org.apache.avro.Schema.parse (Avro 1.11.4) step by step so that the first
 * error found, and its message, are the ones Java reports.  Default values
 * are not validated: Confluent 7.9 registers a bad default.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "schema_avro_model.h"
#include "schema_avro_numbers.h"
#include "schema_avro_text.h"

static avro_schema_t *parse_node(avro_ctx_t *c, json_t *j);

static const char *const primitives[] = {
    "string", "bytes", "int", "long", "float", "double", "boolean", "null"
};
static const avro_type_t primitive_types[] = {
    AVRO_STRING, AVRO_BYTES, AVRO_INT, AVRO_LONG, AVRO_FLOAT, AVRO_DOUBLE,
    AVRO_BOOLEAN, AVRO_NULL
};

static const char *const schema_reserved[] = {
    "doc", "fields", "items", "name", "namespace", "size", "symbols",
    "values", "type", "aliases", NULL
};
static const char *const field_reserved[] = {
    "default", "doc", "name", "order", "type", "aliases", NULL
};

void
avro_ctx_init(avro_ctx_t *c)
{
    memset(c, 0, sizeof(*c));
}

static void
name_free(avro_name_t *n)
{
    free(n->name);
    free(n->space);
    free(n->full);
}

static void
field_free(avro_field_t *f)
{
    free(f->name);
    free(f->doc);
    if (f->def != NULL)
        json_decref(f->def);
    for (size_t i = 0; i < f->naliases; i++)
        free(f->aliases[i]);
    free(f->aliases);
    json_decref(f->props);
}

static void
node_free(avro_schema_t *s)
{
    name_free(&s->name);
    free(s->doc);
    for (size_t i = 0; i < s->nfields; i++)
        field_free(&s->fields[i]);
    free(s->fields);
    for (size_t i = 0; i < s->nsymbols; i++)
        free(s->symbols[i]);
    free(s->symbols);
    free(s->enum_default);
    free(s->branches);
    for (size_t i = 0; i < s->naliases; i++)
        name_free(&s->aliases[i]);
    free(s->aliases);
    json_decref(s->props);
    free(s);
}

void
avro_ctx_free(avro_ctx_t *c)
{
    for (size_t i = 0; i < c->nnodes; i++)
        node_free(c->nodes[i]);
    free(c->nodes);
    hmap_free(&c->defined);
    free(c->err);
    memset(c, 0, sizeof(*c));
}

static avro_schema_t *
node_new(avro_ctx_t *c, avro_type_t type)
{
    avro_schema_t *s = mem_calloc(1, sizeof(*s));
    s->type = type;
    s->props = json_object();
    if (c->nnodes == c->capnodes) {
        c->capnodes = c->capnodes ? c->capnodes * 2 : 16;
        c->nodes = mem_realloc(c->nodes, c->capnodes * sizeof(*c->nodes));
    }
    c->nodes[c->nnodes++] = s;
    return s;
}

/* Keeps only the first error: later failures are consequences of it. */
static void *
fail(avro_ctx_t *c, char *msg)
{
    if (c->err == NULL)
        c->err = msg;
    else
        free(msg);
    return NULL;
}

static void *
fail_json(avro_ctx_t *c, const char *prefix, json_t *j)
{
    char *txt = avro_json_text(j);
    char *msg = mem_printf("%s%s", prefix, txt);
    free(txt);
    return fail(c, msg);
}

/* JsonNode.textValue(): the string, or NULL for any other node. */
static const char *
text_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return avro_is_text(v) ? json_string_value(v) : NULL;
}

static int
primitive_index(const char *name)
{
    for (size_t i = 0; i < sizeof(primitives) / sizeof(primitives[0]); i++)
        if (strcmp(primitives[i], name) == 0)
            return (int)i;
    return -1;
}

/* Decodes one UTF-8 sequence; returns its length (1 on malformed input). */
static size_t
utf8_next(const unsigned char *p, unsigned *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0 && p[1]) {
        *cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
        return 2;
    }
    if ((p[0] & 0xf0) == 0xe0 && p[1] && p[2]) {
        *cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
        return 3;
    }
    if ((p[0] & 0xf8) == 0xf0 && p[1] && p[2] && p[3]) {
        *cp = 0x10000;
        return 4;
    }
    *cp = 0xfffd;
    return 1;
}

static int
validate_name(avro_ctx_t *c, const char *name)
{
    if (name == NULL)
        return fail(c, mem_strdup("Null name")), -1;
    if (*name == '\0')
        return fail(c, mem_strdup("Empty name")), -1;
    const unsigned char *p = (const unsigned char *)name;
    unsigned cp;
    p += utf8_next(p, &cp);
    if (!(avro_java_is_letter(cp) || cp == '_'))
        return fail(c, mem_printf("Illegal initial character: %s", name)), -1;
    while (*p) {
        p += utf8_next(p, &cp);
        if (!(avro_java_is_letter_or_digit(cp) || cp == '_'))
            return fail(c, mem_printf("Illegal character in: %s", name)), -1;
    }
    return 0;
}

/* new Name(name, space): a dotted name carries its own namespace. */
static int
name_init(avro_ctx_t *c, avro_name_t *n, const char *name, const char *space)
{
    const char *dot = strrchr(name, '.');
    char *sp = NULL;
    if (dot == NULL) {
        if (validate_name(c, name) < 0)
            return -1;
        n->name = mem_strdup(name);
        sp = space != NULL ? mem_strdup(space) : NULL;
    } else {
        if (validate_name(c, dot + 1) < 0)
            return -1;
        n->name = mem_strdup(dot + 1);
        sp = mem_strndup(name, (size_t)(dot - name));
    }
    if (sp != NULL && *sp == '\0') {
        free(sp);
        sp = NULL;
    }
    n->space = sp;
    n->full = sp != NULL ? mem_printf("%s.%s", sp, n->name) : mem_strdup(n->name);
    return 0;
}

static avro_schema_t *
lookup(avro_ctx_t *c, const char *full)
{
    return hmap_get(&c->defined, full, strlen(full));
}

static int
names_add(avro_ctx_t *c, avro_schema_t *s)
{
    if (lookup(c, s->name.full) != NULL)
        return fail(c, mem_printf("Can't redefine: %s", s->name.full)), -1;
    hmap_put(&c->defined, s->name.full, strlen(s->name.full), s);
    return 0;
}

/* Looks a full name up relative to the current namespace; *found NULL if absent. */
static int
lookup_relative(avro_ctx_t *c, const char *o, const char *space, avro_schema_t **found)
{
    avro_name_t n = {0};
    if (name_init(c, &n, o, space) < 0)
        return -1;
    *found = lookup(c, n.full);
    name_free(&n);
    return 0;
}

/* Names.get(String): primitive, then in the default namespace, then global. */
static int
names_get(avro_ctx_t *c, const char *o, avro_schema_t **out)
{
    *out = NULL;
    int p = primitive_index(o);
    if (p >= 0) {
        *out = node_new(c, primitive_types[p]);
        return 0;
    }
    if (lookup_relative(c, o, c->space, out) < 0)
        return -1;
    if (*out == NULL)
        return lookup_relative(c, o, NULL, out);
    return 0;
}

static int
check_not_primitive_name(avro_ctx_t *c, const avro_name_t *n)
{
    if (primitive_index(n->full) >= 0)
        return fail(c, mem_printf("Schemas may not be named after primitives: %s", n->full)), -1;
    return 0;
}

static int
is_reserved(const char *const *set, const char *key, int is_enum)
{
    if (is_enum && strcmp(key, "default") == 0)
        return 1;
    for (size_t i = 0; set[i] != NULL; i++)
        if (strcmp(set[i], key) == 0)
            return 1;
    return 0;
}

static void
add_props(json_t *props, json_t *j, const char *const *reserved, int is_enum)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        if (!is_reserved(reserved, key, is_enum))
            json_object_set(props, key, v);
    }
}

/* parseAliases: NULL list when absent; -1 on a malformed list. */
static int
parse_alias_strings(avro_ctx_t *c, json_t *node, json_t **list)
{
    json_t *a = json_object_get(node, "aliases");
    *list = NULL;
    if (a == NULL)
        return 0;
    if (!json_is_array(a))
        return fail_json(c, "aliases not an array: ", node), -1;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (!avro_is_text(v))
            return fail_json(c, "alias not a string: ", v), -1;
    }
    *list = a;
    return 0;
}

/*
 * Adds s to a set of strings; returns the pointer already there for an equal
 * string, or NULL when s is new.  Client input sizes every list checked this
 * way (100,000 enum symbols), so duplicates are found by hashing, not by
 * comparing every pair.
 */
static void *
set_add(hmap_t *set, const char *s, void *val)
{
    size_t len = strlen(s);
    void *prev = hmap_get(set, s, len);
    if (prev == NULL)
        hmap_put(set, s, len, val);
    return prev;
}

static int
parse_field_aliases(avro_ctx_t *c, avro_field_t *f, json_t *fj)
{
    json_t *list;
    if (parse_alias_strings(c, fj, &list) < 0)
        return -1;
    if (list == NULL)
        return 0;
    f->aliases = mem_calloc(json_array_size(list) + 1, sizeof(char *));
    hmap_t seen = {0};
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (set_add(&seen, json_string_value(v), v) == NULL)
            f->aliases[f->naliases++] = mem_strdup(json_string_value(v));
    }
    hmap_free(&seen);
    return 0;
}

static int
parse_schema_aliases(avro_ctx_t *c, avro_schema_t *s, json_t *j)
{
    json_t *list;
    if (parse_alias_strings(c, j, &list) < 0)
        return -1;
    if (list == NULL)
        return 0;
    s->aliases = mem_calloc(json_array_size(list) + 1, sizeof(avro_name_t));
    hmap_t seen = {0};
    int rc = 0;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        avro_name_t n = {0};
        if (name_init(c, &n, json_string_value(v), s->name.space) < 0) {
            rc = -1;
            break;
        }
        if (set_add(&seen, n.full, v) != NULL)
            name_free(&n);
        else
            s->aliases[s->naliases++] = n;
    }
    hmap_free(&seen);
    return rc;
}

/* The model's spelling of a NUL (modified UTF-8). */
static int
avro__is_nul_pair(const char *p)
{
    return (unsigned char)p[0] == 0xC0 && (unsigned char)p[1] == 0x80;
}

static json_t *
double_default(avro_ctx_t *c, const char *text)
{
    double d;
    if (avro_text_parse_double(text, &d) < 0) {
        /* Java's readJavaFormatString trims (chars up to ' ') first and
         * names the trimmed text.  A NUL is the model's C0 80 pair. */
        size_t len = strlen(text);
        for (;;) {
            if (len > 0 && (unsigned char)text[len - 1] <= ' ')
                len--;
            else if (len > 1 && avro__is_nul_pair(text + len - 2))
                len -= 2;
            else
                break;
        }
        for (;;) {
            if (len > 0 && (unsigned char)*text <= ' ')
                text++, len--;
            else if (len > 1 && avro__is_nul_pair(text))
                text += 2, len -= 2;
            else
                break;
        }
        if (len == 0)
            return fail(c, mem_strdup("empty String"));
        return fail(c, mem_printf("For input string: \"%.*s\"", (int)len, text));
    }
    /* A DoubleNode: a number to isValidDefault, quoted when written. */
    if (isnan(d))
        return avro_json_special_new(AVRO_NUM_NONFINITE, "NaN", 3);
    if (isinf(d))
        return d < 0 ? avro_json_special_new(AVRO_NUM_NONFINITE, "-Infinity", 9)
                     : avro_json_special_new(AVRO_NUM_NONFINITE, "Infinity", 8);
    return json_real(d);
}

static int
parse_order(avro_ctx_t *c, avro_field_t *f, json_t *fj)
{
    json_t *on = json_object_get(fj, "order");
    f->order = AVRO_ORDER_ASCENDING;
    if (on == NULL)
        return 0;
    if (!avro_is_text(on))
        return fail(c, mem_strdup("Cannot invoke \"String.toUpperCase(java.util.Locale)\" because the "
                                  "return value of \"com.fasterxml.jackson.databind.JsonNode.textValue()\" "
                                  "is null")), -1;
    char *up = mem_strdup(json_string_value(on));
    for (char *p = up; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (strcmp(up, "ASCENDING") == 0)
        f->order = AVRO_ORDER_ASCENDING;
    else if (strcmp(up, "DESCENDING") == 0)
        f->order = AVRO_ORDER_DESCENDING;
    else if (strcmp(up, "IGNORE") == 0)
        f->order = AVRO_ORDER_IGNORE;
    else {
        fail(c, mem_printf("No enum constant org.apache.avro.Schema.Field.Order.%s", up));
        free(up);
        return -1;
    }
    free(up);
    return 0;
}

static int
parse_field_type(avro_ctx_t *c, avro_field_t *f, json_t *fj, const char *fname)
{
    json_t *ft = json_object_get(fj, "type");
    if (ft == NULL)
        return fail_json(c, "No field type: ", fj), -1;
    if (avro_is_text(ft)) {
        avro_schema_t *known;
        if (names_get(c, json_string_value(ft), &known) < 0)
            return -1;
        if (known == NULL) {
            char *q = avro_json_text(ft);
            fail(c, mem_printf("%s is not a defined name. The type of the \"%s\" field must be a "
                               "defined name or a {\"type\": ...} expression.", q, fname));
            free(q);
            return -1;
        }
    }
    f->schema = parse_node(c, ft);
    return f->schema == NULL ? -1 : 0;
}

static int
parse_field(avro_ctx_t *c, avro_field_t *f, json_t *fj, int pos)
{
    const char *fname = text_of(fj, "name");
    f->pos = pos;
    f->props = json_object();
    if (fname == NULL)
        return fail_json(c, "No field name: ", fj), -1;
    const char *fdoc = text_of(fj, "doc");
    if (parse_field_type(c, f, fj, fname) < 0 || parse_order(c, f, fj) < 0)
        return -1;
    json_t *d = json_object_get(fj, "default");
    if (d != NULL && avro_is_text(d) &&
        (f->schema->type == AVRO_FLOAT || f->schema->type == AVRO_DOUBLE)) {
        f->def = double_default(c, json_string_value(d));
        if (f->def == NULL)
            return -1;
    } else if (d != NULL) {
        f->def = json_incref(d);
    }
    if (validate_name(c, fname) < 0)
        return -1;
    int valid = c->validate_defaults && f->def != NULL ? avro_default_valid(f->schema, f->def, 0) : 1;
    if (valid < 0)
        return fail(c, mem_strdup("Index 0 out of bounds for length 0")), -1;
    if (valid == 0) {
        char *dv = avro_json_text(f->def), *st = avro_to_string(f->schema, NULL, 0);
        fail(c, mem_printf("Invalid default for field %s: %s not a %s", fname, dv, st));
        free(dv);
        free(st);
        return -1;
    }
    f->name = mem_strdup(fname);
    f->doc = fdoc != NULL ? mem_strdup(fdoc) : NULL;
    add_props(f->props, fj, field_reserved, 0);
    return parse_field_aliases(c, f, fj);
}

/* RecordSchema.setFields: the first field whose name an earlier one took. */
static int
check_duplicate_fields(avro_ctx_t *c, avro_schema_t *s)
{
    hmap_t seen = {0};
    int rc = 0;
    for (size_t i = 0; i < s->nfields && rc == 0; i++) {
        avro_field_t *f = &s->fields[i];
        avro_field_t *e = set_add(&seen, f->name, f);
        if (e == NULL)
            continue;
        fail(c, mem_printf("Duplicate field %s in record %s: %s type:%s pos:%d and %s type:%s pos:%d.",
                           f->name, s->name.full, f->name, avro_type_upper(f->schema->type), f->pos,
                           e->name, avro_type_upper(e->schema->type), e->pos));
        rc = -1;
    }
    hmap_free(&seen);
    return rc;
}

static avro_schema_t *
parse_record(avro_ctx_t *c, json_t *j, avro_name_t *name, int is_error)
{
    avro_schema_t *s = node_new(c, AVRO_RECORD);
    s->name = *name;
    memset(name, 0, sizeof(*name));
    s->is_error = is_error;
    if (check_not_primitive_name(c, &s->name) < 0 || names_add(c, s) < 0)
        return NULL;
    json_t *fields = json_object_get(j, "fields");
    if (!json_is_array(fields))
        return fail_json(c, "Record has no fields: ", j);
    s->fields = mem_calloc(json_array_size(fields) + 1, sizeof(avro_field_t));
    size_t i;
    json_t *fj;
    json_array_foreach(fields, i, fj) {
        /* Counted before parsing so that node_free releases partial fields. */
        s->nfields++;
        if (parse_field(c, &s->fields[i], fj, (int)i) < 0)
            return NULL;
    }
    return check_duplicate_fields(c, s) < 0 ? NULL : s;
}

static void *
fail_enum_default(avro_ctx_t *c, avro_schema_t *s)
{
    buf_t b = {0};
    buf_printf(&b, "The Enum Default: %s is not in the enum symbol set: [", s->enum_default);
    for (size_t i = 0; i < s->nsymbols; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", s->symbols[i]);
    buf_puts(&b, "]");
    return fail(c, buf_steal(&b, NULL));
}

static avro_schema_t *
parse_enum(avro_ctx_t *c, json_t *j, avro_name_t *name)
{
    json_t *syms = json_object_get(j, "symbols");
    if (!json_is_array(syms))
        return fail_json(c, "Enum has no symbols: ", j);
    avro_schema_t *s = node_new(c, AVRO_ENUM);
    s->name = *name;
    memset(name, 0, sizeof(*name));
    if (check_not_primitive_name(c, &s->name) < 0)
        return NULL;
    s->symbols = mem_calloc(json_array_size(syms) + 1, sizeof(char *));
    hmap_t seen = {0};
    avro_schema_t *rc = s;
    size_t i;
    json_t *v;
    json_array_foreach(syms, i, v) {
        const char *sym = avro_is_text(v) ? json_string_value(v) : NULL;
        if (validate_name(c, sym) < 0) {
            rc = NULL;
            break;
        }
        if (set_add(&seen, sym, v) != NULL) {
            rc = fail(c, mem_printf("Duplicate enum symbol: %s", sym));
            break;
        }
        s->symbols[s->nsymbols++] = mem_strdup(sym);
    }
    const char *def = rc != NULL ? text_of(j, "default") : NULL;
    if (def != NULL) {
        s->enum_default = mem_strdup(def);
        if (hmap_get(&seen, def, strlen(def)) == NULL)
            rc = fail_enum_default(c, s);
    }
    hmap_free(&seen);
    if (rc == NULL)
        return NULL;
    return names_add(c, s) < 0 ? NULL : s;
}

static avro_schema_t *
parse_fixed(avro_ctx_t *c, json_t *j, avro_name_t *name)
{
    json_t *size = json_object_get(j, "size");
    if (!json_is_integer(size) || json_integer_value(size) < -2147483648LL ||
        json_integer_value(size) > 2147483647LL)
        return fail_json(c, "Invalid or no size: ", j);
    avro_schema_t *s = node_new(c, AVRO_FIXED);
    s->name = *name;
    memset(name, 0, sizeof(*name));
    if (check_not_primitive_name(c, &s->name) < 0)
        return NULL;
    s->size = (int)json_integer_value(size);
    if (s->size < 0)
        return fail(c, mem_printf("Malformed data. Length is negative: %d", s->size));
    if (s->size > 2147483639)
        return fail(c, mem_strdup("Cannot read arrays longer than 2147483639 bytes in Java library"));
    return names_add(c, s) < 0 ? NULL : s;
}

static avro_schema_t *
parse_container(avro_ctx_t *c, json_t *j, int is_array)
{
    json_t *inner = json_object_get(j, is_array ? "items" : "values");
    if (inner == NULL)
        return fail_json(c, is_array ? "Array has no items type: " : "Map has no values type: ", j);
    avro_schema_t *child = parse_node(c, inner);
    if (child == NULL)
        return NULL;
    avro_schema_t *s = node_new(c, is_array ? AVRO_ARRAY : AVRO_MAP);
    s->child = child;
    return s;
}

/* Decimal's precision/scale must be int-valued JSON integers. */
static int
int_prop(json_t *props, const char *key, int *out)
{
    json_t *v = json_object_get(props, key);
    if (!json_is_integer(v) || json_integer_value(v) < -2147483648LL ||
        json_integer_value(v) > 2147483647LL)
        return -1;
    *out = (int)json_integer_value(v);
    return 0;
}

static int
decimal_valid(avro_schema_t *s)
{
    if (json_object_get(s->props, "precision") == NULL || int_prop(s->props, "precision", &s->precision) < 0)
        return 0;
    s->scale = 0;
    if (json_object_get(s->props, "scale") != NULL && int_prop(s->props, "scale", &s->scale) < 0)
        return 0;
    if (s->type != AVRO_FIXED && s->type != AVRO_BYTES)
        return 0;
    if (s->precision <= 0)
        return 0;
    if (s->type == AVRO_FIXED) {
        long max = lround(floor(log10(2.0) * (8.0 * s->size - 1)));
        if (s->precision > max)
            return 0;
    }
    return s->scale >= 0 && s->scale <= s->precision;
}

/* LogicalTypes.fromSchemaIgnoreInvalid: an invalid logical type is no logical type. */
static void
set_logical(avro_schema_t *s)
{
    static const char *const incompatible[] = {
        "avro.java.string", "java-class", "java-key-class", "java-element-class"
    };
    static const struct { const char *name; avro_type_t type; } simple[] = {
        {"date", AVRO_INT}, {"time-millis", AVRO_INT}, {"time-micros", AVRO_LONG},
        {"timestamp-millis", AVRO_LONG}, {"timestamp-micros", AVRO_LONG},
        {"local-timestamp-millis", AVRO_LONG}, {"local-timestamp-micros", AVRO_LONG},
        {"big-decimal", AVRO_BYTES},
    };
    const char *lt = text_of(s->props, "logicalType");
    if (lt == NULL)
        return;
    for (size_t i = 0; i < 4; i++)
        if (avro_is_text(json_object_get(s->props, incompatible[i])))
            return;
    if (strcmp(lt, "decimal") == 0) {
        if (decimal_valid(s))
            s->logical = "decimal";
        return;
    }
    if (strcmp(lt, "uuid") == 0) {
        s->logical = "uuid";
        return;
    }
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (strcmp(lt, simple[i].name) == 0 && s->type == simple[i].type)
            s->logical = simple[i].name;
}

static int
is_named_type(const char *type)
{
    return strcmp(type, "record") == 0 || strcmp(type, "error") == 0 ||
           strcmp(type, "enum") == 0 || strcmp(type, "fixed") == 0;
}

static avro_schema_t *
parse_by_type(avro_ctx_t *c, json_t *j, const char *type, avro_name_t *name)
{
    int p = primitive_index(type);
    if (p >= 0)
        return node_new(c, primitive_types[p]);
    if (strcmp(type, "record") == 0 || strcmp(type, "error") == 0)
        return parse_record(c, j, name, type[0] == 'e');
    if (strcmp(type, "enum") == 0)
        return parse_enum(c, j, name);
    if (strcmp(type, "array") == 0 || strcmp(type, "map") == 0)
        return parse_container(c, j, type[0] == 'a');
    return parse_fixed(c, j, name);
}

static avro_schema_t *
parse_object(avro_ctx_t *c, json_t *j)
{
    const char *type = text_of(j, "type");
    if (type == NULL)
        return fail_json(c, "No type: ", j);
    const char *saved = c->space;
    avro_name_t name = {0};
    int named = is_named_type(type);
    if (named) {
        const char *space = text_of(j, "namespace");
        const char *nm = text_of(j, "name");
        if (space == NULL)
            space = saved;
        if (nm == NULL)
            return fail_json(c, "No name in schema: ", j);
        if (name_init(c, &name, nm, space) < 0)
            return NULL;
        c->space = name.space;
    } else if (primitive_index(type) < 0 && strcmp(type, "array") != 0 && strcmp(type, "map") != 0) {
        /* A type attribute naming a defined type (self reference in a union). */
        avro_schema_t *known;
        if (lookup_relative(c, type, c->space, &known) < 0)
            return NULL;
        if (known != NULL)
            return known;
        return fail(c, mem_printf("Type not supported: %s", type));
    }
    const char *doc = named ? text_of(j, "doc") : NULL;
    avro_schema_t *s = parse_by_type(c, j, type, &name);
    name_free(&name);
    if (s == NULL)
        return NULL;
    s->doc = doc != NULL ? mem_strdup(doc) : NULL;
    add_props(s->props, j, schema_reserved, s->type == AVRO_ENUM);
    set_logical(s);
    c->space = saved;
    if (named && parse_schema_aliases(c, s, j) < 0)
        return NULL;
    return s;
}

static avro_schema_t *
parse_union(avro_ctx_t *c, json_t *j)
{
    size_t n = json_array_size(j);
    avro_schema_t **branches = mem_calloc(n + 1, sizeof(*branches));
    for (size_t i = 0; i < n; i++) {
        branches[i] = parse_node(c, json_array_get(j, i));
        if (branches[i] == NULL) {
            free(branches);
            return NULL;
        }
    }
    avro_schema_t *s = node_new(c, AVRO_UNION);
    s->branches = branches;
    s->nbranches = n;
    hmap_t seen = {0};
    avro_schema_t *rc = s;
    for (size_t i = 0; i < n && rc != NULL; i++) {
        if (branches[i]->type == AVRO_UNION) {
            char *txt = avro_to_string(s, NULL, 0);
            rc = fail(c, mem_printf("Nested union: %s", txt));
            free(txt);
        } else if (set_add(&seen, avro_full_name(branches[i]), branches[i]) != NULL) {
            rc = fail(c, mem_printf("Duplicate in union:%s", avro_full_name(branches[i])));
        }
    }
    hmap_free(&seen);
    return rc;
}

static avro_schema_t *
parse_node(avro_ctx_t *c, json_t *j)
{
    if (j == NULL)
        return fail(c, mem_strdup("Cannot parse <null> schema"));
    if (avro_is_text(j)) {
        avro_schema_t *s;
        if (names_get(c, json_string_value(j), &s) < 0)
            return NULL;
        return s != NULL ? s : fail_json(c, "Undefined name: ", j);
    }
    if (json_is_object(j))
        return parse_object(c, j);
    if (json_is_array(j))
        return parse_union(c, j);
    return fail_json(c, "Schema not yet supported: ", j);
}

static void *
fail_too_deep(avro_ctx_t *c)
{
    return fail(c, mem_printf("com.fasterxml.jackson.core.exc.StreamConstraintsException: Document nesting "
                              "depth (%d) exceeds the maximum allowed (%d, from "
                              "`StreamReadConstraints.getMaxNestingDepth()`)",
                              AVRO_TEXT_MAX_NESTING + 1, AVRO_TEXT_MAX_NESTING));
}

avro_schema_t *
avro_parse_text(avro_ctx_t *c, const char *text, size_t len)
{
    char *t = memchr(text, '/', len) != NULL ? avro_text_strip_comments(text, len) : mem_strndup(text, len);
    if (avro_text_blank(t, len)) {
        free(t);
        return fail(c, mem_strdup("Cannot parse <null> schema"));
    }
    json_error_t e;
    avro_numbers_t nums;
    avro_numbers_mark(&nums, t, len);
    const char *jt = nums.text != NULL ? nums.text : t;
    size_t jlen = nums.text != NULL ? nums.len : len;
    size_t deep = avro_text_too_deep_at(jt, jlen);
    json_t *j = json_loadb(jt, jlen, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &e);
    if (deep < jlen && (j != NULL || e.position < 0 || (size_t)e.position > deep)) {
        /* Jackson stops at the opening too many, before any later error. */
        json_decref(j);
        avro_numbers_free(&nums);
        free(t);
        return fail_too_deep(c);
    }
    if (j == NULL) {
        avro_numbers_free(&nums);
        free(t);
        return fail(c, mem_printf("com.fasterxml.jackson.core.JsonParseException: %s\n at [Source: REDACTED "
                                  "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, "
                                  "column: %d]", e.text, e.line, e.column));
    }
    j = avro_numbers_restore(&nums, j);
    c->space = NULL;
    if (memmem(t, len, "\\u0000", 6) != NULL)
        avro_text_nul_to_modified(j);
    avro_schema_t *s = parse_node(c, j);
    json_decref(j);
    size_t used = e.position > 0 && (size_t)e.position <= jlen ? avro_numbers_orig_pos(&nums, (size_t)e.position)
                                                              : len;
    avro_numbers_free(&nums);
    /* Java reads what its parser left unread as it is: a comment after
     * the schema is dangling content too. */
    if (s != NULL && !avro_text_blank(text + used, len - used)) {
        size_t a = used, b = len;
        while (a < b && (unsigned char)text[a] <= ' ')
            a++;
        while (b > a && (unsigned char)text[b - 1] <= ' ')
            b--;
        /* Bytes, not a C string: the text may go on past a NUL. */
        buf_t m = {0};
        buf_puts(&m, "dangling content after end of schema: ");
        buf_append(&m, text + a, b - a);
        s = fail(c, buf_steal(&m, NULL));
    }
    free(t);
    return s;
}
