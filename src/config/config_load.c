/*
 * config/config_load.c — reading the INI file with inih, section by section, key by key.
 *
 * Every problem becomes one diagnostic naming file:line, the section and key, and what would be
 * valid; loading goes on after an error so a user sees all of them at once (up to
 * CONFIG_MAX_ERRORS). Agent keys are validated here and recorded as assignments; the agents
 * themselves are built afterwards by config_merge.c.
 */
#include "config/config_internal.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* inih's section buffer (MAX_SECTION in ini.c) holds 49 characters; longer names would be cut. */
#define INI_MAX_SECTION_NAME 50

enum section_kind { SEC_NONE, SEC_INVALID, SEC_GLOBAL, SEC_AGENT, SEC_TOOLS };

struct cfg_loader {
	struct config *cfg;
	struct config_errors *errs;
	const char *file;
	/* the section being read */
	enum section_kind kind;
	char section[256];
	char rel[128]; /* relative section for SEC_AGENT / SEC_TOOLS */
	int agent;     /* -1: defaults / global layer; else index into agent_ids */
	int section_line;
	int quiet;     /* re-reading a header the pre-scan already reported on */
	int global_line[256]; /* line each global/tools-global field was set on (duplicates) */
};

static void add_diag(struct cfg_loader *L, int line, const char *section, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_diag(struct cfg_loader *L, int line, const char *section, const char *key, const char *fmt, ...)
{
	struct config_diag *d;
	char msg[ERR_LEN], full[ERR_LEN * 2];
	va_list ap;

	if (L->quiet || L->errs->n >= CONFIG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(full, sizeof full, "%s:%d: %s", L->file, line, msg);
	else
		snprintf(full, sizeof full, "%s: %s", L->file, msg);
	L->errs->items = xrealloc(L->errs->items, sizeof *d * (size_t)(L->errs->n + 1));
	d = &L->errs->items[L->errs->n++];
	d->file = xstrdup(L->file);
	d->line = line;
	d->section = xstrdup(section ? section : "");
	d->key = xstrdup(key ? key : "");
	d->message = xstrdup(full);
}

static void add_warning(struct config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_warning(struct config *cfg, const char *fmt, ...)
{
	char msg[ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cfg->warnings = xrealloc(cfg->warnings, sizeof *cfg->warnings * (size_t)(cfg->nwarnings + 1));
	cfg->warnings[cfg->nwarnings++] = xstrdup(msg);
}

/* ${NAME} → its value from the environment; an unset variable is an error naming it. */
static int expand_vars(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t o = 0;

	while (*in) {
		if (in[0] == '$' && in[1] == '{') {
			const char *end = strchr(in + 2, '}');
			char name[128];
			const char *val;
			size_t n;

			if (end == NULL)
				return err_set(err, errlen, "unterminated ${ in value (write ${NAME})");
			n = (size_t)(end - in - 2);
			if (n == 0 || n >= sizeof name)
				return err_set(err, errlen, "bad variable reference ${%.*s}", (int)(n > 64 ? 64 : n), in + 2);
			memcpy(name, in + 2, n);
			name[n] = '\0';
			val = getenv(name);
			if (val == NULL)
				return err_set(err, errlen, "environment variable %s is not set (set it, or remove ${%s})",
					       name, name);
			if (o + strlen(val) >= outlen)
				return err_set(err, errlen, "value is longer than %zu bytes after expansion", outlen - 1);
			memcpy(out + o, val, strlen(val));
			o += strlen(val);
			in = end + 1;
			continue;
		}
		if (o + 1 >= outlen)
			return err_set(err, errlen, "value is longer than %zu bytes", outlen - 1);
		out[o++] = *in++;
	}
	out[o] = '\0';
	return 0;
}

static int valid_agent_id(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n > CONFIG_AGENT_ID_MAX || !(islower((unsigned char)id[0]) || isdigit((unsigned char)id[0])))
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)id[i]) && !isdigit((unsigned char)id[i]) && id[i] != '-' && id[i] != '_')
			return 0;
	return 1;
}

static int agent_index(struct cfg_loader *L, const char *id, int line)
{
	struct config_internal *in = L->cfg->internal;
	int i;

	for (i = 0; i < in->nagent_ids; i++)
		if (strcmp(in->agent_ids[i], id) == 0)
			return i;
	if (in->nagent_ids >= CONFIG_MAX_AGENTS)
		return -1;
	in->agent_ids = xrealloc(in->agent_ids, sizeof *in->agent_ids * (size_t)(in->nagent_ids + 1));
	in->agent_lines = xrealloc(in->agent_lines, sizeof *in->agent_lines * (size_t)(in->nagent_ids + 1));
	in->agent_ids[in->nagent_ids] = xstrdup(id);
	in->agent_lines[in->nagent_ids] = line;
	return in->nagent_ids++;
}

static int is_agent_rel(const char *rel)
{
	static const char *const rels[] = {"", "model", "sandbox", "sandbox.docker", "sandbox.docker.env",
					   "sandbox.prune", NULL};
	int i;

	for (i = 0; rels[i]; i++)
		if (strcmp(rel, rels[i]) == 0)
			return 1;
	return 0;
}

static int is_tools_rel(const char *rel)
{
	return strcmp(rel, "tools") == 0 || strcmp(rel, "tools.sandbox") == 0 || strcmp(rel, "tools.elevated") == 0;
}

/* Decide what a [section] header means; report it (unless quiet) when it means nothing. */
static void begin_section(struct cfg_loader *L, const char *section, int line, int quiet)
{
	const char *rest;
	int nerrs;

	L->quiet = quiet;
	nerrs = L->errs->n;

	snprintf(L->section, sizeof L->section, "%s", section);
	L->section_line = line;
	L->agent = -1;
	L->rel[0] = '\0';
	L->kind = SEC_INVALID;
	if (strcmp(section, "gateway") == 0 || strcmp(section, "session") == 0) {
		L->kind = SEC_GLOBAL;
	} else if (strcmp(section, "channel.telegram") == 0 || strcmp(section, "channel.discord") == 0) {
		L->kind = SEC_GLOBAL;
		struct config_channel *ch = section[8] == 't' ? &L->cfg->telegram : &L->cfg->discord;

		if (!ch->configured)
			ch->configured = line;
	} else if (is_tools_rel(section)) {
		L->kind = SEC_TOOLS;
		snprintf(L->rel, sizeof L->rel, "%s", section);
	} else if (strcmp(section, "model") == 0) {
		L->kind = SEC_AGENT;
		snprintf(L->rel, sizeof L->rel, "model");
	} else if (strcmp(section, "agents.defaults") == 0 || str_starts_with(section, "agents.defaults.")) {
		rest = section + strlen("agents.defaults");
		rest += *rest == '.';
		if (is_agent_rel(rest)) {
			L->kind = SEC_AGENT;
			snprintf(L->rel, sizeof L->rel, "%s", rest);
		} else if (is_tools_rel(rest)) {
			add_diag(L, line, section, NULL,
				 "[%s]: tool policy lives in [%s] (global) or [agent.<id>.%s] (one agent)", section, rest,
				 rest);
			return;
		}
	} else if (str_starts_with(section, "agent.")) {
		char id[128];
		const char *dot;

		rest = section + strlen("agent.");
		dot = strchr(rest, '.');
		snprintf(id, sizeof id, "%.*s", dot ? (int)(dot - rest) : (int)strlen(rest), rest);
		rest = dot ? dot + 1 : "";
		if (!valid_agent_id(id)) {
			add_diag(L, line, section, NULL,
				 "[%s]: agent id \"%s\" must be 1-%d lowercase letters, digits, - or _ (starting with a "
				 "letter or digit)", section, id, CONFIG_AGENT_ID_MAX);
			return;
		}
		if (is_agent_rel(rest) || is_tools_rel(rest)) {
			L->agent = agent_index(L, id, line);
			if (L->agent < 0) {
				add_diag(L, line, section, NULL, "[%s]: more than %d agents", section, CONFIG_MAX_AGENTS);
				return;
			}
			L->kind = is_tools_rel(rest) ? SEC_TOOLS : SEC_AGENT;
			snprintf(L->rel, sizeof L->rel, "%s", rest);
		}
	}
	if (L->kind == SEC_INVALID && L->errs->n == nerrs)
		add_diag(L, line, section, NULL, "unknown section [%s] (valid: %s)", section, cfg_sections_hint);
	L->quiet = 0;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof cur);
	}
	return prev[lb];
}

static void unknown_key(struct cfg_loader *L, enum cfg_owner owner, const char *rel, const char *key, int line)
{
	char valid[512] = "", guess[64] = "";
	size_t best = 3;
	int i;

	for (i = 0; i < cfg_nfields; i++) {
		const struct cfg_field *f = &cfg_fields[i];
		size_t d;

		if (f->owner != owner || strcmp(f->section, rel) != 0)
			continue;
		snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", valid[0] ? ", " : "", f->key);
		d = edit_distance(key, f->key);
		if (d < best) {
			best = d;
			snprintf(guess, sizeof guess, "%s", f->key);
		}
	}
	if (guess[0])
		add_diag(L, line, L->section, key, "[%s] unknown key \"%s\" (did you mean \"%s\"? valid: %s)", L->section,
			 key, guess, valid);
	else
		add_diag(L, line, L->section, key, "[%s] unknown key \"%s\" (valid: %s)", L->section, key, valid);
}

static int find_assign_line(struct config_internal *in, int field, int agent, int layer, const char *envkey)
{
	int i;

	for (i = 0; i < in->nassigns; i++) {
		struct cfg_assign *a = &in->assigns[i];

		if (a->field == field && a->agent == agent && a->layer == layer &&
		    (envkey == NULL || strcmp(a->envkey, envkey) == 0))
			return a->line;
	}
	return 0;
}

static void record_assign(struct cfg_loader *L, int field, const char *envkey, const char *value, int line)
{
	struct config_internal *in = L->cfg->internal;
	struct cfg_assign *a;

	in->assigns = xrealloc(in->assigns, sizeof *a * (size_t)(in->nassigns + 1));
	a = &in->assigns[in->nassigns++];
	a->field = field;
	a->envkey = envkey ? xstrdup(envkey) : NULL;
	a->value = xstrdup(value);
	a->line = line;
	a->layer = L->agent < 0 ? CFG_LAYER_DEFAULTS : CFG_LAYER_AGENT;
	a->agent = L->agent;
	a->section = xstrdup(L->section);
}

static int on_key(struct cfg_loader *L, const char *key, const char *raw, int line)
{
	enum cfg_owner owner;
	const struct cfg_field *f;
	char value[CONFIG_MAX_VALUE_BYTES], err[ERR_LEN];
	char *v;
	int idx, prev;

	if (L->kind == SEC_NONE) {
		add_diag(L, line, "", key, "key \"%s\" is outside any [section]", key);
		return 1;
	}
	if (L->kind == SEC_INVALID)
		return 1; /* the section was reported once; its keys would only add noise */
	owner = L->kind == SEC_GLOBAL ? CO_GLOBAL : L->kind == SEC_TOOLS ? CO_TOOLS : CO_AGENT;
	f = cfg_field_find(owner, L->kind == SEC_GLOBAL ? L->section : L->rel, key);
	if (f == NULL) {
		unknown_key(L, owner, L->kind == SEC_GLOBAL ? L->section : L->rel, key, line);
		return 1;
	}
	idx = (int)(f - cfg_fields);
	if (expand_vars(raw, value, sizeof value, err, sizeof err) < 0) {
		add_diag(L, line, L->section, key, "[%s] %s: %s", L->section, key, err);
		return 1;
	}
	v = str_trim(value);
	if (*v == '\0')
		return 1; /* `key =` leaves the default in place */
	/* Scalars may appear once per section; lists and env keys accumulate or replace by name. */
	if (f->type != CT_LIST) {
		int global = owner == CO_GLOBAL || (owner == CO_TOOLS && L->agent < 0);

		prev = global ? L->global_line[idx]
			      : find_assign_line(L->cfg->internal, idx, L->agent,
						 L->agent < 0 ? CFG_LAYER_DEFAULTS : CFG_LAYER_AGENT,
						 f->type == CT_ENVMAP ? key : NULL);
		if (prev) {
			add_diag(L, line, L->section, key, "[%s] %s: duplicate key (already set on line %d)", L->section,
				 key, prev);
			return 1;
		}
	}
	if (owner == CO_GLOBAL || (owner == CO_TOOLS && L->agent < 0)) {
		void *base = owner == CO_GLOBAL ? (void *)L->cfg : (void *)&L->cfg->tools;
		int replace = f->type == CT_LIST && L->global_line[idx] == 0; /* the file replaces a default list */

		if (cfg_apply(f, base, key, v, replace, L->cfg->state_dir, err, sizeof err) < 0) {
			add_diag(L, line, L->section, key, "[%s] %s: %s", L->section, key, err);
			return 1;
		}
		L->global_line[idx] = line;
		if (owner == CO_TOOLS) /* recorded only so config_origin() can name its line; merging skips it */
			record_assign(L, idx, NULL, v, line);
		return 1;
	}
	/* Agent keys: validate now (to report the line), apply later when merging. */
	{
		struct config_agent scratch;
		int rc;

		memset(&scratch, 0, sizeof scratch);
		rc = cfg_apply(f, owner == CO_TOOLS ? (void *)&scratch.tools : (void *)&scratch, key, v, 1,
			       L->cfg->state_dir, err, sizeof err);
		cfg_release(f, owner == CO_TOOLS ? (void *)&scratch.tools : (void *)&scratch);
		if (rc < 0) {
			add_diag(L, line, L->section, key, "[%s] %s: %s", L->section, key, err);
			return 1;
		}
	}
	record_assign(L, idx, f->type == CT_ENVMAP ? key : NULL, v, line);
	return 1;
}

static int cfg_ini_handler(void *user, const char *section, const char *name, const char *value, int line)
{
	struct cfg_loader *L = user;

	/* inih gives the section with each key (Debian's build never reports bare headers). */
	if (name == NULL || strcmp(section, L->section) != 0 || L->kind == SEC_NONE) {
		if (*section)
			begin_section(L, section, line, 1);
		if (name == NULL)
			return 1;
	}
	return on_key(L, name, value ? value : "", line);
}

/*
 * Find every [section] header with its line, the way inih reads them, so that headers with no
 * keys (which inih never reports) are still validated, and agents are numbered in file order.
 */
static void prescan_sections(struct cfg_loader *L, const char *text)
{
	const char *p = text;
	int line = 1;

	while (*p) {
		const char *eol = strchr(p, '\n'), *q = p, *close;
		size_t n;

		if (eol == NULL)
			eol = p + strlen(p);
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (q < eol && *q == '[') {
			close = memchr(q, ']', (size_t)(eol - q));
			if (close) {
				char name[INI_MAX_SECTION_NAME];

				n = (size_t)(close - q - 1);
				if (n >= sizeof name) {
					add_diag(L, line, "", "", "section name [%.*s] is longer than %zu bytes", (int)n, q + 1,
						 sizeof name - 1);
				} else {
					memcpy(name, q + 1, n);
					name[n] = '\0';
					begin_section(L, name, line, 0);
				}
			}
		}
		line++;
		p = *eol ? eol + 1 : eol;
	}
	L->kind = SEC_NONE;
	L->section[0] = '\0';
}

static int is_loopback(const char *bind)
{
	return strcmp(bind, "loopback") == 0 || strcmp(bind, "localhost") == 0 || str_starts_with(bind, "127.") ||
	       strcmp(bind, "::1") == 0;
}

/* Rules that involve more than one key, checked once everything is read. */
static void check_cross(struct cfg_loader *L)
{
	struct config *cfg = L->cfg;
	const struct cfg_field *fauth = cfg_field_find(CO_GLOBAL, "gateway", "auth");
	const struct cfg_field *fbind = cfg_field_find(CO_GLOBAL, "gateway", "bind");
	int auth_line = L->global_line[fauth - cfg_fields], bind_line = L->global_line[fbind - cfg_fields];

	if (cfg->gateway.auth == GATEWAY_AUTH_NONE && !is_loopback(cfg->gateway.bind))
		add_diag(L, auth_line ? auth_line : bind_line, "gateway", "auth",
			 "[gateway] auth = none is only allowed with bind = loopback (bind is %s): anyone on the "
			 "network could drive the agent; use auth = token", cfg->gateway.bind);
	if (cfg->telegram.configured && cfg->telegram.token[0] == '\0')
		add_diag(L, cfg->telegram.configured, "channel.telegram", "token",
			 "[channel.telegram] token is required (token = ${TELEGRAM_BOT_TOKEN})");
	if (cfg->discord.configured && cfg->discord.token[0] == '\0')
		add_diag(L, cfg->discord.configured, "channel.discord", "token",
			 "[channel.discord] token is required (token = ${DISCORD_BOT_TOKEN})");
}

/* The state dir is always absolute: every default below it (workspace_root, the workspace)
 * must be, and `--state st` names ./st as a user expects. */
static char *default_state_dir(const char *state_dir)
{
	const char *env = getenv("CHELA_STATE_DIR");
	char *home, *abs;

	if (state_dir && *state_dir)
		home = fs_expand_home(state_dir);
	else if (env && *env)
		home = fs_expand_home(env);
	else
		home = fs_expand_home("~/.chela");
	abs = fs_absolute(home);
	free(home);
	return abs;
}

static struct config *config_new(const char *state_dir)
{
	struct config *cfg = xcalloc(1, sizeof *cfg);

	cfg->state_dir = default_state_dir(state_dir);
	cfg->internal = xcalloc(1, sizeof *cfg->internal);
	cfg_apply_defaults(CO_GLOBAL, cfg, cfg->state_dir);
	cfg_apply_defaults(CO_TOOLS, &cfg->tools, cfg->state_dir);
	return cfg;
}

/* Errors in file order (stable), so the list reads top to bottom like the file. */
static void sort_diags(struct config_errors *errs)
{
	int i, j;

	for (i = 1; i < errs->n; i++) {
		struct config_diag d = errs->items[i];

		for (j = i; j > 0 && errs->items[j - 1].line > d.line; j--)
			errs->items[j] = errs->items[j - 1];
		errs->items[j] = d;
	}
}

static int finish(struct cfg_loader *L, struct config **out)
{
	check_cross(L);
	if (L->errs->n == 0 && cfg_merge_agents(L->cfg) < 0)
		add_diag(L, 0, "", "", "could not resolve agents");
	sort_diags(L->errs);
	if (L->errs->n > 0) {
		config_free(L->cfg);
		return -1;
	}
	*out = L->cfg;
	return 0;
}

int config_load_buffer(const char *name, const char *data, size_t len, const char *state_dir, struct config **out,
		       struct config_errors *errs)
{
	struct cfg_loader L;
	char *copy;
	int rc;

	memset(&L, 0, sizeof L);
	memset(errs, 0, sizeof *errs);
	*out = NULL;
	L.cfg = config_new(state_dir);
	L.cfg->path = xstrdup(name);
	L.cfg->file_loaded = 1;
	L.errs = errs;
	L.file = name;
	L.agent = -1;
	if (len > CONFIG_MAX_FILE_BYTES) {
		add_diag(&L, 0, "", "", "%zu bytes is over the %d-byte limit for a config file", len,
			 CONFIG_MAX_FILE_BYTES);
		return finish(&L, out);
	}
	copy = xstrndup(data, len);
	if (strlen(copy) != len) {
		add_diag(&L, 0, "", "", "the file contains a NUL byte: not a text INI file");
		free(copy);
		return finish(&L, out);
	}
	prescan_sections(&L, copy);
	rc = ini_parse_string(copy, cfg_ini_handler, &L);
	free(copy);
	if (rc > 0)
		add_diag(&L, rc, "", "", "cannot parse this line: expected [section], key = value, or a ; comment "
					 "(lines are limited to %d bytes)", INI_MAX_LINE - 2);
	return finish(&L, out);
}

int config_load(const char *path, const char *state_dir, struct config **out, struct config_errors *errs)
{
	struct config *cfg;
	char err[ERR_LEN];
	char *data = NULL, *state, *fallback = NULL;
	size_t len = 0;
	int explicit = path != NULL, rc;

	memset(errs, 0, sizeof *errs);
	*out = NULL;
	if (path == NULL && getenv("CHELA_CONFIG") && *getenv("CHELA_CONFIG")) {
		path = getenv("CHELA_CONFIG");
		explicit = 1;
	}
	state = default_state_dir(state_dir);
	if (path == NULL)
		path = fallback = fs_path_join(state, "chela.ini");
	if (!explicit && !fs_exists(path)) {
		struct cfg_loader L;

		/* No file is a valid configuration: every key has a default. */
		memset(&L, 0, sizeof L);
		cfg = config_new(state);
		cfg->path = xstrdup(path);
		L.cfg = cfg;
		L.errs = errs;
		L.file = path;
		rc = finish(&L, out);
		free(state);
		free(fallback);
		return rc;
	}
	if (fs_read_file(path, CONFIG_MAX_FILE_BYTES, &data, &len, err, sizeof err) < 0) {
		errs->items = xcalloc(1, sizeof *errs->items);
		errs->n = 1;
		errs->items[0].file = xstrdup(path);
		errs->items[0].section = xstrdup("");
		errs->items[0].key = xstrdup("");
		errs->items[0].message = xstrdup(err);
		free(state);
		free(fallback);
		return -1;
	}
	rc = config_load_buffer(path, data, len, state, out, errs);
	free(data);
	free(state);
	free(fallback);
	return rc;
}

void config_errors_free(struct config_errors *errs)
{
	int i;

	for (i = 0; i < errs->n; i++) {
		free(errs->items[i].file);
		free(errs->items[i].section);
		free(errs->items[i].key);
		free(errs->items[i].message);
	}
	FREE(errs->items);
	errs->n = 0;
}

void config_free(struct config *cfg)
{
	int i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg_nfields; i++) {
		const struct cfg_field *f = &cfg_fields[i];

		if (f->owner == CO_GLOBAL)
			cfg_release(f, cfg);
		else if (f->owner == CO_TOOLS)
			cfg_release(f, &cfg->tools);
	}
	for (i = 0; i < cfg->nagents; i++) {
		int j;

		for (j = 0; j < cfg_nfields; j++) {
			if (cfg_fields[j].owner == CO_AGENT)
				cfg_release(&cfg_fields[j], &cfg->agents[i]);
			else if (cfg_fields[j].owner == CO_TOOLS)
				cfg_release(&cfg_fields[j], &cfg->agents[i].tools);
		}
		free(cfg->agents[i].id);
	}
	free(cfg->agents);
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	if (cfg->internal) {
		for (i = 0; i < cfg->internal->nassigns; i++) {
			free(cfg->internal->assigns[i].envkey);
			free(cfg->internal->assigns[i].value);
			free(cfg->internal->assigns[i].section);
		}
		free(cfg->internal->assigns);
		for (i = 0; i < cfg->internal->nagent_ids; i++)
			free(cfg->internal->agent_ids[i]);
		free(cfg->internal->agent_ids);
		free(cfg->internal->agent_lines);
		free(cfg->internal);
	}
	free(cfg->path);
	free(cfg->state_dir);
	free(cfg);
}

/* Exported for config_merge.c, which reports shared-scope overrides as warnings. */
void cfg_warn(struct config *cfg, const char *msg);
void cfg_warn(struct config *cfg, const char *msg)
{
	add_warning(cfg, "%s", msg);
}
