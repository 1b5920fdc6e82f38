/* config_env.h - SCHEMA_REGISTRY_* environment names as property names. */
#ifndef SCHEMAD_CONFIG_ENV_H
#define SCHEMAD_CONFIG_ENV_H

#include <stddef.h>

#define CONFIG_ENV_PREFIX "SCHEMA_REGISTRY_"

/**
 * The property for the `n` bytes of a variable name after the prefix
 * (KAFKASTORE_BOOTSTRAP_SERVERS -> kafkastore.bootstrap.servers), or NULL
 * for an empty name and the launcher's own settings (HEAP_OPTS, LOG4J_*,
 * ...), which are not properties.  Caller frees.
 */
char *config_env_key(const char *name, size_t n);

#endif
