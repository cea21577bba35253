/* docker/docker_http.c — the request/response plumbing, error sentences and version
 * negotiation. See docker.h and docker_int.h. */
#include "docker/docker_int.h"
#include "util/clock.h"
#include "util/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* see docker_int.h */
int docker_send(struct docker *d, struct unix_sock *s, const char *method, const char *path, int versioned,
		const char *const *headers, const char *ctype, const void *body, size_t len, int64_t deadline,
		char *err, size_t errlen)
{
	struct buf req, target;
	const char *hdrs[8];
	char ct[96];
	size_t nh = 0, k;
	int rc = -1;

	buf_init(&req, DOCKER_EXEC_MAX_STDIN + 65536);
	buf_init(&target, 16384);
	if (versioned)
		buf_printf(&target, "/v%s%s", d->api_version, path);
	else
		buf_puts(&target, path);
	if (target.overflow) {
		err_set(err, errlen, "docker: %s %.80s: request path too long", method, path);
		goto out;
	}
	if (ctype) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		hdrs[nh++] = ct;
	}
	for (k = 0; headers && headers[k] && nh < 7; k++)
		hdrs[nh++] = headers[k];
	hdrs[nh] = NULL;
	if (http_req_format(&req, method, target.data, DOCKER_HTTP_HOST, hdrs, body, len, err, errlen) < 0) {
		err_prefix(err, errlen, "docker: %s %.80s", method, path);
		goto out;
	}
	if (unix_sock_connect(s, d->socket_path, deadline, err, errlen) < 0) {
		err_prefix(err, errlen, "docker: %s %.80s: cannot reach the engine", method, path);
		goto out;
	}
	if (unix_sock_write_all(s, req.data, req.len, deadline, err, errlen) < 0) {
		err_prefix(err, errlen, "docker: %s %.80s: sending the request", method, path);
		unix_sock_close(s);
		goto out;
	}
	rc = 0;
out:
	buf_free(&req);
	buf_free(&target);
	return rc;
}

/* see docker_int.h */
int docker_recv(struct unix_sock *s, struct http_resp *r, int stop_at_headers, struct buf *extra, int64_t deadline,
		char *err, size_t errlen)
{
	char *tmp = xmalloc(DOCKER_READ_CHUNK);
	int rc = -1;

	for (;;) {
		ssize_t n = unix_sock_read(s, tmp, DOCKER_READ_CHUNK, deadline, err, errlen);
		size_t off = 0, used;
		int st;

		if (n < 0)
			goto out;
		if (n == 0) {
			if (http_resp_finish(r) == HTTP_RESP_DONE)
				rc = 0;
			else
				err_set(err, errlen, "%s", r->err);
			goto out;
		}
		/* keep feeding after HEADERS_DONE even with no bytes left: a body-less answer
		 * (204, 304) completes only on the next call */
		for (st = HTTP_RESP_HEADERS_DONE; off < (size_t)n || st == HTTP_RESP_HEADERS_DONE;) {
			st = http_resp_feed(r, tmp + off, (size_t)n - off, &used);
			off += used;
			if (st == HTTP_RESP_ERROR) {
				err_set(err, errlen, "%s", r->err);
				goto out;
			}
			if (st == HTTP_RESP_DONE) {
				rc = 0;
				goto out;
			}
			if (st == HTTP_RESP_HEADERS_DONE && stop_at_headers) {
				if (extra && buf_append(extra, tmp + off, (size_t)n - off) < 0) {
					err_set(err, errlen, "stream start too large");
					goto out;
				}
				rc = 0;
				goto out;
			}
		}
	}
out:
	free(tmp);
	return rc;
}

/* see docker_int.h */
int docker_call(struct docker *d, const char *method, const char *path, int versioned, const char *ctype,
		const void *body, size_t len, size_t body_max, struct http_resp *r, char *err, size_t errlen)
{
	struct unix_sock s = { .fd = -1 };
	int64_t deadline = clock_mono_ms() + (d->timeout_ms > 0 ? d->timeout_ms : DOCKER_DEFAULT_TIMEOUT_MS);
	int rc;

	http_resp_init(r, NULL, body_max);
	r->head_request = strcmp(method, "HEAD") == 0;
	if (docker_send(d, &s, method, path, versioned, NULL, ctype, body, len, deadline, err, errlen) < 0)
		return -1;
	rc = docker_recv(&s, r, 0, NULL, deadline, err, errlen);
	unix_sock_close(&s);
	if (rc < 0) {
		const char *q = strchr(path, '?');
		err_prefix(err, errlen, "docker: %s %.*s%s", method, (int)(q ? q - path : (long)strlen(path)),
			   path, s.timed_out ? " (no answer in time)" : "");
		return -1;
	}
	return 0;
}

/* see docker_int.h */
int docker_status_error(const struct http_resp *r, const char *method, const char *path, char *err, size_t errlen)
{
	const char *q = strchr(path, '?');
	int plen = (int)(q ? (size_t)(q - path) : strlen(path));
	char msg[ERR_LEN] = "";
	cJSON *j = NULL, *m;

	if (r->body.len > 0) {
		j = cJSON_ParseWithLength(r->body.data, r->body.len);
		m = j ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;
		if (cJSON_IsString(m) && m->valuestring)
			snprintf(msg, sizeof msg, "%s", m->valuestring);
		else
			snprintf(msg, sizeof msg, "%.200s", r->body.data);
		cJSON_Delete(j);
	}
	/* Messages end in newlines on some versions; a sentence reads better without. */
	for (size_t n = strlen(msg); n && (msg[n - 1] == '\n' || msg[n - 1] == ' '); n--)
		msg[n - 1] = '\0';
	err_set(err, errlen, "docker: %s %.*s: %d: %s", method, plen, path, r->status, msg[0] ? msg : r->reason);
	return r->status == 404 ? DOCKER_NOT_FOUND : -1;
}

/* see docker_int.h */
cJSON *docker_json_parse(const struct http_resp *r, const char *method, const char *path, char *err,
			 size_t errlen)
{
	cJSON *j = cJSON_ParseWithLength(r->body.data ? r->body.data : "", r->body.len);
	const char *q = strchr(path, '?');

	if (j == NULL)
		err_set(err, errlen, "docker: %s %.*s: the engine's answer is not JSON", method,
			(int)(q ? (size_t)(q - path) : strlen(path)), path);
	return j;
}

/* see docker_int.h */
void docker_url_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_append(b, e, 3);
		}
	}
}

/* see docker_int.h */
char *docker_json_strdup(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && v->valuestring ? xstrdup(v->valuestring) : NULL;
}

/* see docker.h */
int docker_host_socket(const char *host, char *path, size_t pathlen, char *err, size_t errlen)
{
	const char *p;

	if (host == NULL || *host == '\0')
		host = getenv("DOCKER_HOST");
	if (host == NULL || *host == '\0')
		host = DOCKER_DEFAULT_SOCKET;
	if (strncmp(host, "unix://", 7) == 0)
		p = host + 7;
	else if (host[0] == '/')
		p = host;
	else if (strncmp(host, "tcp://", 6) == 0 || strncmp(host, "https://", 8) == 0 ||
		 strncmp(host, "http://", 7) == 0)
		return err_set(err, errlen,
			       "docker: DOCKER_HOST=%.100s: TCP engines are not supported yet; use a unix socket "
			       "(unix:///var/run/docker.sock)", host);
	else
		return err_set(err, errlen, "docker: DOCKER_HOST=%.100s: unsupported address (want unix:///path)", host);
	if (*p != '/')
		return err_set(err, errlen, "docker: DOCKER_HOST=%.100s: the socket path must be absolute", host);
	if (strlen(p) > UNIX_SOCK_PATH_MAX || strlen(p) >= pathlen)
		return err_set(err, errlen, "docker: DOCKER_HOST=%.100s: socket path too long", host);
	memcpy(path, p, strlen(p) + 1);
	return 0;
}

/* "1.41" → 1041; -1 when malformed. */
static int api_num(const char *v)
{
	char *end;
	long maj, min;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	maj = strtol(v, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	min = strtol(end + 1, &end, 10);
	if (*end != '\0' || maj > 99 || min > 999)
		return -1;
	return (int)(maj * 1000 + min);
}

/* see docker.h */
int docker_ping(struct docker *d, char *api_version, char *err, size_t errlen)
{
	struct http_resp r;
	const char *v;
	int rc = -1;

	if (docker_call(d, "GET", "/_ping", 0, NULL, NULL, 0, 4096, &r, err, errlen) < 0)
		goto out;
	if (r.status != 200) {
		docker_status_error(&r, "GET", "/_ping", err, errlen);
		goto out;
	}
	v = http_resp_header(&r, "Api-Version");
	if (api_version) {
		api_version[0] = '\0';
		if (v && strlen(v) < 16)
			memcpy(api_version, v, strlen(v) + 1);
	}
	rc = 0;
out:
	http_resp_free(&r);
	return rc;
}

static void copy_str(char *dst, size_t cap, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsString(v) && v->valuestring)
		snprintf(dst, cap, "%s", v->valuestring);
}

/* GET /version (unversioned): the engine's own API range and whether it is Podman. */
static int docker_version_fetch(struct docker *d, char *err, size_t errlen)
{
	struct http_resp r;
	cJSON *j = NULL, *c;
	int rc = -1;

	if (docker_call(d, "GET", "/version", 0, NULL, NULL, 0, DOCKER_MAX_RESPONSE, &r, err, errlen) < 0)
		goto out;
	if (r.status != 200) {
		docker_status_error(&r, "GET", "/version", err, errlen);
		goto out;
	}
	if ((j = docker_json_parse(&r, "GET", "/version", err, errlen)) == NULL)
		goto out;
	copy_str(d->engine_version, sizeof d->engine_version, j, "Version");
	copy_str(d->engine_api, sizeof d->engine_api, j, "ApiVersion");
	copy_str(d->engine_min_api, sizeof d->engine_min_api, j, "MinAPIVersion");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(j, "Components"))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "Name");
		if (cJSON_IsString(n) && n->valuestring && strcmp(n->valuestring, "Podman Engine") == 0)
			d->podman = 1;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	http_resp_free(&r);
	return rc;
}

/* see docker.h */
/*
 * GET /version costs the engine tens of ms (it asks containerd and the runtimes), and the
 * gateway opens the engine for every tool call: the answer is kept per socket for as long as
 * /_ping reports the same Api-Version — an upgraded engine reports another and is asked again.
 */
static pthread_mutex_t version_lock = PTHREAD_MUTEX_INITIALIZER;
static struct docker version_seen;   /* socket_path and the /version fields; "" = nothing yet */
static char version_seen_ping[16];

static int version_cached(struct docker *d, const char *ping_api)
{
	int hit;

	pthread_mutex_lock(&version_lock);
	hit = ping_api[0] && strcmp(version_seen.socket_path, d->socket_path) == 0 &&
	      strcmp(version_seen_ping, ping_api) == 0;
	if (hit) {
		memcpy(d->engine_version, version_seen.engine_version, sizeof d->engine_version);
		memcpy(d->engine_api, version_seen.engine_api, sizeof d->engine_api);
		memcpy(d->engine_min_api, version_seen.engine_min_api, sizeof d->engine_min_api);
		d->podman = version_seen.podman;
	}
	pthread_mutex_unlock(&version_lock);
	return hit;
}

static void version_remember(const struct docker *d, const char *ping_api)
{
	pthread_mutex_lock(&version_lock);
	version_seen = *d;
	snprintf(version_seen_ping, sizeof version_seen_ping, "%s", ping_api);
	pthread_mutex_unlock(&version_lock);
}

int docker_open(struct docker *d, const char *host, char *err, size_t errlen)
{
	char ping_api[16];
	const char *server;
	int srv, lo, use;

	memset(d, 0, sizeof *d);
	d->timeout_ms = DOCKER_DEFAULT_TIMEOUT_MS;
	if (docker_host_socket(host, d->socket_path, sizeof d->socket_path, err, errlen) < 0)
		return -1;
	if (docker_ping(d, ping_api, err, errlen) < 0)
		return -1;
	if (!version_cached(d, ping_api)) {
		if (docker_version_fetch(d, err, errlen) < 0)
			return -1;
		version_remember(d, ping_api);
	}
	server = d->engine_api[0] ? d->engine_api : ping_api;
	srv = api_num(server);
	if (srv < 0)
		return err_set(err, errlen, "docker: the engine at %s reports no usable API version (\"%s\")",
			       d->socket_path, server);
	use = srv < api_num(DOCKER_API_MAX) ? srv : api_num(DOCKER_API_MAX);
	lo = api_num(d->engine_min_api);
	if (use < api_num(DOCKER_API_MIN))
		return err_set(err, errlen,
			       "docker: the engine %s speaks API %s, older than the %s chela needs; upgrade Docker "
			       "to 20.10 or later", d->engine_version, server, DOCKER_API_MIN);
	if (lo > use)
		return err_set(err, errlen, "docker: the engine %s requires API %s or newer, but chela speaks at most %s",
			       d->engine_version, d->engine_min_api, DOCKER_API_MAX);
	snprintf(d->api_version, sizeof d->api_version, "%d.%d", use / 1000, use % 1000);
	return 0;
}

static char **str_array_of(const cJSON *arr, size_t *n)
{
	const cJSON *e;
	char **out;
	size_t k = 0, count = (size_t)cJSON_GetArraySize(arr);

	*n = 0;
	if (!cJSON_IsArray(arr) || count == 0)
		return NULL;
	out = xcalloc(count, sizeof *out);
	cJSON_ArrayForEach(e, arr)
	{
		if (cJSON_IsString(e) && e->valuestring && k < count)
			out[k++] = xstrdup(e->valuestring);
	}
	*n = k;
	return out;
}

/* see docker.h */
int docker_info_get(struct docker *d, struct docker_info *out, char *err, size_t errlen)
{
	struct http_resp r;
	cJSON *j = NULL, *rt, *e;
	int rc = -1;
	size_t k = 0;

	memset(out, 0, sizeof *out);
	if (docker_call(d, "GET", "/info", 1, NULL, NULL, 0, DOCKER_MAX_RESPONSE, &r, err, errlen) < 0)
		goto out;
	if (r.status != 200) {
		docker_status_error(&r, "GET", "/info", err, errlen);
		goto out;
	}
	if ((j = docker_json_parse(&r, "GET", "/info", err, errlen)) == NULL)
		goto out;
	out->server_version = docker_json_strdup(j, "ServerVersion");
	out->os = docker_json_strdup(j, "OperatingSystem");
	out->kernel = docker_json_strdup(j, "KernelVersion");
	out->default_runtime = docker_json_strdup(j, "DefaultRuntime");
	out->cgroup_version = docker_json_strdup(j, "CgroupVersion");
	rt = cJSON_GetObjectItemCaseSensitive(j, "Runtimes");
	if (cJSON_IsObject(rt) && cJSON_GetArraySize(rt) > 0) {
		out->runtimes = xcalloc((size_t)cJSON_GetArraySize(rt), sizeof *out->runtimes);
		cJSON_ArrayForEach(e, rt)
		{
			if (e->string)
				out->runtimes[k++] = xstrdup(e->string);
		}
		out->nruntimes = k;
	}
	out->security_options = str_array_of(cJSON_GetObjectItemCaseSensitive(j, "SecurityOptions"),
					     &out->nsecurity_options);
	rc = 0;
out:
	cJSON_Delete(j);
	http_resp_free(&r);
	if (rc < 0)
		docker_info_free(out);
	return rc;
}

int docker_info_has_runtime(const struct docker_info *info, const char *name)
{
	for (size_t k = 0; k < info->nruntimes; k++)
		if (strcmp(info->runtimes[k], name) == 0)
			return 1;
	return 0;
}

void docker_info_free(struct docker_info *info)
{
	size_t k;

	if (info == NULL)
		return;
	free(info->server_version);
	free(info->os);
	free(info->kernel);
	free(info->default_runtime);
	free(info->cgroup_version);
	for (k = 0; k < info->nruntimes; k++)
		free(info->runtimes[k]);
	free(info->runtimes);
	for (k = 0; k < info->nsecurity_options; k++)
		free(info->security_options[k]);
	free(info->security_options);
	memset(info, 0, sizeof *info);
}

/* see docker.h */
int docker_image_inspect(struct docker *d, const char *name, struct docker_image *out, char *err, size_t errlen)
{
	struct http_resp r;
	struct buf path;
	cJSON *j = NULL, *sz;
	int rc = -1;

	if (out)
		memset(out, 0, sizeof *out);
	buf_init(&path, 4096);
	buf_puts(&path, "/images/");
	docker_url_escape(&path, name);
	buf_puts(&path, "/json");
	if (docker_call(d, "GET", path.data, 1, NULL, NULL, 0, DOCKER_MAX_RESPONSE, &r, err, errlen) < 0)
		goto out;
	if (r.status == 404) {
		err_set(err, errlen, "docker: image \"%s\" not found", name);
		rc = DOCKER_NOT_FOUND;
		goto out;
	}
	if (r.status != 200) {
		rc = docker_status_error(&r, "GET", path.data, err, errlen);
		goto out;
	}
	if ((j = docker_json_parse(&r, "GET", path.data, err, errlen)) == NULL)
		goto out;
	if (out) {
		out->id = docker_json_strdup(j, "Id");
		out->os = docker_json_strdup(j, "Os");
		out->arch = docker_json_strdup(j, "Architecture");
		sz = cJSON_GetObjectItemCaseSensitive(j, "Size");
		out->size = cJSON_IsNumber(sz) ? (int64_t)sz->valuedouble : 0;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	http_resp_free(&r);
	buf_free(&path);
	return rc;
}

void docker_image_free(struct docker_image *img)
{
	if (img == NULL)
		return;
	free(img->id);
	free(img->os);
	free(img->arch);
	memset(img, 0, sizeof *img);
}
