/*
 * tools/tool_sandbox.c — the sandbox backend: the same primitive operations as the host
 * backend, run inside the session's container through the Docker client's exec (stdin, timeout
 * with process-group kill, head+tail capture) — through the client's pooled shell, so a warm
 * call costs a fork in the container rather than an engine exec.
 *
 * File operations are small sh scripts (POSIX sh plus readlink -f, which busybox and coreutils
 * both have): they resolve the path inside the container and refuse it unless it stays under
 * the workdir, so a symlink out of the workspace is refused exactly as on the host (and even a
 * path that got through would only reach the container's own files). Writes go to a temp file
 * beside the target and are renamed over it, as on the host. Exit codes carry the outcome so
 * the messages can be the host's, word for word.
 */
#include "tools/tool_sandbox.h"
#include "tools/tool_internal.h"

#include "docker/docker.h"
#include "util/err.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SB_SCRIPT_TIMEOUT_MS 30000

/* Exit codes of the scripts below. */
enum { SB_OK = 0, SB_FAIL = 1, SB_ENOENT = 2, SB_ESCAPE = 4, SB_ISDIR = 5, SB_NOTREG = 6, SB_TOOBIG = 7,
       SB_NOTDIR = 8, SB_NOROOT = 9 };

static const char resolve_root[] = "W=$(readlink -f -- \"$1\") || exit 9\n";

static const char read_script[] =
	"p=\"$W/$2\"\n"
	"[ -e \"$p\" ] || [ -L \"$p\" ] || exit 2\n"
	"r=$(readlink -f -- \"$p\") || exit 4\n"
	"case \"$r/\" in \"$W\"/*) ;; *) exit 4;; esac\n"
	"[ -e \"$r\" ] || exit 2\n"
	"[ -d \"$r\" ] && exit 5\n"
	"[ -f \"$r\" ] || exit 6\n"
	"s=$(wc -c < \"$r\") || exit 1\n"
	"[ \"$s\" -gt \"$3\" ] && { echo \"$s\"; exit 7; }\n"
	"exec cat -- \"$r\"\n";

static const char write_script[] =
	"p=\"$W/$2\"; d=\"${p%/*}\"; b=\"${p##*/}\"\n"
	"a=\"$d\"; while [ ! -e \"$a\" ] && [ ! -L \"$a\" ]; do a=\"${a%/*}\"; done\n"
	"ra=$(readlink -f -- \"$a\") || exit 4\n"
	"case \"$ra/\" in \"$W\"/*) ;; *) exit 4;; esac\n"
	"[ -d \"$ra\" ] || exit 8\n"
	"mkdir -p -- \"$d\" || exit 1\n"
	"rd=$(readlink -f -- \"$d\") || exit 4\n"
	"case \"$rd/\" in \"$W\"/*) ;; *) exit 4;; esac\n"
	"q=\"$rd/$b\"\n"
	"[ -d \"$q\" ] && [ ! -L \"$q\" ] && exit 5\n"
	"t=\"$rd/.$b.chela-$$\"\n"
	"cat > \"$t\" || { rm -f -- \"$t\"; exit 1; }\n"
	"if [ -f \"$q\" ] && [ ! -L \"$q\" ]; then m=$(stat -c %a -- \"$q\") && chmod \"$m\" \"$t\"; fi\n"
	"[ -L \"$q\" ] && rm -f -- \"$q\"\n"
	"mv -f -- \"$t\" \"$q\" || { rm -f -- \"$t\"; exit 1; }\n";

static const char remove_script[] =
	"p=\"$W/$2\"; d=\"${p%/*}\"; b=\"${p##*/}\"\n"
	"[ -e \"$d\" ] || exit 2\n"
	"rd=$(readlink -f -- \"$d\") || exit 4\n"
	"case \"$rd/\" in \"$W\"/*) ;; *) exit 4;; esac\n"
	"q=\"$rd/$b\"\n"
	"[ -e \"$q\" ] || [ -L \"$q\" ] || exit 2\n"
	"[ -d \"$q\" ] && [ ! -L \"$q\" ] && exit 5\n"
	"rm -f -- \"$q\" || exit 1\n";

static const char cwd_script[] =
	"p=\"$W/$2\"\n"
	"[ -e \"$p\" ] || exit 2\n"
	"r=$(readlink -f -- \"$p\") || exit 4\n"
	"case \"$r/\" in \"$W\"/*) ;; *) exit 4;; esac\n"
	"[ -d \"$r\" ] || exit 8\n";

struct sb_priv {
	const volatile int *abort; /* copied from the backend before each exec */
	struct docker *docker;
	char *container, *root, *user, *procdir;
	char **env;
};

static void sb_result_clean(const struct docker_capture *c, struct tool_output *o)
{
	struct buf b;

	buf_init(&b, 3 * c->len + 1);
	tool_utf8_clean(&b, c->data ? c->data : "", c->data ? c->len : 0);
	o->len = b.len;
	o->data = b.data ? buf_take(&b) : xstrdup("");
	o->dropped = (size_t)c->dropped;
	o->total = (size_t)c->total;
	buf_free(&b);
}

/* Run argv in the container; raw docker result (caller frees). */
static int sb_run(struct sb_priv *s, char *const *argv, const char *workdir, const void *in, size_t inlen,
		  int timeout_ms, size_t cap, struct docker_exec_result *res, char *err, size_t errlen)
{
	struct docker_exec_opts o;

	memset(&o, 0, sizeof o);
	memset(res, 0, sizeof *res);
	o.cmd = (const char *const *)argv;
	o.env = (const char *const *)s->env;
	o.workdir = workdir;
	o.user = s->user && s->user[0] ? s->user : NULL;
	o.stdin_data = in;
	o.stdin_len = inlen;
	o.timeout_ms = timeout_ms;
	o.output_cap = cap;
	o.abort = s->abort;
	o.reuse_shell = 1; /* the warm path: a pooled shell in the container, not an exec per call */
	return docker_exec_run(s->docker, s->container, &o, res, err, errlen);
}

/* Run one of the file scripts with (root, rel, extra); returns its exit code or -1. */
static int sb_script(struct sb_priv *s, const char *body, const char *rel, const char *extra, const void *in,
		     size_t inlen, size_t cap, struct docker_exec_result *res, char *err, size_t errlen)
{
	size_t n = strlen(resolve_root) + strlen(body) + 1;
	char *script = xmalloc(n);
	char *argv[7] = {"sh", "-c", script, "chela-fs", s->root, (char *)rel, (char *)extra};
	char *const av[8] = {argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], NULL};
	int rc;

	snprintf(script, n, "%s%s", resolve_root, body);
	rc = sb_run(s, av, s->root, in, inlen, SB_SCRIPT_TIMEOUT_MS, cap, res, err, errlen);
	free(script);
	if (rc < 0)
		return -1;
	if (res->timed_out)
		return err_set(err, errlen, "'%s': the sandbox did not answer within %d s", rel, SB_SCRIPT_TIMEOUT_MS / 1000);
	if (res->exit_code == SB_NOROOT)
		return err_set(err, errlen, "the sandbox workdir %s does not exist in the container", s->root);
	return res->exit_code;
}

/* The host backend's sentences for the same outcomes (tool_host_fs.c). */
static int sb_error(int code, const char *what, const char *rel, struct docker_exec_result *res, char *err,
		    size_t errlen)
{
	switch (code) {
	case SB_ENOENT:
		err_set(err, errlen, "'%s': no such file", rel);
		return TOOL_ENOENT;
	case SB_ESCAPE:
		return err_set(err, errlen, "%s '%s': refused: the path leaves the workspace (through a symlink or ..)", what,
			       rel);
	case SB_ISDIR:
		return err_set(err, errlen, "'%s' is a directory, not a file", rel);
	case SB_NOTREG:
		return err_set(err, errlen, "'%s' is not a regular file", rel);
	case SB_NOTDIR:
		return err_set(err, errlen, "%s '%s': a parent is not a directory", what, rel);
	default:
		return err_set(err, errlen, "%s '%s': failed in the sandbox (exit %d): %.200s", what, rel, code,
			       res->err.data ? res->err.data : "");
	}
}

static int sb_read(struct tool_backend *be, const char *rel, size_t max, char **data, size_t *len, char *err,
		   size_t errlen)
{
	struct sb_priv *s = be->priv;
	struct docker_exec_result res;
	char maxs[32];
	int code, rc = -1;

	*data = NULL;
	*len = 0;
	snprintf(maxs, sizeof maxs, "%zu", max);
	/* Ask for twice the file limit: the capture keeps half as head, so the whole file fits. */
	code = sb_script(s, read_script, rel, maxs, NULL, 0, 2 * max + 64, &res, err, errlen);
	if (code < 0)
		goto done;
	if (code == SB_TOOBIG) {
		rc = err_set(err, errlen, "'%s' is %lld bytes, over the %zu-byte limit", rel,
			     strtoll(res.out.data ? res.out.data : "0", NULL, 10), max);
		goto done;
	}
	if (code != SB_OK) {
		rc = sb_error(code, "open", rel, &res, err, errlen);
		goto done;
	}
	*len = res.out.len;
	*data = xmalloc(res.out.len + 1);
	if (res.out.len)
		memcpy(*data, res.out.data, res.out.len);
	(*data)[res.out.len] = '\0';
	rc = 0;
done:
	docker_exec_result_free(&res);
	return rc;
}

static int sb_write(struct tool_backend *be, const char *rel, const void *data, size_t len, char *err, size_t errlen)
{
	struct sb_priv *s = be->priv;
	struct docker_exec_result res;
	int code, rc = 0;

	/* Empty content still needs stdin attached (and closed), or cat would read nothing at all. */
	code = sb_script(s, write_script, rel, NULL, len ? data : "", len, 0, &res, err, errlen);
	if (code < 0)
		rc = -1;
	else if (code != SB_OK)
		rc = sb_error(code, "write", rel, &res, err, errlen);
	docker_exec_result_free(&res);
	return rc < 0 ? -1 : 0;
}

static int sb_remove(struct tool_backend *be, const char *rel, char *err, size_t errlen)
{
	struct sb_priv *s = be->priv;
	struct docker_exec_result res;
	int code, rc = 0;

	code = sb_script(s, remove_script, rel, NULL, NULL, 0, 0, &res, err, errlen);
	if (code < 0)
		rc = -1;
	else if (code != SB_OK)
		rc = sb_error(code, "remove", rel, &res, err, errlen);
	docker_exec_result_free(&res);
	return rc;
}

static int sb_exec(struct tool_backend *be, const struct tool_exec_req *req, struct tool_exec_res *out, char *err,
		   size_t errlen)
{
	struct sb_priv *s = be->priv;
	struct docker_exec_result res;
	char *wd = NULL;
	size_t cap = 2 * (req->head_cap > req->tail_cap ? req->head_cap : req->tail_cap);
	int code;

	memset(out, 0, sizeof *out);
	out->exit_code = -1;
	s->abort = be->abort;
	if (req->cwd && strcmp(req->cwd, ".") != 0) {
		code = sb_script(s, cwd_script, req->cwd, NULL, NULL, 0, 0, &res, err, errlen);
		docker_exec_result_free(&res);
		if (code < 0)
			return -1;
		if (code == SB_ESCAPE)
			return err_set(err, errlen, "workdir '%s' leaves the workspace", req->cwd);
		if (code == SB_ENOENT)
			return err_set(err, errlen, "workdir '%s': %s", req->cwd, strerror(ENOENT));
		if (code != SB_OK)
			return err_set(err, errlen, "workdir '%s': %s", req->cwd, strerror(ENOTDIR));
		wd = xmalloc(strlen(s->root) + strlen(req->cwd) + 2);
		sprintf(wd, "%s/%s", s->root, req->cwd);
	}
	if (sb_run(s, req->argv, wd ? wd : s->root, req->stdin_data, req->stdin_len, req->timeout_ms, cap, &res, err,
		   errlen) < 0) {
		free(wd);
		docker_exec_result_free(&res);
		return -1;
	}
	free(wd);
	out->exit_code = res.exit_code;
	out->timed_out = res.timed_out;
	out->aborted = res.aborted;
	out->duration_ms = res.duration_ms;
	sb_result_clean(&res.out, &out->out);
	sb_result_clean(&res.err, &out->err);
	docker_exec_result_free(&res);
	return 0;
}

static void sb_close(struct tool_backend *be)
{
	struct sb_priv *s;
	int i;

	if (!be)
		return;
	s = be->priv;
	if (s) {
		free(s->container);
		free(s->root);
		free(s->user);
		free(s->procdir);
		for (i = 0; s->env && s->env[i]; i++)
			free(s->env[i]);
		free(s->env);
		free(s);
	}
	free(be);
}

/* see tool_sandbox.h */
struct tool_backend *tool_sandbox_open(const struct tool_sandbox_opts *o, char *err, size_t errlen)
{
	struct tool_backend *be;
	struct sb_priv *s;
	int i, n = 0;

	if (!o->docker || !o->container || !o->container[0] || !o->workdir || o->workdir[0] != '/') {
		err_set(err, errlen, "sandbox backend: needs a Docker client, a container and an absolute workdir");
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->docker = o->docker;
	s->container = xstrdup(o->container);
	s->root = xstrdup(o->workdir);
	for (i = (int)strlen(s->root) - 1; i > 0 && s->root[i] == '/'; i--)
		s->root[i] = '\0';
	s->user = xstrdup(o->user ? o->user : "");
	s->procdir = xstrdup(o->procdir ? o->procdir : "/tmp/chela-procs");
	while (o->env && o->env[n])
		n++;
	s->env = xcalloc((size_t)n + 1, sizeof *s->env);
	for (i = 0; i < n; i++)
		s->env[i] = xstrdup(o->env[i]);
	be = xcalloc(1, sizeof *be);
	be->kind = "sandbox";
	be->root = s->root;
	be->procdir = s->procdir;
	be->exec = sb_exec;
	be->read = sb_read;
	be->write = sb_write;
	be->remove = sb_remove;
	be->close = sb_close;
	be->priv = s;
	return be;
}
