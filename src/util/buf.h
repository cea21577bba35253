/*
 * util/buf.h — a growable byte buffer with a hard cap.
 *
 * Contract: a buf grows on demand up to `max` bytes; an append that would pass the cap appends
 * nothing, sets the sticky `overflow` flag and returns -1 (after which the buffer only drains).
 * The content is always NUL-terminated (the NUL is not counted in len) so text can be used as a
 * C string. buf_free() releases the memory and leaves an empty buffer; it accepts a zeroed buf.
 */
#ifndef CHELA_UTIL_BUF_H
#define CHELA_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;   /* hard cap on len */
	int overflow; /* sticky: set once an append was refused */
};

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Remove the first n bytes (consumed input). */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hand the data to the caller (who frees it); the buf is left empty. */
char *buf_take(struct buf *b);

#endif
