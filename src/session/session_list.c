/*
 * session/session_list.c — session_list(): every session of one agent or of all, from the
 * indexes alone (no transcript is opened, so listing stays cheap however long they are).
 */
#include "session/session_int.h"

#include "config/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#include <cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double num_of(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(it) ? it->valuedouble : 0;
}

static const char *str_of(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(it) ? it->valuestring : "";
}

/* Add agent_id's sessions to the array; a broken index is logged and skipped when listing all
 * agents (one bad file must not hide the others), an error otherwise. */
static int add_agent(struct session_store *st, const char *agent_id, cJSON *arr, int strict, char *err,
		     size_t errlen)
{
	char *dir = session_dir(st, agent_id, err, errlen);
	cJSON *idx, *e;

	if (!dir)
		return strict ? -1 : 0;
	idx = session_index_read(dir, err, errlen);
	free(dir);
	if (!idx) {
		if (strict)
			return -1;
		log_event(LOG_WARN, "session.list_skipped", "agent=%s error=%s", log_quote(agent_id), log_quote(err));
		return 0;
	}
	cJSON_ArrayForEach(e, idx) {
		cJSON *o;

		if (!cJSON_IsObject(e) || !e->string || cJSON_GetArraySize(arr) >= SESSION_MAX_SESSIONS)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", e->string);
		cJSON_AddStringToObject(o, "agentId", agent_id);
		cJSON_AddStringToObject(o, "sessionId", str_of(e, "sessionId"));
		cJSON_AddNumberToObject(o, "createdAt", num_of(e, "createdAt"));
		cJSON_AddNumberToObject(o, "updatedAt", num_of(e, "updatedAt"));
		cJSON_AddNumberToObject(o, "messages", num_of(e, "messages"));
		cJSON_AddStringToObject(o, "title", str_of(e, "title"));
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_Delete(idx);
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	double ux = num_of(x, "updatedAt"), uy = num_of(y, "updatedAt");

	if (ux != uy)
		return ux < uy ? 1 : -1;
	return strcmp(str_of(x, "key"), str_of(y, "key")); /* stable order for equal times */
}

static cJSON *sorted(cJSON *arr)
{
	int n = cJSON_GetArraySize(arr), i;
	cJSON **items, *out = cJSON_CreateArray();

	if (n == 0) {
		cJSON_Delete(arr);
		return out;
	}
	items = xcalloc((size_t)n, sizeof *items);
	for (i = n - 1; i >= 0; i--)
		items[i] = cJSON_DetachItemFromArray(arr, i);
	qsort(items, (size_t)n, sizeof *items, newest_first);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(out, items[i]);
	free(items);
	cJSON_Delete(arr);
	return out;
}

/* see session.h */
struct cJSON *session_list(struct session_store *st, const struct config *cfg, const char *agent_id, char *err,
			   size_t errlen)
{
	cJSON *arr = cJSON_CreateArray();
	int i;

	if (agent_id && agent_id[0]) {
		if (add_agent(st, agent_id, arr, 1, err, errlen) < 0) {
			cJSON_Delete(arr);
			return NULL;
		}
	} else if (cfg) {
		for (i = 0; i < cfg->nagents; i++)
			add_agent(st, cfg->agents[i].id, arr, 0, err, errlen);
	} else { /* no config: whatever agents have state on disk */
		size_t n = strlen(st->state_dir) + 16;
		char *path = xmalloc(n);
		DIR *d;
		struct dirent *de;

		snprintf(path, n, "%s/agents", st->state_dir);
		d = opendir(path);
		while (d && (de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && session_agent_id_valid(de->d_name))
				add_agent(st, de->d_name, arr, 0, err, errlen);
		if (d)
			closedir(d);
		free(path);
	}
	return sorted(arr);
}
