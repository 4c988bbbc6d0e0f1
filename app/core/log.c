/* log: timestamped lines on stderr with the pid; the pool points stderr at its log file. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char line[2048];
	int n = vsnprintf(line, sizeof line, fmt, ap);
	if (n < 0)
		return;
	/* One fprintf per line so lines from several workers do not interleave. */
	fprintf(stderr, "%s [%ld] %s: %s\n", stamp, (long)getpid(), level, line);
	fflush(stderr);
}

#define LOG_FN(name, level)                         \
	void name(const char *fmt, ...)             \
	{                                           \
		va_list ap;                         \
		va_start(ap, fmt);                  \
		log_line(level, fmt, ap);           \
		va_end(ap);                         \
	}

LOG_FN(log_info, "info")
LOG_FN(log_warn, "warn")
LOG_FN(log_error, "error")
