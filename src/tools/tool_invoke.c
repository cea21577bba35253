/*
 * tools/tool_invoke.c — one tool call exactly as the agent makes it: policy decision, then the
 * backend the decision names (host workspace, the session's sandbox container, or the host for
 * elevated exec), then the tool. `chela tool`, POST /tools/invoke and the agent loop share it.
 */
#include "tools/tool_invoke.h"
#include "tools/tool_internal.h"
#include "tools/tool_sandbox.h"

#include "config/config.h"
#include "docker/docker.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_manager.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SANDBOX_PROCDIR "/tmp/chela-procs" /* in the container: /tmp is a writable tmpfs */

static char *denied_json(const struct tools_call *c, const struct policy_decision *d, const char *session)
{
	char msg[POLICY_REASON_MAX + SESSION_KEY_MAX + 200];
	cJSON *r = cJSON_CreateObject();
	char *s;

	snprintf(msg, sizeof msg, "tool %.40s is not available to agent %.48s in session %.256s: %.320s", c->tool,
		 c->agent && c->agent->id ? c->agent->id : "main", session, d->reason);
	cJSON_AddBoolToObject(r, "ok", 0);
	cJSON_AddBoolToObject(r, "denied", 1);
	cJSON_AddStringToObject(r, "tool", c->tool);
	cJSON_AddStringToObject(r, "layer", d->layer);
	cJSON_AddStringToObject(r, "key", d->key);
	cJSON_AddStringToObject(r, "error", msg);
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s;
}

/* The host backend rooted in the agent workspace; per-session process state under <state>. */
static struct tool_backend *open_host(const struct tools_call *c, const char *session, char *err, size_t errlen)
{
	char slug[SANDBOX_SLUG_MAX + 1], procdir[4096];
	const char *state = c->cfg && c->cfg->state_dir ? c->cfg->state_dir : "/tmp";

	if (fs_mkdir_p(c->agent->workspace, 0755, err, errlen) < 0)
		return NULL;
	sandbox_slug(session, SANDBOX_SLUG_PREFIX_MAX, slug);
	snprintf(procdir, sizeof procdir, "%s/agents/%s/procs/%s", state, c->agent->id, slug);
	return tool_host_open(c->agent->workspace, procdir, err, errlen);
}

/*
 * The backend inside the session's container. The sandbox manager makes sure the container
 * runs first: created lazily on the first call (one creator per container, under its lock),
 * restarted when stopped, recreated when its config changed — exactly what an agent turn does.
 */
static struct tool_backend *open_sandbox(const struct tools_call *c, const char *session, struct docker *d,
					 char *name, size_t namelen, char *err, size_t errlen)
{
	const struct config_sandbox *sb = &c->agent->sandbox;
	struct sandbox_mgr mgr;
	struct sandbox_handle h;
	struct tool_sandbox_opts o;
	struct tool_backend *be = NULL;
	char slug[SANDBOX_SLUG_MAX + 1], procdir[128];
	char **env = NULL;

	memset(&h, 0, sizeof h);
	if (docker_open(d, NULL, err, errlen) < 0)
		return NULL;
	if (sandbox_mgr_init(&mgr, c->cfg, d, err, errlen) < 0)
		return NULL;
	if (sandbox_ensure(&mgr, c->agent, session, &h, err, errlen) < 0)
		goto done;
	if (!h.decision.sandboxed) {
		/* policy and the manager read the same decision; this is a bug, not a user error */
		err_set(err, errlen, "session %s is not sandboxed after all (internal disagreement)", session);
		goto done;
	}
	snprintf(name, namelen, "%s", h.spec.name);
	env = sandbox_exec_env(&h.spec, NULL);
	sandbox_slug(session, SANDBOX_SLUG_PREFIX_MAX, slug);
	snprintf(procdir, sizeof procdir, "%s/%s", SANDBOX_PROCDIR, slug);
	memset(&o, 0, sizeof o);
	o.docker = d;
	o.container = h.id;
	o.workdir = sb->docker.workdir && sb->docker.workdir[0] ? sb->docker.workdir : SANDBOX_WORKSPACE_TARGET;
	o.user = h.spec.user;
	o.env = (const char *const *)env;
	o.procdir = procdir;
	be = tool_sandbox_open(&o, err, errlen);
done:
	sandbox_env_free(env);
	sandbox_handle_free(&h);
	sandbox_mgr_free(&mgr);
	return be;
}

/* The full key and the policy decision for c, shared by tools_invoke() and tools_where(). The
 * bare default is the configured main key, as everywhere else (policy_session_sandboxed). */
static int decide(const struct tools_call *c, char *session, size_t sessionlen, struct policy_decision *d)
{
	const char *main_key = c->cfg && c->cfg->session.main_key && c->cfg->session.main_key[0]
				       ? c->cfg->session.main_key : "main";
	struct policy_session ps;

	if (sandbox_session_key_normalize(c->agent->id, c->session_key && c->session_key[0] ? c->session_key : main_key,
					  session, sessionlen) < 0)
		return -1;
	policy_session_init(&ps, c->cfg, c->agent, session, c->sender);
	policy_decide(&ps, (enum policy_tool)policy_tool_find(c->tool), d);
	return 0;
}

/* see tool_invoke.h */
int tools_where(const struct tools_call *c, char *out, size_t outlen)
{
	char session[SESSION_KEY_MAX + 64], scope[SESSION_KEY_MAX + 64];
	const struct config_docker *dk;
	struct policy_decision d;

	if (outlen)
		out[0] = '\0';
	if (!c->agent || policy_tool_find(c->tool ? c->tool : "") < 0 || decide(c, session, sizeof session, &d) < 0 ||
	    !d.allowed)
		return -1;
	if (d.where != POLICY_WHERE_SANDBOX) {
		snprintf(out, outlen, "host");
		return 0;
	}
	dk = &c->agent->sandbox.docker;
	if (sandbox_scope_key(c->agent->sandbox.scope, c->agent->id, session, scope, sizeof scope) < 0 ||
	    sandbox_container_name(dk->container_prefix ? dk->container_prefix : SANDBOX_DEFAULT_PREFIX, scope, out,
				   outlen, NULL, 0) < 0) {
		snprintf(out, outlen, "sandbox");
	}
	return 0;
}

/* see tool_invoke.h */
char *tools_invoke(const struct tools_call *c, int *status)
{
	char session[SESSION_KEY_MAX + 64], err[ERR_LEN], where[SANDBOX_NAME_MAX + 1] = "host";
	struct policy_decision d;
	struct tool_backend *be = NULL;
	struct docker docker;
	char *res;
	int t = policy_tool_find(c->tool);

	*status = TOOLS_FAILED;
	if (c->where && c->wherelen)
		c->where[0] = '\0';
	if (!c->agent)
		return tools_error_json("no such agent");
	if (t < 0) {
		*status = TOOLS_UNKNOWN;
		snprintf(err, sizeof err, "no tool named '%.60s' (tools: exec, process, read, write, edit, apply_patch)",
			 c->tool ? c->tool : "");
		return tools_error_json(err);
	}
	if (decide(c, session, sizeof session, &d) < 0)
		return tools_error_json("the session key is too long");
	if (!d.allowed) {
		*status = TOOLS_DENIED;
		return denied_json(c, &d, session);
	}
	if (d.where == POLICY_WHERE_SANDBOX)
		be = open_sandbox(c, session, &docker, where, sizeof where, err, sizeof err);
	else
		be = open_host(c, session, err, sizeof err);
	if (!be) {
		char msg[ERR_LEN + 64];

		snprintf(msg, sizeof msg, "%s: %s", c->tool, err);
		return tools_error_json(msg);
	}
	if (c->where && c->wherelen)
		snprintf(c->where, c->wherelen, "%s", where);
	be->abort = c->abort;
	res = tools_run(be, c->tool, c->args ? c->args : "{}", c->args ? c->argslen : 2);
	tool_backend_close(be);
	if (res && strncmp(res, "{\"ok\":true", 10) == 0)
		*status = TOOLS_OK;
	return res;
}
