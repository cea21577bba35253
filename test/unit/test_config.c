/* test/unit/test_config.c — the config loader: types, merging, origins, limits. */
#include "harness.h"

#include "config/config.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct config *load(const char *text, struct config_errors *errs)
{
	struct config *cfg = NULL;

	config_load_buffer("t.ini", text, strlen(text), "/state", &cfg, errs);
	return cfg;
}

/* Load text that must fail; return the first message (static copy). */
static const char *first_error(const char *text)
{
	static char msg[1024];
	struct config_errors errs;
	struct config *cfg = load(text, &errs);

	msg[0] = '\0';
	if (cfg == NULL && errs.n > 0)
		snprintf(msg, sizeof msg, "%s", errs.items[0].message);
	config_free(cfg);
	config_errors_free(&errs);
	return msg;
}

TEST(defaults_without_file)
{
	struct config_errors errs;
	struct config *cfg = load("", &errs);
	const struct config_agent *a;

	CHECK(cfg != NULL);
	CHECK(cfg->gateway.port == GATEWAY_DEFAULT_PORT);
	CHECK_STR(cfg->gateway.bind, "loopback");
	CHECK(cfg->gateway.auth == GATEWAY_AUTH_TOKEN);
	CHECK(cfg->nagents == 1);
	a = config_agent_find(cfg, "main");
	CHECK(a != NULL);
	CHECK_STR(a->workspace, "/state/workspace");
	CHECK_STR(a->sandbox.workspace_root, "/state/sandboxes");
	CHECK(a->sandbox.mode == SANDBOX_MODE_OFF);
	CHECK(a->sandbox.docker.read_only_root == 1);
	CHECK_STR(a->sandbox.docker.network, "none");
	CHECK(a->sandbox.docker.pids_limit == SANDBOX_DEFAULT_PIDS);
	CHECK(a->sandbox.docker.tmpfs.n == 3);
	CHECK(a->sandbox.docker.cap_drop.n == 1 && strcmp(a->sandbox.docker.cap_drop.items[0], "ALL") == 0);
	CHECK(cfg->tools.profile == TOOLS_PROFILE_CODING && !cfg->tools.profile_set);
	CHECK(cfg->tools.sandbox.allow.n == 6);
	CHECK(config_agent_find(cfg, "nope") == NULL);
	config_free(cfg);
}

/* The image sets CHELA_WORKSPACE=/workspace (its own volume); a config value still wins. */
TEST(workspace_default_from_environment)
{
	struct config_errors errs;
	struct config *cfg;

	setenv("CHELA_WORKSPACE", "/workspace", 1);
	cfg = load("", &errs);
	CHECK(cfg != NULL);
	CHECK_STR(config_agent_find(cfg, "main")->workspace, "/workspace");
	config_free(cfg);
	cfg = load("[agents.defaults]\nworkspace = /elsewhere\n", &errs);
	CHECK(cfg != NULL);
	CHECK_STR(config_agent_find(cfg, "main")->workspace, "/elsewhere");
	config_free(cfg);
	setenv("CHELA_WORKSPACE", "relative/path", 1);
	cfg = load("", &errs);
	CHECK(cfg != NULL);
	CHECK_STR(config_agent_find(cfg, "main")->workspace, "/state/workspace");
	config_free(cfg);
	unsetenv("CHELA_WORKSPACE");
}

TEST(types_and_sizes)
{
	struct config_errors errs;
	struct config *cfg = load("[agents.defaults.sandbox.docker]\nmemory = 512m\nmemory_swap = 1g\ncpus = 1.5\n"
				  "[gateway]\nopenai_http = yes\nport = 9000\n",
				  &errs);
	const struct config_agent *a;

	CHECK(cfg != NULL);
	a = config_agent_find(cfg, NULL);
	CHECK(a->sandbox.docker.memory == 512LL * 1024 * 1024);
	CHECK(a->sandbox.docker.memory_swap == 1024LL * 1024 * 1024);
	CHECK(a->sandbox.docker.cpus > 1.49 && a->sandbox.docker.cpus < 1.51);
	CHECK(cfg->gateway.openai_http == 1);
	CHECK(cfg->gateway.port == 9000);
	config_free(cfg);
}

TEST(env_expansion)
{
	struct config_errors errs;
	struct config *cfg;

	setenv("CHELA_T_TOKEN", "tok-123", 1);
	cfg = load("[gateway]\ntoken = pre-${CHELA_T_TOKEN}-post\n", &errs);
	CHECK(cfg != NULL);
	CHECK_STR(cfg->gateway.token, "pre-tok-123-post");
	config_free(cfg);
	unsetenv("CHELA_T_UNSET");
	CHECK_CONTAINS(first_error("[gateway]\ntoken = ${CHELA_T_UNSET}\n"), "CHELA_T_UNSET is not set");
	CHECK_CONTAINS(first_error("[gateway]\ntoken = ${CHELA_T_UNSET}\n"), "t.ini:2:");
}

TEST(tilde_expansion)
{
	struct config_errors errs;
	struct config *cfg;

	setenv("HOME", "/home/t", 1);
	cfg = load("[agents.defaults]\nworkspace = ~/ws\n", &errs);
	CHECK(cfg != NULL);
	CHECK_STR(config_agent_find(cfg, "main")->workspace, "/home/t/ws");
	config_free(cfg);
}

TEST(merge_binds_concat_env_merge_scalars_override)
{
	struct config_errors errs;
	struct config *cfg = load("[agents.defaults.sandbox.docker]\nbind = /a:/a:ro\ncap_drop = ALL\n"
				  "[agents.defaults.sandbox.docker.env]\nA = 1\nB = 2\n"
				  "[agent.work.sandbox]\nmode = all\n"
				  "[agent.work.sandbox.docker]\nbind = /b:/b\nbind = /c:/c:ro\ncap_drop = NET_RAW\n"
				  "[agent.work.sandbox.docker.env]\nB = 3\nC = 4\n",
				  &errs);
	const struct config_agent *w, *m;

	CHECK(cfg != NULL);
	CHECK(cfg->nagents == 2);
	m = config_agent_find(cfg, "main");
	w = config_agent_find(cfg, "work");
	CHECK(m->sandbox.mode == SANDBOX_MODE_OFF);
	CHECK(w->sandbox.mode == SANDBOX_MODE_ALL);
	CHECK(m->sandbox.docker.binds.n == 1);
	CHECK(w->sandbox.docker.binds.n == 3);
	CHECK_STR(w->sandbox.docker.binds.items[0], "/a:/a:ro");
	CHECK_STR(w->sandbox.docker.binds.items[2], "/c:/c:ro");
	CHECK(w->sandbox.docker.cap_drop.n == 1);
	CHECK_STR(w->sandbox.docker.cap_drop.items[0], "NET_RAW");
	CHECK(w->sandbox.docker.env.n == 4); /* LANG default, A, B, C */
	CHECK_STR(w->sandbox.docker.env.items[2].value, "3");
	CHECK_STR(w->workspace, "/state/workspace-work");
	config_free(cfg);
}

TEST(shared_scope_ignores_agent_docker)
{
	struct config_errors errs;
	struct config *cfg = load("[agents.defaults.sandbox.docker]\nnetwork = none\n"
				  "[agent.ops.sandbox]\nscope = shared\n[agent.ops.sandbox.docker]\nnetwork = bridge\n",
				  &errs);

	CHECK(cfg != NULL);
	CHECK_STR(config_agent_find(cfg, "ops")->sandbox.docker.network, "none");
	CHECK(config_agent_find(cfg, "ops")->sandbox.scope == SANDBOX_SCOPE_SHARED);
	CHECK(cfg->nwarnings == 1);
	CHECK_CONTAINS(cfg->warnings[0], "ignored under scope shared");
	config_free(cfg);
}

TEST(tool_layers_are_separate)
{
	struct config_errors errs;
	struct config *cfg = load("[tools]\ndeny = exec\n[agent.work.tools]\nallow = read, group:fs\n", &errs);
	const struct config_agent *w;

	CHECK(cfg != NULL);
	CHECK(cfg->tools.deny.n == 1 && cfg->tools.deny.set);
	w = config_agent_find(cfg, "work");
	CHECK(w->tools.allow.set && w->tools.allow.n == 2);
	CHECK(!w->tools.deny.set);
	CHECK(!config_agent_find(cfg, "main")->tools.allow.set);
	config_free(cfg);
}

TEST(repeated_list_keys_accumulate)
{
	struct config_errors errs;
	struct config *cfg = load("[tools]\nallow = read\nallow = write, edit\n", &errs);

	CHECK(cfg != NULL);
	CHECK(cfg->tools.allow.n == 3);
	config_free(cfg);
}

TEST(origins_name_the_key)
{
	struct config_errors errs;
	struct config *cfg = load("[agents.defaults.sandbox]\nmode = non-main\n[agent.work.sandbox]\nmode = all\n", &errs);
	char key[256];

	CHECK(cfg != NULL);
	CHECK(config_origin(cfg, "work", "sandbox.mode", key, sizeof key) == 4);
	CHECK_STR(key, "agent.work.sandbox.mode");
	CHECK(config_origin(cfg, "main", "sandbox.mode", key, sizeof key) == 2);
	CHECK_STR(key, "agents.defaults.sandbox.mode");
	CHECK(config_origin(cfg, "main", "sandbox.scope", key, sizeof key) == 0);
	CHECK_STR(key, "agents.defaults.sandbox.scope");
	CHECK(config_origin(cfg, "main", "sandbox.nope", key, sizeof key) == -1);
	config_free(cfg);
}

TEST(errors_are_precise)
{
	CHECK_CONTAINS(first_error("[gateway]\nport = 0\n"), "t.ini:2: [gateway] port:");
	CHECK_CONTAINS(first_error("[gateway]\nprot = 1\n"), "did you mean \"port\"");
	CHECK_CONTAINS(first_error("[gatewy]\n"), "unknown section [gatewy]");
	CHECK_CONTAINS(first_error("[agents.defaults.sandbox]\nscope = box\n"), "session, agent, shared");
	CHECK_CONTAINS(first_error("[agents.defaults.sandbox.docker]\nnetwork = host\n"), "refused");
	CHECK_CONTAINS(first_error("[agents.defaults.sandbox.docker]\nnetwork = container:abc\n"), "refused");
	CHECK_CONTAINS(first_error("[gateway]\nbind = 0.0.0.0\nauth = none\n"), "only allowed with bind = loopback");
	CHECK_CONTAINS(first_error("[gateway]\nport = 1\nport = 2\n"), "already set on line 2");
	CHECK_CONTAINS(first_error("[agents.defaults.sandbox.docker.env]\n1BAD = x\n"), "not a valid environment");
	CHECK_CONTAINS(first_error("[agents.defaults.sandbox.docker]\nulimits = nofile=x\n"), "name=soft[:hard]");
	CHECK_CONTAINS(first_error("[agent.abcdefghijklmnopqrstuvwxyz0123]\n"), "agent id");
	CHECK_CONTAINS(first_error("[gateway]\nport = 1\x00"), "");
}

TEST(nul_byte_and_size_caps)
{
	struct config_errors errs;
	struct config *cfg = NULL;
	static char big[CONFIG_MAX_FILE_BYTES + 2];

	CHECK(config_load_buffer("t.ini", "[gateway]\n\0x", 12, "/s", &cfg, &errs) < 0);
	CHECK_CONTAINS(errs.items[0].message, "NUL byte");
	config_errors_free(&errs);
	memset(big, ';', sizeof big);
	CHECK(config_load_buffer("t.ini", big, sizeof big, "/s", &cfg, &errs) < 0);
	CHECK_CONTAINS(errs.items[0].message, "limit");
	config_errors_free(&errs);
}

TEST(empty_value_keeps_default)
{
	struct config_errors errs;
	struct config *cfg = load("[agents.defaults.sandbox.docker]\nuser =\nmemory =\nnetwork =\n", &errs);

	CHECK(cfg != NULL);
	CHECK_STR(config_agent_find(cfg, "main")->sandbox.docker.network, "none");
	CHECK(config_agent_find(cfg, "main")->sandbox.docker.memory == 0);
	config_free(cfg);
}

/* `--state st` once aborted: the defaults below a relative state dir were not absolute. */
TEST(relative_state_dir_is_made_absolute)
{
	struct config *cfg = NULL;
	struct config_errors errs;

	CHECK(chdir("/tmp") == 0);
	CHECK(config_load_buffer("t.ini", "[gateway]\n", 10, "st", &cfg, &errs) == 0);
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_STR(cfg->state_dir, "/tmp/st");
		CHECK_STR(config_agent_find(cfg, "main")->sandbox.workspace_root, "/tmp/st/sandboxes");
	}
	config_free(cfg);
	config_errors_free(&errs);
}

TEST(secret_looking_names)
{
	CHECK(config_key_looks_secret("GITHUB_TOKEN"));
	CHECK(config_key_looks_secret("OPENAI_API_KEY"));
	CHECK(config_key_looks_secret("db_password"));
	CHECK(config_key_looks_secret("AWS_SECRET_ACCESS_KEY"));
	CHECK(!config_key_looks_secret("LANG"));
	CHECK(!config_key_looks_secret("PATH"));
	CHECK(!config_key_looks_secret("EDITOR"));
}

int main(void)
{
	RUN(defaults_without_file);
	RUN(workspace_default_from_environment);
	RUN(types_and_sizes);
	RUN(env_expansion);
	RUN(tilde_expansion);
	RUN(merge_binds_concat_env_merge_scalars_override);
	RUN(shared_scope_ignores_agent_docker);
	RUN(tool_layers_are_separate);
	RUN(repeated_list_keys_accumulate);
	RUN(origins_name_the_key);
	RUN(errors_are_precise);
	RUN(nul_byte_and_size_caps);
	RUN(empty_value_keeps_default);
	RUN(relative_state_dir_is_made_absolute);
	RUN(secret_looking_names);
	return harness_done();
}
