/* tools/tool_run.c — one tool call: validate the arguments, run the tool, shape the JSON (see tools.h) */
#include "tools/tool_internal.h"

#include "util/err.h"
#include "util/mem.h"

#include <cJSON.h>
#include <string.h>

char *tools_error_json(const char *msg)
{
	cJSON *r = cJSON_CreateObject();
	char *s;

	cJSON_AddBoolToObject(r, "ok", 0);
	tool_json_add_text(r, "error", msg, strlen(msg));
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s ? s : xstrdup("{\"ok\":false,\"error\":\"out of memory\"}");
}

char *tools_run(struct tool_backend *be, const char *tool, const char *args, size_t argslen)
{
	char err[ERR_LEN] = "";
	struct tool_args a;
	cJSON *r = NULL;
	char *s;
	int t = policy_tool_find(tool);

	if (t < 0) {
		err_set(err, sizeof err, "no tool named '%.60s' (tools: exec, process, read, write, edit, apply_patch)",
			tool ? tool : "");
		return tools_error_json(err);
	}
	if (tool_args_parse((enum policy_tool)t, args, argslen, &a, err, sizeof err) < 0)
		return tools_error_json(err);
	switch ((enum policy_tool)t) {
	case POLICY_TOOL_EXEC:
		r = tool_exec_run(be, &a, err, sizeof err);
		break;
	case POLICY_TOOL_PROCESS:
		r = tool_process_run(be, &a, err, sizeof err);
		break;
	case POLICY_TOOL_READ:
		r = tool_read_run(be, &a, err, sizeof err);
		break;
	case POLICY_TOOL_WRITE:
		r = tool_write_run(be, &a, err, sizeof err);
		break;
	case POLICY_TOOL_EDIT:
		r = tool_edit_run(be, &a, err, sizeof err);
		break;
	case POLICY_TOOL_APPLY_PATCH:
		r = tool_apply_patch_run(be, &a, err, sizeof err);
		break;
	case POLICY_TOOL_COUNT:
		break;
	}
	tool_args_free(&a);
	if (!r)
		return tools_error_json(err[0] ? err : "the tool failed without saying why");
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s ? s : tools_error_json("out of memory printing the result");
}
