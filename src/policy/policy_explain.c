/* policy/policy_explain.c — the effective tool list with reasons (see policy.h) */
#include "policy/policy.h"

#include "config/config.h"

#include <cJSON.h>
#include <stdio.h>

static const char *where_name(const struct policy_decision *d)
{
	if (!d->allowed)
		return "denied";
	if (d->elevated)
		return "host (elevated)";
	return d->where == POLICY_WHERE_SANDBOX ? "sandbox" : "host";
}

/* see policy.h */
void policy_explain_print(const struct policy_session *s, FILE *f)
{
	char why[POLICY_REASON_MAX];
	struct policy_decision d;
	int t, elev;

	policy_session_sandboxed(s->cfg, s->agent, s->session_key, why, sizeof why);
	fprintf(f, "tools for agent %s, session %s (%s):\n", s->agent && s->agent->id ? s->agent->id : "main",
		s->session_key ? s->session_key : "(main)", s->sandboxed ? "sandboxed" : "host");
	fprintf(f, "  sandbox: %s\n", why);
	for (t = 0; t < POLICY_TOOL_COUNT; t++) {
		policy_decide(s, (enum policy_tool)t, &d);
		fprintf(f, "  %-12s %-16s %s\n", policy_tool_name((enum policy_tool)t), where_name(&d), d.reason);
	}
	elev = policy_elevated_allowed(s, why, sizeof why);
	fprintf(f, "  elevated: %s%s\n", elev ? "yes: " : "no: ", why);
	if (!s->sandboxed && elev)
		fprintf(f, "  (the session is not sandboxed, so elevated exec changes nothing)\n");
}

/* see policy.h */
cJSON *policy_explain_json(const struct policy_session *s)
{
	char why[POLICY_REASON_MAX];
	struct policy_decision d;
	cJSON *root = cJSON_CreateObject(), *tools, *o;
	int t;

	if (!root)
		return NULL;
	policy_session_sandboxed(s->cfg, s->agent, s->session_key, why, sizeof why);
	cJSON_AddStringToObject(root, "agent", s->agent && s->agent->id ? s->agent->id : "main");
	if (s->session_key)
		cJSON_AddStringToObject(root, "session", s->session_key);
	cJSON_AddBoolToObject(root, "sandboxed", s->sandboxed);
	cJSON_AddStringToObject(root, "sandbox_reason", why);
	cJSON_AddBoolToObject(root, "elevated", policy_elevated_allowed(s, why, sizeof why));
	cJSON_AddStringToObject(root, "elevated_reason", why);
	tools = cJSON_AddArrayToObject(root, "tools");
	for (t = 0; tools && t < POLICY_TOOL_COUNT; t++) {
		policy_decide(s, (enum policy_tool)t, &d);
		o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddStringToObject(o, "name", policy_tool_name((enum policy_tool)t));
		cJSON_AddBoolToObject(o, "allowed", d.allowed);
		cJSON_AddStringToObject(o, "where", d.allowed ? (d.where == POLICY_WHERE_SANDBOX ? "sandbox" : "host") : "none");
		cJSON_AddBoolToObject(o, "elevated", d.elevated);
		cJSON_AddStringToObject(o, "layer", d.layer);
		cJSON_AddStringToObject(o, "key", d.key);
		cJSON_AddStringToObject(o, "reason", d.reason);
		cJSON_AddItemToArray(tools, o);
	}
	return root;
}
