/*
 * gateway/gateway_loop.c — gateway_run(): settings, the listening socket, and the one epoll
 * loop that multiplexes clients, signals (signalfd: SIGTERM/SIGINT stop, SIGHUP reloads) and
 * job completions (eventfd), plus the timers for deadlines and `tick` events.
 */
#include "gateway/gateway_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define LOOP_EVENTS_MAX 256
#define LOOP_SWEEP_MS   100  /* deadline resolution */
#define LOOP_BACKLOG    1024
#define LOOP_DOCKER_SOCKET "/var/run/docker.sock"

/* epoll tags for the non-connection descriptors. */
static char tag_listen, tag_signal, tag_jobs;

static char **list_copy(char *const *items, int n)
{
	char **out = n ? xcalloc((size_t)n, sizeof *out) : NULL;
	int i;

	for (i = 0; i < n; i++)
		out[i] = xstrdup(items[i]);
	return out;
}

void gateway_settings_from_config(const struct config *cfg, struct gateway_settings *out)
{
	const char *dh = getenv("DOCKER_HOST");
	int i;

	memset(out, 0, sizeof *out);
	out->state_dir = xstrdup(cfg->state_dir ? cfg->state_dir : ".");
	out->port = cfg->gateway.port;
	out->bind = xstrdup(cfg->gateway.bind ? cfg->gateway.bind : "loopback");
	out->auth = cfg->gateway.auth;
	out->token = xstrdup(cfg->gateway.token ? cfg->gateway.token : "");
	out->openai_http = cfg->gateway.openai_http;
	out->allowed_origins = list_copy(cfg->gateway.allowed_origins.items, cfg->gateway.allowed_origins.n);
	out->n_allowed_origins = cfg->gateway.allowed_origins.n;
	out->config_loaded = 1;
	for (i = 0; i < cfg->nagents; i++)
		if (cfg->agents[i].sandbox.mode != SANDBOX_MODE_OFF)
			out->sandbox_enabled = 1;
	out->channels_configured = cfg->telegram.configured || cfg->discord.configured;
	out->docker_socket = xstrdup(dh && strncmp(dh, "unix://", 7) == 0 ? dh + 7 : LOOP_DOCKER_SOCKET);
	out->main_key = xstrdup(cfg->session.main_key ? cfg->session.main_key : "main");
}

void gateway_settings_copy(const struct gateway_settings *in, struct gateway_settings *out)
{
	*out = *in;
	out->state_dir = xstrdup(in->state_dir ? in->state_dir : ".");
	out->bind = xstrdup(in->bind ? in->bind : "loopback");
	out->token = xstrdup(in->token ? in->token : "");
	out->allowed_origins = list_copy(in->allowed_origins, in->n_allowed_origins);
	out->docker_socket = xstrdup(in->docker_socket ? in->docker_socket : LOOP_DOCKER_SOCKET);
	out->main_key = xstrdup(in->main_key ? in->main_key : "main");
}

void gateway_settings_free(struct gateway_settings *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_allowed_origins; i++)
		free(s->allowed_origins[i]);
	free(s->allowed_origins);
	free(s->state_dir);
	free(s->bind);
	free(s->token);
	free(s->docker_socket);
	free(s->main_key);
	memset(s, 0, sizeof *s);
}

static int listen_open(struct gateway *gw, char *err, size_t errlen)
{
	const char *b = gw->set.bind;
	const char *addr = strcmp(b, "loopback") == 0 ? "127.0.0.1" : strcmp(b, "lan") == 0 ? "0.0.0.0" : b;
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int one = 1;

	memset(&ss, 0, sizeof ss);
	if (gw->set.port < 0 || gw->set.port > 65535)
		return err_set(err, errlen, "gateway.port: %ld is not a TCP port (0-65535)", gw->set.port);
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)gw->set.port);
		sl = sizeof *s4;
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)gw->set.port);
		sl = sizeof *s6;
	} else {
		return err_set(err, errlen, "gateway.bind: '%s' is not loopback, lan or an IP address", b);
	}
	gw->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (gw->lfd < 0)
		return err_set(err, errlen, "gateway: socket: %s", strerror(errno));
	setsockopt(gw->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(gw->lfd, (struct sockaddr *)&ss, sl) < 0)
		return err_set(err, errlen, "gateway: cannot listen on %s port %ld: %s", addr, gw->set.port,
			       strerror(errno));
	if (listen(gw->lfd, LOOP_BACKLOG) < 0)
		return err_set(err, errlen, "gateway: listen: %s", strerror(errno));
	/* Port 0 asks the kernel for a free port: report the one we got. */
	if (getsockname(gw->lfd, (struct sockaddr *)&ss, &sl) == 0)
		gw->set.port = ntohs(ss.ss_family == AF_INET ? s4->sin_port : s6->sin6_port);
	return 0;
}

static int epoll_add(int epfd, int fd, void *tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = tag};

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void stop_begin(struct gateway *gw, const char *why)
{
	struct gateway_conn *c, *next;

	if (gw->stopping)
		return;
	log_event(LOG_INFO, "gateway.stopping", "reason=%s connections=%d", why, gw->nconns);
	gw->stopping = 1;
	gw->stop_deadline_ms = clock_mono_ms() + GATEWAY_SHUTDOWN_GRACE_MS;
	epoll_ctl(gw->epfd, EPOLL_CTL_DEL, gw->lfd, NULL);
	close(gw->lfd);
	gw->lfd = -1;
	gateway_jobq_cancel_all(gw);
	for (c = gw->conns; c; c = next) {
		next = c->next;
		if (c->state == CONN_WS)
			gateway_ws_close(c, WS_CLOSE_GOING_AWAY, "gateway shutting down");
		else if (c->state == CONN_RECV_REQUEST && !c->head_started)
			gateway_conn_finish(c);
		gateway_conn_settle(c);
	}
}

static void reload(struct gateway *gw)
{
	struct gateway_settings ns;
	char err[ERR_LEN];

	if (gw->reload == NULL) {
		log_event(LOG_WARN, "gateway.reload_unsupported", NULL);
		return;
	}
	memset(&ns, 0, sizeof ns);
	if (gw->reload(gw->reload_ctx, &ns, err, sizeof err) < 0) {
		log_event(LOG_ERROR, "gateway.reload_failed", "error=%s keeping=previous", log_quote(err));
		gateway_settings_free(&ns);
		return;
	}
	if (ns.port != gw->set.port || strcmp(ns.bind, gw->set.bind) != 0)
		log_event(LOG_WARN, "gateway.reload_needs_restart", "keys=%s", log_quote("gateway.port gateway.bind"));
	ns.port = gw->set.port;
	free(ns.bind);
	ns.bind = xstrdup(gw->set.bind);
	if (ns.auth == GATEWAY_AUTH_NONE && !gateway_bind_is_loopback(ns.bind)) {
		log_event(LOG_ERROR, "gateway.reload_failed", "error=%s keeping=previous",
			  log_quote("auth = none is refused on a non-loopback bind"));
		gateway_settings_free(&ns);
		return;
	}
	gateway_settings_free(&gw->set);
	gw->set = ns;
	if (gateway_auth_prepare(gw, err, sizeof err) < 0)
		log_event(LOG_ERROR, "gateway.reload_token", "error=%s", log_quote(err));
	log_event(LOG_INFO, "gateway.reloaded", "auth=%s openai_http=%d origins=%d",
		  gw->set.auth == GATEWAY_AUTH_NONE ? "none" : "token", gw->set.openai_http, gw->set.n_allowed_origins);
}

static void on_signal(struct gateway *gw)
{
	struct signalfd_siginfo si;

	while (read(gw->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGHUP)
			reload(gw);
		else
			stop_begin(gw, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	}
}

static int loop_timeout(struct gateway *gw, int64_t now)
{
	int64_t next = -1;

	if (gw->nconns > 0)
		next = gw->next_sweep_ms;
	if (gw->nws > 0 && (next < 0 || gw->next_tick_ms < next))
		next = gw->next_tick_ms;
	if (gw->stopping && (next < 0 || gw->stop_deadline_ms < next))
		next = gw->stop_deadline_ms;
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

static void loop_run(struct gateway *gw)
{
	struct epoll_event evs[LOOP_EVENTS_MAX];

	for (;;) {
		int64_t now = clock_mono_ms();
		int n = epoll_wait(gw->epfd, evs, LOOP_EVENTS_MAX, loop_timeout(gw, now)), i;

		if (n < 0 && errno != EINTR) {
			log_event(LOG_ERROR, "gateway.epoll_failed", "error=%s", log_quote(strerror(errno)));
			return;
		}
		for (i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;

			if (tag == &tag_listen)
				gateway_conn_accept(gw);
			else if (tag == &tag_signal)
				on_signal(gw);
			else if (tag == &tag_jobs)
				gateway_jobq_drain(gw);
			else
				gateway_conn_on_event(tag, evs[i].events);
		}
		now = clock_mono_ms();
		if (now >= gw->next_sweep_ms) {
			gateway_conn_sweep(gw, now);
			gw->next_sweep_ms = now + LOOP_SWEEP_MS;
		}
		if (now >= gw->next_tick_ms) {
			gateway_proto_tick(gw);
			gw->next_tick_ms = now + GATEWAY_TICK_INTERVAL_MS;
		}
		gateway_conn_bury(gw);
		if (gw->stopping && ((gw->nconns == 0 && !gateway_jobq_busy(gw)) || now >= gw->stop_deadline_ms))
			return;
	}
}

int gateway_run(const struct gateway_options *opts)
{
	struct gateway *gw = xcalloc(1, sizeof *gw);
	char err[ERR_LEN];
	sigset_t mask;
	int rc = CHELA_EXIT_FAILURE, workers_gone = 1;

	gw->lfd = gw->sfd = gw->epfd = gw->jq.efd = -1;
	gateway_settings_copy(opts->settings, &gw->set);
	if (opts->hooks)
		gw->hooks = *opts->hooks;
	gw->reload = opts->reload;
	gw->reload_ctx = opts->reload_ctx;
	gw->version = opts->version;
	if (gw->set.auth == GATEWAY_AUTH_NONE && !gateway_bind_is_loopback(gw->set.bind)) {
		fprintf(stderr, "chela gateway: refusing to listen on '%s' without auth: set [gateway] auth = token "
				"(auth = none is only allowed with bind = loopback)\n", gw->set.bind);
		rc = CHELA_EXIT_CONFIG;
		goto out;
	}
	if (gateway_jobq_init(gw, err, sizeof err) < 0)
		goto fail;
	/* Signals become readable events; worker threads inherit the block and never see them. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	gw->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	gw->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (gw->sfd < 0 || gw->epfd < 0) {
		err_set(err, sizeof err, "gateway: signalfd/epoll: %s", strerror(errno));
		goto fail;
	}
	/* Listen first: a generated token is shown with the URL of the port actually bound. */
	if (listen_open(gw, err, sizeof err) < 0 || gateway_auth_prepare(gw, err, sizeof err) < 0)
		goto fail;
	if (epoll_add(gw->epfd, gw->lfd, &tag_listen) < 0 || epoll_add(gw->epfd, gw->sfd, &tag_signal) < 0 ||
	    epoll_add(gw->epfd, gw->jq.efd, &tag_jobs) < 0) {
		err_set(err, sizeof err, "gateway: epoll_ctl: %s", strerror(errno));
		goto fail;
	}
	/* Logged once everything is ready: tests and supervisors take this line as "serving". */
	log_event(LOG_INFO, "gateway.listen", "port=%ld bind=%s auth=%s version=%s", gw->set.port,
		  log_quote(gw->set.bind), gw->set.auth == GATEWAY_AUTH_NONE ? "none" : "token",
		  gw->version ? gw->version : "");
	gw->started_ms = clock_mono_ms();
	gw->next_tick_ms = gw->started_ms + GATEWAY_TICK_INTERVAL_MS;
	gw->next_sweep_ms = gw->started_ms + LOOP_SWEEP_MS;
	loop_run(gw);
	rc = CHELA_EXIT_OK;
	log_event(LOG_INFO, "gateway.stop", "uptime_ms=%lld requests=%llu",
		  (long long)(clock_mono_ms() - gw->started_ms), gw->http_requests);
	goto out;
fail:
	fprintf(stderr, "chela gateway: %s\n", err);
out:
	while (gw->conns)
		gateway_conn_close(gw->conns, "shutdown");
	gateway_conn_bury(gw);
	if (gw->jq.efd >= 0)
		workers_gone = gateway_jobq_stop(gw);
	if (gw->lfd >= 0)
		close(gw->lfd);
	if (gw->sfd >= 0)
		close(gw->sfd);
	if (gw->epfd >= 0)
		close(gw->epfd);
	free(gw->token);
	gateway_settings_free(&gw->set);
	/* Workers may still hold gw after a grace-period stop; the process is about to exit. */
	if (workers_gone)
		free(gw);
	return rc;
}
