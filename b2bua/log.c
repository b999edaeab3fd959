/*
 * Logging sink: stderr with timestamps in the foreground, syslog when
 * daemonized.  See log.h for the contract.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const char *const level_names[] = {
	[LOG_LEVEL_ERR] = "err",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_NOTICE] = "notice",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static struct {
	const char *ident;
	bool syslog_open;
	enum log_level level;
} logger = { "sbc", false, LOG_LEVEL_INFO };

void log_init(const char *ident, bool use_syslog, enum log_level level)
{
	logger.ident = ident;
	logger.level = level;
	if (use_syslog && !logger.syslog_open) {
		/* LOG_PERROR: until a daemon detaches from its terminal, the
		 * operator who started it sees start-up errors too. */
		openlog(ident, LOG_PID | LOG_NDELAY | LOG_PERROR, LOG_DAEMON);
		logger.syslog_open = true;
	}
}

void log_uninit(void)
{
	if (logger.syslog_open)
		closelog();
	logger.syslog_open = false;
}

void log_set_level(enum log_level level)
{
	logger.level = level;
}

enum log_level log_get_level(void)
{
	return logger.level;
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (int l = LOG_LEVEL_ERR; l <= LOG_LEVEL_DEBUG; l++) {
		if (strcmp(name, level_names[l]) == 0) {
			*out = (enum log_level)l;
			return 0;
		}
	}
	return -EINVAL;
}

const char *log_level_name(enum log_level level)
{
	if (level < LOG_LEVEL_ERR || level > LOG_LEVEL_DEBUG)
		return "?";
	return level_names[level];
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > logger.level)
		return;
	va_start(ap, fmt);
	if (logger.syslog_open) {
		vsyslog((int)level, fmt, ap);
	} else {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s[%s]: ", stamp, ts.tv_nsec / 1000000,
			logger.ident, level_names[level]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
