/*
 * tools/tool_host.c — the host backend: commands run as a child in a new session (setsid), so
 * a timeout can kill the whole process tree with kill(-pgid, SIGKILL); output is captured
 * head+tail through pipes. File operations live in tool_host_fs.c.
 */
#include "tools/tool_host.h"
#include "tools/tool_internal.h"

#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOST_POLL_MS 50 /* how often we look at the child while it runs */

/* In the child: close every descriptor above stderr (the gateway's sockets must not leak). */
static void close_from_3(void)
{
	int fd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, ~0u, 0) == 0)
		return;
#endif
	for (fd = 3; fd < 4096; fd++)
		close(fd);
}

static void child_run(const struct tool_exec_req *req, int cwdfd, int in, int out, int errfd)
{
	sigset_t none;

	setsid(); /* own session and process group: kill(-pid) reaches every descendant */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		_exit(126);
	if (fchdir(cwdfd) < 0) {
		dprintf(2, "exec: cannot enter the working directory: %s\n", strerror(errno));
		_exit(126);
	}
	close_from_3();
	execvp(req->argv[0], req->argv);
	dprintf(2, "exec: %s: %s\n", req->argv[0], strerror(errno));
	_exit(127);
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Read what is ready on *fd into c; close it at EOF. */
static void pump_out(int *fd, struct tool_capture *c)
{
	char chunk[16384];
	ssize_t r;

	for (;;) {
		r = read(*fd, chunk, sizeof chunk);
		if (r > 0) {
			tool_capture_add(c, chunk, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		close_fd(fd);
		return;
	}
}

static int host_exec(struct tool_backend *be, const struct tool_exec_req *req, struct tool_exec_res *res, char *err,
		     size_t errlen)
{
	struct host_priv *h = be->priv;
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1}, cwdfd = -1, status = 0;
	struct tool_capture cout, cerr;
	int64_t start = clock_mono_ms(), deadline, drain_until = 0, now;
	size_t in_done = 0;
	int reaped = 0;
	pid_t pid;

	memset(res, 0, sizeof *res);
	res->exit_code = -1;
	cwdfd = host_open_beneath(h->rootfd, req->cwd ? req->cwd : ".", O_PATH | O_DIRECTORY, 0);
	if (cwdfd < 0) {
		if (errno == EXDEV || errno == ELOOP)
			return err_set(err, errlen, "workdir '%s' leaves the workspace", req->cwd);
		return err_set(err, errlen, "workdir '%s': %s", req->cwd ? req->cwd : ".", strerror(errno));
	}
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		err_set(err, errlen, "exec: pipe: %s", strerror(errno));
		goto fail;
	}
	/* Writing stdin to a child that exited must be an error, not a fatal signal. */
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid < 0) {
		err_set(err, errlen, "exec: fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child_run(req, cwdfd, pin[0], pout[1], perr[1]);
	close_fd(&pin[0]);
	close_fd(&pout[1]);
	close_fd(&perr[1]);
	close_fd(&cwdfd);
	if (!req->stdin_data || req->stdin_len == 0)
		close_fd(&pin[1]);
	else
		set_nonblock(pin[1]);
	set_nonblock(pout[0]);
	set_nonblock(perr[0]);
	tool_capture_init(&cout, req->head_cap, req->tail_cap);
	tool_capture_init(&cerr, req->head_cap, req->tail_cap);
	deadline = start + (req->timeout_ms > 0 ? req->timeout_ms : TOOLS_EXEC_DEFAULT_TIMEOUT_S * 1000);

	while (pout[0] >= 0 || perr[0] >= 0 || !reaped) {
		struct pollfd pf[3];
		int n = 0, wait_ms;

		now = clock_mono_ms();
		if (!reaped && be->abort && *be->abort) {
			res->aborted = 1;
			deadline = now; /* end it exactly as a timeout does */
		}
		if (!reaped && now >= deadline) {
			kill(-pid, SIGKILL); /* the whole process group, not just the shell */
			res->timed_out = !res->aborted;
			waitpid(pid, &status, 0);
			reaped = 1;
			drain_until = clock_mono_ms() + TOOLS_EXEC_DRAIN_MS;
		}
		if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
			reaped = 1;
			drain_until = now + TOOLS_EXEC_DRAIN_MS;
		}
		if (reaped && now >= drain_until) {
			/* Stragglers still holding our pipes after the shell exited: end them too. */
			if (pout[0] >= 0 || perr[0] >= 0)
				kill(-pid, SIGKILL);
			break;
		}
		if (pout[0] >= 0)
			pf[n++] = (struct pollfd){.fd = pout[0], .events = POLLIN};
		if (perr[0] >= 0)
			pf[n++] = (struct pollfd){.fd = perr[0], .events = POLLIN};
		if (pin[1] >= 0)
			pf[n++] = (struct pollfd){.fd = pin[1], .events = POLLOUT};
		wait_ms = HOST_POLL_MS;
		if (n == 0 && !reaped) {
			/* Nothing to read: block in waitpid-ish steps until the deadline. */
			usleep(HOST_POLL_MS * 1000);
			continue;
		}
		if (poll(pf, (nfds_t)n, wait_ms) < 0 && errno != EINTR)
			break;
		if (pout[0] >= 0)
			pump_out(&pout[0], &cout);
		if (perr[0] >= 0)
			pump_out(&perr[0], &cerr);
		if (pin[1] >= 0) {
			ssize_t w = write(pin[1], (const char *)req->stdin_data + in_done, req->stdin_len - in_done);

			if (w > 0)
				in_done += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_done >= req->stdin_len)
				close_fd(&pin[1]);
		}
	}
	if (!reaped) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close_fd(&pin[1]);
	close_fd(&pout[0]);
	close_fd(&perr[0]);
	tool_capture_finish(&cout, &res->out);
	tool_capture_finish(&cerr, &res->err);
	if (WIFEXITED(status)) {
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->signal = WTERMSIG(status);
		res->exit_code = 128 + res->signal;
	}
	res->duration_ms = clock_mono_ms() - start;
	return 0;
fail:
	close_fd(&pin[0]);
	close_fd(&pin[1]);
	close_fd(&pout[0]);
	close_fd(&pout[1]);
	close_fd(&perr[0]);
	close_fd(&perr[1]);
	close_fd(&cwdfd);
	return -1;
}

static void host_close(struct tool_backend *be)
{
	struct host_priv *h;

	if (!be)
		return;
	h = be->priv;
	if (h) {
		if (h->rootfd >= 0)
			close(h->rootfd);
		free(h->root);
		free(h->procdir);
		free(h);
	}
	free(be);
}

/* see tools.h */
struct tool_backend *tool_host_open(const char *root, const char *procdir, char *err, size_t errlen)
{
	struct tool_backend *be;
	struct host_priv *h;
	char *real;

	real = realpath(root, NULL);
	if (!real) {
		err_set(err, errlen, "workspace '%s': %s", root, strerror(errno));
		return NULL;
	}
	h = xcalloc(1, sizeof *h);
	h->root = real;
	h->procdir = xstrdup(procdir ? procdir : "/tmp/chela-procs");
	h->rootfd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfd < 0) {
		err_set(err, errlen, "workspace '%s': %s", real, strerror(errno));
		free(h->root);
		free(h->procdir);
		free(h);
		return NULL;
	}
	be = xcalloc(1, sizeof *be);
	be->kind = "host";
	be->root = h->root;
	be->procdir = h->procdir;
	be->exec = host_exec;
	be->read = host_read;
	be->write = host_write;
	be->remove = host_remove;
	be->close = host_close;
	be->priv = h;
	return be;
}

void tool_backend_close(struct tool_backend *be)
{
	if (be && be->close)
		be->close(be);
}
