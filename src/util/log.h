/*
 * util/log.h — structured logs: one logfmt line per event on stderr.
 *
 *   ts=2026-11-23T19:00:00.123Z level=info event=gateway.listen port=18789 bind=127.0.0.1
 *
 * Contract: log_event() formats `fields` (already logfmt, e.g. "port=%d") after the event name.
 * Callers must never pass secrets; values with spaces should be quoted by the caller via
 * log_quote(). Thread-safe at line granularity (one write(2) per line).
 */
#ifndef CHELA_UTIL_LOG_H
#define CHELA_UTIL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
void log_event(enum log_level lvl, const char *event, const char *fields, ...)
	__attribute__((format(printf, 3, 4)));
/* Quote a value for logfmt into a static per-thread ring (valid for a few calls). */
const char *log_quote(const char *value);

#endif
