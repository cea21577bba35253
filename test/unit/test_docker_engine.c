/* test_docker_engine.c — the Docker client against the REAL engine (no mocks).
 *
 * Needs a running engine and the test image (sh test/images/busybox/build.sh, run here when the
 * image is missing). Without an engine every test reports "not ok" with the reason. A
 * forked relay stands in for an engine that vanishes mid-exec: it forwards a unix socket to the
 * real one and is killed while a command streams. */
#include "harness.h"
#include "docker/docker.h"
#include "util/clock.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_IMAGE "chela-test-busybox:latest"

static struct docker D;
static int have_engine;
static char engine_err[ERR_LEN];
static char cid[65];        /* the hardened test container */
static char label_val[64];  /* unique per run */
static char hostdir[128];   /* bind-mounted at /workspace */
static char err[ERR_LEN];
static int via_shell;       /* the exec tests run twice: own exec per command, then the pooled shell */

static void setup(void)
{
	const char *top = getenv("CHELA_TOP");
	char cmd[600];

	snprintf(cmd, sizeof cmd, "sh %s/test/images/busybox/build.sh >/dev/null", top ? top : ".");
	if (system(cmd) != 0) {
		snprintf(engine_err, sizeof engine_err, "test image could not be built (%.400s)", cmd);
		return;
	}
	if (docker_open(&D, NULL, engine_err, sizeof engine_err) < 0)
		return;
	have_engine = 1;
	snprintf(label_val, sizeof label_val, "engine-test-%ld-%d", (long)getpid(), (int)(clock_wall_ms() % 100000));
	snprintf(hostdir, sizeof hostdir, "/tmp/chela-engine-test-%ld", (long)getpid());
	mkdir(hostdir, 0777);
	chmod(hostdir, 0777);
}

/* CHECK that a call returned want, printing the client's error sentence when it did not. */
#define CHECK_RC(call, want)                                                                     \
	do {                                                                                     \
		int rc_ = (call);                                                                \
		if (rc_ != (want))                                                               \
			fprintf(stderr, "%s: rc %d: %s\n", #call, rc_, err);                    \
		CHECK(rc_ == (want));                                                            \
	} while (0)

#define NEED_ENGINE()                                                                            \
	do {                                                                                     \
		if (!have_engine) {                                                              \
			snprintf(harness_why, sizeof harness_why, "no engine: %s", engine_err);  \
			harness_failed_now = 1;                                                  \
			return;                                                                  \
		}                                                                                \
	} while (0)

TEST(negotiates_version)
{
	struct docker_info info;

	NEED_ENGINE();
	CHECK(strcmp(D.api_version, DOCKER_API_MIN) >= 0 && strcmp(D.api_version, DOCKER_API_MAX) <= 0);
	CHECK(D.engine_version[0] != '\0');
	CHECK_RC(docker_ping(&D, NULL, err, sizeof err), 0);
	CHECK_RC(docker_info_get(&D, &info, err, sizeof err), 0);
	CHECK(docker_info_has_runtime(&info, "runc"));
	CHECK(info.server_version != NULL);
	docker_info_free(&info);
}

TEST(refuses_tcp_host)
{
	struct docker d2;

	CHECK_RC(docker_open(&d2, "tcp://127.0.0.1:2375", err, sizeof err), -1);
	CHECK_CONTAINS(err, "not supported yet");
	CHECK_RC(docker_open(&d2, "unix:///nonexistent/docker.sock", err, sizeof err), -1);
	CHECK_CONTAINS(err, "cannot reach the engine");
}

TEST(image_inspect)
{
	struct docker_image img;

	NEED_ENGINE();
	CHECK_RC(docker_image_inspect(&D, TEST_IMAGE, &img, err, sizeof err), 0);
	CHECK(img.id && strncmp(img.id, "sha256:", 7) == 0);
	docker_image_free(&img);
	CHECK_RC(docker_image_inspect(&D, "chela-no-such-image:nope", NULL, err, sizeof err), DOCKER_NOT_FOUND);
	CHECK_CONTAINS(err, "image \"chela-no-such-image:nope\" not found");
}

TEST(create_hardened)
{
	const char *cmd[] = { "sleep", "100000", NULL };
	const char *env[] = { "LANG=C.UTF-8", "CHELA_T=1", NULL };
	const char *drop[] = { "ALL", NULL };
	const char *sec[] = { "no-new-privileges", NULL };
	const char *hosts[] = { "chela-host:10.9.8.7", NULL };
	struct docker_kv labels[] = { { "chela.test", label_val }, { "chela.sandbox", "0" } };
	struct docker_bind binds[] = { { hostdir, "/workspace", 0 } };
	struct docker_tmpfs tmpfs[] = { { "/tmp", "rw,nosuid,size=16m" } };
	struct docker_ulimit ul[] = { { "nofile", 256, 512 } };
	char name[96];
	struct docker_create_opts o = {
		.name = name, .image = TEST_IMAGE, .cmd = cmd, .env = env, .workdir = "/workspace",
		.labels = labels, .nlabels = 2, .binds = binds, .nbinds = 1, .tmpfs = tmpfs, .ntmpfs = 1,
		.network_mode = "none", .readonly_rootfs = 1, .cap_drop = drop, .security_opt = sec,
		.pids_limit = 64, .memory = 64 * 1024 * 1024, .memory_swap = 64 * 1024 * 1024,
		.nano_cpus = 500000000, .ulimits = ul, .nulimits = 1, .init = 1, .extra_hosts = hosts,
	};
	struct docker_container c;
	char id2[65];

	NEED_ENGINE();
	snprintf(name, sizeof name, "chela-%s", label_val);
	CHECK_RC(docker_container_create(&D, &o, cid, err, sizeof err), 0);
	CHECK(strlen(cid) == 64);
	CHECK_RC(docker_container_start(&D, cid, err, sizeof err), 0);
	CHECK_RC(docker_container_start(&D, cid, err, sizeof err), 0); /* 304: already running */
	CHECK_RC(docker_container_inspect(&D, cid, &c, err, sizeof err), 0);
	CHECK(c.running && c.pid > 0);
	CHECK_STR(c.name, name);
	CHECK_STR(docker_container_label(&c, "chela.test"), label_val);
	CHECK(c.nmounts == 1 && strcmp(c.mounts[0].source, hostdir) == 0 && c.mounts[0].rw);
	CHECK_STR(c.mounts[0].destination, "/workspace");
	CHECK_STR(c.network_mode, "none");
	docker_container_free(&c);
	/* the same name again: the engine's 409 message is quoted with method, path and status */
	CHECK_RC(docker_container_create(&D, &o, id2, err, sizeof err), -1);
	CHECK_CONTAINS(err, "docker: POST /containers/create: 409: ");
	CHECK_CONTAINS(err, "already in use");
}

TEST(create_refuses_tmpfs_without_size)
{
	struct docker_tmpfs t[] = { { "/tmp", "rw,nosuid" } };
	struct docker_create_opts o = { .image = TEST_IMAGE, .tmpfs = t, .ntmpfs = 1 };
	char id[65];

	NEED_ENGINE();
	CHECK_RC(docker_container_create(&D, &o, id, err, sizeof err), -1);
	CHECK_CONTAINS(err, "needs a size=");
	o.tmpfs = NULL;
	o.ntmpfs = 0;
	o.image = "chela-no-such-image:nope";
	CHECK_RC(docker_container_create(&D, &o, id, err, sizeof err), DOCKER_NOT_FOUND);
	CHECK_CONTAINS(err, "not found");
}

static int run(const char *const *argv, const char *in, size_t inlen, int timeout_ms, size_t cap,
	       struct docker_exec_result *res)
{
	struct docker_exec_opts o = { .cmd = argv, .stdin_data = in, .stdin_len = inlen, .timeout_ms = timeout_ms,
				      .output_cap = cap, .reuse_shell = via_shell };
	return docker_exec_run(&D, cid, &o, res, err, sizeof err);
}

TEST(exec_streams_apart_and_exit_code)
{
	const char *argv[] = { "sh", "-c", "echo out; echo err >&2; echo out2; exit 3", NULL };
	struct docker_exec_result res;

	NEED_ENGINE();
	CHECK_RC(run(argv, NULL, 0, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "out\nout2\n");
	CHECK_STR(res.err.data, "err\n");
	CHECK(res.exit_code == 3 && !res.timed_out);
	docker_exec_result_free(&res);
}

TEST(exec_hardening_visible_inside)
{
	const char *argv[] = { "sh", "-c",
			       "id -u; touch /rootfile 2>/dev/null && echo rootrw || echo rootro; "
			       "ls /sys/class/net; grep CapEff /proc/self/status; echo $CHELA_T-$HOME", NULL };
	const char *env[] = { "HOME=/workspace", NULL };
	struct docker_exec_opts o = { .cmd = argv, .env = env, .timeout_ms = 10000, .reuse_shell = via_shell };
	struct docker_exec_result res;

	NEED_ENGINE();
	CHECK_RC(docker_exec_run(&D, cid, &o, &res, err, sizeof err), 0);
	CHECK_STR(res.out.data, "0\nrootro\nlo\nCapEff:\t0000000000000000\n1-/workspace\n");
	docker_exec_result_free(&res);
}

TEST(exec_stdin_half_close)
{
	const char *argv[] = { "cat", NULL };
	const char *argv2[] = { "wc", "-c", NULL };
	static char big[300000];
	struct docker_exec_result res;

	NEED_ENGINE();
	CHECK_RC(run(argv, "hello\nworld\n", 12, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "hello\nworld\n");
	CHECK(res.exit_code == 0);
	docker_exec_result_free(&res);
	memset(big, 'x', sizeof big);
	CHECK_RC(run(argv2, big, sizeof big, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "300000\n");
	docker_exec_result_free(&res);
	CHECK_RC(run(argv, "", 0, 10000, 0, &res), 0); /* empty stdin: EOF at once, no hang */
	CHECK_STR(res.out.data, "");
	docker_exec_result_free(&res);
}

TEST(exec_10mb_capped)
{
	const char *argv[] = { "sh", "-c", "yes 0123456789abcdef | head -c 10485760; echo tail-end >&2", NULL };
	struct docker_exec_result res;
	int64_t t0 = clock_mono_ms();

	NEED_ENGINE();
	CHECK_RC(run(argv, NULL, 0, 60000, 65536, &res), 0);
	CHECK(clock_mono_ms() - t0 < 20000);
	CHECK(res.out.total == 10485760);
	CHECK(res.out.dropped == 10485760 - 65536);
	CHECK(strncmp(res.out.data, "0123456789abcdef\n0123", 21) == 0);
	CHECK_CONTAINS(res.out.data, "[... 10420224 bytes dropped ...]");
	/* 10485760 = 616809 * 17 + 7: the stream ends with the first 7 bytes of a line */
	CHECK(res.out.len > 7 && memcmp(res.out.data + res.out.len - 8, "\n0123456", 8) == 0);
	CHECK_STR(res.err.data, "tail-end\n");
	docker_exec_result_free(&res);
}

TEST(exec_timeout_kills_group)
{
	const char *argv[] = { "sh", "-c", "sleep 1000 & sleep 1001; echo never", NULL };
	const char *ps[] = { "ps", "-o", "pid,args", NULL };
	struct docker_exec_result res;
	int64_t t0 = clock_mono_ms(), took;

	NEED_ENGINE();
	CHECK_RC(run(argv, NULL, 0, 2000, 0, &res), 0);
	took = clock_mono_ms() - t0;
	fprintf(stderr, "timeout exec returned after %lld ms: %s\n", (long long)took, res.note);
	CHECK(res.timed_out && !res.killed_container);
	CHECK(took >= 1900 && took < 4000);
	CHECK_CONTAINS(res.note, "timed out after 2 s");
	CHECK(strstr(res.out.data, "never") == NULL);
	docker_exec_result_free(&res);
	CHECK_RC(run(ps, NULL, 0, 10000, 0, &res), 0);
	if (strstr(res.out.data, "sleep 1000\n") || strstr(res.out.data, "sleep 1001\n"))
		fprintf(stderr, "left behind:\n%s", res.out.data);
	CHECK(strstr(res.out.data, "sleep 1000\n") == NULL && strstr(res.out.data, "sleep 1001\n") == NULL);
	CHECK_CONTAINS(res.out.data, "sleep 100000\n"); /* ps did list processes: the container's own */
	docker_exec_result_free(&res);
}

TEST(exec_missing_container)
{
	const char *argv[] = { "true", NULL };
	struct docker_exec_opts o = { .cmd = argv, .timeout_ms = 5000, .reuse_shell = via_shell };
	struct docker_exec_result res;

	NEED_ENGINE();
	CHECK_RC(docker_exec_run(&D, "chela-no-such-container", &o, &res, err, sizeof err), DOCKER_NOT_FOUND);
	CHECK_CONTAINS(err, "docker: POST /containers/chela-no-such-container/exec: 404: ");
	CHECK_CONTAINS(err, "chela-no-such-container");
	docker_exec_result_free(&res);
}

TEST(list_by_label)
{
	struct docker_container *list;
	size_t n;
	char want[128];
	const char *labels[] = { want, NULL };
	const char *none[] = { "chela.test=no-such-value", NULL };

	NEED_ENGINE();
	snprintf(want, sizeof want, "chela.test=%s", label_val);
	CHECK_RC(docker_container_list(&D, labels, &list, &n, err, sizeof err), 0);
	CHECK(n == 1);
	CHECK_STR(list[0].id, cid);
	CHECK(list[0].running);
	CHECK_STR(docker_container_label(&list[0], "chela.sandbox"), "0");
	docker_container_list_free(list, n);
	CHECK_RC(docker_container_list(&D, none, &list, &n, err, sizeof err), 0);
	CHECK(n == 0);
	docker_container_list_free(list, n);
}

TEST(archive_upload)
{
	struct docker_tar t;
	const char *argv[] = { "cat", "/workspace/up/dir/hello.txt", NULL };
	struct docker_exec_result res;
	struct buf got;
	char path[256];
	FILE *f;
	char line[64] = "";

	NEED_ENGINE();
	docker_tar_init(&t, 1 << 20);
	CHECK_RC(docker_tar_add_dir(&t, "up", 0755, 0, 0, err, sizeof err), 0);
	CHECK_RC(docker_tar_add_dir(&t, "up/dir", 0755, 0, 0, err, sizeof err), 0);
	CHECK_RC(docker_tar_add_file(&t, "up/dir/hello.txt", "hi there\n", 9, 0644, 0, 0, err, sizeof err), 0);
	CHECK_RC(docker_tar_add_file(&t, "../evil", "x", 1, 0644, 0, 0, err, sizeof err), -1);
	CHECK_RC(docker_tar_finish(&t, err, sizeof err), 0);
	CHECK_RC(docker_archive_put(&D, cid, "/workspace", t.out.data, t.out.len, err, sizeof err), 0);
	docker_tar_free(&t);
	CHECK_RC(run(argv, NULL, 0, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "hi there\n");
	docker_exec_result_free(&res);
	snprintf(path, sizeof path, "%s/up/dir/hello.txt", hostdir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	CHECK(fgets(line, sizeof line, f) != NULL);
	fclose(f);
	CHECK_STR(line, "hi there\n");
	/* the read-only root refuses an upload outside the bind, and the engine says so */
	docker_tar_init(&t, 1 << 20);
	docker_tar_add_file(&t, "x.txt", "x", 1, 0644, 0, 0, err, sizeof err);
	docker_tar_finish(&t, err, sizeof err);
	CHECK_RC(docker_archive_put(&D, cid, "/etc", t.out.data, t.out.len, err, sizeof err), -1);
	CHECK_CONTAINS(err, "PUT /containers/");
	docker_tar_free(&t);
	buf_init(&got, 1 << 20);
	CHECK_RC(docker_archive_get(&D, cid, "/workspace/up/dir/hello.txt", &got, err, sizeof err), 0);
	CHECK(got.len >= 1024 && memcmp(got.data + 512, "hi there\n", 9) == 0);
	buf_free(&got);
}

/* --- an engine that vanishes: a relay we kill mid-stream ------------------------------------ */
static void relay_pair(int a, int b)
{
	char buf[65536];
	struct pollfd p[2] = { { .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN } };

	for (;;) {
		if (poll(p, 2, -1) < 0)
			return;
		for (int k = 0; k < 2; k++) {
			if (p[k].revents & (POLLIN | POLLHUP | POLLERR)) {
				ssize_t n = read(p[k].fd, buf, sizeof buf);
				if (n <= 0) {
					shutdown(p[1 - k].fd, SHUT_WR);
					p[k].events = 0;
					p[k].fd = -1;
					continue;
				}
				if (write(p[1 - k].fd, buf, (size_t)n) != n)
					return;
			}
		}
		if (p[0].fd < 0 && p[1].fd < 0)
			return;
	}
}

/* Forks a relay process group listening on `path`; returns its pid. */
static pid_t relay_start(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	unlink(path);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 16) < 0)
		return -1;
	pid = fork();
	if (pid != 0) {
		close(ls);
		return pid;
	}
	setpgid(0, 0);
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		struct sockaddr_un up = { .sun_family = AF_UNIX };
		int c = accept(ls, NULL, NULL), u;
		if (c < 0)
			continue;
		if (fork() == 0) {
			close(ls);
			snprintf(up.sun_path, sizeof up.sun_path, "%s", D.socket_path);
			u = socket(AF_UNIX, SOCK_STREAM, 0);
			if (connect(u, (struct sockaddr *)&up, sizeof up) == 0)
				relay_pair(c, u);
			_exit(0);
		}
		close(c);
	}
}

TEST(engine_vanishes_mid_exec)
{
	char path[108], host[128];
	const char *argv[] = { "sh", "-c", "echo started; sleep 30; echo done", NULL };
	struct docker d2;
	struct docker_exec_opts o = { .cmd = argv, .timeout_ms = 20000, .reuse_shell = via_shell };
	struct docker_exec_result res;
	pid_t relay, killer;
	int64_t t0;
	int rc;

	NEED_ENGINE();
	snprintf(path, sizeof path, "/tmp/chela-relay-%ld.sock", (long)getpid());
	snprintf(host, sizeof host, "unix://%s", path);
	relay = relay_start(path);
	CHECK(relay > 0);
	CHECK_RC(docker_open(&d2, host, err, sizeof err), 0);
	killer = fork();
	if (killer == 0) { /* the engine "restarts" one second into the command */
		usleep(1000 * 1000);
		kill(-relay, SIGKILL);
		_exit(0);
	}
	t0 = clock_mono_ms();
	rc = docker_exec_run(&d2, cid, &o, &res, err, sizeof err);
	waitpid(killer, NULL, 0);
	waitpid(relay, NULL, 0);
	unlink(path);
	fprintf(stderr, "vanished engine: rc %d after %lld ms: %s\n", rc, (long long)(clock_mono_ms() - t0), err);
	CHECK(rc == -1);
	CHECK(clock_mono_ms() - t0 < 8000);
	CHECK_STR(res.out.data, "started\n");
	CHECK_CONTAINS(err, "docker: ");
	docker_exec_result_free(&res);
}

/* --- the pooled shell's own promises (docker.h, "Warm exec") -------------------------------- */

/* The launcher's parent is the shell: the same pid twice means the same shell ran both. */
static long shell_pid(void)
{
	const char *argv[] = { "sh", "-c", "echo $PPID", NULL };
	struct docker_exec_result res;
	long pid = -1;

	if (run(argv, NULL, 0, 10000, 0, &res) == 0 && res.exit_code == 0)
		pid = strtol(res.out.data, NULL, 10);
	docker_exec_result_free(&res);
	return pid;
}

TEST(shell_is_reused_and_pooled)
{
	long a, b;

	NEED_ENGINE();
	docker_shell_pool_close();
	a = shell_pid();
	CHECK(a > 1);
	CHECK(docker_shell_pool_idle() == 1);
	b = shell_pid();
	CHECK(a == b);
	docker_shell_pool_close();
	CHECK(docker_shell_pool_idle() == 0);
	CHECK(shell_pid() != a); /* a closed shell is not used again */
}

TEST(shell_quotes_args_env_workdir)
{
	const char *argv[] = { "sh", "-c", "printf '[%s]' \"$@\"; printf '<%s>' \"$QV\"; pwd", "sh",
			       "it's", "two\nlines", "$HOME `id` \\", "", NULL };
	const char *env[] = { "QV=a'b\nc $x", NULL };
	const char *bad_env[] = { "NOT-A-NAME=1", NULL };
	const char *pwd[] = { "pwd", NULL };
	struct docker_exec_opts o = { .cmd = argv, .env = env, .workdir = "/tmp", .timeout_ms = 10000,
				      .reuse_shell = 1 };
	struct docker_exec_result res;

	NEED_ENGINE();
	CHECK_RC(docker_exec_run(&D, cid, &o, &res, err, sizeof err), 0);
	CHECK_STR(res.out.data, "[it's][two\nlines][$HOME `id` \\][]<a'b\nc $x>/tmp\n");
	docker_exec_result_free(&res);
	/* a workdir that is not there: the command does not run */
	o.cmd = pwd;
	o.workdir = "/no/such/dir";
	CHECK_RC(docker_exec_run(&D, cid, &o, &res, err, sizeof err), 0);
	CHECK(res.exit_code == 126 && res.out.len == 0);
	docker_exec_result_free(&res);
	/* a name sh cannot assign goes through an exec of its own, with the same result */
	o.workdir = NULL;
	o.env = bad_env;
	CHECK_RC(docker_exec_run(&D, cid, &o, &res, err, sizeof err), 0);
	CHECK(res.exit_code == 0 && res.out.len > 1);
	docker_exec_result_free(&res);
}

TEST(shell_stdin_left_unread_does_not_leak)
{
	const char *head5[] = { "sh", "-c", "head -c 5; echo; echo ok", NULL };
	const char *od[] = { "sh", "-c", "od -An -c | tr -s ' '", NULL };
	static char big[200000];
	struct docker_exec_result res;
	long before;

	NEED_ENGINE();
	before = shell_pid();
	memset(big, '\n', sizeof big); /* 200000 lines of stdin the command never reads */
	memcpy(big, "12345", 5);
	CHECK_RC(run(head5, big, sizeof big, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "12345\nok\n");
	docker_exec_result_free(&res);
	/* NUL bytes and a missing final newline arrive as they are */
	CHECK_RC(run(od, "a\0b", 3, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, " a \\0 b\n");
	docker_exec_result_free(&res);
	CHECK(shell_pid() == before); /* still in step: the same shell answered all three */
}

TEST(shell_drops_late_background_output)
{
	const char *late[] = { "sh", "-c", "(sleep 0.3; echo late; echo late-err >&2) & echo now", NULL };
	const char *next[] = { "echo", "next", NULL };
	struct docker_exec_result res;

	NEED_ENGINE();
	CHECK_RC(run(late, NULL, 0, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "now\n");
	docker_exec_result_free(&res);
	usleep(600 * 1000);
	CHECK_RC(run(next, NULL, 0, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "next\n");
	CHECK_STR(res.err.data, "");
	docker_exec_result_free(&res);
}

TEST(shell_retired_when_processes_are_left)
{
	const char *flood[] = { "sh", "-c", "yes flood-line >&2 & echo started", NULL };
	const char *next[] = { "echo", "next", NULL };
	const char *ps[] = { "ps", "-o", "args", NULL };
	struct docker_exec_result res;
	long before = shell_pid();
	int i;

	NEED_ENGINE();
	CHECK_RC(run(flood, NULL, 0, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "started\n");
	docker_exec_result_free(&res);
	usleep(300 * 1000);
	/* the shell the flood holds is retired; a new one answers, and nothing of the flood comes along */
	CHECK_RC(run(next, NULL, 0, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "next\n");
	CHECK(strstr(res.err.data, "flood-line") == NULL);
	docker_exec_result_free(&res);
	CHECK(shell_pid() != before);
	for (i = 0; i < 50; i++) { /* its writer loses its reader and ends */
		CHECK_RC(run(ps, NULL, 0, 10000, 0, &res), 0);
		if (strstr(res.out.data, "yes flood-line") == NULL)
			break;
		docker_exec_result_free(&res);
		usleep(100 * 1000);
	}
	if (i == 50)
		fprintf(stderr, "still running:\n%s", res.out.data);
	CHECK(i < 50);
	docker_exec_result_free(&res);
}

static void *concurrent_one(void *arg)
{
	const char *argv[] = { "sh", "-c", "sleep 0.5; echo $PPID", NULL };
	struct docker_exec_opts o = { .cmd = argv, .timeout_ms = 10000, .reuse_shell = 1 };
	struct docker_exec_result res;
	char e[ERR_LEN];
	long *pid = arg;

	*pid = -1;
	if (docker_exec_run(&D, cid, &o, &res, e, sizeof e) == 0 && res.exit_code == 0)
		*pid = strtol(res.out.data, NULL, 10);
	docker_exec_result_free(&res);
	return NULL;
}

TEST(shell_concurrent_commands_get_own_shells)
{
	pthread_t t[3];
	long pid[3];
	int i;

	NEED_ENGINE();
	docker_shell_pool_close();
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, concurrent_one, &pid[i]);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK(pid[0] > 1 && pid[1] > 1 && pid[2] > 1);
	CHECK(pid[0] != pid[1] && pid[1] != pid[2] && pid[0] != pid[2]);
	CHECK(docker_shell_pool_idle() == 3);
}

TEST(shell_survives_container_restart)
{
	const char *argv[] = { "echo", "after", NULL };
	struct docker_exec_result res;

	NEED_ENGINE();
	CHECK(shell_pid() > 1);
	CHECK_RC(docker_container_kill(&D, cid, NULL, err, sizeof err), 0);
	CHECK_RC(docker_container_start(&D, cid, err, sizeof err), 0);
	/* the pooled shells died with the container: dropped, a new one answers */
	CHECK_RC(run(argv, NULL, 0, 10000, 0, &res), 0);
	CHECK_STR(res.out.data, "after\n");
	docker_exec_result_free(&res);
	CHECK(docker_shell_pool_idle() == 1);
}

TEST(remove_container)
{
	struct docker_container c;

	NEED_ENGINE();
	CHECK_RC(docker_container_stop(&D, cid, 0, err, sizeof err), 0);
	CHECK_RC(docker_container_inspect(&D, cid, &c, err, sizeof err), 0);
	CHECK(!c.running);
	docker_container_free(&c);
	CHECK_RC(docker_container_kill(&D, cid, NULL, err, sizeof err), -1); /* not running: 409 quoted */
	CHECK_CONTAINS(err, "409");
	CHECK_RC(docker_container_remove(&D, cid, 1, 1, err, sizeof err), 0);
	CHECK_RC(docker_container_inspect(&D, cid, &c, err, sizeof err), DOCKER_NOT_FOUND);
	CHECK_CONTAINS(err, "404");
	CHECK_RC(docker_container_remove(&D, cid, 1, 1, err, sizeof err), DOCKER_NOT_FOUND);
}

int main(void)
{
	char cmd[256];

	setup();
	RUN(negotiates_version);
	RUN(refuses_tcp_host);
	RUN(image_inspect);
	RUN(create_hardened);
	RUN(create_refuses_tmpfs_without_size);
	RUN(exec_streams_apart_and_exit_code);
	RUN(exec_hardening_visible_inside);
	RUN(exec_stdin_half_close);
	RUN(exec_10mb_capped);
	RUN(exec_timeout_kills_group);
	RUN(exec_missing_container);
	RUN(engine_vanishes_mid_exec);
	via_shell = 1;
	RUN_AS(exec_streams_apart_and_exit_code, "shell: exec_streams_apart_and_exit_code");
	RUN_AS(exec_hardening_visible_inside, "shell: exec_hardening_visible_inside");
	RUN_AS(exec_stdin_half_close, "shell: exec_stdin_half_close");
	RUN_AS(exec_10mb_capped, "shell: exec_10mb_capped");
	RUN_AS(exec_timeout_kills_group, "shell: exec_timeout_kills_group");
	RUN_AS(exec_missing_container, "shell: exec_missing_container");
	RUN_AS(engine_vanishes_mid_exec, "shell: engine_vanishes_mid_exec");
	RUN(shell_is_reused_and_pooled);
	RUN(shell_quotes_args_env_workdir);
	RUN(shell_stdin_left_unread_does_not_leak);
	RUN(shell_drops_late_background_output);
	RUN(shell_retired_when_processes_are_left);
	RUN(shell_concurrent_commands_get_own_shells);
	RUN(shell_survives_container_restart);
	via_shell = 0;
	RUN(list_by_label);
	RUN(archive_upload);
	RUN(remove_container);
	if (cid[0] && have_engine) /* a failed test must not leave the container behind */
		docker_container_remove(&D, cid, 1, 1, NULL, 0);
	if (hostdir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", hostdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", hostdir);
	}
	return harness_done();
}
