/*
 * gateway/gateway_conn.c — accepting, reading, writing and closing connections, and the HTTP
 * request state machine (head → body → route). See gateway_int.h for the states.
 *
 * Only the top-level handlers (event, sweep, job delivery) may free a connection; everything
 * below them marks it (DONE, dead) and gateway_conn_settle() acts on the mark. That keeps a
 * connection alive for the whole call chain that is using it.
 */
#include "gateway/gateway_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The whole loop shares one read buffer: there is one thread doing socket I/O. */
static char conn_rbuf[GATEWAY_READ_CHUNK];

static void client_ip(const struct sockaddr_storage *ss, char *out, size_t outlen)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		/* ::ffff:a.b.c.d is an IPv4 client; rate limits must see one address per client. */
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], out, (socklen_t)outlen);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, out, (socklen_t)outlen);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out, (socklen_t)outlen);
	}
}

void gateway_conn_accept(struct gateway *gw)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		struct epoll_event ev;
		struct gateway_conn *c;
		int fd, one = 1;

		fd = accept4(gw->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_event(LOG_WARN, "gateway.accept_failed", "error=%s", log_quote(strerror(errno)));
			return;
		}
		if (gw->nconns >= GATEWAY_MAX_CONNECTIONS) {
			log_event(LOG_WARN, "gateway.conn_refused", "reason=too_many_connections max=%d",
				  GATEWAY_MAX_CONNECTIONS);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c = xcalloc(1, sizeof *c);
		c->id = ++gw->next_conn_id;
		c->fd = fd;
		c->gw = gw;
		c->state = CONN_RECV_REQUEST;
		client_ip(&ss, c->ip, sizeof c->ip);
		buf_init(&c->in, GATEWAY_WS_FRAME_MAX + WS_FRAME_HEADER_MAX + HTTP_REQ_HEAD_MAX);
		buf_init(&c->out, (size_t)GATEWAY_WS_BUFFERED_MAX + GATEWAY_WS_MESSAGE_MAX);
		buf_init(&c->body, GATEWAY_HTTP_BODY_MAX);
		/* A client that connects and says nothing is held to the header deadline too. */
		c->deadline_ms = clock_mono_ms() + GATEWAY_HEADER_TIMEOUT(gw);
		c->events = EPOLLIN;
		ev.events = c->events;
		ev.data.ptr = c;
		if (epoll_ctl(gw->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = gw->conns;
		if (gw->conns)
			gw->conns->prev = c;
		gw->conns = c;
		gw->nconns++;
		log_event(LOG_DEBUG, "conn.open", "conn=%llu ip=%s", (unsigned long long)c->id, c->ip);
	}
}

void gateway_conn_close(struct gateway_conn *c, const char *why)
{
	struct gateway *gw = c->gw;

	if (c->fd < 0)
		return;
	log_event(LOG_DEBUG, "conn.close", "conn=%llu ip=%s reason=%s", (unsigned long long)c->id, c->ip,
		  log_quote(why));
	/* Nobody is left to read what its jobs would say: let them stop (agent turns abort). */
	if (c->jobs > 0)
		gateway_jobq_cancel_conn(gw, c->id);
	epoll_ctl(gw->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	if (c->is_ws)
		gw->nws--;
	if (c->prev)
		c->prev->next = c->next;
	else
		gw->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	gw->nconns--;
	http_req_free(c->req);
	FREE(c->req);
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->body);
	ws_reader_free(&c->ws);
	/* Freed after this loop pass: epoll may still hold an event pointing here. */
	c->next = gw->graveyard;
	gw->graveyard = c;
}

void gateway_conn_bury(struct gateway *gw)
{
	while (gw->graveyard) {
		struct gateway_conn *c = gw->graveyard;

		gw->graveyard = c->next;
		free(c);
	}
}

struct gateway_conn *gateway_conn_find(struct gateway *gw, uint64_t id)
{
	struct gateway_conn *c;

	for (c = gw->conns; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

void gateway_conn_flush(struct gateway_conn *c)
{
	size_t off = 0;

	while (off < c->out.len) {
		ssize_t n = write(c->fd, c->out.data + off, c->out.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			c->dead = 1;
			break;
		}
		off += (size_t)n;
	}
	buf_consume(&c->out, off);
	/* Idle connections should cost almost nothing: give large or WebSocket buffers back. */
	if (c->out.len == 0 && c->out.data && (c->state >= CONN_WS || c->out.cap > HTTP_REQ_HEAD_MAX))
		buf_free(&c->out);
}

int gateway_conn_queue(struct gateway_conn *c, const void *data, size_t len)
{
	if (c->dead || c->state == CONN_LINGER)
		return -1;
	if (buf_append(&c->out, data, len) < 0) {
		log_event(LOG_WARN, "conn.too_slow", "conn=%llu ip=%s unsent=%zu", (unsigned long long)c->id, c->ip,
			  c->out.len);
		c->dead = 1;
		return -1;
	}
	return 0;
}

int gateway_conn_send(struct gateway_conn *c, const void *data, size_t len)
{
	if (gateway_conn_queue(c, data, len) < 0)
		return -1;
	/* With bytes already waiting, EPOLLOUT is armed and will send these after them. */
	if (c->out.len == len)
		gateway_conn_flush(c);
	return c->dead ? -1 : 0;
}

void gateway_conn_finish(struct gateway_conn *c)
{
	if (c->state == CONN_DONE || c->state == CONN_LINGER)
		return;
	c->state = CONN_DONE;
	c->deadline_ms = clock_mono_ms() + GATEWAY_FLUSH_TIMEOUT_MS;
	buf_free(&c->in);
}

void gateway_conn_update_events(struct gateway_conn *c)
{
	struct epoll_event ev;
	uint32_t want = 0;

	switch (c->state) {
	case CONN_RECV_REQUEST:
	case CONN_RECV_BODY:
		/* Pipelined requests wait while replies pile up unread. */
		if (c->out.len < GATEWAY_OUT_HIGH_WATER)
			want |= EPOLLIN;
		break;
	case CONN_WAIT_JOB:
		if (c->in.len < HTTP_REQ_HEAD_MAX)
			want |= EPOLLIN;
		break;
	case CONN_WS:
	case CONN_LINGER:
		want |= EPOLLIN;
		break;
	case CONN_DONE:
		break;
	}
	if (c->out.len > 0)
		want |= EPOLLOUT;
	if (want == c->events || c->fd < 0)
		return;
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(c->gw->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = want;
}

int gateway_conn_settle(struct gateway_conn *c)
{
	if (c->fd < 0)
		return 1;
	if (c->dead) {
		gateway_conn_close(c, "socket error");
		return 1;
	}
	if (c->state == CONN_DONE && c->out.len == 0) {
		/* Our last bytes are out: stop writing, and read until the peer closes, so the
		 * kernel does not answer its unread data with a reset that would eat them. */
		shutdown(c->fd, SHUT_WR);
		c->state = CONN_LINGER;
		c->deadline_ms = clock_mono_ms() + GATEWAY_LINGER_MS;
	}
	if (c->in.len == 0 && c->in.data && (c->state >= CONN_WS || c->in.cap > HTTP_REQ_HEAD_MAX))
		buf_free(&c->in);
	gateway_conn_update_events(c);
	return 0;
}

/* The head is parsed: set up the body, or route right away. Returns 0 to keep going. */
static int conn_start_request(struct gateway_conn *c, struct http_req *req)
{
	const char *expect;

	c->req = xmalloc(sizeof *c->req);
	*c->req = *req;
	c->keep_alive = req->keep_alive;
	c->head_only = strcmp(req->method, "HEAD") == 0;
	c->head_started = 0;
	buf_reset(&c->body);
	c->gw->http_requests++;
	if (!req->chunked && req->content_length <= 0) {
		gateway_http_route(c);
		return 0;
	}
	if (req->content_length > GATEWAY_HTTP_BODY_MAX) {
		gateway_http_fail(c, 413, "request body larger than the 1 MiB limit");
		return -1;
	}
	if (req->chunked)
		http_chunked_init(&c->chunk);
	expect = http_req_header(req, "Expect");
	if (expect && strcasecmp(expect, "100-continue") == 0) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

		gateway_conn_send(c, cont, sizeof cont - 1);
	}
	c->state = CONN_RECV_BODY;
	c->deadline_ms = clock_mono_ms() + GATEWAY_BODY_TIMEOUT_MS;
	return 0;
}

/* Move body bytes from the input; route once the body is whole. Returns 1 when more is needed. */
static int conn_read_body(struct gateway_conn *c)
{
	char err[ERR_LEN];

	if (c->req->chunked) {
		int done = 0, status = 400;
		long n = http_chunked_feed(&c->chunk, c->in.data, c->in.len, &c->body, &done, &status, err, sizeof err);

		if (n < 0) {
			gateway_http_fail(c, status, err);
			return 0;
		}
		buf_consume(&c->in, (size_t)n);
		if (!done)
			return 1;
	} else {
		size_t want = (size_t)c->req->content_length - c->body.len;
		size_t n = c->in.len < want ? c->in.len : want;

		buf_append(&c->body, c->in.data, n);
		buf_consume(&c->in, n);
		if (c->body.len < (size_t)c->req->content_length)
			return 1;
	}
	gateway_http_route(c);
	return 0;
}

void gateway_conn_process(struct gateway_conn *c)
{
	char err[ERR_LEN];

	while (!c->dead) {
		struct http_req req;
		long n;

		switch (c->state) {
		case CONN_RECV_REQUEST:
			if (c->in.len == 0 || c->out.len >= GATEWAY_OUT_HIGH_WATER)
				return;
			n = http_req_parse(c->in.data, c->in.len, &req, err, sizeof err);
			if (n < 0) {
				int status = req.status;

				http_req_free(&req);
				gateway_http_fail(c, status, err);
				return;
			}
			if (n == 0) {
				if (!c->head_started) {
					c->head_started = 1;
					c->deadline_ms = clock_mono_ms() + GATEWAY_HEADER_TIMEOUT(c->gw);
				}
				return;
			}
			buf_consume(&c->in, (size_t)n);
			if (conn_start_request(c, &req) < 0)
				return;
			break;
		case CONN_RECV_BODY:
			if (conn_read_body(c))
				return;
			break;
		case CONN_WS:
			gateway_ws_process(c);
			return;
		default:
			return;
		}
	}
}

static void conn_read(struct gateway_conn *c)
{
	ssize_t n;

	do
		n = read(c->fd, conn_rbuf, sizeof conn_rbuf);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		/* EOF or error: in LINGER that is what we waited for; elsewhere the peer is gone. */
		c->dead = 1;
		return;
	}
	if (c->state == CONN_LINGER || c->state == CONN_DONE)
		return;
	if (buf_append(&c->in, conn_rbuf, (size_t)n) < 0) {
		gateway_http_fail(c, 413, "too much unprocessed input");
		return;
	}
	gateway_conn_process(c);
}

void gateway_conn_on_event(struct gateway_conn *c, uint32_t events)
{
	if (c->fd < 0)
		return;
	if (events & EPOLLOUT)
		gateway_conn_flush(c);
	if (!c->dead && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		conn_read(c);
	if (c->dead && c->state == CONN_LINGER) {
		gateway_conn_close(c, "done");
		return;
	}
	gateway_conn_settle(c);
}

/* Deadlines: slowloris heads and bodies, silent keep-alive clients, stuck closes. */
void gateway_conn_sweep(struct gateway *gw, int64_t now)
{
	struct gateway_conn *c, *next;

	for (c = gw->conns; c; c = next) {
		next = c->next;
		if (c->deadline_ms == 0 || now < c->deadline_ms)
			continue;
		c->deadline_ms = 0;
		switch (c->state) {
		case CONN_RECV_REQUEST:
			if (c->head_started) {
				log_event(LOG_INFO, "http.timeout", "conn=%llu ip=%s phase=head", (unsigned long long)c->id,
					  c->ip);
				gateway_http_fail(c, 408, "request head not completed in time");
			} else {
				gateway_conn_close(c, "idle");
				continue;
			}
			break;
		case CONN_RECV_BODY:
			log_event(LOG_INFO, "http.timeout", "conn=%llu ip=%s phase=body", (unsigned long long)c->id, c->ip);
			gateway_http_fail(c, 408, "request body not completed in time");
			break;
		case CONN_WS:
			if (!c->ws_authed)
				gateway_ws_close(c, WS_CLOSE_POLICY, "connect request not received in time");
			break;
		case CONN_WAIT_JOB:
			break;
		case CONN_DONE:
		case CONN_LINGER:
			gateway_conn_close(c, c->state == CONN_DONE ? "peer not reading" : "linger over");
			continue;
		}
		gateway_conn_settle(c);
	}
}
