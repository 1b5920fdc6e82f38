/* log.c - leveled logging to stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Logging state is per process and set once at start or fork: the one
 * exception to the single-state-struct rule, so that every module can log
 * without threading a context through. */
static struct {
    int level;
    char role[32];
} log_state = {LOG_LVL_INFO, "schemad"};

void
log_init(int level, const char *role)
{
    log_state.level = level;
    snprintf(log_state.role, sizeof(log_state.role), "%s", role);
}

void
log_set_role(const char *role)
{
    snprintf(log_state.role, sizeof(log_state.role), "%s", role);
}

int
log_level_parse(const char *name)
{
    if (name == NULL || strcasecmp(name, "info") == 0)
        return LOG_LVL_INFO;
    if (strcasecmp(name, "debug") == 0)
        return LOG_LVL_DEBUG;
    if (strcasecmp(name, "warn") == 0 || strcasecmp(name, "warning") == 0)
        return LOG_LVL_WARN;
    if (strcasecmp(name, "error") == 0)
        return LOG_LVL_ERROR;
    return -1;
}

static void
log__emit(int level, const char *fmt, va_list ap)
{
    char line[2048];
    if (level > log_state.level)
        return;
    int n = snprintf(line, sizeof(line), "<%d>%s[%d]: ", level, log_state.role,
                     (int)getpid());
    if (n < 0)
        return;
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    fprintf(stderr, "%s\n", line);
}

#define LOG__BODY(lvl)          \
    va_list ap;                 \
    va_start(ap, fmt);          \
    log__emit(lvl, fmt, ap);    \
    va_end(ap)

void log_error(const char *fmt, ...) { LOG__BODY(LOG_LVL_ERROR); }
void log_warn(const char *fmt, ...) { LOG__BODY(LOG_LVL_WARN); }
void log_info(const char *fmt, ...) { LOG__BODY(LOG_LVL_INFO); }
void log_debug(const char *fmt, ...) { LOG__BODY(LOG_LVL_DEBUG); }

void
log_fatal(const char *fmt, ...)
{
    LOG__BODY(LOG_LVL_ERROR);
    exit(1);
}
