/* policy/explain_doc.c — see explain_doc.h */
#include "policy/explain_doc.h"

#include "config/config.h"
#include "policy/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_explain.h"
#include "util/err.h"
#include "util/limits.h"

#include <cJSON.h>
#include <string.h>

/* see explain_doc.h */
const struct config_agent *explain_doc_resolve(const struct config *cfg, const char *agent_id, const char *session_key,
					  char *key, size_t keylen, char *err, size_t errlen)
{
	char from_key[CONFIG_AGENT_ID_MAX + 8];
	const struct config_agent *agent;
	const char *id = agent_id;
	size_t n = 0;
	int i;

	if (session_key && sandbox_session_key_agent(session_key, from_key, sizeof from_key) == 0) {
		if (agent_id && *agent_id && strcmp(agent_id, from_key) != 0) {
			err_set(err, errlen, "session %s belongs to agent \"%s\", not agent \"%s\"", session_key, from_key,
				agent_id);
			return NULL;
		}
		id = from_key;
	}
	if ((agent = config_agent_find(cfg, id)) == NULL) {
		/* Name the agents there are, so the fix is obvious. */
		n = (size_t)snprintf(err, errlen, "no agent \"%s\" in %s (agents:", id, cfg->path ? cfg->path : "the config");
		for (i = 0; i < cfg->nagents && n < errlen; i++)
			n += (size_t)snprintf(err + n, errlen - n, " %s", cfg->agents[i].id);
		if (n < errlen)
			snprintf(err + n, errlen - n, ")");
		return NULL;
	}
	if (sandbox_session_key_normalize(agent->id, session_key ? session_key : cfg->session.main_key, key, keylen) < 0) {
		err_set(err, errlen, "session key longer than %d bytes", SESSION_KEY_MAX);
		return NULL;
	}
	return agent;
}

static void add_list(cJSON *obj, const char *name, const struct config_list *l)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, name);
	int i;

	for (i = 0; l && i < l->n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(l->items[i]));
}

/* The column the text view shows for a tool: where it runs, or "denied". */
static const char *where_col(const cJSON *o)
{
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "allowed")))
		return "denied";
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "elevated")))
		return "host (elevated)";
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "where"));
}

/* The policy part: the engine's decisions (policy_explain_json) plus the elevated settings,
 * and the text lines made from that same data. */
static void tools_build(cJSON *doc, const struct config *cfg, const struct config_agent *agent, const char *key,
			const char *sender)
{
	cJSON *tools = cJSON_AddObjectToObject(doc, SANDBOX_EXPLAIN_TOOLS_KEY);
	cJSON *lines = cJSON_AddArrayToObject(tools, "lines");
	cJSON *elev = cJSON_CreateObject(), *pol, *list, *o;
	char line[POLICY_REASON_MAX + 64];
	struct policy_session ps;
	const char *why;
	int allowed;

	policy_session_init(&ps, cfg, agent, key, sender);
	pol = policy_explain_json(&ps);
	if (sender)
		cJSON_AddStringToObject(tools, "sender", sender);
	list = pol ? cJSON_DetachItemFromObjectCaseSensitive(pol, "tools") : NULL;
	cJSON_AddItemToObject(tools, "list", list ? list : cJSON_CreateArray());
	cJSON_ArrayForEach(o, list) {
		snprintf(line, sizeof line, "%-12s %-16s %s", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name")),
			 where_col(o), cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "reason")));
		cJSON_AddItemToArray(lines, cJSON_CreateString(line));
	}
	allowed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pol, "elevated"));
	why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pol, "elevated_reason"));
	cJSON_AddBoolToObject(elev, "allowed", allowed);
	cJSON_AddStringToObject(elev, "reason", why ? why : "");
	cJSON_AddBoolToObject(elev, "enabled", ps.global && ps.global->elevated_enabled &&
						!(agent->tools.elevated_enabled_set && !agent->tools.elevated_enabled));
	add_list(elev, "allow_from", ps.global ? &ps.global->elevated_allow_from : NULL);
	add_list(elev, "agent_allow_from", &agent->tools.elevated_allow_from);
	cJSON_AddItemToObject(tools, "elevated", elev);
	/* Elevated exec only moves exec out of a sandbox: say so rather than let "yes" mislead. */
	snprintf(line, sizeof line, "elevated: %s%s%s", allowed ? "yes: " : "no: ", why ? why : "",
		 allowed && !ps.sandboxed ? " (the session is not sandboxed, so it changes nothing)" : "");
	cJSON_AddItemToArray(lines, cJSON_CreateString(line));
	cJSON_Delete(pol);
}

/* see explain_doc.h */
cJSON *explain_doc_build_live(const struct config *cfg, const char *agent_id, const char *session_key,
			      const char *sender, struct sandbox_mgr *mgr, const char *engine_error, char *err,
			      size_t errlen)
{
	const struct config_agent *agent;
	char key[SESSION_KEY_MAX + 1];
	cJSON *doc;

	if ((agent = explain_doc_resolve(cfg, agent_id, session_key, key, sizeof key, err, errlen)) == NULL)
		return NULL;
	doc = sandbox_explain_build(cfg, agent, key, mgr, engine_error);
	if (doc == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	tools_build(doc, cfg, agent, key, sender && *sender ? sender : NULL);
	return doc;
}

/* see explain_doc.h */
cJSON *explain_doc_build(const struct config *cfg, const char *agent_id, const char *session_key, char *err,
			 size_t errlen)
{
	return explain_doc_build_live(cfg, agent_id, session_key, NULL, NULL, "not looked up (no engine connection "
				      "was asked for)", err, errlen);
}

/* see explain_doc.h */
void explain_doc_print_text(const cJSON *doc, FILE *f)
{
	sandbox_explain_print_text(doc, f);
}
