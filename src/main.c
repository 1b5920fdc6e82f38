/* main.c - command line: run, check the configuration, help, version. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "journal_file.h"
#include "master.h"
#include "mem.h"

extern char **environ;

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: schemad [-c FILE] [-t] [--help] [--version]\n"
            "       schemad --verify-journal [-c FILE | PATH]\n"
            "       schemad --salvage-journal [-c FILE | PATH]\n"
            "\n"
            "A Kafka Schema Registry compatible with Confluent Schema Registry.\n"
            "\n"
            "  -c, --config FILE  read settings from FILE (Java properties; Confluent's names)\n"
            "  -t, --test         check the configuration and exit\n"
            "  -h, --help         show this help\n"
            "  -V, --version      show the version\n"
            "  --verify-journal   check the file journal (PATH, a data.dir, or the\n"
            "                     configuration's data.dir): print each damaged byte\n"
            "                     range and the intact records; exit 0 when clean,\n"
            "                     1 when damaged, 2 when it cannot be read\n"
            "  --salvage-journal  rewrite a damaged file journal with every intact\n"
            "                     record before and after the damage (schemad stopped);\n"
            "                     the original is kept as schemas.journal.damaged-TIME\n"
            "                     and no id the damage may have held is given again\n"
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

/* The journal file an operator's command works on: PATH (a file, or a
 * directory holding schemas.journal), else the configuration's data.dir.
 * Returns a malloc'd path, or NULL after printing why. */
static char *
journal_path(const char *config_path, const char *arg)
{
    struct stat st;
    if (arg != NULL && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return mem_printf("%s/%s", arg, JOURNAL_FILE_NAME);
    if (arg != NULL)
        return mem_strdup(arg);
    char err[1024];
    config_t *cf = config_load(config_path, environ, err, sizeof(err));
    if (cf == NULL) {
        fprintf(stderr, "schemad: %s\n", err);
        return NULL;
    }
    char *path = NULL;
    if (cf->data_dir == NULL || cf->data_dir[0] == '\0')
        fprintf(stderr, "schemad: data.dir is not set; give the journal's path\n");
    else
        path = mem_printf("%s/%s", cf->data_dir, JOURNAL_FILE_NAME);
    config_free(cf);
    return path;
}

/* --verify-journal (salvage 0) or --salvage-journal (salvage 1). */
static int
journal_command(int salvage, const char *config_path, const char *arg)
{
    char *path = journal_path(config_path, arg);
    if (path == NULL)
        return JOURNAL_FILE_UNREADABLE;
    char err[1024];
    int rc = salvage ? journal_file_salvage(path, stdout, err, sizeof(err))
                     : journal_file_verify(path, stdout, err, sizeof(err));
    if (rc == JOURNAL_FILE_UNREADABLE)
        fprintf(stderr, "schemad: %s\n", err);
    free(path);
    /* A salvage that did its work succeeded. */
    return salvage && rc == JOURNAL_FILE_DAMAGED ? 0 : rc;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"test", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"verify-journal", no_argument, NULL, 'J'},
        {"salvage-journal", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL;
    int test = 0, journal_cmd = -1, c;
    mem_tune();
    while ((c = getopt_long(argc, argv, "c:thV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            path = optarg;
            break;
        case 't':
            test = 1;
            break;
        case 'J':
        case 'S':
            journal_cmd = c == 'S';
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
    if (journal_cmd >= 0 && optind + 1 >= argc && !(optind < argc && path != NULL))
        return journal_command(journal_cmd, path, optind < argc ? argv[optind] : NULL);
    if (optind < argc || journal_cmd >= 0) {
        usage(stderr);
        return 2;
    }
    if (test)
        return check_config(path);
    return master_main(path);
}
