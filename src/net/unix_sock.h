/*
 * net/unix_sock.h — a stream connection over a unix-domain socket, with deadlines.
 *
 * Contract: the fd is non-blocking; every call that may wait takes an absolute deadline on the
 * monotonic clock (clock_mono_ms() + timeout) and polls until it, so no call can hang past it.
 * A deadline of 0 means "no deadline" (only for callers that wait on something else, e.g. a
 * stream whose own deadline they track). Writes never raise SIGPIPE (MSG_NOSIGNAL): a peer that
 * vanished is an error with a sentence, not a dead process.
 *
 * Functions return 0 / -1 with err filled ("unix socket /var/run/docker.sock: connect: ..."),
 * except unix_sock_read() which returns the byte count, 0 at end of stream, -1 on error/timeout.
 * unix_sock_close() accepts an already-closed socket (fd -1).
 */
#ifndef CHELA_NET_UNIX_SOCK_H
#define CHELA_NET_UNIX_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define UNIX_SOCK_PATH_MAX 107 /* sun_path holds 108 bytes including the NUL */

struct unix_sock {
	int fd;
	int timed_out; /* set when the last failure was a deadline, so callers can say so */
};

int unix_sock_connect(struct unix_sock *s, const char *path, int64_t deadline_ms, char *err, size_t errlen);
int unix_sock_write_all(struct unix_sock *s, const void *data, size_t len, int64_t deadline_ms, char *err,
			size_t errlen);
ssize_t unix_sock_read(struct unix_sock *s, void *buf, size_t cap, int64_t deadline_ms, char *err, size_t errlen);
/* Write what the socket takes now without waiting: returns bytes written (maybe 0) or -1. */
ssize_t unix_sock_write_some(struct unix_sock *s, const void *data, size_t len, char *err, size_t errlen);
/* Half-close: the peer sees end-of-stream on its side, we can still read. */
int unix_sock_shutdown_write(struct unix_sock *s, char *err, size_t errlen);
void unix_sock_close(struct unix_sock *s);
/* Milliseconds left until deadline for poll(2): -1 for no deadline, 0 when already passed. */
int unix_sock_poll_timeout(int64_t deadline_ms);

#endif
