/* docker/docker_exec.c — run a command in a container: exec create, start with the hijacked
 * stream, demultiplex, stdin with half-close, deadline with process-group kill, exec inspect.
 * See docker.h for the contract and the launcher's design; the stream pump here also drives the
 * commands docker_shell.c runs through a pooled shell. */
#include "docker/docker_exec_int.h"
#include "util/clock.h"
#include "util/mem.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXEC_INSPECT_WAIT_MS 2000   /* the engine may report Running briefly after the stream ends */
#define EXEC_KILL_TIMEOUT_MS 5000

/*
 * The launcher. The outer sh starts the command in the background — a background child is
 * never a process-group leader, so setsid(1) does not fork and the inner sh becomes the leader
 * of a new group whose id is its pid. It prints that id as the first stderr line, then execs
 * the command (same pid). The outer sh waits, so the exec's exit code is the command's.
 * A background job's stdin is /dev/null in a non-interactive sh, so with stdin attached the
 * original is passed through fd 3. The workdir is the exec's own (WorkingDir), hence ".".
 */
static const char exec_launcher_stdin[] =
	"exec 3<&0; setsid sh -c '" EXEC_INNER "' sh . \"$@\" <&3 3<&- & exec 3<&-; wait $!";
static const char exec_launcher[] = "setsid sh -c '" EXEC_INNER "' sh . \"$@\" & wait $!";

void exec_out_init(struct exec_out *x, size_t cap, int want_pgid)
{
	memset(x, 0, sizeof *x);
	docker_cap_init(&x->out, cap);
	docker_cap_init(&x->err, cap);
	x->want_marker = want_pgid;
	buf_init(&x->syserr, 4096);
}

void exec_out_stdout(struct exec_out *x, const char *data, size_t len)
{
	docker_cap_add(&x->out, data, len);
}

/* The first stderr line is ours when it is the marker; anything else is the command's. */
void exec_out_stderr(struct exec_out *x, const char *data, size_t len)
{
	while (x->want_marker && len > 0) {
		char c = *data;
		x->marker[x->marker_len++] = c;
		data++;
		len--;
		if (c == '\n' || x->marker_len == sizeof x->marker - 1) {
			char *end = NULL;
			x->marker[x->marker_len] = '\0';
			x->want_marker = 0;
			if (strncmp(x->marker, EXEC_PGID_MARKER, strlen(EXEC_PGID_MARKER)) == 0) {
				long v = strtol(x->marker + strlen(EXEC_PGID_MARKER), &end, 10);
				if (end && *end == '\n' && v > 1)
					x->pgid = v;
			}
			if (x->pgid == 0)
				docker_cap_add(&x->err, x->marker, x->marker_len);
		}
	}
	if (len)
		docker_cap_add(&x->err, data, len);
}

void exec_out_finish(struct exec_out *x, struct docker_exec_result *res)
{
	docker_cap_finish(&x->out, &res->out);
	docker_cap_finish(&x->err, &res->err);
	docker_cap_free(&x->out);
	docker_cap_free(&x->err);
	buf_free(&x->syserr);
}

static int exec_frame(void *ctx, int stream, const char *data, size_t len)
{
	struct exec_out *x = ctx;

	if (stream == 1)
		exec_out_stdout(x, data, len);
	else if (stream == 2)
		exec_out_stderr(x, data, len);
	else if (stream == 3)
		buf_append(&x->syserr, data, len);
	return 0;
}

/* see docker_exec_int.h */
int exec_create(struct docker *d, const char *container, const struct exec_create_req *q, char exec_id[65],
		char *err, size_t errlen)
{
	cJSON *req = cJSON_CreateObject(), *cmd, *j = NULL;
	const cJSON *v;
	struct buf path;
	struct http_resp r;
	char *body = NULL;
	int rc = -1;
	size_t k;

	memset(&r, 0, sizeof r);
	buf_init(&path, 1024);
	cJSON_AddBoolToObject(req, "AttachStdin", q->attach_stdin);
	cJSON_AddBoolToObject(req, "AttachStdout", 1);
	cJSON_AddBoolToObject(req, "AttachStderr", 1);
	cJSON_AddBoolToObject(req, "Tty", 0);
	cmd = cJSON_AddArrayToObject(req, "Cmd");
	for (k = 0; q->argv[k]; k++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(q->argv[k]));
	if (q->env) {
		cJSON *env = cJSON_AddArrayToObject(req, "Env");
		for (k = 0; q->env[k]; k++)
			cJSON_AddItemToArray(env, cJSON_CreateString(q->env[k]));
	}
	if (q->workdir && *q->workdir)
		cJSON_AddStringToObject(req, "WorkingDir", q->workdir);
	if (q->user && *q->user)
		cJSON_AddStringToObject(req, "User", q->user);
	body = cJSON_PrintUnformatted(req);
	buf_puts(&path, "/containers/");
	docker_url_escape(&path, container);
	buf_puts(&path, "/exec");
	if (docker_call(d, "POST", path.data, 1, "application/json", body, strlen(body), DOCKER_MAX_ERROR_BODY, &r,
			err, errlen) < 0)
		goto out;
	if (r.status != 201) {
		rc = docker_status_error(&r, "POST", path.data, err, errlen);
		goto out;
	}
	if ((j = docker_json_parse(&r, "POST", path.data, err, errlen)) == NULL)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(j, "Id");
	if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring || strlen(v->valuestring) > 64) {
		err_set(err, errlen, "docker: POST %s: the answer has no exec Id", path.data);
		goto out;
	}
	memcpy(exec_id, v->valuestring, strlen(v->valuestring) + 1);
	rc = 0;
out:
	cJSON_Delete(req);
	cJSON_Delete(j);
	free(body);
	http_resp_free(&r);
	buf_free(&path);
	return rc;
}

/* see docker_exec_int.h */
int exec_start(struct docker *d, const char *exec_id, struct unix_sock *s, struct buf *extra, char *err,
	       size_t errlen)
{
	static const char *const upgrade[] = { "Connection: Upgrade", "Upgrade: tcp", NULL };
	static const char start_body[] = "{\"Detach\":false,\"Tty\":false}";
	struct http_resp r;
	char path[100];
	int64_t deadline = clock_mono_ms() + (d->timeout_ms > 0 ? d->timeout_ms : DOCKER_DEFAULT_TIMEOUT_MS);
	int rc = -1;

	snprintf(path, sizeof path, "/exec/%s/start", exec_id);
	http_resp_init(&r, NULL, DOCKER_MAX_ERROR_BODY);
	if (docker_send(d, s, "POST", path, 1, upgrade, "application/json", start_body, strlen(start_body), deadline,
			err, errlen) < 0)
		goto out;
	if (docker_recv(s, &r, 1, extra, deadline, err, errlen) < 0) {
		err_prefix(err, errlen, "docker: POST %s", path);
		goto out;
	}
	if (r.status != 101 && r.status != 200) {
		size_t used;
		/* an error answer: its body may have started in `extra` */
		if (http_resp_feed(&r, extra->data ? extra->data : "", extra->len, &used) != HTTP_RESP_DONE)
			docker_recv(s, &r, 0, NULL, deadline, NULL, 0);
		docker_status_error(&r, "POST", path, err, errlen);
		goto out;
	}
	rc = 0;
out:
	http_resp_free(&r);
	if (rc < 0)
		unix_sock_close(s);
	return rc;
}

/* GET /exec/{id}/json, waiting briefly for Running to turn false. */
static int exec_inspect(struct docker *d, const char *exec_id, int *running, int *exit_code, char *err,
			size_t errlen)
{
	char path[100];
	int64_t until = clock_mono_ms() + EXEC_INSPECT_WAIT_MS;
	int rc = -1;

	snprintf(path, sizeof path, "/exec/%s/json", exec_id);
	for (;;) {
		struct http_resp r;
		cJSON *j;
		const cJSON *v;
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (docker_call(d, "GET", path, 1, NULL, NULL, 0, DOCKER_MAX_RESPONSE, &r, err, errlen) < 0) {
			http_resp_free(&r);
			return -1;
		}
		if (r.status != 200) {
			rc = docker_status_error(&r, "GET", path, err, errlen);
			http_resp_free(&r);
			return rc;
		}
		j = docker_json_parse(&r, "GET", path, err, errlen);
		http_resp_free(&r);
		if (j == NULL)
			return -1;
		*running = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "Running"));
		v = cJSON_GetObjectItemCaseSensitive(j, "ExitCode");
		*exit_code = cJSON_IsNumber(v) ? v->valueint : -1;
		cJSON_Delete(j);
		if (!*running || clock_mono_ms() >= until)
			return 0;
		nanosleep(&ts, NULL);
	}
}

/* The deadline passed: kill the command's process group from a second exec, as the same user
 * (with every capability dropped, only the owner may signal it). */
static int exec_kill_group(struct docker *d, const char *container, const char *user, long pgid, char *err,
			   size_t errlen)
{
	char target[32];
	const char *argv[] = { "sh", "-c", "kill -KILL \"$1\"", "sh", target, NULL };
	struct docker_exec_opts k = { .cmd = argv, .user = user, .timeout_ms = EXEC_KILL_TIMEOUT_MS,
				      .output_cap = 4096, .no_group = 1 };
	struct docker_exec_result res;
	int rc;

	snprintf(target, sizeof target, "-%ld", pgid);
	rc = docker_exec_run(d, container, &k, &res, err, errlen);
	if (rc == 0 && res.exit_code != 0)
		rc = err_set(err, errlen, "kill -KILL -%ld exited %d: %.200s", pgid, res.exit_code, res.err.data);
	docker_exec_result_free(&res);
	return rc;
}

enum { PHASE_RUN, PHASE_GROUP_KILLED, PHASE_CONTAINER_KILLED };

/* see docker_exec_int.h */
int exec_pump(const struct exec_pump *p, struct docker_exec_result *res, char *err, size_t errlen)
{
	const volatile int *abort = p->abort;
	char kerr[ERR_LEN];
	char *rbuf = xmalloc(DOCKER_READ_CHUNK);
	int64_t deadline = p->timeout_ms > 0 ? p->t0 + p->timeout_ms : 0;
	size_t in_pos = 0;
	int rc = EXEC_PUMP_ERROR, phase = PHASE_RUN, in_open = p->in != NULL;

	if (in_open && p->inlen == 0) {
		if (p->close_stdin)
			unix_sock_shutdown_write(p->s, NULL, 0);
		in_open = 0;
	}
	for (;;) {
		struct pollfd pf = { .fd = p->s->fd, .events = POLLIN | (in_open ? POLLOUT : 0) };
		int wait = unix_sock_poll_timeout(deadline), n, expired = 0;

		if (p->complete && p->complete(p->frame_ctx)) {
			rc = EXEC_PUMP_COMPLETE;
			break;
		}
		/* An abort ends the command the way the deadline does; until then wake up to look. The
		 * group id arrives first thing: give it a moment, so an early abort kills the group
		 * rather than the whole container. */
		if (phase == PHASE_RUN && abort && *abort &&
		    (p->x->pgid > 0 || clock_mono_ms() - p->t0 > DOCKER_EXEC_KILL_GRACE_MS)) {
			res->aborted = 1;
			expired = 1;
		} else if (phase == PHASE_RUN && abort && (wait < 0 || wait > DOCKER_EXEC_ABORT_POLL_MS)) {
			wait = DOCKER_EXEC_ABORT_POLL_MS;
		}
		n = expired ? 0 : poll(&pf, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, errlen, "docker: exec: poll: %s", strerror(errno));
			break;
		}
		if (n == 0) { /* a deadline passed, or the abort flag was raised */
			if (!expired && (deadline == 0 || clock_mono_ms() < deadline))
				continue; /* only the abort poll's tick */
			if (phase == PHASE_RUN) {
				res->timed_out = !res->aborted;
				if (p->x->pgid > 0 &&
				    exec_kill_group(p->d, p->container, p->user, p->x->pgid, kerr, sizeof kerr) == 0) {
					phase = PHASE_GROUP_KILLED;
					if (res->aborted)
						snprintf(res->note, sizeof res->note, "aborted; process group %ld killed",
							 p->x->pgid);
					else
						snprintf(res->note, sizeof res->note,
							 "timed out after %d s; process group %ld killed",
							 (p->timeout_ms + 999) / 1000, p->x->pgid);
					deadline = clock_mono_ms() + DOCKER_EXEC_KILL_GRACE_MS;
					continue;
				}
			}
			if (phase != PHASE_CONTAINER_KILLED) {
				/* the last resort: the group could not be killed or something escaped it */
				phase = PHASE_CONTAINER_KILLED;
				res->killed_container = 1;
				res->timed_out = !res->aborted;
				snprintf(res->note, sizeof res->note, "timed out after %d s; container killed",
					 (p->timeout_ms + 999) / 1000);
				if (docker_container_kill(p->d, p->container, "KILL", kerr, sizeof kerr) < 0) {
					err_set(err, errlen, "docker: exec timed out and the container could not be "
						"killed: %s", kerr);
					break;
				}
				deadline = clock_mono_ms() + DOCKER_EXEC_KILL_GRACE_MS;
				continue;
			}
			err_set(err, errlen, "docker: exec: the stream did not end after the container was killed");
			break;
		}
		if (in_open && (pf.revents & POLLOUT)) {
			ssize_t w = unix_sock_write_some(p->s, p->in + in_pos, p->inlen - in_pos, NULL, 0);
			if (w < 0) {
				in_open = 0; /* the command stopped reading: not our error */
			} else {
				in_pos += (size_t)w;
				if (in_pos == p->inlen) {
					if (p->close_stdin)
						unix_sock_shutdown_write(p->s, NULL, 0);
					in_open = 0;
				}
			}
		}
		if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t got = unix_sock_read(p->s, rbuf, DOCKER_READ_CHUNK, clock_mono_ms() + 1000, err, errlen);
			if (got < 0) {
				err_prefix(err, errlen, "docker: exec stream lost (engine gone?)");
				break;
			}
			if (got == 0) {
				rc = EXEC_PUMP_EOF;
				break;
			}
			if (docker_demux_feed(p->dm, rbuf, (size_t)got, p->frame, p->frame_ctx, err, errlen) < 0)
				break;
		}
	}
	free(rbuf);
	return rc;
}

/* One exec for this command alone: create, start, pump to the end of the stream, inspect. */
static int exec_once(struct docker *d, const char *container, const struct docker_exec_opts *o, int64_t t0,
		     struct docker_exec_result *res, char *err, size_t errlen)
{
	const char **argv;
	struct exec_create_req q = { .env = o->env, .workdir = o->workdir, .user = o->user,
				     .attach_stdin = o->stdin_data != NULL };
	struct exec_out x;
	struct unix_sock s = { .fd = -1 };
	struct docker_demux dm;
	struct exec_pump p;
	struct buf extra;
	char exec_id[65];
	size_t n = 0, k = 0;
	int rc = -1, running = 0, end;

	while (o->cmd[n])
		n++;
	argv = xcalloc(n + 5, sizeof *argv);
	if (!o->no_group) {
		argv[k++] = "sh";
		argv[k++] = "-c";
		argv[k++] = o->stdin_data ? exec_launcher_stdin : exec_launcher;
		argv[k++] = "sh";
	}
	memcpy(argv + k, o->cmd, n * sizeof *argv);
	q.argv = argv;
	exec_out_init(&x, o->output_cap ? o->output_cap : DOCKER_EXEC_DEFAULT_CAP, !o->no_group);
	buf_init(&extra, DOCKER_READ_CHUNK);
	docker_demux_init(&dm);
	if ((rc = exec_create(d, container, &q, exec_id, err, errlen)) < 0) /* keeps DOCKER_NOT_FOUND */
		goto out;
	rc = -1;
	if (exec_start(d, exec_id, &s, &extra, err, errlen) < 0)
		goto out;
	if (docker_demux_feed(&dm, extra.data, extra.len, exec_frame, &x, err, errlen) < 0)
		goto out;
	p = (struct exec_pump){ .d = d, .container = container, .user = o->user, .s = &s, .dm = &dm,
				.frame = exec_frame, .frame_ctx = &x, .x = &x, .in = o->stdin_data,
				.inlen = o->stdin_len, .close_stdin = 1, .timeout_ms = o->timeout_ms,
				.abort = o->abort, .t0 = t0 };
	end = exec_pump(&p, res, err, errlen);
	unix_sock_close(&s);
	if (end == EXEC_PUMP_ERROR)
		goto out;
	if (docker_demux_finish(&dm, err, errlen) < 0) {
		err_prefix(err, errlen, "docker: exec stream cut short (engine gone?)");
		goto out;
	}
	if (exec_inspect(d, exec_id, &running, &res->exit_code, err, errlen) < 0) {
		err_prefix(err, errlen, "docker: exec: the stream ended but the exit code could not be read (engine gone?)");
		goto out;
	}
	if (running && !res->timed_out) {
		res->exit_code = -1;
		err_set(err, errlen, "docker: exec stream ended while the command still runs (engine connection lost?)");
		goto out;
	}
	if (x.syserr.len) {
		err_set(err, errlen, "docker: exec: engine error: %.300s", x.syserr.data);
		goto out;
	}
	rc = 0;
out:
	unix_sock_close(&s);
	exec_out_finish(&x, res);
	buf_free(&extra);
	free(argv);
	return rc;
}

/* see docker.h */
int docker_exec_run(struct docker *d, const char *container, const struct docker_exec_opts *o,
		    struct docker_exec_result *res, char *err, size_t errlen)
{
	int64_t t0 = clock_mono_ms();
	int rc = -1;

	memset(res, 0, sizeof *res);
	res->exit_code = -1;
	if (o->cmd == NULL || o->cmd[0] == NULL)
		return err_set(err, errlen, "docker: exec: no command given");
	if (o->stdin_len > DOCKER_EXEC_MAX_STDIN)
		return err_set(err, errlen, "docker: exec: stdin of %zu bytes is over the %d byte cap", o->stdin_len,
			       DOCKER_EXEC_MAX_STDIN);
	if (!(o->reuse_shell && docker_shell_try(d, container, o, t0, res, &rc, err, errlen)))
		rc = exec_once(d, container, o, t0, res, err, errlen);
	res->duration_ms = clock_mono_ms() - t0;
	return rc;
}

void docker_exec_result_free(struct docker_exec_result *res)
{
	if (res == NULL)
		return;
	free(res->out.data);
	free(res->err.data);
	memset(res, 0, sizeof *res);
	res->exit_code = -1;
}
