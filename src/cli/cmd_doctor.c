/*
 * cli/cmd_doctor.c — `chela doctor`: is this machine ready to run sandboxed tools?
 *
 * Checks, one line each ("ok", "warn" or "FAIL"), every problem followed by a "remedy:" line:
 * the Docker socket (where, permissions), the engine (reachable, version, API), each sandbox
 * image the config names (present; never pulled), runtimes (runsc for gVisor, and any runtime
 * an agent names), risky or refused binds, and gateway auth. Exit 0 when nothing FAILed, 1
 * otherwise. It only reads: no container is created, no image fetched.
 */
#include "cli/cli.h"
#include "config/config.h"
#include "docker/docker.h"
#include "sandbox/sandbox.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
"usage: chela doctor\n"
"  checks: Docker engine reachable, sandbox image present, runtimes (runsc), auth, risky binds\n";

#define DOCTOR_RUNSC_REMEDY                                                                             \
	"install gVisor's runsc and register it in /etc/docker/daemon.json "                              \
	"(\"runtimes\": {\"runsc\": {\"path\": \"/usr/bin/runsc\"}}), then restart the engine"

struct doctor {
	int fails, warns;
};

static void line(struct doctor *dr, const char *status, const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void line(struct doctor *dr, const char *status, const char *remedy, const char *fmt, ...)
{
	va_list ap;

	if (strcmp(status, "FAIL") == 0)
		dr->fails++;
	else if (strcmp(status, "warn") == 0)
		dr->warns++;
	printf("%-5s ", status);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (remedy)
		printf("      remedy: %s\n", remedy);
}

static int any_sandboxed(const struct config *cfg)
{
	int i;

	for (i = 0; i < cfg->nagents; i++)
		if (cfg->agents[i].sandbox.mode != SANDBOX_MODE_OFF)
			return 1;
	return 0;
}

/* The socket file: present, a socket, and usable by this user. */
static void check_socket(struct doctor *dr, const struct config *cfg)
{
	char path[128], err[ERR_LEN], remedy[256];
	struct stat st;
	const char *need = any_sandboxed(cfg) ? "FAIL" : "warn";

	if (docker_host_socket(NULL, path, sizeof path, err, sizeof err) < 0) {
		line(dr, need, "set DOCKER_HOST=unix:///path/to/docker.sock (tcp:// is not supported)", "socket: %s", err);
		return;
	}
	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		line(dr, need, "start the Docker engine (e.g. systemctl start docker), or set DOCKER_HOST",
		     "socket: %s is %s", path, stat(path, &st) < 0 ? "missing" : "not a socket");
		return;
	}
	if (access(path, R_OK | W_OK) < 0) {
		snprintf(remedy, sizeof remedy, "add chela's user to the socket's group (gid %u), e.g. "
			 "usermod -aG docker USER, or give the container group_add: [\"%u\"]", (unsigned)st.st_gid,
			 (unsigned)st.st_gid);
		line(dr, need, remedy, "socket: %s (mode %04o, %u:%u) is not writable by uid %u", path,
		     (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)getuid());
		return;
	}
	line(dr, "ok", NULL, "socket: %s (mode %04o, %u:%u), usable by uid %u", path, (unsigned)(st.st_mode & 07777),
	     (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)getuid());
}

/* Each distinct image once, naming the agents that use it; missing matters only when sandboxed. */
static void check_images(struct doctor *dr, const struct config *cfg, struct docker *d)
{
	int i, j;

	for (i = 0; i < cfg->nagents; i++) {
		const char *img = cfg->agents[i].sandbox.docker.image;
		char agents[256] = "", err[ERR_LEN];
		int sandboxed = 0, rc, seen = 0;
		size_t used = 0;

		for (j = 0; j < i && !seen; j++)
			seen = strcmp(cfg->agents[j].sandbox.docker.image, img) == 0;
		if (seen)
			continue;
		for (j = i; j < cfg->nagents; j++) {
			if (strcmp(cfg->agents[j].sandbox.docker.image, img) != 0)
				continue;
			sandboxed |= cfg->agents[j].sandbox.mode != SANDBOX_MODE_OFF;
			if (used < sizeof agents)
				used += (size_t)snprintf(agents + used, sizeof agents - used, "%s%s", used ? ", " : "",
							 cfg->agents[j].id);
		}
		rc = docker_image_inspect(d, img, NULL, err, sizeof err);
		if (rc == 0)
			line(dr, "ok", NULL, "image: %s present (agents: %s)", img, agents);
		else if (rc == DOCKER_NOT_FOUND)
			line(dr, sandboxed ? "FAIL" : "warn", "build it with `./build.sh image` (see docker/README.md), or "
			     "`docker load` a saved image; chela never pulls",
			     "image: %s missing on this engine (agents: %s%s)", img, agents,
			     sandboxed ? "" : "; their sandbox mode is off, so it is not needed yet");
		else
			line(dr, "FAIL", "check the engine (`docker info`)", "image: %s: %s", img, err);
	}
}

static void check_runtimes(struct doctor *dr, const struct config *cfg, struct docker *d)
{
	struct docker_info info;
	char err[ERR_LEN], names[256] = "";
	size_t i, used = 0;
	int a;

	memset(&info, 0, sizeof info);
	if (docker_info_get(d, &info, err, sizeof err) < 0) {
		line(dr, "FAIL", "check the engine (`docker info`)", "runtimes: %s", err);
		return;
	}
	for (i = 0; i < info.nruntimes && used < sizeof names; i++)
		used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", info.runtimes[i]);
	line(dr, "ok", NULL, "runtimes: %s (default %s)", names[0] ? names : "none listed",
	     info.default_runtime ? info.default_runtime : "?");
	if (docker_info_has_runtime(&info, "runsc"))
		line(dr, "ok", NULL, "runsc (gVisor): available; set runtime = runsc to use it");
	else
		line(dr, "warn", DOCTOR_RUNSC_REMEDY, "runsc (gVisor): not registered with the engine (optional: "
		     "a stronger sandbox kernel)");
	for (a = 0; a < cfg->nagents; a++) {
		const char *rt = cfg->agents[a].sandbox.docker.runtime;

		if (rt && *rt && cfg->agents[a].sandbox.mode != SANDBOX_MODE_OFF && !docker_info_has_runtime(&info, rt))
			line(dr, "FAIL", strcmp(rt, "runsc") == 0 ? DOCTOR_RUNSC_REMEDY
								  : "register the runtime with the engine, or unset runtime",
			     "runtime: agent %s wants runtime = %s, which the engine does not know", cfg->agents[a].id, rt);
	}
	docker_info_free(&info);
}

/* Binds are validated as the manager would (refusals and read-only warnings). */
static void check_binds(struct doctor *dr, const struct config *cfg)
{
	int a, i, risky = 0;

	for (a = 0; a < cfg->nagents; a++) {
		const struct config_agent *ag = &cfg->agents[a];
		char scope[SESSION_KEY_MAX + 64], key[SESSION_KEY_MAX + 1], err[ERR_LEN];
		struct sandbox_spec s;

		if (ag->sandbox.mode == SANDBOX_MODE_OFF || ag->sandbox.docker.binds.n == 0)
			continue;
		snprintf(key, sizeof key, "agent:%s:doctor", ag->id);
		if (sandbox_scope_key(ag->sandbox.scope, ag->id, key, scope, sizeof scope) < 0)
			continue;
		if (sandbox_spec_build(ag, scope, cfg->state_dir, &s, err, sizeof err) < 0) {
			line(dr, "FAIL", "fix or remove that bind ([agents.defaults.sandbox.docker] or "
			     "[agent.<id>.sandbox.docker] bind = SRC:DST[:ro])", "binds: agent %s: %s", ag->id, err);
			risky++;
			continue;
		}
		for (i = 0; i < s.nwarnings; i++, risky++)
			line(dr, "warn", "bind a narrower directory", "binds: agent %s: %s", ag->id, s.warnings[i]);
		sandbox_spec_free(&s);
	}
	if (risky == 0)
		line(dr, "ok", NULL, "binds: nothing risky");
}

static void check_auth(struct doctor *dr, const struct config *cfg)
{
	char *path;

	if (cfg->gateway.auth == GATEWAY_AUTH_NONE) {
		line(dr, "warn", "set [gateway] auth = token (the default)", "auth: none — anyone who reaches the "
		     "gateway port drives the agent (allowed on loopback only)");
		return;
	}
	if (cfg->gateway.token && cfg->gateway.token[0]) {
		line(dr, "ok", NULL, "auth: token, configured");
		return;
	}
	path = fs_path_join(cfg->state_dir, "gateway.token");
	if (access(path, F_OK) == 0)
		line(dr, "ok", NULL, "auth: token, generated in %s", path);
	else
		line(dr, "ok", NULL, "auth: token, generated into %s at the gateway's first start", path);
	free(path);
}

int cmd_doctor(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 8, &npos, usage);
	struct config *cfg;
	struct doctor dr = {0, 0};
	struct docker d;
	char err[ERR_LEN];

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	if (npos > 0) {
		fprintf(stderr, "chela doctor: takes no arguments\n%s", usage);
		return CHELA_EXIT_USAGE;
	}
	if ((cfg = cli_load_config()) == NULL)
		return CHELA_EXIT_CONFIG;
	line(&dr, "ok", NULL, "config: %s%s, state %s", cfg->path ? cfg->path : "(none)",
	     cfg->file_loaded ? "" : " (absent: defaults)", cfg->state_dir);
	check_socket(&dr, cfg);
	if (docker_open(&d, NULL, err, sizeof err) < 0) {
		line(&dr, any_sandboxed(cfg) ? "FAIL" : "warn",
		     "start the Docker engine (e.g. systemctl start docker) or set DOCKER_HOST=unix:///path",
		     "engine: not reachable: %s", err);
		printf("      (image and runtime checks skipped)\n");
	} else {
		line(&dr, "ok", NULL, "engine: %s %s reachable at %s (API %s, chela speaks %s)",
		     d.podman ? "Podman" : "Docker", d.engine_version, d.socket_path, d.engine_api, d.api_version);
		check_images(&dr, cfg, &d);
		check_runtimes(&dr, cfg, &d);
	}
	check_binds(&dr, cfg);
	check_auth(&dr, cfg);
	printf("%d problem%s, %d warning%s\n", dr.fails, dr.fails == 1 ? "" : "s", dr.warns, dr.warns == 1 ? "" : "s");
	config_free(cfg);
	return dr.fails ? CHELA_EXIT_FAILURE : CHELA_EXIT_OK;
}
