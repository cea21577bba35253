/*
 * bench/exec_bench.c — the driver bench/docker_exec.sh times chela's Docker client with. One
 * process keeps its engine connection setup and calls the library in a loop, so what is timed
 * is what the gateway pays per tool call — not process start-up. Compiled by the script against
 * build/libchela.a; never part of chela itself.
 *
 *   exec_bench warm CONTAINER N [MODE]   N × docker_exec_run(echo hi); one line per run, in ms.
 *                                        MODE bare (default): one exec running echo as is;
 *                                        group: one exec with the setsid wrapper (so a timeout
 *                                        can kill the process tree); shell: the way the exec
 *                                        tool runs it — wrapper, through the pooled shell.
 *   exec_bench tool CONFIG STATE SESSION N
 *                                        N × the exec tool ({"command":"echo hi"}) through
 *                                        tools_invoke — policy, sandbox_ensure, the pooled shell:
 *                                        exactly what one agent tool call costs the gateway.
 *   exec_bench cold IMAGE N [RUNTIME]    N × (create + start + first exec) with the sandbox's
 *                                        hardened flags; prints "create_start_exec_ms remove_ms".
 *
 * Exit 0 when every run worked; 1 with the engine's error on stderr otherwise.
 */
#include "config/config.h"
#include "docker/docker.h"
#include "tools/tool_invoke.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One `echo hi`; checks the answer so a broken exec cannot pass for a fast one. */
enum mode { MODE_BARE, MODE_GROUP, MODE_SHELL };

static int echo_hi(struct docker *d, const char *container, enum mode mode, char *err, size_t errlen)
{
	static const char *const cmd[] = {"echo", "hi", NULL};
	struct docker_exec_opts o;
	struct docker_exec_result r;
	int rc;

	memset(&o, 0, sizeof o);
	o.cmd = cmd;
	o.timeout_ms = 30000;
	o.no_group = mode == MODE_BARE;
	o.reuse_shell = mode == MODE_SHELL;
	rc = docker_exec_run(d, container, &o, &r, err, errlen);
	if (rc == 0 && (r.exit_code != 0 || r.out.len != 3 || memcmp(r.out.data, "hi\n", 3) != 0)) {
		snprintf(err, errlen, "echo hi: exit %d, stdout %.*s", r.exit_code, (int)r.out.len, r.out.data);
		rc = -1;
	}
	docker_exec_result_free(&r);
	return rc;
}

static int warm(struct docker *d, const char *container, int n, enum mode mode)
{
	char err[ERR_LEN];
	int i;

	for (i = 0; i < n; i++) {
		double t0 = now_ms();

		if (echo_hi(d, container, mode, err, sizeof err) < 0) {
			fprintf(stderr, "exec_bench: %s\n", err);
			return 1;
		}
		printf("%.3f\n", now_ms() - t0);
	}
	return 0;
}

/* The sandbox's defaults (sandbox_manager.c): read-only root, tmpfs, no network, no
 * capabilities, no-new-privileges, a pids limit; `docker run` in the script gets the same. */
static int cold(struct docker *d, const char *image, int n, const char *runtime)
{
	static const char *const cmd[] = {"sleep", "3600", NULL};
	static const char *const drop[] = {"ALL", NULL};
	static const char *const secopt[] = {"no-new-privileges", NULL};
	static const struct docker_tmpfs tmpfs[] = {{"/tmp", "rw,nosuid,nodev,size=64m"}};
	struct docker_create_opts o;
	char id[65], name[64], err[ERR_LEN];
	int i;

	memset(&o, 0, sizeof o);
	o.image = image;
	o.cmd = cmd;
	o.network_mode = "none";
	o.readonly_rootfs = 1;
	o.cap_drop = drop;
	o.security_opt = secopt;
	o.pids_limit = 256;
	o.tmpfs = tmpfs;
	o.ntmpfs = 1;
	o.runtime = runtime;
	o.name = name;
	for (i = 0; i < n; i++) {
		double t0 = now_ms(), t1;

		snprintf(name, sizeof name, "chela-bench-cold-%d-%d", (int)getpid(), i);
		if (docker_container_create(d, &o, id, err, sizeof err) < 0 ||
		    docker_container_start(d, id, err, sizeof err) < 0 || echo_hi(d, id, MODE_GROUP, err, sizeof err) < 0) {
			fprintf(stderr, "exec_bench: %s\n", err);
			docker_container_remove(d, name, 1, 1, err, sizeof err);
			return 1;
		}
		t1 = now_ms();
		if (docker_container_remove(d, id, 1, 1, err, sizeof err) < 0) {
			fprintf(stderr, "exec_bench: %s\n", err);
			return 1;
		}
		printf("%.3f %.3f\n", t1 - t0, now_ms() - t1);
	}
	return 0;
}

static int tool(const char *config, const char *state, const char *session, int n)
{
	static const char args[] = "{\"command\":\"echo hi\"}";
	struct config *cfg = NULL;
	struct config_errors errs;
	struct tools_call c;
	int i, status;

	if (config_load(config, state, &cfg, &errs) < 0) {
		fprintf(stderr, "exec_bench: %s: %s\n", config, errs.n ? errs.items[0].message : "does not load");
		return 1;
	}
	memset(&c, 0, sizeof c);
	c.cfg = cfg;
	c.agent = config_agent_find(cfg, "main");
	c.session_key = session;
	c.tool = "exec";
	c.args = args;
	c.argslen = strlen(args);
	for (i = 0; i < n; i++) {
		double t0 = now_ms();
		char *res = tools_invoke(&c, &status);

		/* the answer must be the real one, or a broken call could pass for a fast one */
		if (status != TOOLS_OK || strstr(res, "\"stdout\":\"hi\\n\"") == NULL ||
		    strstr(res, "\"ran_in\":\"sandbox\"") == NULL) {
			fprintf(stderr, "exec_bench: exec tool: %s\n", res);
			free(res);
			return 1;
		}
		free(res);
		printf("%.3f\n", now_ms() - t0);
	}
	config_free(cfg);
	config_errors_free(&errs);
	return 0;
}

int main(int argc, char **argv)
{
	struct docker d;
	char err[ERR_LEN];
	int n, rc;

	if (argc < 4 || (strcmp(argv[1], "warm") != 0 && strcmp(argv[1], "cold") != 0 && strcmp(argv[1], "tool") != 0)) {
		fprintf(stderr, "usage: exec_bench warm CONTAINER N [bare|group|shell] | tool CONFIG STATE SESSION N"
			" | cold IMAGE N [RUNTIME]\n");
		return 2;
	}
	if (strcmp(argv[1], "tool") == 0) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		return argc == 6 ? tool(argv[2], argv[3], argv[4], atoi(argv[5])) : 2;
	}
	n = atoi(argv[3]);
	if (docker_open(&d, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "exec_bench: %s\n", err);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "warm") == 0)
		rc = warm(&d, argv[2], n,
			  argc < 5 || strcmp(argv[4], "bare") == 0 ? MODE_BARE
			  : strcmp(argv[4], "group") == 0	   ? MODE_GROUP
								   : MODE_SHELL);
	else
		rc = cold(&d, argv[2], n, argc > 4 ? argv[4] : NULL);
	return rc;
}
