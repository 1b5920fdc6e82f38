/*
 * jaas.h - the Kafka client JAAS line of Confluent's
 * kafkastore.sasl.jaas.config: one login module, a control flag, options.
 */
#ifndef SCHEMAD_JAAS_H
#define SCHEMAD_JAAS_H

enum { JAAS_NONE = 0, JAAS_PLAIN, JAAS_SCRAM };

/* jaas_parse()'s failures. */
enum {
    JAAS_EMALFORMED = -1,           /* not "<Module> <flag> name=value ... ;" */
    JAAS_EMODULE = -2,              /* a login module other than PLAIN or SCRAM */
    JAAS_ECREDENTIALS = -3          /* username or password missing */
};

/** What librdkafka needs of a JAAS line; owns both strings. */
typedef struct jaas {
    int module;                     /* JAAS_PLAIN or JAAS_SCRAM */
    char *username;
    char *password;
} jaas_t;

/**
 * Parse `line` as Java's JAAS configuration parser reads one entry (bare
 * words, quoted strings with backslash escapes, '=' and ';').  Returns 0 and
 * fills *out (free with jaas_clear()), or a JAAS_E* code with *out empty.
 */
int jaas_parse(const char *line, jaas_t *out);

/** Free the strings (the password is wiped first); *j is left empty. */
void jaas_clear(jaas_t *j);

#endif
