/*
 * Logging shared by sbcd, sbc-dataplane and the tests.
 *
 * In the foreground (-f) messages go to stderr with a timestamp; when
 * daemonized they go to syslog.  The level is set from the configuration at
 * start-up and may be changed at run time (sbcctl log level LEVEL).
 *
 * Secrets (passwords, HA1 digests, SRTP keys, TLS keys) must never be passed
 * to these functions: callers log identifiers, never credentials.
 *
 * The state (level, sink) is private to log.c and changed only through the
 * functions below, from the thread that owns the event loop.
 */
#ifndef SBC_LOG_H
#define SBC_LOG_H

#include <stdbool.h>

/* Values match syslog(3) priorities so they can be handed to it directly. */
enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARN = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/**
 * log_init - choose the sink
 * @ident: program name used as syslog ident and stderr prefix
 * @use_syslog: true when daemonized
 * @level: messages above this level are dropped
 */
void log_init(const char *ident, bool use_syslog, enum log_level level);

/* log_uninit - close syslog if it was opened; safe to call more than once. */
void log_uninit(void);

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/**
 * log_level_parse - "err", "warn", "notice", "info" or "debug" to a level
 * @return 0, or -EINVAL for an unknown name
 */
int log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
