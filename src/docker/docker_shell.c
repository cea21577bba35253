/*
 * docker/docker_shell.c — warm exec: commands through a long-lived shell per (engine, container,
 * user) instead of an engine exec each. Contract in docker.h ("Warm exec").
 *
 * Why: an exec costs the engine a runtime process spawn (create, start, inspect: tens of ms);
 * a line written to a shell that is already running costs a fork. The shell is a plain `sh`
 * exec'd with stdin attached, running this loop (SHELL_SERVER): read the token line, say what
 * the image offers, then read request lines and eval those that start with the token.
 *
 * A request is one line (newlines in arguments travel as "$N", a variable holding one):
 *     <token> K='v' setsid sh -c "$I" sh '<workdir>' 'arg0' ... </dev/null & wait $!;
 *     e $? $! <marker>
 * — the same launcher as a one-off exec, so the process group, its id on stderr and the kill
 * escalation are the same ($I holds EXEC_INNER, set once: the line is read a byte at a time,
 * which under gVisor costs a trapped syscall per byte). e, set once too, prints the end
 * markers: "<marker>:<status>" on stdout, with a '+' when the command's group still has members
 * (children it left running, which still hold the shell's output: that shell is then retired),
 * and "<marker>" on stderr.
 * With stdin, `head -c LEN | ( ...; cat >/dev/null; e ... )` feeds the command exactly the LEN
 * raw bytes that follow the line (the read builtin takes the line a byte at a time, so it never
 * eats them; the cat drains what the command left unread, so the next line starts where it
 * should). The markers carry a fresh random nonce: the command cannot print them by chance, and
 * docker_endmark.c finds them in any slicing of the stream.
 */
#include "docker/docker_endmark.h"
#include "docker/docker_exec_int.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/str.h"

#include <ctype.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHELL_OPEN_TIMEOUT_MS 10000
#define SHELL_READY           "chela-shell-ready "
#define SHELL_USER_MAX        128

static const char SHELL_SERVER[] =
	"IFS= read -r t || exit 0\n"
	"command -v setsid >/dev/null 2>&1 || { echo chela-shell-unusable: no setsid; exit 0; }\n"
	"h=0; [ \"$(printf ab | head -c 1 2>/dev/null)\" = a ] && h=1\n"
	"N='\n'\n"
	"I='" EXEC_INNER "'\n"
	/* e STATUS GROUP MARKER: the end markers; '+' when the command's group still has members */
	"e() { if kill -0 \"-$2\" 2>/dev/null; then printf '%s:%d+\\n' \"$3\" \"$1\"; "
	"else printf '%s:%d\\n' \"$3\" \"$1\"; fi; printf '%s\\n' \"$3\" >&2; }\n"
	"printf '" SHELL_READY "%s %s\\n' \"$t\" \"$h\"\n"
	"while IFS= read -r l; do case $l in \"$t \"*) eval \"${l#\"$t \"}\";; esac; done\n";

struct shell {
	struct unix_sock s;
	struct docker_demux dm;          /* the stream's framing runs on across commands */
	char socket_path[sizeof ((struct docker *)0)->socket_path];
	char container[65], user[SHELL_USER_MAX];
	char token[33];
	int has_head;                    /* `head -c` works: commands may take stdin */
	int64_t idle_since;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shell *pool[DOCKER_SHELL_POOL_MAX];
static size_t pool_n;

/* 32 lowercase hex of fresh randomness: a shell's token, a command's end-marker nonce. */
static void random_hex(char out[33])
{
	unsigned char r[16];
	int i;

	if (hash_random_bytes(r, sizeof r) < 0) {
		/* getrandom does not fail on a running kernel; never reuse a constant though */
		uint64_t t = (uint64_t)clock_mono_ms() ^ (uint64_t)(uintptr_t)out;
		for (i = 0; i < 16; i++)
			r[i] = (unsigned char)(t >> (8 * (i % 8))) ^ (unsigned char)(i * 131);
	}
	str_hex(r, sizeof r, out);
}

static void shell_close(struct shell *sh)
{
	if (sh) {
		unix_sock_close(&sh->s); /* the engine closes the shell's stdin: its read loop ends */
		free(sh);
	}
}

/* Still usable? Anything readable while it is idle is either the end of its stream or output of
 * a command's leftover child (whose group escaped the '+' check by leaving it): either way the
 * shell is not used again — closing it also takes that child's reader away. */
static int shell_alive(const struct shell *sh)
{
	struct pollfd p = { .fd = sh->s.fd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

static int shell_key_is(const struct shell *sh, const struct docker *d, const char *container, const char *user)
{
	return strcmp(sh->socket_path, d->socket_path) == 0 && strcmp(sh->container, container) == 0 &&
	       strcmp(sh->user, user) == 0;
}

/* An idle shell for this key, taken out of the pool; drops dead and expired ones on the way. */
static struct shell *pool_take(const struct docker *d, const char *container, const char *user)
{
	struct shell *found = NULL, *dead[DOCKER_SHELL_POOL_MAX];
	int64_t now = clock_mono_ms();
	size_t i = 0, ndead = 0;

	pthread_mutex_lock(&pool_lock);
	while (i < pool_n) {
		struct shell *sh = pool[i];
		int drop = now - sh->idle_since > DOCKER_SHELL_IDLE_MS;
		int take = !drop && !found && shell_key_is(sh, d, container, user);

		if ((take || drop) || !shell_alive(sh)) {
			pool[i] = pool[--pool_n];
			if (take && shell_alive(sh))
				found = sh;
			else
				dead[ndead++] = sh;
			continue;
		}
		i++;
	}
	pthread_mutex_unlock(&pool_lock);
	for (i = 0; i < ndead; i++)
		shell_close(dead[i]);
	return found;
}

/* Back into the pool; when it is full the longest idle one makes room. */
static void pool_put(struct shell *sh)
{
	struct shell *out = NULL;
	size_t i, oldest = 0;

	sh->idle_since = clock_mono_ms();
	pthread_mutex_lock(&pool_lock);
	if (pool_n == DOCKER_SHELL_POOL_MAX) {
		for (i = 1; i < pool_n; i++)
			if (pool[i]->idle_since < pool[oldest]->idle_since)
				oldest = i;
		out = pool[oldest];
		pool[oldest] = pool[--pool_n];
	}
	pool[pool_n++] = sh;
	pthread_mutex_unlock(&pool_lock);
	shell_close(out);
}

void docker_shell_pool_close(void)
{
	struct shell *all[DOCKER_SHELL_POOL_MAX];
	size_t i, n;

	pthread_mutex_lock(&pool_lock);
	n = pool_n;
	memcpy(all, pool, n * sizeof *all);
	pool_n = 0;
	pthread_mutex_unlock(&pool_lock);
	for (i = 0; i < n; i++)
		shell_close(all[i]);
}

size_t docker_shell_pool_idle(void)
{
	size_t n;

	pthread_mutex_lock(&pool_lock);
	n = pool_n;
	pthread_mutex_unlock(&pool_lock);
	return n;
}

/* ---- opening a shell ------------------------------------------------------------------- */

/* The greeting: stdout (and any engine error) until the ready line. */
static int hello_frame(void *ctx, int stream, const char *data, size_t len)
{
	if (stream == 1 || stream == 3)
		buf_append(ctx, data, len);
	return 0;
}

/* Exec the shell, hand it its token, wait for the ready line. NULL when this container cannot
 * have one (err says why; the caller then runs the command as its own exec). */
static struct shell *shell_open(struct docker *d, const char *container, const char *user, char *err,
				size_t errlen)
{
	static const char *const argv[] = { "sh", "-c", SHELL_SERVER, "chela-shell", NULL };
	struct exec_create_req q = { .argv = argv, .user = user[0] ? user : NULL, .attach_stdin = 1 };
	struct shell *sh = xcalloc(1, sizeof *sh);
	struct buf hello;
	struct buf extra;
	char exec_id[65], line[40], want[80], *rbuf = NULL;
	int64_t deadline = clock_mono_ms() + SHELL_OPEN_TIMEOUT_MS;
	const char *nl;

	sh->s.fd = -1;
	snprintf(sh->socket_path, sizeof sh->socket_path, "%s", d->socket_path);
	snprintf(sh->container, sizeof sh->container, "%s", container);
	snprintf(sh->user, sizeof sh->user, "%s", user);
	random_hex(sh->token);
	docker_demux_init(&sh->dm);
	buf_init(&hello, 4096);
	buf_init(&extra, DOCKER_READ_CHUNK);
	if (exec_create(d, container, &q, exec_id, err, errlen) < 0 ||
	    exec_start(d, exec_id, &sh->s, &extra, err, errlen) < 0)
		goto fail;
	snprintf(line, sizeof line, "%s\n", sh->token);
	if (docker_demux_feed(&sh->dm, extra.data, extra.len, hello_frame, &hello, err, errlen) < 0 ||
	    unix_sock_write_all(&sh->s, line, strlen(line), deadline, err, errlen) < 0)
		goto fail;
	snprintf(want, sizeof want, SHELL_READY "%s ", sh->token);
	rbuf = xmalloc(4096);
	while ((nl = memchr(hello.data ? hello.data : "", '\n', hello.len)) == NULL) {
		ssize_t n = unix_sock_read(&sh->s, rbuf, 4096, deadline, err, errlen);

		if (n <= 0) {
			if (n == 0)
				err_set(err, errlen, "the shell ended before it was ready");
			goto fail;
		}
		if (docker_demux_feed(&sh->dm, rbuf, (size_t)n, hello_frame, &hello, err, errlen) < 0)
			goto fail;
		if (hello.overflow) { /* the greeting is one short line */
			err_set(err, errlen, "the shell did not greet: %.200s", hello.data);
			goto fail;
		}
	}
	if (hello.len < strlen(want) + 2 || memcmp(hello.data, want, strlen(want)) != 0) {
		err_set(err, errlen, "the shell said %.*s", (int)(nl - hello.data), hello.data);
		goto fail;
	}
	sh->has_head = hello.data[strlen(want)] == '1';
	free(rbuf);
	buf_free(&hello);
	buf_free(&extra);
	return sh;
fail:
	free(rbuf);
	buf_free(&hello);
	buf_free(&extra);
	shell_close(sh);
	return NULL;
}

/* ---- one command ----------------------------------------------------------------------- */

/* Single-quoted for sh; a newline becomes '"$N"' (the server's newline) to keep one line. */
static void sh_quote(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else if (*s == '\n')
			buf_puts(b, "'\"$N\"'");
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* NAME=value with NAME a shell identifier: it can be a prefix assignment. */
static int env_entry_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');
	const char *p;

	if (eq == NULL || eq == kv || !(isalpha((unsigned char)kv[0]) || kv[0] == '_'))
		return 0;
	for (p = kv; p < eq; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return 0;
	return 1;
}

/* The request line (without the token); 0, or -1 when this command must be its own exec. */
static int request_line(const struct docker_exec_opts *o, const char *nonce, struct buf *b)
{
	size_t k;

	if (o->stdin_data)
		buf_printf(b, "head -c %zu | ( exec 3<&0; ", o->stdin_len);
	for (k = 0; o->env && o->env[k]; k++) { /* prefix assignments: for the command alone */
		const char *eq = strchr(o->env[k], '=');

		if (!env_entry_ok(o->env[k]))
			return -1;
		buf_append(b, o->env[k], (size_t)(eq - o->env[k]) + 1);
		sh_quote(b, eq + 1);
		buf_putc(b, ' ');
	}
	buf_puts(b, "setsid sh -c \"$I\" sh ");
	sh_quote(b, o->workdir && *o->workdir ? o->workdir : ".");
	for (k = 0; o->cmd[k]; k++) {
		buf_putc(b, ' ');
		sh_quote(b, o->cmd[k]);
	}
	/* the launched sh leads the command's group: its pid ($!) is the group id */
	if (o->stdin_data)
		buf_printf(b, " <&3 3<&- & exec 3<&-; wait $!; s=$?; cat >/dev/null; e $s $! " ENDMARK_PREFIX "%s )",
			   nonce);
	else
		buf_printf(b, " </dev/null & wait $!; e $? $! " ENDMARK_PREFIX "%s", nonce);
	return b->len >= DOCKER_SHELL_MAX_LINE || b->overflow ? -1 : 0;
}

struct shell_cmd {
	struct exec_out x;
	struct endmark out_end, err_end;
};

static void emit_out(void *ctx, const char *data, size_t len)
{
	exec_out_stdout(&((struct shell_cmd *)ctx)->x, data, len);
}

static void emit_err(void *ctx, const char *data, size_t len)
{
	exec_out_stderr(&((struct shell_cmd *)ctx)->x, data, len);
}

static int cmd_frame(void *ctx, int stream, const char *data, size_t len)
{
	struct shell_cmd *c = ctx;

	if (stream == 1)
		endmark_feed(&c->out_end, data, len, emit_out, c);
	else if (stream == 2)
		endmark_feed(&c->err_end, data, len, emit_err, c);
	else if (stream == 3)
		buf_append(&c->x.syserr, data, len);
	return 0;
}

static int cmd_complete(void *ctx)
{
	struct shell_cmd *c = ctx;

	return c->out_end.done && c->err_end.done;
}

/* see docker_exec_int.h */
int docker_shell_try(struct docker *d, const char *container, const struct docker_exec_opts *o, int64_t t0,
		     struct docker_exec_result *res, int *rc, char *err, size_t errlen)
{
	const char *user = o->user ? o->user : "";
	struct shell *sh;
	struct shell_cmd c;
	struct exec_pump p;
	struct buf line, req;
	char nonce[33];
	int end, reusable = 0;

	if (o->no_group || strlen(user) >= SHELL_USER_MAX)
		return 0;
	random_hex(nonce);
	buf_init(&line, DOCKER_SHELL_MAX_LINE);
	if (request_line(o, nonce, &line) < 0) {
		buf_free(&line);
		return 0;
	}
	sh = pool_take(d, container, user);
	if (sh == NULL && (sh = shell_open(d, container, user, err, errlen)) == NULL) {
		buf_free(&line);
		return 0; /* as its own exec, which says what is wrong if it fails too */
	}
	if (o->stdin_data && !sh->has_head) {
		pool_put(sh);
		buf_free(&line);
		return 0;
	}
	/* A newline first ends any partial line a previous command's stdin left (it never should). */
	buf_init(&req, DOCKER_SHELL_MAX_LINE + 128 + DOCKER_EXEC_MAX_STDIN);
	buf_printf(&req, "\n%s %.*s\n", sh->token, (int)line.len, line.data);
	if (o->stdin_data)
		buf_append(&req, o->stdin_data, o->stdin_len);
	buf_free(&line);

	memset(&c, 0, sizeof c);
	exec_out_init(&c.x, o->output_cap ? o->output_cap : DOCKER_EXEC_DEFAULT_CAP, 1);
	endmark_init(&c.out_end, nonce, 1);
	endmark_init(&c.err_end, nonce, 0);
	/* stdin stays open: the shell reads the next request from it */
	p = (struct exec_pump){ .d = d, .container = container, .user = o->user, .s = &sh->s, .dm = &sh->dm,
				.frame = cmd_frame, .frame_ctx = &c, .x = &c.x, .complete = cmd_complete,
				.in = req.data, .inlen = req.len, .timeout_ms = o->timeout_ms, .abort = o->abort,
				.t0 = t0 };
	end = exec_pump(&p, res, err, errlen);
	*rc = -1;
	if (end == EXEC_PUMP_COMPLETE) {
		res->exit_code = c.out_end.status;
		*rc = 0;
		/* Processes the command left running still hold the shell's output: retire it, so
		 * what they write can never be taken for a later command's output. */
		reusable = !res->killed_container && !c.out_end.leftover;
	} else if (end == EXEC_PUMP_EOF) {
		endmark_flush(&c.out_end, emit_out, &c);
		endmark_flush(&c.err_end, emit_err, &c);
		if (res->killed_container)
			*rc = 0; /* the escalation's end, as with a one-off exec */
		else
			err_set(err, errlen, "docker: exec: the shell's stream ended mid-command "
				"(container stopped, or engine gone?)");
	} else {
		err_prefix(err, errlen, "docker: exec through the container's shell");
	}
	if (*rc == 0 && c.x.syserr.len) {
		*rc = err_set(err, errlen, "docker: exec: engine error: %.300s", c.x.syserr.data);
		reusable = 0;
	}
	exec_out_finish(&c.x, res);
	buf_free(&req);
	if (reusable)
		pool_put(sh);
	else
		shell_close(sh);
	return 1;
}
