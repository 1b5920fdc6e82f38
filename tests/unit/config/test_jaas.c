/*
 * test_jaas.c - JAAS lines as Kafka's Java clients read them: quoting,
 * escapes, control flags, option order, and every way a line is refused.
 */
#include <stdio.h>
#include <string.h>

#include "jaas.h"
#include "tally.h"

static tally_t t;

static int
streq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static void
parses(const char *line, int module, const char *user, const char *pass)
{
    jaas_t j;
    int rc = jaas_parse(line, &j);

    check(&t, rc == 0 && j.module == module && streq(j.username, user) &&
          streq(j.password, pass), line);
    jaas_clear(&j);
    check(&t, j.username == NULL && j.password == NULL, "cleared");
}

static void
refused(const char *line, int want)
{
    jaas_t j;
    int rc = jaas_parse(line, &j);

    check(&t, rc == want && j.username == NULL && j.password == NULL, line);
}

int
main(void)
{
    parses("org.apache.kafka.common.security.scram.ScramLoginModule required "
           "username=\"user\" password=\"pw\";", JAAS_SCRAM, "user", "pw");
    parses("org.apache.kafka.common.security.plain.PlainLoginModule required "
           "password=\"p\" username=\"u\";", JAAS_PLAIN, "u", "p");
    parses("x.ScramLoginModule REQUIRED username=bare password=\"a b;=\\\"c\\\\\";",
           JAAS_SCRAM, "bare", "a b;=\"c\\");
    parses("  x.ScramLoginModule\toptional\n username = \"u\"  password=\"p\\tq\"  ; ",
           JAAS_SCRAM, "u", "p\tq");
    parses("x.ScramLoginModule sufficient tokenauth=\"true\" username=\"u\" "
           "password=\"old\" password=\"new\";", JAAS_SCRAM, "u", "new");

    refused("", JAAS_EMALFORMED);
    refused("x.ScramLoginModule required username=\"u\" password=\"p\"", JAAS_EMALFORMED);
    refused("x.ScramLoginModule mandatory username=\"u\" password=\"p\";", JAAS_EMALFORMED);
    refused("x.ScramLoginModule required username=\"u password=\"p\";", JAAS_EMALFORMED);
    refused("x.ScramLoginModule required username= ;", JAAS_EMALFORMED);
    refused("x.ScramLoginModule required =\"u\";", JAAS_EMALFORMED);
    refused("x.ScramLoginModule required username=\"u\" password=\"p\"; extra",
            JAAS_EMALFORMED);
    refused("\"x.ScramLoginModule\" required username=\"u\" password=\"p\";",
            JAAS_EMALFORMED);
    refused("com.sun.security.auth.module.Krb5LoginModule required "
            "username=\"u\" password=\"p\";", JAAS_EMODULE);
    refused("x.ScramLoginModule required username=\"u\";", JAAS_ECREDENTIALS);
    refused("x.PlainLoginModule required password=\"p\";", JAAS_ECREDENTIALS);
    return tally_report(&t);
}
