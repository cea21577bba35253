/*
 * docker/docker_int.h — helpers shared by the docker_*.c files; not part of the public API.
 *
 * Contract: docker_call() does one request on its own connection and reads the whole answer
 * into a caller-initialised struct http_resp (0 when an answer arrived, whatever its status;
 * -1 when there was none: socket, timeout, malformed HTTP). docker_status_error() turns an
 * unexpected status into the module's error sentence. Paths are unversioned ("/containers/json");
 * the "/v1.41" prefix is added here.
 */
#ifndef CHELA_DOCKER_INT_H
#define CHELA_DOCKER_INT_H

#include "docker/docker.h"
#include "net/http_resp.h"
#include "net/unix_sock.h"

#include <cJSON.h>

#define DOCKER_HTTP_HOST  "docker" /* Host: value; the engine ignores it but HTTP/1.1 needs one */
#define DOCKER_READ_CHUNK 65536

/* Connect and send one request. versioned=0 for /_ping and /version during negotiation. */
int docker_send(struct docker *d, struct unix_sock *s, const char *method, const char *path, int versioned,
		const char *const *headers, const char *ctype, const void *body, size_t len, int64_t deadline,
		char *err, size_t errlen);
/* Read a response. With stop_at_headers, returns once the headers are in and appends any bytes
 * that arrived after them to `extra` (the start of a hijacked stream). */
int docker_recv(struct unix_sock *s, struct http_resp *r, int stop_at_headers, struct buf *extra, int64_t deadline,
		char *err, size_t errlen);
/* send + recv on a fresh connection with d->timeout_ms; r is initialised here (body cap
 * body_max) and must be freed by the caller even on failure. */
int docker_call(struct docker *d, const char *method, const char *path, int versioned, const char *ctype,
		const void *body, size_t len, size_t body_max, struct http_resp *r, char *err, size_t errlen);
/* "docker: METHOD PATH: STATUS: <engine message>". Returns DOCKER_NOT_FOUND for 404, else -1. */
int docker_status_error(const struct http_resp *r, const char *method, const char *path, char *err, size_t errlen);
/* Parse r->body as JSON; NULL with err on failure. */
cJSON *docker_json_parse(const struct http_resp *r, const char *method, const char *path, char *err,
			 size_t errlen);
/* Percent-encode s for a path segment or query value. */
void docker_url_escape(struct buf *b, const char *s);
/* A copy of obj[key] when it is a string, else NULL. */
char *docker_json_strdup(const cJSON *obj, const char *key);

#endif
