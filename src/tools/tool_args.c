/*
 * tools/tool_args.c — each tool's argument schema, as one table that both produces the JSON
 * schema the model sees and validates what the model sends back (so the two cannot drift).
 */
#include "tools/tool_internal.h"

#include "util/err.h"

#include <cJSON.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

enum arg_type { ARG_STR, ARG_INT, ARG_BOOL };

struct arg_spec {
	const char *name;
	enum arg_type type;
	int required;
	size_t off;            /* into struct tool_args */
	long min, max;         /* ARG_INT range; ARG_STR: min 1 means non-empty */
	const char *enumvals;  /* ARG_STR: "a|b|c" */
	const char *desc;
};

#define S(n, req, f, nonempty, d) {n, ARG_STR, req, offsetof(struct tool_args, f), nonempty, 0, NULL, d}
#define E(n, req, f, vals, d) {n, ARG_STR, req, offsetof(struct tool_args, f), 1, 0, vals, d}
#define I(n, f, lo, hi, d) {n, ARG_INT, 0, offsetof(struct tool_args, f), lo, hi, NULL, d}
#define B(n, f, d) {n, ARG_BOOL, 0, offsetof(struct tool_args, f), 0, 0, NULL, d}
#define END {NULL, ARG_STR, 0, 0, 0, 0, NULL, NULL}

static const struct arg_spec exec_args[] = {
	S("command", 1, command, 1, "shell command, run as sh -lc"),
	S("workdir", 0, workdir, 1, "working directory, relative to the workspace (default: the workspace)"),
	I("timeout_s", timeout_s, 1, TOOLS_EXEC_MAX_TIMEOUT_S, "seconds before the whole process tree is killed"),
	B("background", background, "start it in the background and return an id for the process tool"),
	END,
};
static const struct arg_spec process_args[] = {
	E("action", 1, action, "list|poll|log|kill", "list background commands, poll one, read its log, or kill it"),
	S("id", 0, id, 1, "the id exec returned (not needed for list)"),
	END,
};
static const struct arg_spec read_args[] = {
	S("path", 1, path, 1, "file path, relative to the workspace"),
	I("offset", offset, 1, 1L << 30, "first line to return, 1-based (default 1)"),
	I("limit", limit, 1, TOOLS_READ_MAX_LINES, "number of lines to return"),
	END,
};
static const struct arg_spec write_args[] = {
	S("path", 1, path, 1, "file path, relative to the workspace; parents are created"),
	S("content", 1, content, 0, "the whole new content of the file"),
	END,
};
static const struct arg_spec edit_args[] = {
	S("path", 1, path, 1, "file path, relative to the workspace"),
	S("old", 1, old_text, 1, "exact text to replace; must occur exactly once unless replace_all"),
	S("new", 1, new_text, 0, "replacement text"),
	B("replace_all", replace_all, "replace every occurrence of old"),
	END,
};
static const struct arg_spec patch_args[] = {
	S("patch", 1, patch, 1, "a patch from '*** Begin Patch' to '*** End Patch' with Add/Update/Delete File "
				 "sections and @@ hunks; applied atomically"),
	END,
};

static const struct {
	const struct arg_spec *args;
	const char *desc;
} tools[POLICY_TOOL_COUNT] = {
	[POLICY_TOOL_EXEC] = {exec_args, "Run a shell command in the workspace; returns exit_code, stdout and stderr "
					 "(long output keeps its head and tail)."},
	[POLICY_TOOL_PROCESS] = {process_args, "Manage background commands started by exec with background=true."},
	[POLICY_TOOL_READ] = {read_args, "Read a text file from the workspace, by lines."},
	[POLICY_TOOL_WRITE] = {write_args, "Create or replace a file in the workspace."},
	[POLICY_TOOL_EDIT] = {edit_args, "Replace exact text in a file."},
	[POLICY_TOOL_APPLY_PATCH] = {patch_args, "Apply a multi-file patch (add, update, delete, move) atomically."},
};

const char *tools_description(enum policy_tool t)
{
	return (unsigned)t < POLICY_TOOL_COUNT ? tools[t].desc : NULL;
}

/* see tools.h */
cJSON *tools_schema(enum policy_tool t)
{
	const struct arg_spec *a;
	cJSON *s, *props, *req, *p;

	if ((unsigned)t >= POLICY_TOOL_COUNT)
		return NULL;
	s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "type", "object");
	props = cJSON_AddObjectToObject(s, "properties");
	req = cJSON_AddArrayToObject(s, "required");
	for (a = tools[t].args; a->name; a++) {
		p = cJSON_AddObjectToObject(props, a->name);
		cJSON_AddStringToObject(p, "type", a->type == ARG_STR ? "string" : a->type == ARG_INT ? "integer" : "boolean");
		cJSON_AddStringToObject(p, "description", a->desc);
		if (a->type == ARG_INT) {
			cJSON_AddNumberToObject(p, "minimum", (double)a->min);
			cJSON_AddNumberToObject(p, "maximum", (double)a->max);
		}
		if (a->enumvals) {
			cJSON *e = cJSON_AddArrayToObject(p, "enum");
			const char *v = a->enumvals;

			while (*v) {
				size_t n = strcspn(v, "|");
				char tmp[32];

				snprintf(tmp, sizeof tmp, "%.*s", (int)n, v);
				cJSON_AddItemToArray(e, cJSON_CreateString(tmp));
				v += n + (v[n] == '|');
			}
		}
		if (a->required)
			cJSON_AddItemToArray(req, cJSON_CreateString(a->name));
	}
	cJSON_AddBoolToObject(s, "additionalProperties", 0);
	return s;
}

static int enum_has(const char *vals, const char *v)
{
	size_t n = strlen(v);

	while (*vals) {
		size_t k = strcspn(vals, "|");

		if (k == n && strncmp(vals, v, n) == 0)
			return 1;
		vals += k + (vals[k] == '|');
	}
	return 0;
}

static int check_one(const char *tool, const struct arg_spec *a, const cJSON *v, struct tool_args *out, char *err,
		     size_t errlen)
{
	char *base = (char *)out;

	switch (a->type) {
	case ARG_STR:
		if (!cJSON_IsString(v) || !v->valuestring)
			return err_set(err, errlen, "%s: argument '%s' must be a string", tool, a->name);
		if (a->min && !v->valuestring[0])
			return err_set(err, errlen, "%s: argument '%s' must not be empty", tool, a->name);
		if (a->enumvals && !enum_has(a->enumvals, v->valuestring))
			return err_set(err, errlen, "%s: argument '%s' must be one of %s, not '%.40s'", tool, a->name,
				       a->enumvals, v->valuestring);
		*(const char **)(base + a->off) = v->valuestring;
		return 0;
	case ARG_INT:
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble))
			return err_set(err, errlen, "%s: argument '%s' must be an integer", tool, a->name);
		if (v->valuedouble < (double)a->min || v->valuedouble > (double)a->max)
			return err_set(err, errlen, "%s: argument '%s' must be between %ld and %ld", tool, a->name, a->min,
				       a->max);
		*(long *)(base + a->off) = (long)v->valuedouble;
		return 0;
	case ARG_BOOL:
		if (!cJSON_IsBool(v))
			return err_set(err, errlen, "%s: argument '%s' must be true or false", tool, a->name);
		*(int *)(base + a->off) = cJSON_IsTrue(v);
		return 0;
	}
	return err_set(err, errlen, "%s: argument '%s' has an unknown type", tool, a->name);
}

/* see tool_internal.h */
int tool_args_parse(enum policy_tool t, const char *json, size_t len, struct tool_args *out, char *err, size_t errlen)
{
	const char *tool = policy_tool_name(t);
	const struct arg_spec *a;
	const cJSON *v, *w;

	memset(out, 0, sizeof *out);
	out->tool = t;
	if (!tool)
		return err_set(err, errlen, "no such tool");
	if (len > TOOLS_ARGS_MAX_BYTES)
		return err_set(err, errlen, "%s: arguments are %zu bytes, over the %d-byte limit", tool, len,
			       TOOLS_ARGS_MAX_BYTES);
	out->root = cJSON_ParseWithLength(json ? json : "", json ? len : 0);
	if (!out->root)
		return err_set(err, errlen, "%s: arguments are not valid JSON", tool);
	if (!cJSON_IsObject(out->root)) {
		err_set(err, errlen, "%s: arguments must be a JSON object", tool);
		goto fail;
	}
	for (v = out->root->child; v; v = v->next) {
		for (a = tools[t].args; a->name; a++)
			if (v->string && strcmp(v->string, a->name) == 0)
				break;
		if (!a->name) {
			err_set(err, errlen, "%s: unknown argument '%.60s'", tool, v->string ? v->string : "");
			goto fail;
		}
		/* A repeated name is refused: the last copy would run while a log or the web page,
		 * looking the name up, shows the first. Earlier members are all known names, so
		 * this scans a handful at most. */
		for (w = out->root->child; w != v; w = w->next) {
			if (strcmp(w->string, v->string) == 0) {
				err_set(err, errlen, "%s: argument '%s' is given twice", tool, v->string);
				goto fail;
			}
		}
		if (cJSON_IsNull(v))
			continue; /* an optional argument sent as null means "not given" */
		if (check_one(tool, a, v, out, err, errlen) < 0)
			goto fail;
	}
	for (a = tools[t].args; a->name; a++) {
		if (a->required && a->type == ARG_STR && !*(const char **)((char *)out + a->off)) {
			err_set(err, errlen, "%s: missing required argument '%s'", tool, a->name);
			goto fail;
		}
	}
	if (t == POLICY_TOOL_PROCESS && strcmp(out->action, "list") != 0 && !out->id) {
		err_set(err, errlen, "process: action '%s' needs an 'id'", out->action);
		goto fail;
	}
	return 0;
fail:
	tool_args_free(out);
	return -1;
}

void tool_args_free(struct tool_args *a)
{
	if (!a)
		return;
	cJSON_Delete(a->root);
	a->root = NULL;
}
