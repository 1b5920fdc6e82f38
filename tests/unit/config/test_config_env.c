/* test_config_env.c - environment names as Confluent's image turns them into properties. */
#include <stdlib.h>
#include <string.h>

#include "config_env.h"
#include "tally.h"

static int
key_is(const char *name, const char *want)
{
    char *got = config_env_key(name, strlen(name));
    int ok = want == NULL ? got == NULL : got != NULL && strcmp(got, want) == 0;
    free(got);
    return ok;
}

int
main(void)
{
    tally_t t = {0, 0};
    check(&t, key_is("KAFKASTORE_BOOTSTRAP_SERVERS", "kafkastore.bootstrap.servers"),
          "'_' is '.', lower case");
    check(&t, key_is("SCHEMA__REGISTRY", "schema_registry"), "'__' is '_'");
    check(&t, key_is("A___B", "a-b"), "'___' is '-'");
    check(&t, key_is("A_____B", "a-_b"), "five underscores are '-' then '_'");
    check(&t, key_is("HEAP_OPTS", NULL) && key_is("OPTS", NULL) && key_is("LOG4J_ROOT", NULL) &&
              key_is("JMX_PORT", NULL), "the launcher's own settings are not properties");
    check(&t, key_is("", NULL), "an empty name is nothing");
    check(&t, key_is("HEAP_OPTS_X", "heap.opts.x"), "only the exact launcher names are skipped");
    return tally_report(&t);
}
