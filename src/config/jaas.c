/*
 * jaas.c - the JAAS line Kafka's Java clients take for SASL credentials
 * (`org.apache.kafka.common.security.scram.ScramLoginModule required
 * username="u" password="p";`), read as Java's JAAS parser reads it, so
 * that a line copied from a Confluent configuration works unchanged.
 */
#include "jaas.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "text.h"

typedef struct jaas_tok {
    const char *p;
    char *word;         /* the last token read; owned */
    int quoted;
} jaas_tok_t;

static void
jaas__replace(char **field, char *val)
{
    free(*field);
    *field = val;
}

/* A quoted string, backslash escapes as Java's StreamTokenizer reads them. */
static int
jaas__quoted(jaas_tok_t *t)
{
    buf_t b = {0};

    t->quoted = 1;
    for (t->p++; *t->p != '"'; t->p++) {
        char c = *t->p;

        if (c == '\0') {
            buf_free(&b);
            return -1;
        }
        if (c == '\\' && t->p[1] != '\0') {
            c = *++t->p;
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        }
        buf_append(&b, &c, 1);
    }
    t->p++;
    t->word = buf_steal(&b, NULL);
    return 1;
}

/*
 * Read the next token: a bare word, a quoted string, or one of "=;".
 * Returns 1, 0 at the end, -1 on an unterminated quote.
 */
static int
jaas__next(jaas_tok_t *t)
{
    buf_t b = {0};

    free(t->word);
    t->word = NULL;
    t->quoted = 0;
    while (text_is_space((unsigned char)*t->p))
        t->p++;
    if (*t->p == '\0')
        return 0;
    if (*t->p == '=' || *t->p == ';') {
        t->word = mem_strndup(t->p++, 1);
        return 1;
    }
    if (*t->p == '"')
        return jaas__quoted(t);
    while (*t->p != '\0' && !text_is_space((unsigned char)*t->p) &&
           strchr("=;\"", *t->p) == NULL)
        buf_append(&b, t->p++, 1);
    t->word = buf_steal(&b, NULL);
    return 1;
}

static int
jaas__is(const jaas_tok_t *t, const char *punct)
{
    return !t->quoted && t->word != NULL && strcmp(t->word, punct) == 0;
}

/* Read `name=value` pairs up to ';', keeping username and password. */
static int
jaas__options(jaas_tok_t *t, jaas_t *out)
{
    for (;;) {
        char *name;

        if (jaas__next(t) <= 0)
            return -1;
        if (jaas__is(t, ";"))
            return 0;
        if (t->quoted || jaas__is(t, "="))
            return -1;
        name = t->word;
        t->word = NULL;
        if (jaas__next(t) <= 0 || !jaas__is(t, "=") || jaas__next(t) <= 0 ||
            (!t->quoted && (jaas__is(t, "=") || jaas__is(t, ";")))) {
            free(name);
            return -1;
        }
        if (strcmp(name, "username") == 0)
            jaas__replace(&out->username, mem_strdup(t->word));
        else if (strcmp(name, "password") == 0)
            jaas__replace(&out->password, mem_strdup(t->word));
        free(name);
    }
}

static int
jaas__module(const char *word)
{
    if (text_ends_with(word, "PlainLoginModule", 0))
        return JAAS_PLAIN;
    if (text_ends_with(word, "ScramLoginModule", 0))
        return JAAS_SCRAM;
    return JAAS_NONE;
}

static int
jaas__is_flag(const char *word)
{
    return strcasecmp(word, "required") == 0 || strcasecmp(word, "requisite") == 0 ||
           strcasecmp(word, "sufficient") == 0 || strcasecmp(word, "optional") == 0;
}

int
jaas_parse(const char *line, jaas_t *out)
{
    jaas_tok_t t = { .p = line };
    int rc = JAAS_EMALFORMED;

    memset(out, 0, sizeof(*out));
    if (jaas__next(&t) <= 0 || t.quoted)
        goto out;
    out->module = jaas__module(t.word);
    if (jaas__next(&t) <= 0 || t.quoted || !jaas__is_flag(t.word))
        goto out;
    if (jaas__options(&t, out) < 0 || jaas__next(&t) != 0)
        goto out;
    if (out->module == JAAS_NONE)
        rc = JAAS_EMODULE;
    else if (out->username == NULL || out->password == NULL)
        rc = JAAS_ECREDENTIALS;
    else
        rc = 0;
out:
    free(t.word);
    if (rc != 0)
        jaas_clear(out);
    return rc;
}

void
jaas_clear(jaas_t *j)
{
    if (j->password != NULL)
        explicit_bzero(j->password, strlen(j->password));
    free(j->username);
    free(j->password);
    memset(j, 0, sizeof(*j));
}
