/* main.c - command line: run, check the configuration, help, version. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "master.h"
#include "mem.h"

extern char **environ;

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: schemad [-c FILE] [-t] [--help] [--version]\n"
            "\n"
            "A Kafka Schema Registry compatible with Confluent Schema Registry.\n"
            "\n"
            "  -c, --config FILE  read settings from FILE (Java properties; Confluent's names)\n"
            "  -t, --test         check the configuration and exit\n"
            "  -h, --help         show this help\n"
            "  -V, --version      show the version\n"
            "\n"
            "SCHEMA_REGISTRY_* environment variables override the file, as in\n"
            "Confluent's container (SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).\n");
}

static int
check_config(const char *path)
{
    char err[1024];
    config_t *cf = config_load(path, environ, err, sizeof(err));
    if (cf == NULL) {
        fprintf(stderr, "schemad: %s\n", err);
        fprintf(stderr, "schemad: configuration %s test failed\n", path ? path : "(defaults)");
        return 1;
    }
    fprintf(stderr, "schemad: configuration %s is ok (journal %s, %d workers)\n",
            path ? path : "(defaults)", cf->journal, config_workers(cf));
    config_free(cf);
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"test", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL;
    int test = 0, c;
    mem_tune();
    while ((c = getopt_long(argc, argv, "c:thV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            path = optarg;
            break;
        case 't':
            test = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("schemad %s\n", PACKAGE_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (test)
        return check_config(path);
    return master_main(path);
}
