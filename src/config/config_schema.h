/*
 * config/config_schema.h — the table of every INI key chela knows (internal to config/).
 *
 * Contract: one row per key says where it lives (its section, relative to the agent root for
 * agent keys), its type and bounds, its default (as INI text), and flags. Loading, merging,
 * printing and origin lookup all walk this table, so adding a key is adding a row.
 */
#ifndef CHELA_CONFIG_SCHEMA_H
#define CHELA_CONFIG_SCHEMA_H

#include <stddef.h>

enum cfg_type {
	CT_STR,    /* free text */
	CT_PATH,   /* text with ~ expanded */
	CT_BOOL,   /* true/false/yes/no/on/off/1/0 */
	CT_INT,    /* long within [min, max] */
	CT_ENUM,   /* one of names[] (stored as int) */
	CT_SIZE,   /* 512m, 2g, 100k, bytes (long long) */
	CT_DOUBLE, /* decimal within [min, max] */
	CT_LIST,   /* comma-separated; repeated keys accumulate */
	CT_ENVMAP  /* a whole section of KEY = VALUE */
};

/* Which struct a field's offset is into. */
enum cfg_owner {
	CO_GLOBAL, /* struct config; section is the full section name */
	CO_AGENT,  /* struct config_agent; section is relative ("" = [agents.defaults] / [agent.<id>]) */
	CO_TOOLS   /* struct config_tools; section relative: "tools", "tools.sandbox", "tools.elevated" */
};

#define CF_SECRET 0x01 /* redacted in every output */
#define CF_CONCAT 0x02 /* per-agent values append to the defaults' instead of replacing */
#define CF_DOCKER 0x04 /* per-agent value ignored under scope shared */

struct cfg_field {
	enum cfg_owner owner;
	const char *section;
	const char *key;
	enum cfg_type type;
	size_t off;          /* offset of the value in the owner struct */
	long set_off;        /* offset of an int "was set" flag, or -1 */
	double min, max;     /* CT_INT / CT_SIZE / CT_DOUBLE bounds */
	const char *const *names; /* CT_ENUM value names, in enum order, NULL-terminated */
	const char *def;     /* default as INI text; "@state@" is the state dir; NULL = empty */
	unsigned flags;
	const char *validator; /* name of an extra check (config_load.c), or NULL */
};

extern const struct cfg_field cfg_fields[];
extern const int cfg_nfields;

/* Every section name pattern, for the "valid sections" hint. */
extern const char cfg_sections_hint[];

#endif
