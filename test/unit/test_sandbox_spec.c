/* test_sandbox_spec.c — effective mounts per workspace_access, env, tmpfs sizes, the config hash. */
#include "harness.h"
#include "config/config.h"
#include "sandbox/sandbox.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static struct config *load(const char *ini)
{
	struct config *cfg = NULL;
	struct config_errors errs;

	if (config_load_buffer("test.ini", ini, strlen(ini), dir, &cfg, &errs) < 0) {
		int i;

		for (i = 0; i < errs.n; i++)
			printf("# %s\n", errs.items[i].message);
		config_errors_free(&errs);
		return NULL;
	}
	return cfg;
}

/* The specs borrow their config's docker section, so configs live until the end of main(). */
static struct config *configs[64];
static int nconfigs;

/* Build the spec of agent `id` for scope key `key` from ini; returns 0 / -1 (err filled). */
static int build(const char *ini, const char *id, const char *key, struct sandbox_spec *s, char *err)
{
	struct config *cfg = load(ini);
	const struct config_agent *a;
	int rc;

	if (cfg == NULL)
		return snprintf(err, ERR_LEN, "config did not load"), -2;
	if (nconfigs < (int)(sizeof configs / sizeof configs[0]))
		configs[nconfigs++] = cfg;
	a = config_agent_find(cfg, id);
	rc = sandbox_spec_build(a, key, dir, s, err, ERR_LEN);
	/* The spec borrows the docker section: keep the config alive for the test's lifetime. */
	return rc;
}

static const struct sandbox_mount *mount_at(const struct sandbox_spec *s, const char *target)
{
	int i;

	for (i = 0; i < s->nmounts; i++)
		if (strcmp(s->mounts[i].target, target) == 0)
			return &s->mounts[i];
	return NULL;
}

TEST(access_none)
{
	struct sandbox_spec s;
	char err[ERR_LEN], want[256];
	const struct sandbox_mount *m;

	CHECK(build("[agents.defaults]\nworkspace = /tmp/ws-main\n", "main", "agent:main:direct:bob", &s, err) == 0);
	CHECK(s.nmounts == 1);
	m = mount_at(&s, "/workspace");
	CHECK(m != NULL && m->kind == SANDBOX_MOUNT_WORKSPACE && !m->read_only);
	snprintf(want, sizeof want, "%s/sandboxes/%s", dir, s.slug);
	CHECK_STR(m->source, want);
	CHECK_STR(s.sandbox_workspace, want);
	CHECK(!s.write_tools_disabled);
	CHECK(strncmp(s.name, "chela-sbx-agent-main-direct-bob-", 32) == 0);
	sandbox_spec_free(&s);
}

TEST(access_ro)
{
	struct sandbox_spec s;
	char err[ERR_LEN];
	const struct sandbox_mount *m;

	CHECK(build("[agents.defaults]\nworkspace = /tmp/ws-main\n[agents.defaults.sandbox]\nworkspace_access = ro\n",
		    "main", "agent:main:x", &s, err) == 0);
	CHECK(s.nmounts == 2);
	m = mount_at(&s, "/agent");
	CHECK(m != NULL && m->read_only && m->kind == SANDBOX_MOUNT_AGENT);
	CHECK_STR(m->source, "/tmp/ws-main");
	m = mount_at(&s, "/workspace");
	CHECK(m != NULL && !m->read_only && m->kind == SANDBOX_MOUNT_WORKSPACE);
	CHECK(s.write_tools_disabled);
	sandbox_spec_free(&s);
}

TEST(access_rw_and_binds_merge)
{
	struct sandbox_spec s;
	char err[ERR_LEN], ini[1024];
	const struct sandbox_mount *m;

	snprintf(ini, sizeof ini,
		 "[agents.defaults.sandbox.docker]\nbind = %s/src:/src:ro\n"
		 "[agent.work]\nworkspace = /tmp/ws-work\n[agent.work.sandbox]\nworkspace_access = rw\n"
		 "[agent.work.sandbox.docker]\nbind = %s/data:/data\n",
		 dir, dir);
	CHECK(build(ini, "work", "agent:work", &s, err) == 0);
	CHECK(s.nmounts == 3);
	m = mount_at(&s, "/workspace");
	CHECK(m != NULL && !m->read_only && m->kind == SANDBOX_MOUNT_AGENT);
	CHECK_STR(m->source, "/tmp/ws-work");
	CHECK(s.sandbox_workspace == NULL);
	m = mount_at(&s, "/src");
	CHECK(m != NULL && m->read_only && m->kind == SANDBOX_MOUNT_BIND);
	m = mount_at(&s, "/data");
	CHECK(m != NULL && !m->read_only);
	sandbox_spec_free(&s);
}

TEST(refused_bind_fails_build)
{
	struct sandbox_spec s;
	char err[ERR_LEN];

	CHECK(build("[agents.defaults.sandbox.docker]\nbind = /etc:/host-etc:ro\n", "main", "agent:main:x", &s, err) ==
	      -1);
	CHECK(strncmp(err, "sandbox security: ", 18) == 0);
	/* A directory holding chela's own state (here /tmp) may not be bound writable; read-only warns. */
	CHECK(build("[agents.defaults.sandbox.docker]\nbind = /tmp:/t\n", "main", "agent:main:x", &s, err) == -1);
	CHECK_CONTAINS(err, "contains chela's state");
	CHECK(build("[agents.defaults.sandbox.docker]\nbind = /tmp:/t:ro\n", "main", "agent:main:x", &s, err) == 0);
	CHECK(s.nwarnings == 1);
	CHECK_CONTAINS(s.warnings[0], "mounted read-only");
	sandbox_spec_free(&s);
}

TEST(tmpfs_always_sized)
{
	struct sandbox_spec s;
	char err[ERR_LEN];

	CHECK(build("[agents.defaults.sandbox.docker]\ntmpfs = /tmp, /run:size=8m, /var/tmp:mode=1777\n", "main",
		    "agent:main:x", &s, err) == 0);
	CHECK(s.ntmpfs == 3);
	CHECK_STR(s.tmpfs[0].options, "size=" SANDBOX_TMPFS_DEFAULT_SIZE);
	CHECK_STR(s.tmpfs[1].options, "size=8m");
	CHECK_STR(s.tmpfs[2].options, "mode=1777,size=" SANDBOX_TMPFS_DEFAULT_SIZE);
	sandbox_spec_free(&s);
}

TEST(env_and_secret_filter)
{
	struct sandbox_spec s;
	char err[ERR_LEN];
	char **env;
	const char *extra[] = {"GITHUB_TOKEN=leak", "MY_API_TOKEN=ok-explicit", "TERM=xterm", "LANG=fr", "=x", "NOEQ",
			       NULL};

	CHECK(build("[agents.defaults.sandbox.docker.env]\nLANG = C.UTF-8\nMY_API_TOKEN = from-config\n", "main",
		    "agent:main:x", &s, err) == 0);
	env = sandbox_exec_env(&s, extra);
	CHECK(env != NULL);
	CHECK_STR(env[0], "LANG=fr");
	CHECK_STR(env[1], "MY_API_TOKEN=ok-explicit");
	CHECK_STR(env[2], "TERM=xterm");
	CHECK(env[3] == NULL);
	sandbox_env_free(env);
	CHECK(!sandbox_env_key_allowed(s.docker, "AWS_SECRET_ACCESS_KEY"));
	CHECK(sandbox_env_key_allowed(s.docker, "PATH"));
	sandbox_spec_free(&s);
}

/* Every setting that shapes the container changes the hash; the same config gives the same hash. */
TEST(config_hash)
{
	static const char *const variants[] = {
		"",
		"[agents.defaults.sandbox.docker]\nimage = other:1\n",
		"[agents.defaults.sandbox.docker]\nnetwork = bridge\n",
		"[agents.defaults.sandbox.docker]\nuser = 1000:1000\n",
		"[agents.defaults.sandbox.docker]\nruntime = runsc\n",
		"[agents.defaults.sandbox.docker]\nsetup_command = echo hi\n",
		"[agents.defaults.sandbox.docker]\npids_limit = 100\n",
		"[agents.defaults.sandbox.docker]\nmemory = 512m\n",
		"[agents.defaults.sandbox.docker]\ncpus = 1.5\n",
		"[agents.defaults.sandbox.docker]\nread_only_root = false\n",
		"[agents.defaults.sandbox.docker]\ntmpfs = /tmp\n",
		"[agents.defaults.sandbox.docker]\ncap_add = NET_BIND_SERVICE\n",
		"[agents.defaults.sandbox.docker]\nbind = /tmp:/t:ro\n",
		"[agents.defaults.sandbox.docker.env]\nFOO = bar\n",
		"[agents.defaults.sandbox]\nworkspace_access = rw\n",
		"[agents.defaults.sandbox]\nworkspace_access = ro\n",
		"[agents.defaults.sandbox.docker]\nulimits = nofile=1024:2048\n",
		"[agents.defaults.sandbox.docker]\ndns = 192.0.2.1\n",
	};
	char hashes[sizeof variants / sizeof variants[0]][HASH_SHA256_HEX_LEN + 1];
	struct sandbox_spec s;
	char err[ERR_LEN];
	size_t i, j;

	for (i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		int rc = build(variants[i], "main", "agent:main:x", &s, err);

		if (rc != 0)
			printf("# variant %zu: %s\n", i, err);
		CHECK(rc == 0);
		memcpy(hashes[i], s.hash, sizeof hashes[i]);
		sandbox_spec_free(&s);
		for (j = 0; j < i; j++)
			CHECK(strcmp(hashes[i], hashes[j]) != 0);
	}
	CHECK(build(variants[1], "main", "agent:main:x", &s, err) == 0);
	CHECK_STR(s.hash, hashes[1]);
	sandbox_spec_free(&s);
	/* The prefix names the container but does not shape it. */
	CHECK(build("[agents.defaults.sandbox.docker]\ncontainer_prefix = t1-\n", "main", "agent:main:x", &s, err) == 0);
	CHECK_STR(s.hash, hashes[0]);
	CHECK(strncmp(s.name, "t1-", 3) == 0);
	sandbox_spec_free(&s);
}

int main(void)
{
	char p[128];

	snprintf(dir, sizeof dir, "/tmp/chela-spec-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(p, sizeof p, "%s/src", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/data", dir);
	mkdir(p, 0755);
	RUN(access_none);
	RUN(access_ro);
	RUN(access_rw_and_binds_merge);
	RUN(refused_bind_fails_build);
	RUN(tmpfs_always_sized);
	RUN(env_and_secret_filter);
	RUN(config_hash);
	while (nconfigs > 0)
		config_free(configs[--nconfigs]);
	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	if (system(p) != 0)
		printf("# could not remove %s\n", dir);
	return harness_done();
}
