/*
 * tools/tool_proc.c — exec and process. Foreground commands go straight to the backend's exec.
 * Background commands are started by a small sh script run *through the same exec*, so they
 * behave the same on the host and in a container: each gets a directory under the backend's
 * procdir holding command, pid (= its process group), stdout, stderr and, when it ends, exit.
 * The process tool reads those files back the same way.
 */
#include "tools/tool_internal.h"

#include "util/err.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/str.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROC_SCRIPT_TIMEOUT_MS 15000 /* bookkeeping scripts are quick; a stuck one is an error */
#define PROC_POLL_TAIL         "4096" /* bytes of output poll shows (log shows it all, capped) */

/* Start: the inner sh becomes a session leader, so its pid is the group the kill action ends. */
static const char start_script[] =
	"d=\"$1/$2\"; mkdir -p \"$d\" || exit 1\n"
	"printf '%s\\n' \"$3\" > \"$d/command\"\n"
	"setsid sh -c 'echo $$ > \"$1/pid\"; sh -lc \"$2\" > \"$1/stdout\" 2> \"$1/stderr\" < /dev/null;"
	" echo $? > \"$1/exit.tmp\"; mv \"$1/exit.tmp\" \"$1/exit\"' _ \"$d\" \"$3\" > /dev/null 2>&1 < /dev/null &\n"
	"i=0; while [ ! -s \"$d/pid\" ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done\n"
	"cat \"$d/pid\"\n";

/* Status of one command: "<id>\t<running|exited|killed|lost>\t<exit code or ->\t<command>". */
static const char status_fn[] =
	"st() { d=\"$1\"; id=${d%/}; id=${id##*/}\n"
	"  if [ -f \"$d/exit\" ]; then s=exited; c=$(cat \"$d/exit\")\n"
	"  elif [ -f \"$d/killed\" ]; then s=killed; c=-\n"
	"  elif [ -s \"$d/pid\" ] && kill -0 \"$(cat \"$d/pid\")\" 2>/dev/null; then s=running; c=-\n"
	"  else s=lost; c=-; fi\n"
	"  printf '%s\\t%s\\t%s\\t%s\\n' \"$id\" \"$s\" \"$c\" \"$(head -c 200 \"$d/command\" 2>/dev/null | tr '\\n\\t' '  ')\"; }\n";

static const char list_body[] = "for d in \"$1\"/*/; do [ -d \"$d\" ] && st \"$d\"; done; exit 0\n";
static const char poll_body[] = "[ -d \"$1/$2\" ] || { echo \"no such process\" >&2; exit 3; }; st \"$1/$2\"\n";
static const char kill_body[] =
	"d=\"$1/$2\"; [ -d \"$d\" ] || { echo \"no such process\" >&2; exit 3; }\n"
	"if [ -f \"$d/exit\" ]; then st \"$d\"; exit 0; fi\n"
	"p=$(cat \"$d/pid\"); kill -KILL -\"$p\" 2>/dev/null || kill -KILL \"$p\" 2>/dev/null; : > \"$d/killed\"; st \"$d\"\n";

static int run_script(struct tool_backend *be, const char *script, const char *id, const char *file,
		      struct tool_exec_res *res, char *err, size_t errlen)
{
	char *argv[7] = {"sh", "-c", (char *)script, "chela-proc", (char *)be->procdir, (char *)id, (char *)file};
	char *v[8] = {0};
	struct tool_exec_req req;
	int i;

	/* argv stops at the first absent argument. */
	for (i = 0; i < 7 && argv[i]; i++)
		v[i] = argv[i];
	memset(&req, 0, sizeof req);
	req.argv = v;
	req.timeout_ms = PROC_SCRIPT_TIMEOUT_MS;
	req.head_cap = TOOLS_OUTPUT_HEAD_BYTES;
	req.tail_cap = TOOLS_OUTPUT_TAIL_BYTES;
	return be->exec(be, &req, res, err, errlen);
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = xmalloc(n);

	snprintf(s, n, "%s%s", a, b);
	return s;
}

/* Parse one status line into a JSON object. */
static cJSON *status_json(const char *line, size_t n)
{
	char *l = xstrndup(line, n), *f[4] = {0}, *p = l;
	cJSON *o = cJSON_CreateObject();
	int i;

	for (i = 0; i < 4 && p; i++) {
		f[i] = p;
		p = i < 3 ? strchr(p, '\t') : NULL;
		if (p)
			*p++ = '\0';
	}
	cJSON_AddStringToObject(o, "id", f[0] ? f[0] : "");
	cJSON_AddStringToObject(o, "status", f[1] ? f[1] : "lost");
	if (f[2] && strcmp(f[2], "-") != 0)
		cJSON_AddNumberToObject(o, "exit_code", atoi(f[2]));
	else
		cJSON_AddNullToObject(o, "exit_code");
	tool_json_add_text(o, "command", f[3] ? f[3] : "", f[3] ? strlen(f[3]) : 0);
	free(l);
	return o;
}

static int valid_id(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= 32 && strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

static cJSON *exec_background(struct tool_backend *be, const struct tool_args *a, const char *cwd, char *err,
			      size_t errlen)
{
	unsigned char rnd[5];
	char id[16], e[ERR_LEN];
	struct tool_exec_res res;
	struct tool_exec_req req;
	char *argv[9] = {"sh", "-c", (char *)start_script, "chela-proc", (char *)be->procdir, id, (char *)a->command,
			 NULL, NULL};
	cJSON *r = NULL;

	hash_random_bytes(rnd, sizeof rnd);
	id[0] = 'p';
	str_hex(rnd, sizeof rnd, id + 1);
	memset(&req, 0, sizeof req);
	req.argv = argv;
	req.cwd = cwd;
	req.timeout_ms = PROC_SCRIPT_TIMEOUT_MS;
	req.head_cap = TOOLS_OUTPUT_HEAD_BYTES;
	req.tail_cap = TOOLS_OUTPUT_TAIL_BYTES;
	if (be->exec(be, &req, &res, e, sizeof e) < 0) {
		err_set(err, errlen, "exec: %s", e);
		return NULL;
	}
	if (res.exit_code != 0 || res.out.len == 0) {
		err_set(err, errlen, "exec: could not start the background command: %.200s", res.err.data);
		goto done;
	}
	r = cJSON_CreateObject();
	cJSON_AddBoolToObject(r, "ok", 1);
	cJSON_AddStringToObject(r, "id", id);
	cJSON_AddStringToObject(r, "status", "running");
	cJSON_AddStringToObject(r, "hint", "use the process tool (poll, log, kill) with this id");
done:
	tool_exec_res_free(&res);
	return r;
}

static void add_output(cJSON *r, const char *name, const struct tool_output *o)
{
	char key[32];

	tool_json_add_text(r, name, o->data, o->len);
	if (o->dropped) {
		snprintf(key, sizeof key, "%s_dropped_bytes", name);
		cJSON_AddNumberToObject(r, key, (double)o->dropped);
	}
}

cJSON *tool_exec_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen)
{
	char cwd[TOOLS_PATH_MAX], e[ERR_LEN];
	char *argv[4] = {"sh", "-lc", (char *)a->command, NULL};
	long timeout_s = a->timeout_s > 0 ? a->timeout_s : TOOLS_EXEC_DEFAULT_TIMEOUT_S;
	struct tool_exec_req req;
	struct tool_exec_res res;
	cJSON *r;

	if (a->workdir && tool_path_rel(be->root, a->workdir, cwd, sizeof cwd, e, sizeof e) < 0) {
		err_set(err, errlen, "exec: workdir: %s", e);
		return NULL;
	}
	if (a->background)
		return exec_background(be, a, a->workdir ? cwd : NULL, err, errlen);
	memset(&req, 0, sizeof req);
	req.argv = argv;
	req.cwd = a->workdir ? cwd : NULL;
	req.timeout_ms = (int)(timeout_s * 1000);
	req.head_cap = TOOLS_OUTPUT_HEAD_BYTES;
	req.tail_cap = TOOLS_OUTPUT_TAIL_BYTES;
	if (be->exec(be, &req, &res, e, sizeof e) < 0) {
		err_set(err, errlen, "exec: %s", e);
		return NULL;
	}
	r = cJSON_CreateObject();
	cJSON_AddBoolToObject(r, "ok", !res.timed_out && !res.aborted);
	if (res.timed_out) {
		char msg[160];

		snprintf(msg, sizeof msg, "exec: timed out after %ld s; the whole process tree was killed", timeout_s);
		cJSON_AddStringToObject(r, "error", msg);
	} else if (res.aborted) {
		cJSON_AddStringToObject(r, "error", "exec: aborted; the whole process tree was killed");
		cJSON_AddBoolToObject(r, "aborted", 1);
	}
	if (res.timed_out || res.aborted) /* killed by us: the code the backend saw says nothing about the command */
		cJSON_AddNullToObject(r, "exit_code");
	else
		cJSON_AddNumberToObject(r, "exit_code", res.exit_code);
	cJSON_AddBoolToObject(r, "timed_out", res.timed_out);
	add_output(r, "stdout", &res.out);
	add_output(r, "stderr", &res.err);
	cJSON_AddNumberToObject(r, "duration_ms", (double)res.duration_ms);
	cJSON_AddStringToObject(r, "ran_in", be->kind);
	tool_exec_res_free(&res);
	return r;
}

cJSON *tool_process_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen)
{
	struct tool_exec_res res, o1, o2;
	char e[ERR_LEN], *script = NULL, *out, *nl;
	cJSON *r = NULL, *list;
	int rc;

	if (strcmp(a->action, "list") != 0 && !valid_id(a->id)) {
		err_set(err, errlen, "process: id '%.40s' is not an id exec returned", a->id);
		return NULL;
	}
	script = join(status_fn, strcmp(a->action, "list") == 0 ? list_body
				: strcmp(a->action, "kill") == 0 ? kill_body : poll_body);
	rc = run_script(be, script, strcmp(a->action, "list") == 0 ? NULL : a->id, NULL, &res, e, sizeof e);
	free(script);
	if (rc < 0) {
		err_set(err, errlen, "process: %s", e);
		return NULL;
	}
	if (res.exit_code == 3) {
		err_set(err, errlen, "process: no background command with id '%s' in this session", a->id);
		goto done;
	}
	if (res.exit_code != 0 || res.timed_out) {
		err_set(err, errlen, "process: %s failed: %.200s", a->action, res.err.data);
		goto done;
	}
	out = res.out.data;
	if (strcmp(a->action, "list") == 0) {
		r = cJSON_CreateObject();
		cJSON_AddBoolToObject(r, "ok", 1);
		list = cJSON_AddArrayToObject(r, "processes");
		while (*out && cJSON_GetArraySize(list) < TOOLS_PROC_MAX) {
			nl = strchr(out, '\n');
			cJSON_AddItemToArray(list, status_json(out, nl ? (size_t)(nl - out) : strlen(out)));
			out = nl ? nl + 1 : out + strlen(out);
		}
		goto done;
	}
	nl = strchr(out, '\n');
	r = status_json(out, nl ? (size_t)(nl - out) : strlen(out));
	cJSON_AddBoolToObject(r, "ok", 1);
	if (strcmp(a->action, "poll") == 0 || strcmp(a->action, "log") == 0) {
		/* poll shows the last few KiB; log all of it (head+tail capped like exec). */
		const char *cat = strcmp(a->action, "poll") == 0 ? "tail -c " PROC_POLL_TAIL " \"$1/$2/$3\" 2>/dev/null; exit 0"
							       : "cat \"$1/$2/$3\" 2>/dev/null; exit 0";

		memset(&o1, 0, sizeof o1);
		memset(&o2, 0, sizeof o2);
		if (run_script(be, cat, a->id, "stdout", &o1, e, sizeof e) == 0)
			add_output(r, "stdout", &o1.out);
		if (run_script(be, cat, a->id, "stderr", &o2, e, sizeof e) == 0)
			add_output(r, "stderr", &o2.out);
		tool_exec_res_free(&o1);
		tool_exec_res_free(&o2);
	}
done:
	tool_exec_res_free(&res);
	return r;
}
