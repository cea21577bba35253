/*
 * config/config_import_internal.h — shared by config_import.c (top level, gateway, model,
 * session, channels) and config_import_agents.c (sandbox, docker, tools, agents).
 *
 * Contract: an import writes one INI section at a time through struct imp. Sections are opened
 * lazily: imp_section() names the section, the header is printed with its first key, so a
 * section with nothing carried over does not appear. imp_drop()/imp_note() write report lines.
 * Values that INI cannot hold (newline, " ;" which starts an inline comment, a literal "${")
 * are refused by imp_kv() and reported instead of being written wrong.
 */
#ifndef CHELA_CONFIG_CONFIG_IMPORT_INTERNAL_H
#define CHELA_CONFIG_CONFIG_IMPORT_INTERNAL_H

#include <stdio.h>

#include <cJSON.h>

#define IMP_PATH_MAX    256  /* longest dotted OpenClaw path reported */
#define IMP_SECTION_MAX 160
#define IMP_VALUE_MAX   4096 /* same as CONFIG_MAX_VALUE_BYTES: a longer value is refused */
#define IMP_PROVIDERS_MAX 16

struct imp {
	FILE *out;
	FILE *rep;
	char section[IMP_SECTION_MAX];
	int header_done;
	int any_section; /* a blank line goes between sections */
	char used_providers[IMP_PROVIDERS_MAX][64]; /* models.providers.<name> consumed by imp_model() */
	int nused_providers;
};

/* A key handled by the caller, so imp_rest() does not report it. NULL-terminated lists. */
struct imp_reason {
	const char *key;
	const char *reason;
};

void imp_section(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes key = value in the current section; returns -1 (and reports path) when INI cannot hold it. */
int imp_kv(struct imp *im, const char *path, const char *key, const char *value);
void imp_drop(struct imp *im, const char *path, const char *reason);
void imp_note(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "a.b" + "c" → "a.b.c" into out. */
void imp_path(char *out, size_t outlen, const char *base, const char *key);

/* Reports every member of obj whose key is not in `handled`; `reasons` gives specific words. */
void imp_rest(struct imp *im, const cJSON *obj, const char *path, const char *const *handled,
	      const struct imp_reason *reasons);

/* Scalars: string as-is, number as an integer when integral, bool as true/false. */
int imp_scalar(struct imp *im, const cJSON *v, const char *path, const char *key);
int imp_bool(struct imp *im, const cJSON *v, const char *path, const char *key);
/* Arrays of strings/numbers (or one string) as a comma-separated list; items with a comma are reported. */
int imp_list(struct imp *im, const cJSON *v, const char *path, const char *key);
/* A secret: "${NAME}" and {source:"env",id} stay references; a literal becomes ${fallback_env}. */
int imp_secret(struct imp *im, const cJSON *v, const char *path, const char *key, const char *fallback_env);

/* Tool lists: keeps the tools chela has (and globs), reports the rest; see config_import_agents.c. */
void imp_tools(struct imp *im, const cJSON *tools, const char *path, const char *section);
void imp_sandbox(struct imp *im, const cJSON *sb, const char *path, const char *section, int is_defaults);
/* agents.defaults (workspace, sandbox) and agents.list[] / agents.entries{} → [agent.<id>*]. */
void imp_agent_defaults(struct imp *im, const cJSON *agents);
void imp_agent_list(struct imp *im, const cJSON *agents, const cJSON *models);
/* agents.defaults.model or an agent's model → [section]; models is the top-level "models" object. */
void imp_model(struct imp *im, const cJSON *model, const cJSON *models, const char *path, const char *section);
/* Reports the parts of the top-level "models" object no imp_model() call used. */
void imp_models_rest(struct imp *im, const cJSON *models);

#endif
