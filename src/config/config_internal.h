/*
 * config/config_internal.h — state shared by the config/ files, not part of the public API.
 *
 * Agent settings are kept as the list of assignments that produced them, so each agent's
 * effective settings can be rebuilt by replaying: built-in defaults (layer 0), then
 * [agents.defaults.*] (layer 1), then that agent's own sections (layer 2). Replaying through
 * one setter means merging needs no deep-copy code, and the same list answers "where did this
 * value come from?" for `sandbox explain`.
 */
#ifndef CHELA_CONFIG_INTERNAL_H
#define CHELA_CONFIG_INTERNAL_H

#include "config/config.h"
#include "config/config_schema.h"

#include <stddef.h>

#define CFG_LAYER_DEFAULT 0
#define CFG_LAYER_DEFAULTS 1 /* [agents.defaults.*] and [model] */
#define CFG_LAYER_AGENT 2    /* [agent.<id>.*] */

struct cfg_assign {
	int field;     /* index into cfg_fields */
	char *envkey;  /* CT_ENVMAP: the variable name */
	char *value;   /* after ${VAR} expansion */
	int line;
	int layer;
	int agent;     /* index into agent_ids for layer 2, else -1 */
	char *section; /* as written, for messages and origins */
};

struct config_internal {
	struct cfg_assign *assigns;
	int nassigns;
	char **agent_ids; /* "main" first, then [agent.<id>] ids in file order */
	int *agent_lines;
	int nagent_ids;
};

/* Apply one textual value to the field inside base (a struct config, config_agent or
 * config_tools as the field's owner says). For lists, `replace` clears the list first.
 * Returns 0, or -1 with a message saying what would be valid. */
int cfg_apply(const struct cfg_field *f, void *base, const char *envkey, const char *value, int replace,
	      const char *state_dir, char *err, size_t errlen);
/* Free everything a field owns inside base and zero it. */
void cfg_release(const struct cfg_field *f, void *base);
/* Set every field of `owner` inside base to its default. */
void cfg_apply_defaults(enum cfg_owner owner, void *base, const char *state_dir);

/* Field lookup: owner + relative section + key; NULL when unknown. */
const struct cfg_field *cfg_field_find(enum cfg_owner owner, const char *section, const char *key);

/* Rebuild agents[] from the assignment list (config_merge.c). Returns 0 / -1 (errors added). */
struct cfg_loader;
int cfg_merge_agents(struct config *cfg);

#endif
