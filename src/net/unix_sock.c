/* net/unix_sock.c — see unix_sock.h */
#include "net/unix_sock.h"
#include "util/clock.h"
#include "util/err.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int unix_sock_poll_timeout(int64_t deadline_ms)
{
	int64_t left;

	if (deadline_ms == 0)
		return -1;
	left = deadline_ms - clock_mono_ms();
	if (left <= 0)
		return 0;
	return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

/* Waits for `events` on the fd until the deadline. 0 ready, -1 error or timeout (err set). */
static int sock_wait(struct unix_sock *s, short events, int64_t deadline_ms, const char *what, char *err,
		     size_t errlen)
{
	struct pollfd p = { .fd = s->fd, .events = events };

	for (;;) {
		int t = unix_sock_poll_timeout(deadline_ms);
		int n = poll(&p, 1, t);
		if (n > 0)
			return 0;
		if (n == 0) {
			s->timed_out = 1;
			return err_set(err, errlen, "%s: timed out", what);
		}
		if (errno != EINTR)
			return err_set(err, errlen, "%s: poll: %s", what, strerror(errno));
	}
}

/* see unix_sock.h */
int unix_sock_connect(struct unix_sock *s, const char *path, int64_t deadline_ms, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int soerr = 0;
	socklen_t sl = sizeof soerr;

	s->fd = -1;
	s->timed_out = 0;
	if (strlen(path) > UNIX_SOCK_PATH_MAX)
		return err_set(err, errlen, "unix socket %s: path longer than %d bytes", path, UNIX_SOCK_PATH_MAX);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return err_set(err, errlen, "unix socket %s: socket: %s", path, strerror(errno));
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EAGAIN) {
		err_set(err, errlen, "unix socket %s: connect: %s", path, strerror(errno));
		goto fail;
	}
	/* A unix connect only waits when the listener's backlog is full. */
	if (sock_wait(s, POLLOUT, deadline_ms, "connect", err, errlen) < 0) {
		err_prefix(err, errlen, "unix socket %s", path);
		goto fail;
	}
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr != 0) {
		err_set(err, errlen, "unix socket %s: connect: %s", path, strerror(soerr ? soerr : errno));
		goto fail;
	}
	return 0;
fail:
	unix_sock_close(s);
	return -1;
}

/* see unix_sock.h */
ssize_t unix_sock_write_some(struct unix_sock *s, const void *data, size_t len, char *err, size_t errlen)
{
	for (;;) {
		ssize_t n = send(s->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return err_set(err, errlen, "write: %s", strerror(errno));
	}
}

/* see unix_sock.h */
int unix_sock_write_all(struct unix_sock *s, const void *data, size_t len, int64_t deadline_ms, char *err,
			size_t errlen)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = unix_sock_write_some(s, p, len, err, errlen);
		if (n < 0)
			return -1;
		if (n == 0) {
			if (sock_wait(s, POLLOUT, deadline_ms, "write", err, errlen) < 0)
				return -1;
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* see unix_sock.h */
ssize_t unix_sock_read(struct unix_sock *s, void *buf, size_t cap, int64_t deadline_ms, char *err, size_t errlen)
{
	for (;;) {
		ssize_t n = recv(s->fd, buf, cap, MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_set(err, errlen, "read: %s", strerror(errno));
		if (sock_wait(s, POLLIN, deadline_ms, "read", err, errlen) < 0)
			return -1;
	}
}

int unix_sock_shutdown_write(struct unix_sock *s, char *err, size_t errlen)
{
	if (shutdown(s->fd, SHUT_WR) < 0)
		return err_set(err, errlen, "shutdown: %s", strerror(errno));
	return 0;
}

void unix_sock_close(struct unix_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
