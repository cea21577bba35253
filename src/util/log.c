/* util/log.c — see log.h */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_min = LOG_INFO;

void log_set_level(enum log_level lvl)
{
	log_min = lvl;
}

void log_event(enum log_level lvl, const char *event, const char *fields, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char line[2048];
	struct timeval tv;
	struct tm tm;
	size_t n;
	va_list ap;

	if (lvl < log_min)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(line, sizeof line, "ts=%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof line - n, ".%03ldZ level=%s event=%s", (long)(tv.tv_usec / 1000),
			      names[lvl], event);
	if (fields && *fields && n < sizeof line - 2) {
		line[n++] = ' ';
		va_start(ap, fields);
		vsnprintf(line + n, sizeof line - n, fields, ap);
		va_end(ap);
		n = strlen(line);
	}
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	(void)!write(2, line, n);
}

const char *log_quote(const char *value)
{
	static __thread char ring[4][512];
	static __thread int next;
	char *out = ring[next++ & 3];
	size_t o = 0;

	out[o++] = '"';
	for (; *value && o < sizeof ring[0] - 3; value++) {
		if (*value == '"' || *value == '\\')
			out[o++] = '\\';
		out[o++] = (*value == '\n') ? ' ' : *value;
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}
