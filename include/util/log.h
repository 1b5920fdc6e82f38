/*
 * log.h - one line per event on stderr (journald adds the time), with a
 * syslog-style priority prefix that systemd understands.
 */
#ifndef SCHEMAD_LOG_H
#define SCHEMAD_LOG_H

enum { LOG_LVL_ERROR = 3, LOG_LVL_WARN = 4, LOG_LVL_INFO = 6, LOG_LVL_DEBUG = 7 };

/** Set the threshold and the role shown in each line ("master", "worker 2"). */
void log_init(int level, const char *role);
int log_level_parse(const char *name);
/** Change only the role shown (a forked worker keeps the level). */
void log_set_role(const char *role);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Log at error level and exit(1): for startup failures and broken invariants. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
