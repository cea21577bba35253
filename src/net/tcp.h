/*
 * net/tcp.h — blocking-looking TCP client I/O with absolute deadlines.
 *
 * Contract: every call takes an absolute deadline on clock_mono_ms() (0 = none) and an optional
 * abort flag (a pointer some other thread may set to non-zero: chat.abort, client gone). Sockets
 * are non-blocking underneath; waiting is done with poll(2) in short slices so an abort is seen
 * within NET_TCP_POLL_SLICE_MS. Nothing here allocates except getaddrinfo's own list.
 *
 * Errors: 0 / -1 (or an fd / -1) with a sentence in err naming the host. *kind (optional) tells
 * the caller whether a retry might help (see enum net_errkind), so the LLM layer can back off on
 * "connection reset" but not on "certificate not trusted".
 */
#ifndef CHELA_NET_TCP_H
#define CHELA_NET_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NET_TCP_POLL_SLICE_MS 200 /* how often a wait looks at the abort flag */

enum net_errkind {
	NET_ERR_NONE,
	NET_ERR_TRANSIENT, /* refused, reset, unreachable, EOF mid-exchange: a retry may work */
	NET_ERR_TIMEOUT,   /* the deadline passed */
	NET_ERR_ABORTED,   /* the abort flag was set */
	NET_ERR_FATAL,     /* bad address, TLS verification, protocol: retrying will not help */
};

/* Everything a wait needs: the deadline, the abort flag and where to say what went wrong. */
struct net_wait {
	int64_t deadline_ms;        /* absolute, clock_mono_ms(); 0 = no deadline */
	const volatile int *abort;  /* NULL = cannot be aborted */
	enum net_errkind kind;      /* set by the failing call */
};

/* Resolve host (name or literal) and connect to the first address that answers. Returns an fd
 * (non-blocking, close-on-exec, TCP_NODELAY) or -1. */
int net_tcp_connect(const char *host, const char *port, struct net_wait *w, char *err, size_t errlen);

/* Wait until fd is ready for events (POLLIN/POLLOUT). 0 ready, -1 timeout/abort/error. */
int net_fd_wait(int fd, short events, struct net_wait *w, const char *what, char *err, size_t errlen);

/* Read at most len bytes: >0 bytes read, 0 orderly EOF, -1 error/timeout/abort. */
ssize_t net_tcp_read(int fd, void *buf, size_t len, struct net_wait *w, char *err, size_t errlen);

/* Write all of buf or fail. 0 / -1. */
int net_tcp_write_all(int fd, const void *buf, size_t len, struct net_wait *w, char *err, size_t errlen);

#endif
