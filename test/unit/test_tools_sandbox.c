/*
 * test_tools_sandbox.c — the shared tool expectations (tool_suite.h) inside a real container,
 * through the sandbox backend and the real Docker engine: the same lines the host backend
 * passes. The container is hardened like a chela sandbox (read-only root, tmpfs /tmp, no
 * network, all capabilities dropped, no-new-privileges) with a host directory bound at
 * /workspace, as with workspace_access = rw. Set CHELA_TEST_SANDBOX_IMAGE to run it on another
 * image (e.g. chela-sandbox:bookworm-slim).
 */
#include "tool_suite.h"

#include "docker/docker.h"
#include "tools/tool_sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_IMAGE "chela-test-busybox:latest"

static struct docker D;
static char cid[65];
static char host_ws[] = "/tmp/chela-tools-sbx-XXXXXX";

static int setup(const char *image, char *why, size_t whylen)
{
	const char *cmd[] = {"sleep", "100000", NULL};
	const char *cap_drop[] = {"ALL", NULL};
	const char *secopt[] = {"no-new-privileges", NULL};
	struct docker_tmpfs tmpfs[] = {{"/tmp", "rw,nosuid,nodev,size=64m"}};
	struct docker_bind bind = {host_ws, "/workspace", 0};
	struct docker_create_opts o;
	char err[512], name[64];

	if (docker_open(&D, NULL, err, sizeof err) < 0)
		return snprintf(why, whylen, "no Docker engine: %s", err), -1;
	if (docker_image_inspect(&D, image, NULL, err, sizeof err) != 0) {
		char build[1024];
		const char *top = getenv("CHELA_TOP");

		snprintf(build, sizeof build, "sh %s/test/images/busybox/build.sh >/dev/null 2>&1", top ? top : ".");
		if (strcmp(image, DEFAULT_IMAGE) != 0 || system(build) != 0 ||
		    docker_image_inspect(&D, image, NULL, err, sizeof err) != 0)
			return snprintf(why, whylen, "test image %s missing: %s", image, err), -1;
	}
	if (!mkdtemp(host_ws))
		return snprintf(why, whylen, "mkdtemp failed"), -1;
	snprintf(name, sizeof name, "chela-tools-test-%d", (int)getpid());
	memset(&o, 0, sizeof o);
	o.name = name;
	o.image = image;
	o.cmd = cmd;
	o.workdir = "/workspace";
	o.binds = &bind;
	o.nbinds = 1;
	o.tmpfs = tmpfs;
	o.ntmpfs = 1;
	o.network_mode = "none";
	o.readonly_rootfs = 1;
	o.cap_drop = cap_drop;
	o.security_opt = secopt;
	o.pids_limit = 256;
	o.init = 1;
	if (docker_container_create(&D, &o, cid, err, sizeof err) < 0 || docker_container_start(&D, cid, err, sizeof err) < 0)
		return snprintf(why, whylen, "container: %s", err), -1;
	return 0;
}

int main(void)
{
	const char *image = getenv("CHELA_TEST_SANDBOX_IMAGE");
	const char *env[] = {"LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin", NULL};
	struct tool_sandbox_opts so;
	char why[1024], err[512], cmd[256];
	int rc = 1;

	if (!image || !image[0])
		image = DEFAULT_IMAGE;
	if (setup(image, why, sizeof why) < 0) {
		printf("not ok test_tools_sandbox: setup: %s\n", why);
		goto out;
	}
	memset(&so, 0, sizeof so);
	so.docker = &D;
	so.container = cid;
	so.workdir = "/workspace";
	so.env = env;
	so.procdir = "/tmp/chela-procs/test";
	SUITE_BE = tool_sandbox_open(&so, err, sizeof err);
	if (!SUITE_BE) {
		printf("not ok test_tools_sandbox: open: %s\n", err);
		goto out;
	}
	rc = tool_suite_run();
	/* Contained: what the suite wrote is in the bound host directory, nothing escaped it. */
	snprintf(cmd, sizeof cmd, "%s/notes/a.txt", host_ws);
	if (access(cmd, F_OK) == 0 && access("/tmp/chela-escape.txt", F_OK) != 0) {
		printf("ok test_tools_sandbox: writes land in the bound workspace only\n");
	} else {
		printf("not ok test_tools_sandbox: containment: notes/a.txt missing on the host or an escape file exists\n");
		rc = 1;
	}
	/* A file on the host outside the workspace does not exist for the sandbox. */
	{
		char marker[128], c[256];
		FILE *f;
		const char *out;

		snprintf(marker, sizeof marker, "/tmp/chela-host-marker-%d", (int)getpid());
		f = fopen(marker, "w");
		if (f)
			fclose(f);
		snprintf(c, sizeof c, "[ -e %s ] && echo visible || echo absent", marker);
		out = sh(c);
		if (out && strcmp(out, "absent\n") == 0)
			printf("ok test_tools_sandbox: exec sees the container's files, not the host's\n");
		else
			printf("not ok test_tools_sandbox: host file %s is %s in the sandbox\n", marker, out ? out : "?"), rc = 1;
		unlink(marker);
	}
	tool_backend_close(SUITE_BE);
out:
	if (cid[0])
		docker_container_remove(&D, cid, 1, 1, err, sizeof err);
	if (strcmp(host_ws + strlen(host_ws) - 6, "XXXXXX") != 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", host_ws);
		if (system(cmd) != 0)
			rc = 1;
	}
	cJSON_Delete(suite_last);
	return rc ? 1 : 0;
}
