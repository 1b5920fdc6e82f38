/* journal.c - picks the journal backend the configuration names. */
#include "journal.h"

#include <string.h>

#include "config.h"

const journal_ops_t *
journal_backend(const config_t *cf)
{
    if (cf->journal != NULL && strcmp(cf->journal, "kafka") == 0)
        return &journal_kafka_ops;
    return &journal_file_ops;
}
