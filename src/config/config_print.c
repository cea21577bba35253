/*
 * config/config_print.c — the effective configuration as INI or JSON, secrets redacted.
 *
 * Both walk the schema, so every key appears with its effective value. Agents are printed
 * fully merged ([agent.<id>...]), which is what `config check` is for: seeing what chela will
 * actually do. Secret fields print as "<redacted>" when set; env values whose names look like
 * secrets too.
 */
#include "config/config_internal.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#define FIELD(base, f, type) ((const type *)((const char *)(base) + (f)->off))
#define REDACTED "<redacted>"

/* Format a field's value as INI text into out. */
static void format_value(const struct cfg_field *f, const void *base, char *out, size_t outlen)
{
	int i;

	out[0] = '\0';
	switch (f->type) {
	case CT_STR:
	case CT_PATH: {
		const char *s = *FIELD(base, f, char *);

		snprintf(out, outlen, "%s", (f->flags & CF_SECRET) && s && *s ? REDACTED : (s ? s : ""));
		break;
	}
	case CT_BOOL:
		snprintf(out, outlen, "%s", *FIELD(base, f, int) ? "true" : "false");
		break;
	case CT_INT:
		snprintf(out, outlen, "%ld", *FIELD(base, f, long));
		break;
	case CT_ENUM:
		snprintf(out, outlen, "%s", f->names[*FIELD(base, f, int)]);
		break;
	case CT_SIZE: {
		long long v = *FIELD(base, f, long long);

		if (v == 0)
			break;
		if (v % (1024LL * 1024 * 1024) == 0)
			snprintf(out, outlen, "%lldg", v / (1024LL * 1024 * 1024));
		else if (v % (1024LL * 1024) == 0)
			snprintf(out, outlen, "%lldm", v / (1024LL * 1024));
		else
			snprintf(out, outlen, "%lld", v);
		break;
	}
	case CT_DOUBLE:
		if (*FIELD(base, f, double) != 0)
			snprintf(out, outlen, "%g", *FIELD(base, f, double));
		break;
	case CT_LIST: {
		const struct config_list *l = FIELD(base, f, struct config_list);

		for (i = 0; i < l->n; i++)
			snprintf(out + strlen(out), outlen - strlen(out), "%s%s", i ? ", " : "", l->items[i]);
		break;
	}
	case CT_ENVMAP:
		break;
	}
}

static void print_section(FILE *out, enum cfg_owner owner, const char *rel, const char *header, const void *base)
{
	char value[8192];
	int i, printed_header = 0;

	for (i = 0; i < cfg_nfields; i++) {
		const struct cfg_field *f = &cfg_fields[i];

		if (f->owner != owner || strcmp(f->section, rel) != 0)
			continue;
		if (!printed_header) {
			fprintf(out, "\n[%s]\n", header);
			printed_header = 1;
		}
		if (f->type == CT_ENVMAP) {
			const struct config_envmap *m = FIELD(base, f, struct config_envmap);
			int j;

			for (j = 0; j < m->n; j++)
				fprintf(out, "%s = %s\n", m->items[j].key,
					config_key_looks_secret(m->items[j].key) ? REDACTED : m->items[j].value);
			continue;
		}
		format_value(f, base, value, sizeof value);
		fprintf(out, "%s = %s\n", f->key, value);
	}
}

static int tools_layer_set(const struct config_tools *t)
{
	return t->profile_set || t->allow.set || t->deny.set || t->sandbox.allow.set || t->sandbox.deny.set ||
	       t->elevated_enabled_set || t->elevated_allow_from.set;
}

void config_print_ini(const struct config *cfg, FILE *out)
{
	static const char *const globals[] = {"gateway", "session", "tools", "tools.sandbox", "tools.elevated", NULL};
	static const char *const agent_rels[] = {"", "model", "sandbox", "sandbox.docker", "sandbox.docker.env",
						 "sandbox.prune", NULL};
	char header[256];
	int i, j;

	fprintf(out, "; chela effective configuration (from %s%s)\n; state_dir = %s\n", cfg->path,
		cfg->file_loaded ? "" : ", absent: built-in defaults", cfg->state_dir);
	for (i = 0; globals[i]; i++) {
		if (i >= 2)
			print_section(out, CO_TOOLS, globals[i], globals[i], &cfg->tools);
		else
			print_section(out, CO_GLOBAL, globals[i], globals[i], cfg);
	}
	if (cfg->telegram.configured)
		print_section(out, CO_GLOBAL, "channel.telegram", "channel.telegram", cfg);
	if (cfg->discord.configured)
		print_section(out, CO_GLOBAL, "channel.discord", "channel.discord", cfg);
	for (i = 0; i < cfg->nagents; i++) {
		const struct config_agent *a = &cfg->agents[i];

		fprintf(out, "\n; agent \"%s\" (effective: [agents.defaults.*] merged with [agent.%s.*])", a->id, a->id);
		for (j = 0; agent_rels[j]; j++) {
			snprintf(header, sizeof header, "agent.%s%s%s", a->id, agent_rels[j][0] ? "." : "", agent_rels[j]);
			print_section(out, CO_AGENT, agent_rels[j], header, a);
		}
		if (tools_layer_set(&a->tools)) {
			for (j = 2; globals[j]; j++) {
				snprintf(header, sizeof header, "agent.%s.%s", a->id, globals[j]);
				print_section(out, CO_TOOLS, globals[j], header, &a->tools);
			}
		}
	}
}

/* JSON: nested objects following the section path. */
static cJSON *json_path(cJSON *root, const char *path)
{
	char part[128];
	cJSON *node = root;

	while (*path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		cJSON *child;

		snprintf(part, sizeof part, "%.*s", (int)n, path);
		child = cJSON_GetObjectItemCaseSensitive(node, part);
		if (child == NULL)
			child = cJSON_AddObjectToObject(node, part);
		node = child;
		path += n + (dot != NULL);
	}
	return node;
}

static void json_fields(cJSON *root, enum cfg_owner owner, const void *base, int only_set_tools)
{
	char value[8192];
	int i, j;

	for (i = 0; i < cfg_nfields; i++) {
		const struct cfg_field *f = &cfg_fields[i];
		cJSON *obj;

		if (f->owner != owner)
			continue;
		obj = json_path(root, f->section);
		switch (f->type) {
		case CT_BOOL:
			cJSON_AddBoolToObject(obj, f->key, *FIELD(base, f, int));
			break;
		case CT_INT:
			cJSON_AddNumberToObject(obj, f->key, (double)*FIELD(base, f, long));
			break;
		case CT_SIZE:
			cJSON_AddNumberToObject(obj, f->key, (double)*FIELD(base, f, long long));
			break;
		case CT_DOUBLE:
			cJSON_AddNumberToObject(obj, f->key, *FIELD(base, f, double));
			break;
		case CT_LIST: {
			const struct config_list *l = FIELD(base, f, struct config_list);
			cJSON *arr;

			if (only_set_tools && !l->set)
				break;
			arr = cJSON_AddArrayToObject(obj, f->key);
			for (j = 0; j < l->n; j++)
				cJSON_AddItemToArray(arr, cJSON_CreateString(l->items[j]));
			break;
		}
		case CT_ENVMAP: {
			const struct config_envmap *m = FIELD(base, f, struct config_envmap);

			for (j = 0; j < m->n; j++)
				cJSON_AddStringToObject(obj, m->items[j].key,
							config_key_looks_secret(m->items[j].key) ? REDACTED
												 : m->items[j].value);
			break;
		}
		default:
			if (only_set_tools && f->set_off >= 0 && !*(const int *)((const char *)base + f->set_off))
				break;
			format_value(f, base, value, sizeof value);
			cJSON_AddStringToObject(obj, f->key, value);
			break;
		}
	}
}

cJSON *config_to_json(const struct config *cfg)
{
	cJSON *root = cJSON_CreateObject(), *agents, *channels;
	int i;

	cJSON_AddStringToObject(root, "file", cfg->path);
	cJSON_AddBoolToObject(root, "fileLoaded", cfg->file_loaded);
	cJSON_AddStringToObject(root, "stateDir", cfg->state_dir);
	json_fields(root, CO_GLOBAL, cfg, 0);
	/* Channels appear only when configured. */
	channels = cJSON_GetObjectItemCaseSensitive(root, "channel");
	if (channels && !cfg->telegram.configured)
		cJSON_DeleteItemFromObjectCaseSensitive(channels, "telegram");
	if (channels && !cfg->discord.configured)
		cJSON_DeleteItemFromObjectCaseSensitive(channels, "discord");
	json_fields(root, CO_TOOLS, &cfg->tools, 0);
	agents = cJSON_AddArrayToObject(root, "agents");
	for (i = 0; i < cfg->nagents; i++) {
		cJSON *a = cJSON_CreateObject();

		cJSON_AddStringToObject(a, "id", cfg->agents[i].id);
		json_fields(a, CO_AGENT, &cfg->agents[i], 0);
		json_fields(a, CO_TOOLS, &cfg->agents[i].tools, 1);
		cJSON_AddItemToArray(agents, a);
	}
	return root;
}

void config_print_json(const struct config *cfg, FILE *out)
{
	cJSON *root = config_to_json(cfg);
	char *text = cJSON_Print(root);

	fprintf(out, "%s\n", text);
	cJSON_free(text);
	cJSON_Delete(root);
}
