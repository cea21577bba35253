/* sandbox/sandbox_explain_text.c — the human view of an explain document (see sandbox_explain.h). */
#include "sandbox/sandbox_explain.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static int flag(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* "a, b, c" from an array of strings, or `none`. */
static void join(const cJSON *arr, const char *none, char *out, size_t outlen)
{
	const cJSON *e;
	size_t n = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(e, arr)
	{
		if (!cJSON_IsString(e))
			continue;
		n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%s", n ? ", " : "", e->valuestring);
		if (n >= outlen)
			break;
	}
	if (out[0] == '\0')
		snprintf(out, outlen, "%s", none);
}

static void print_container(const cJSON *c, FILE *f)
{
	const cJSON *m;
	char line[4096];

	fprintf(f, "container:        %s\n", str(c, "name"));
	fprintf(f, "  scope key:      %s\n", str(c, "scope_key"));
	fprintf(f, "  image:          %s\n", str(c, "image"));
	fprintf(f, "  network:        %s\n", str(c, "network"));
	fprintf(f, "  runtime:        %s\n", *str(c, "runtime") ? str(c, "runtime") : "engine default");
	if (strcmp(str(c, "user_from"), "gateway-uid") == 0)
		fprintf(f, "  user:           %s (chela's own uid, so the mounted workspace is writable; set "
			   "[agents.defaults.sandbox.docker] user to change)\n", str(c, "user"));
	else
		fprintf(f, "  user:           %s\n", *str(c, "user") ? str(c, "user") : "image default");
	fprintf(f, "  root fs:        %s\n", flag(c, "read_only_root") ? "read-only" : "writable");
	join(cJSON_GetObjectItemCaseSensitive(c, "cap_drop"), "none", line, sizeof line);
	fprintf(f, "  cap drop:       %s", line);
	join(cJSON_GetObjectItemCaseSensitive(c, "cap_add"), "", line, sizeof line);
	fprintf(f, "%s%s\n", *line ? "; add " : "", line);
	{
		char mem[32] = "unlimited", cpus[32] = "unlimited", pids[32] = "unlimited";

		if (num(c, "memory") > 0)
			snprintf(mem, sizeof mem, "%.0f bytes", num(c, "memory"));
		if (num(c, "cpus") > 0)
			snprintf(cpus, sizeof cpus, "%g", num(c, "cpus"));
		if (num(c, "pids_limit") > 0)
			snprintf(pids, sizeof pids, "%.0f", num(c, "pids_limit"));
		fprintf(f, "  limits:         pids %s, memory %s, cpus %s\n", pids, mem, cpus);
	}
	join(cJSON_GetObjectItemCaseSensitive(c, "tmpfs"), "none", line, sizeof line);
	fprintf(f, "  tmpfs:          %s\n", line);
	fprintf(f, "  mounts:\n");
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c, "mounts"))
		fprintf(f, "    %-12s %s  <- %s  (%s)\n", str(m, "target"), str(m, "mode"), str(m, "source"),
			str(m, "kind"));
	join(cJSON_GetObjectItemCaseSensitive(c, "env"), "none", line, sizeof line);
	fprintf(f, "  env:            %s\n", line);
	if (*str(c, "setup_command"))
		fprintf(f, "  setup command:  %s\n", str(c, "setup_command"));
	fprintf(f, "  config hash:    %s\n", str(c, "config_hash"));
}

void sandbox_explain_print_text(const cJSON *doc, FILE *f)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "container");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "state");
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(doc, SANDBOX_EXPLAIN_TOOLS_KEY);
	const cJSON *e;

	fprintf(f, "agent:            %s\n", str(doc, "agent"));
	fprintf(f, "session:          %s%s\n", str(doc, "session"), flag(doc, "main_session") ? " (main)" : "");
	fprintf(f, "sandboxed:        %s\n", flag(doc, "sandboxed") ? "yes" : "no");
	fprintf(f, "why:              %s\n", str(doc, "reason"));
	fprintf(f, "mode:             %s\n", str(doc, "mode"));
	fprintf(f, "scope:            %s\n", str(doc, "scope"));
	fprintf(f, "workspace access: %s%s\n", str(doc, "workspace_access"),
		flag(doc, "write_tools_disabled") ? " (write, edit and apply_patch are disabled)" : "");
	if (*str(doc, "error"))
		fprintf(f, "error:            %s\n", str(doc, "error"));
	if (c)
		print_container(c, f);
	if (st)
		fprintf(f, "state:            %s%s%s\n", str(st, "status"), *str(st, "detail") ? " — " : "",
			str(st, "detail"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "warnings"))
		if (cJSON_IsString(e))
			fprintf(f, "warning:          %s\n", e->valuestring);
	if (tools) {
		fprintf(f, "tools:\n");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(tools, "lines"))
			if (cJSON_IsString(e))
				fprintf(f, "  %s\n", e->valuestring);
	}
	fprintf(f, "to change this:\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "fix"))
		fprintf(f, "  %s = %s  (%s)\n      %s\n", str(e, "key"), *str(e, "value") ? str(e, "value") : "(empty)",
			str(e, "set_at"), str(e, "effect"));
}
