/*
 * gateway/gateway_ready.c — GET /readyz: is this gateway able to do its job right now?
 *
 * Ready means: a configuration was loaded and validated; when any agent is sandboxed, the
 * Docker engine answers /_ping within GATEWAY_READY_PROBE_MS; when channels are configured,
 * the channel runtime says they are up. It runs as a job because the Docker probe blocks.
 * The answer lists every check, so a failing probe says which input is missing.
 */
#include "gateway/gateway_int.h"
#include "util/err.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define READY_PING_REPLY_MAX 512 /* the status line is all we need */

/* Wait until fd is ready for `events` or the deadline passes. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

int gateway_docker_ping(const char *socket_path, int timeout_ms, char *err, size_t errlen)
{
	static const char req[] = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
	struct sockaddr_un sa;
	char reply[READY_PING_REPLY_MAX];
	size_t got = 0;
	int fd = -1, rc = -1;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(socket_path) >= sizeof sa.sun_path)
		return err_set(err, errlen, "docker socket path too long: %s", socket_path);
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		err_set(err, errlen, "socket: %s", strerror(errno));
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 &&
	    (errno != EINPROGRESS && errno != EAGAIN)) {
		err_set(err, errlen, "connect %s: %s", socket_path, strerror(errno));
		goto out;
	}
	if (wait_fd(fd, POLLOUT, timeout_ms) < 0 || write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
		err_set(err, errlen, "%s: cannot send /_ping", socket_path);
		goto out;
	}
	while (got < sizeof reply - 1 && memchr(reply, '\n', got) == NULL) {
		ssize_t n;

		if (wait_fd(fd, POLLIN, timeout_ms) < 0) {
			err_set(err, errlen, "%s: no answer to /_ping within %d ms", socket_path, timeout_ms);
			goto out;
		}
		n = read(fd, reply + got, sizeof reply - 1 - got);
		if (n <= 0) {
			err_set(err, errlen, "%s: connection closed during /_ping", socket_path);
			goto out;
		}
		got += (size_t)n;
	}
	reply[got] = '\0';
	if (strncmp(reply, "HTTP/1.", 7) != 0 || strncmp(reply + 8, " 200", 4) != 0) {
		reply[strcspn(reply, "\r\n")] = '\0';
		err_set(err, errlen, "%s: /_ping answered '%.80s'", socket_path, reply);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static int check(cJSON *checks, const char *name, int ok, const char *detail)
{
	cJSON *o = cJSON_AddObjectToObject(checks, name);

	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddStringToObject(o, "detail", detail);
	return ok;
}

/* see gateway_int.h: a job, params are the settings snapshot taken by the route */
void gateway_ready_job(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	const struct gateway_hooks *h = &job->gw->hooks;
	const cJSON *sock = cJSON_GetObjectItemCaseSensitive(params, "dockerSocket");
	cJSON *root = cJSON_CreateObject(), *checks;
	char err[ERR_LEN];
	int ok = 1;

	checks = cJSON_AddObjectToObject(root, "checks");
	ok &= check(checks, "config", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(params, "configLoaded")),
		    "configuration loaded and valid");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(params, "sandbox"))) {
		const char *path = cJSON_IsString(sock) && sock->valuestring[0] ? sock->valuestring : "/var/run/docker.sock";
		int r = h->docker_ping ? h->docker_ping(h->ctx, path, err, sizeof err)
				       : gateway_docker_ping(path, GATEWAY_READY_PROBE_MS, err, sizeof err);

		ok &= check(checks, "docker", r == 0, r == 0 ? "engine answered /_ping" : err);
	} else {
		check(checks, "docker", 1, "not needed: no agent is sandboxed");
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(params, "channels"))) {
		int r = -1;

		if (h->channels_ready)
			r = h->channels_ready(h->ctx, err, sizeof err);
		else
			snprintf(err, sizeof err, "channels are configured but no channel runtime is built in");
		ok &= check(checks, "channels", r == 0, r == 0 ? "channels up" : err);
	} else {
		check(checks, "channels", 1, "none configured");
	}
	cJSON_AddBoolToObject(root, "ok", ok);
	cJSON_AddStringToObject(root, "status", ok ? "ready" : "not_ready");
	res->payload = root;
	res->http_status = ok ? 200 : 503;
}
