/*
 * cli/cmd_health.c — `chela health [--url URL]`: the image's HEALTHCHECK. One blocking HTTP GET
 * over TCP with a hard deadline; exit 0 when the answer is 200. It reads no config (a probe must
 * work even when the config is broken: that is what the gateway's own exit code reports).
 */
#include "cli/cli.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/limits.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEALTH_TIMEOUT_MS  2000
#define HEALTH_URL_MAX     1024
#define HEALTH_REPLY_MAX   1024 /* the status line is all that matters */
#define HEALTH_DEFAULT_URL "http://127.0.0.1:18789/healthz"

static const char usage[] =
"usage: chela health [--url URL]\n"
"  exit 0 when the gateway answers GET /healthz with 200 within 2 s (the image HEALTHCHECK)\n"
"  default URL: " HEALTH_DEFAULT_URL "\n";

struct health_url {
	char host[256];
	char port[8];
	char path[HEALTH_URL_MAX];
};

static int url_parse(const char *url, struct health_url *u, char *err, size_t errlen)
{
	const char *p, *hs, *he, *ps;
	size_t n;

	if (strncmp(url, "http://", 7) != 0)
		return err_set(err, errlen, "--url must start with http:// (got '%s')", url);
	hs = url + 7;
	p = hs + strcspn(hs, "/");
	if (*hs == '[') {
		he = memchr(hs, ']', (size_t)(p - hs));
		if (he == NULL)
			return err_set(err, errlen, "--url: unterminated [IPv6] host");
		ps = he + 1;
		hs++;
	} else {
		ps = memchr(hs, ':', (size_t)(p - hs));
		he = ps ? ps : p;
	}
	n = (size_t)(he - hs);
	if (n == 0 || n >= sizeof u->host)
		return err_set(err, errlen, "--url: missing or too long host");
	memcpy(u->host, hs, n);
	u->host[n] = '\0';
	if (ps && ps < p && *ps == ':') {
		n = (size_t)(p - ps - 1);
		if (n == 0 || n >= sizeof u->port || strspn(ps + 1, "0123456789") < n)
			return err_set(err, errlen, "--url: bad port");
		memcpy(u->port, ps + 1, n);
		u->port[n] = '\0';
	} else {
		strcpy(u->port, "80");
	}
	snprintf(u->path, sizeof u->path, "%s", *p ? p : "/");
	return 0;
}

static int wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd pf = {.fd = fd, .events = ev};
	int64_t left = deadline - clock_mono_ms();
	int r;

	if (left <= 0)
		return -1;
	do
		r = poll(&pf, 1, (int)left);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

/* Try one address: connect, send, read the status line. Returns the HTTP status or -1. */
static int probe(const struct addrinfo *ai, const struct health_url *u, int64_t deadline, char *err, size_t errlen)
{
	char req[HEALTH_URL_MAX + 512], reply[HEALTH_REPLY_MAX];
	int fd, status = -1, soerr = 0, n;
	socklen_t sl = sizeof soerr;
	size_t got = 0;

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(err, errlen, "socket: %s", strerror(errno));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		err_set(err, errlen, "connect: %s", strerror(errno));
		goto out;
	}
	if (wait_fd(fd, POLLOUT, deadline) < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
		err_set(err, errlen, "connect: %s", soerr ? strerror(soerr) : "timed out");
		goto out;
	}
	n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: chela-health\r\nConnection: close\r\n\r\n",
		     u->path, u->host, u->port);
	if (write(fd, req, (size_t)n) != n) {
		err_set(err, errlen, "send: %s", strerror(errno));
		goto out;
	}
	while (got < sizeof reply - 1 && memchr(reply, '\n', got) == NULL) {
		ssize_t r;

		if (wait_fd(fd, POLLIN, deadline) < 0) {
			err_set(err, errlen, "no answer within %d ms", HEALTH_TIMEOUT_MS);
			goto out;
		}
		r = read(fd, reply + got, sizeof reply - 1 - got);
		if (r <= 0) {
			err_set(err, errlen, "connection closed before a status line");
			goto out;
		}
		got += (size_t)r;
	}
	reply[got] = '\0';
	if (sscanf(reply, "HTTP/1.%*d %d", &status) != 1) {
		status = -1;
		err_set(err, errlen, "not an HTTP answer");
	}
out:
	close(fd);
	return status;
}

int cmd_health(int argc, char **argv)
{
	const char *url = HEALTH_DEFAULT_URL;
	const struct cli_opt opts[] = {{"url", 1, &url, NULL}, {NULL, 0, NULL, NULL}};
	struct addrinfo hints, *res = NULL, *ai;
	struct health_url u;
	char err[ERR_LEN] = "";
	int64_t deadline = clock_mono_ms() + HEALTH_TIMEOUT_MS;
	enum cli_parse_result r = cli_parse(argc, argv, opts, NULL, 0, NULL, usage);
	int status = -1, gai;

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	if (url_parse(url, &u, err, sizeof err) < 0) {
		fprintf(stderr, "chela health: %s\n", err);
		return CHELA_EXIT_USAGE;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	gai = getaddrinfo(u.host, u.port, &hints, &res);
	if (gai != 0) {
		fprintf(stderr, "chela health: %s: cannot resolve %s: %s\n", url, u.host, gai_strerror(gai));
		return CHELA_EXIT_FAILURE;
	}
	for (ai = res; ai && status < 0; ai = ai->ai_next)
		status = probe(ai, &u, deadline, err, sizeof err);
	freeaddrinfo(res);
	if (status == 200) {
		printf("ok: %s answered 200\n", url);
		return CHELA_EXIT_OK;
	}
	if (status > 0)
		fprintf(stderr, "chela health: %s answered %d\n", url, status);
	else
		fprintf(stderr, "chela health: %s: %s\n", url, err);
	return CHELA_EXIT_FAILURE;
}
