/*
 * config_env.c - SCHEMA_REGISTRY_* environment variable names turned into
 * property names, as Confluent's container image does.
 */
#include "config_env.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* JVM and launcher settings of Confluent's scripts, not properties. */
static int
config_env__skipped(const char *name)
{
    static const char *const exact[] = {
        "OPTS", "HEAP_OPTS", "JVM_PERFORMANCE_OPTS", "CLASSPATH", "VERSION",
    };
    static const char *const prefixes[] = { "LOG4J_", "JMX_" };

    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strcmp(name, exact[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/*
 * The property name for a variable suffix, as Confluent's image computes
 * it: lower case, '_' -> '.', then "..." -> '-' and ".." -> '_'.
 */
static char *
config_env__name(const char *name, size_t n)
{
    buf_t b = {0};

    for (size_t i = 0; i < n;) {
        size_t run = 0;

        if (name[i] != '_') {
            char c = (char)tolower((unsigned char)name[i++]);

            buf_append(&b, &c, 1);
            continue;
        }
        while (i < n && name[i] == '_') {
            run++;
            i++;
        }
        for (; run >= 3; run -= 3)
            buf_append(&b, "-", 1);
        if (run == 2)
            buf_append(&b, "_", 1);
        else if (run == 1)
            buf_append(&b, ".", 1);
    }
    return buf_steal(&b, NULL);
}

char *
config_env_key(const char *name, size_t n)
{
    char *verbatim = mem_strndup(name, n);
    int skipped = n == 0 || config_env__skipped(verbatim);
    free(verbatim);
    return skipped ? NULL : config_env__name(name, n);
}
