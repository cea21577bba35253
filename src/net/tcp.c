/* net/tcp.c — see tcp.h */
#include "net/tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/err.h"

static int errno_kind(int e)
{
	switch (e) {
	case ECONNREFUSED:
	case ECONNRESET:
	case ECONNABORTED:
	case EPIPE:
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case ETIMEDOUT:
		return NET_ERR_TRANSIENT;
	default:
		return NET_ERR_FATAL;
	}
}

/* see tcp.h */
int net_fd_wait(int fd, short events, struct net_wait *w, const char *what, char *err, size_t errlen)
{
	for (;;) {
		int slice = NET_TCP_POLL_SLICE_MS;
		struct pollfd p = { .fd = fd, .events = events };
		int rc;

		if (w->abort && *w->abort) {
			w->kind = NET_ERR_ABORTED;
			return err_set(err, errlen, "%s: aborted", what);
		}
		if (w->deadline_ms > 0) {
			int64_t left = w->deadline_ms - clock_mono_ms();

			if (left <= 0) {
				w->kind = NET_ERR_TIMEOUT;
				return err_set(err, errlen, "%s: timed out (deadline passed)", what);
			}
			if (left < slice)
				slice = (int)left;
		}
		if (!w->abort && w->deadline_ms <= 0)
			slice = -1;
		rc = poll(&p, 1, slice);
		if (rc < 0 && errno != EINTR) {
			w->kind = NET_ERR_FATAL;
			return err_set(err, errlen, "%s: poll: %s", what, strerror(errno));
		}
		if (rc > 0)
			return 0; /* POLLERR/POLLHUP too: the next read/write reports the real error */
	}
}

static int connect_one(const struct addrinfo *ai, struct net_wait *w, const char *what, char *err, size_t errlen)
{
	int fd, one = 1, soerr = 0;
	socklen_t sl = sizeof soerr;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		w->kind = NET_ERR_FATAL;
		return err_set(err, errlen, "%s: socket: %s", what, strerror(errno));
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			soerr = errno;
			goto fail;
		}
		if (net_fd_wait(fd, POLLOUT, w, what, err, errlen) < 0) {
			close(fd);
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr)
			goto fail;
	}
	return fd;
fail:
	close(fd);
	w->kind = errno_kind(soerr);
	return err_set(err, errlen, "%s: connect: %s", what, strerror(soerr));
}

/* see tcp.h */
int net_tcp_connect(const char *host, const char *port, struct net_wait *w, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL, *ai;
	char what[320];
	int rc, fd = -1;

	snprintf(what, sizeof what, "%s:%s", host, port);
	w->kind = NET_ERR_NONE;
	/* getaddrinfo cannot be given a deadline; resolvers time out on their own (~5 s). */
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		w->kind = (rc == EAI_AGAIN) ? NET_ERR_TRANSIENT : NET_ERR_FATAL;
		return err_set(err, errlen, "%s: cannot resolve host: %s", what, gai_strerror(rc));
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = connect_one(ai, w, what, err, errlen);
		if (fd >= 0 || w->kind == NET_ERR_TIMEOUT || w->kind == NET_ERR_ABORTED)
			break;
	}
	freeaddrinfo(res);
	return fd;
}

/* see tcp.h */
ssize_t net_tcp_read(int fd, void *buf, size_t len, struct net_wait *w, char *err, size_t errlen)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			w->kind = errno_kind(errno);
			return err_set(err, errlen, "read: %s", strerror(errno));
		}
		if (net_fd_wait(fd, POLLIN, w, "read", err, errlen) < 0)
			return -1;
	}
}

/* see tcp.h */
int net_tcp_write_all(int fd, const void *buf, size_t len, struct net_wait *w, char *err, size_t errlen)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			w->kind = errno_kind(errno);
			return err_set(err, errlen, "write: %s", strerror(errno));
		}
		if (net_fd_wait(fd, POLLOUT, w, "write", err, errlen) < 0)
			return -1;
	}
	return 0;
}
