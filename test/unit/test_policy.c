/*
 * test_policy.c — the policy engine, table-driven: each row is an INI config, a session and a
 * tool, and the decision (allowed, where, and words the reason must contain — layer and key).
 */
#include "harness.h"

#include "config/config.h"
#include "policy/policy.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

enum { DENY, HOST, SBX, ELEV };

struct row {
	const char *name;
	const char *ini;
	const char *agent;   /* NULL = main */
	const char *session; /* NULL = the agent's main session */
	const char *sender;
	const char *tool;
	int want;            /* DENY, HOST, SBX, ELEV */
	const char *reason;  /* substring of the reason (layer/key/line), or NULL */
};

#define NONMAIN "[agents.defaults.sandbox]\nmode = non-main\n"
#define ALL "[agents.defaults.sandbox]\nmode = all\n"
#define ELEV_ON "[tools.elevated]\nenabled = true\nallow_from = telegram:42, 7\n"

static const struct row rows[] = {
	/* profiles */
	{"default profile is coding: exec", "", NULL, NULL, NULL, "exec", HOST, "on the host"},
	{"default profile is coding: apply_patch", "", NULL, NULL, NULL, "apply_patch", HOST, NULL},
	{"minimal profile: read denied", "[tools]\nprofile = minimal\n", NULL, NULL, NULL, "read", DENY,
	 "not in profile minimal (tools.profile (chela.ini:2))"},
	{"minimal profile: exec denied", "[tools]\nprofile = minimal\n", NULL, NULL, NULL, "exec", DENY, "profile minimal"},
	{"full profile: process", "[tools]\nprofile = full\n", NULL, NULL, NULL, "process", HOST, NULL},
	{"agent minimal narrows global coding", "[agent.work.tools]\nprofile = minimal\n", "work", NULL, NULL, "edit",
	 DENY, "agent.work.tools.profile (chela.ini:2)"},
	{"agent full cannot widen global minimal", "[tools]\nprofile = minimal\n[agent.work.tools]\nprofile = full\n",
	 "work", NULL, NULL, "read", DENY, "not in profile minimal (tools.profile"},
	/* deny lists, groups, globs */
	{"global deny by name", "[tools]\ndeny = exec\n", NULL, NULL, NULL, "exec", DENY,
	 "denied by tools.deny (chela.ini:2)"},
	{"global deny leaves others", "[tools]\ndeny = exec\n", NULL, NULL, NULL, "process", HOST, NULL},
	{"deny group:runtime covers process", "[tools]\ndeny = group:runtime\n", NULL, NULL, NULL, "process", DENY,
	 "entry 'group:runtime'"},
	{"deny group:runtime spares read", "[tools]\ndeny = group:runtime\n", NULL, NULL, NULL, "read", HOST, NULL},
	{"deny group:fs covers apply_patch", "[tools]\ndeny = group:fs\n", NULL, NULL, NULL, "apply_patch", DENY,
	 "group:fs"},
	{"deny glob e*", "[tools]\ndeny = e*\n", NULL, NULL, NULL, "edit", DENY, "entry 'e*'"},
	{"deny glob e* covers exec", "[tools]\ndeny = e*\n", NULL, NULL, NULL, "exec", DENY, NULL},
	{"deny glob e* spares write", "[tools]\ndeny = e*\n", NULL, NULL, NULL, "write", HOST, NULL},
	{"deny * denies all", "[tools]\ndeny = *\n", NULL, NULL, NULL, "read", DENY, "entry '*'"},
	{"deny glob ? matches one char", "[tools]\ndeny = ?xec\n", NULL, NULL, NULL, "exec", DENY, NULL},
	{"deny group glob group:*", "[tools]\ndeny = group:*\n", NULL, NULL, NULL, "write", DENY, NULL},
	/* allow lists */
	{"allow list blocks the rest", "[tools]\nallow = read\n", NULL, NULL, NULL, "write", DENY,
	 "not in tools.allow (chela.ini:2)"},
	{"allow list lets its tool through", "[tools]\nallow = read\n", NULL, NULL, NULL, "read", HOST, NULL},
	{"allow group:fs lets edit", "[tools]\nallow = group:fs\n", NULL, NULL, NULL, "edit", HOST, NULL},
	{"allow group:fs blocks exec", "[tools]\nallow = group:fs\n", NULL, NULL, NULL, "exec", DENY, "tools.allow"},
	{"allow glob *_patch", "[tools]\nallow = *_patch\n", NULL, NULL, NULL, "apply_patch", HOST, NULL},
	{"deny wins over allow in one layer", "[tools]\nallow = exec, read\ndeny = exec\n", NULL, NULL, NULL, "exec",
	 DENY, "denied by tools.deny (chela.ini:3)"},
	{"repeated allow keys accumulate", "[tools]\nallow = read\nallow = write\n", NULL, NULL, NULL, "write", HOST,
	 NULL},
	/* per-agent layers */
	{"agent deny", "[agent.work.tools]\ndeny = write\n", "work", NULL, NULL, "write", DENY,
	 "denied by agent.work.tools.deny (chela.ini:2)"},
	{"agent deny does not touch main", "[agent.work.tools]\ndeny = write\n", NULL, NULL, NULL, "write", HOST, NULL},
	{"agent allow narrows", "[agent.work.tools]\nallow = read\n", "work", NULL, NULL, "exec", DENY,
	 "not in agent.work.tools.allow (chela.ini:2)"},
	{"agent allow cannot bring back a global deny", "[tools]\ndeny = exec\n[agent.work.tools]\nallow = exec\n",
	 "work", NULL, NULL, "exec", DENY, "denied by tools.deny (chela.ini:2)"},
	{"agent allow cannot widen global allow", "[tools]\nallow = read\n[agent.work.tools]\nallow = read, write\n",
	 "work", NULL, NULL, "write", DENY, "not in tools.allow"},
	{"agent deny beats agent allow", "[agent.work.tools]\nallow = exec\ndeny = exec\n", "work", NULL, NULL, "exec",
	 DENY, "agent.work.tools.deny"},
	/* sandbox decision */
	{"non-main: main session on host", NONMAIN, NULL, "agent:main:main", NULL, "exec", HOST, NULL},
	{"non-main: bare main key on host", NONMAIN, NULL, "main", NULL, "read", HOST, NULL},
	{"non-main: group session sandboxed", NONMAIN, NULL, "agent:main:telegram:group:9", NULL, "exec", SBX,
	 "in the sandbox"},
	{"all: main sandboxed", ALL, NULL, NULL, NULL, "read", SBX, NULL},
	{"agent mode all, defaults off", "[agent.work.sandbox]\nmode = all\n", "work", NULL, NULL, "exec", SBX, NULL},
	{"custom main_key", "[session]\nmain_key = home\n" NONMAIN, NULL, "agent:main:home", NULL, "exec", HOST, NULL},
	/* sandbox tool policy */
	{"sandbox deny applies when sandboxed", ALL "[tools.sandbox]\ndeny = exec\n", NULL, NULL, NULL, "exec", DENY,
	 "denied by tools.sandbox.deny (chela.ini:4)"},
	{"sandbox deny ignored on host", "[tools.sandbox]\ndeny = exec\n", NULL, NULL, NULL, "exec", HOST, NULL},
	{"sandbox allow narrows", ALL "[tools.sandbox]\nallow = read\n", NULL, NULL, NULL, "write", DENY,
	 "not in tools.sandbox.allow (chela.ini:4)"},
	{"sandbox allow default has all six", ALL, NULL, NULL, NULL, "apply_patch", SBX, NULL},
	{"sandbox allow cannot widen global deny", ALL "[tools]\ndeny = write\n[tools.sandbox]\nallow = write\n", NULL,
	 NULL, NULL, "write", DENY, "tools.deny"},
	{"agent sandbox deny", ALL "[agent.work.tools.sandbox]\ndeny = process\n", "work", NULL, NULL, "process", DENY,
	 "agent.work.tools.sandbox.deny (chela.ini:4)"},
	{"agent sandbox allow", ALL "[agent.work.tools.sandbox]\nallow = read\n", "work", NULL, NULL, "exec", DENY,
	 "agent.work.tools.sandbox.allow"},
	/* workspace access */
	{"ro disables write", ALL "workspace_access = ro\n", NULL, NULL, NULL, "write", DENY,
	 "agents.defaults.sandbox.workspace_access (chela.ini:3) = ro"},
	{"ro disables edit", ALL "workspace_access = ro\n", NULL, NULL, NULL, "edit", DENY, "read-only"},
	{"ro disables apply_patch", ALL "workspace_access = ro\n", NULL, NULL, NULL, "apply_patch", DENY, NULL},
	{"ro keeps read", ALL "workspace_access = ro\n", NULL, NULL, NULL, "read", SBX, NULL},
	{"ro keeps exec", ALL "workspace_access = ro\n", NULL, NULL, NULL, "exec", SBX, NULL},
	{"ro without sandbox changes nothing", "[agents.defaults.sandbox]\nworkspace_access = ro\n", NULL, NULL, NULL,
	 "write", HOST, NULL},
	{"agent ro names the agent key", "[agent.work.sandbox]\nmode = all\nworkspace_access = ro\n", "work", NULL, NULL,
	 "edit", DENY, "agent.work.sandbox.workspace_access (chela.ini:3)"},
	/* elevated */
	{"elevated: allowed sender runs exec on host", ALL ELEV_ON, NULL, NULL, "telegram:42", "exec", ELEV,
	 "runs on the host"},
	{"elevated: bare id matches any channel", ALL ELEV_ON, NULL, NULL, "discord:7", "exec", ELEV, NULL},
	{"elevated: other sender stays in sandbox", ALL ELEV_ON, NULL, NULL, "telegram:43", "exec", SBX, NULL},
	{"elevated: no sender stays in sandbox", ALL ELEV_ON, NULL, NULL, NULL, "exec", SBX, NULL},
	{"elevated: only exec", ALL ELEV_ON, NULL, NULL, "telegram:42", "read", SBX, NULL},
	{"elevated: disabled by default", ALL "[tools.elevated]\nallow_from = telegram:42\n", NULL, NULL, "telegram:42",
	 "exec", SBX, NULL},
	{"elevated: never overrides a deny", ALL ELEV_ON "[tools]\ndeny = exec\n", NULL, NULL, "telegram:42", "exec",
	 DENY, "tools.deny"},
	{"elevated: never overrides sandbox deny", ALL ELEV_ON "[tools.sandbox]\ndeny = exec\n", NULL, NULL,
	 "telegram:42", "exec", DENY, "tools.sandbox.deny"},
	{"elevated: agent list must also match", ALL ELEV_ON "[agent.work.tools.elevated]\nallow_from = telegram:99\n",
	 "work", NULL, "telegram:42", "exec", SBX, NULL},
	{"elevated: both lists match", ALL ELEV_ON "[agent.work.tools.elevated]\nallow_from = telegram:42\n", "work",
	 NULL, "telegram:42", "exec", ELEV, NULL},
	{"elevated: agent-only list is not enough", ALL "[tools.elevated]\nenabled = true\n"
	 "[agent.work.tools.elevated]\nallow_from = telegram:42\n", "work", NULL, "telegram:42", "exec", SBX, NULL},
	{"elevated: agent can switch it off", ALL ELEV_ON "[agent.work.tools.elevated]\nenabled = false\n", "work", NULL,
	 "telegram:42", "exec", SBX, NULL},
	{"elevated: host session is already on host", ELEV_ON, NULL, NULL, "telegram:42", "exec", HOST, NULL},
};

static struct config *load(const char *ini, char *why, size_t whylen)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	if (config_load_buffer("chela.ini", ini, strlen(ini), "/tmp/chela-test-policy", &cfg, &errs) < 0) {
		snprintf(why, whylen, "%s", errs.n ? errs.items[0].message : "load failed");
		config_errors_free(&errs);
		return NULL;
	}
	config_errors_free(&errs);
	return cfg;
}

static int row_run(const struct row *r, char *why, size_t whylen)
{
	static const char *names[] = {"denied", "host", "sandbox", "elevated"};
	struct policy_session s;
	struct policy_decision d;
	struct config *cfg = load(r->ini, why, whylen);
	const struct config_agent *a;
	int got, t = policy_tool_find(r->tool);

	if (!cfg)
		return 0;
	a = config_agent_find(cfg, r->agent ? r->agent : "main");
	policy_session_init(&s, cfg, a, r->session, r->sender);
	policy_decide(&s, (enum policy_tool)t, &d);
	got = !d.allowed ? DENY : d.elevated ? ELEV : d.where == POLICY_WHERE_SANDBOX ? SBX : HOST;
	if (got != r->want || (r->reason && !strstr(d.reason, r->reason))) {
		snprintf(why, whylen, "want %s%s%s, got %s: %s [layer %s]", names[r->want], r->reason ? " with " : "",
			 r->reason ? r->reason : "", names[got], d.reason, d.layer);
		config_free(cfg);
		return 0;
	}
	config_free(cfg);
	return 1;
}


TEST(entry_matching)
{
	CHECK(policy_entry_matches(" exec ", POLICY_TOOL_EXEC));
	CHECK(policy_entry_matches("group:all", POLICY_TOOL_APPLY_PATCH));
	CHECK(!policy_entry_matches("group:runtime", POLICY_TOOL_READ));
	CHECK(policy_entry_matches("?ead", POLICY_TOOL_READ));
	CHECK(!policy_entry_matches("", POLICY_TOOL_READ));
	CHECK(!policy_entry_known("browser"));
	CHECK(policy_entry_known("group:fs"));
	CHECK(policy_tool_find("apply_patch") == POLICY_TOOL_APPLY_PATCH);
	CHECK(policy_tool_find("Exec") == -1);
}

TEST(explain_output)
{
	char why[512], *text = NULL;
	size_t len = 0;
	struct config *cfg = load(ALL "workspace_access = ro\n[tools]\ndeny = process\n" ELEV_ON, why, sizeof why);
	struct policy_session s;
	FILE *f;
	cJSON *j;

	CHECK(cfg != NULL);
	policy_session_init(&s, cfg, config_agent_find(cfg, "main"), "agent:main:main", "telegram:42");
	f = open_memstream(&text, &len);
	policy_explain_print(&s, f);
	fclose(f);
	CHECK_CONTAINS(text, "mode (chela.ini:2) = all");
	CHECK_CONTAINS(text, "process      denied           denied by tools.deny (chela.ini:5)");
	CHECK_CONTAINS(text, "exec         host (elevated)");
	CHECK_CONTAINS(text, "write        denied");
	CHECK_CONTAINS(text, "read         sandbox");
	free(text);
	j = policy_explain_json(&s);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "sandboxed")));
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "tools")) == POLICY_TOOL_COUNT);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "tools"), 1), "key")->valuestring,
		  "tools.deny (chela.ini:5)");
	cJSON_Delete(j);
	config_free(cfg);
}

int main(void)
{
	size_t i;
	char why[1024];

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (row_run(&rows[i], why, sizeof why)) {
			harness_passed++;
			printf("ok test_policy: %s\n", rows[i].name);
		} else {
			harness_failed++;
			printf("not ok test_policy: %s: %s\n", rows[i].name, why);
		}
	}
	RUN(entry_matching);
	RUN(explain_output);
	return harness_done();
}
