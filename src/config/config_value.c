/*
 * config/config_value.c — turning one INI value into a typed field, with validation.
 *
 * Every message says what was wrong and what would be valid; the caller prefixes file:line,
 * section and key. Values arrive already ${VAR}-expanded and trimmed.
 */
#include "config/config_internal.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIELD(base, f, type) ((type *)((char *)(base) + (f)->off))

const struct cfg_field *cfg_field_find(enum cfg_owner owner, const char *section, const char *key)
{
	int i;

	for (i = 0; i < cfg_nfields; i++) {
		const struct cfg_field *f = &cfg_fields[i];

		if (f->owner != owner || strcmp(f->section, section) != 0)
			continue;
		if (f->type == CT_ENVMAP || strcmp(f->key, key) == 0)
			return f;
	}
	return NULL;
}

static int all_chars(const char *s, const char *extra, int allow_upper)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (islower(c) || isdigit(c) || (allow_upper && isupper(c)) || strchr(extra, c))
			continue;
		return 0;
	}
	return 1;
}

static int valid_ip(const char *s)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

/* Extra checks named in the schema's `validator` column; item is one list item or the value. */
static int validate(const char *v, const char *item, char *err, size_t errlen)
{
	if (v == NULL)
		return 0;
	if (strcmp(v, "nonempty") == 0 && *item == '\0')
		return err_set(err, errlen, "must not be empty");
	if (strcmp(v, "abspath") == 0 && item[0] != '/')
		return err_set(err, errlen, "\"%s\" must be an absolute path (or start with ~/)", item);
	if (strcmp(v, "url") == 0 && !str_starts_with(item, "http://") && !str_starts_with(item, "https://"))
		return err_set(err, errlen, "\"%s\" must be an http:// or https:// URL", item);
	if (strcmp(v, "origin") == 0 && !str_starts_with(item, "http://") && !str_starts_with(item, "https://"))
		return err_set(err, errlen, "\"%s\" must be an origin like https://chat.example.com", item);
	if (strcmp(v, "bind") == 0 && strcmp(item, "loopback") != 0 && strcmp(item, "lan") != 0 && !valid_ip(item))
		return err_set(err, errlen, "\"%s\" must be loopback, lan, or an IP address", item);
	if (strcmp(v, "main_key") == 0 && !all_chars(item, "-_", 0))
		return err_set(err, errlen, "\"%s\" must be lowercase letters, digits, - and _", item);
	if (strcmp(v, "prefix") == 0 && (!all_chars(item, "-_.", 0) || strlen(item) > SANDBOX_SLUG_PREFIX_MAX))
		return err_set(err, errlen, "\"%s\" must be up to %d lowercase letters, digits, '-', '_' or '.'", item,
			       SANDBOX_SLUG_PREFIX_MAX);
	if (strcmp(v, "toolname") == 0 && !all_chars(item, "-_:*?.", 0))
		return err_set(err, errlen, "\"%s\" is not a tool name, group:<name> or glob", item);
	if (strcmp(v, "capability") == 0 && !all_chars(item, "_", 1))
		return err_set(err, errlen, "\"%s\" must be a capability name like ALL or NET_ADMIN", item);
	if (strcmp(v, "network") == 0) {
		if (strcmp(item, "host") == 0)
			return err_set(err, errlen, "\"host\" is refused: it gives the sandbox the host's network "
						    "stack; use none, bridge or a network name");
		if (str_starts_with(item, "container:"))
			return err_set(err, errlen, "\"%s\" is refused: it joins another container's network "
						    "namespace; use none, bridge or a network name", item);
		if (!all_chars(item, "-_.", 1))
			return err_set(err, errlen, "\"%s\" must be none, bridge or a network name", item);
	}
	if (strcmp(v, "user") == 0) {
		const char *colon = strchr(item, ':');
		char name[128];

		snprintf(name, sizeof name, "%.*s", colon ? (int)(colon - item) : (int)strlen(item), item);
		if (!all_chars(name, "-_.", 1) || (colon && !all_chars(colon + 1, "-_.", 1)))
			return err_set(err, errlen, "\"%s\" must be uid, uid:gid or user:group", item);
	}
	if (strcmp(v, "tmpfs") == 0 && item[0] != '/')
		return err_set(err, errlen, "\"%s\" must be an absolute path, optionally with :options (/tmp:size=64m)",
			       item);
	if (strcmp(v, "bind") == 0)
		return 0;
	if (strcmp(v, "extra_host") == 0) {
		const char *colon = strchr(item, ':');

		if (colon == NULL || colon == item || !valid_ip(colon + 1))
			return err_set(err, errlen, "\"%s\" must be host:ip", item);
	}
	if (strcmp(v, "ulimit") == 0) {
		const char *eq = strchr(item, '=');
		char *end;

		if (eq == NULL || eq == item)
			return err_set(err, errlen, "\"%s\" must be name=soft[:hard], like nofile=1024:2048", item);
		strtoll(eq + 1, &end, 10);
		if (end == eq + 1 || (*end == ':' && (strtoll(end + 1, &end, 10), *end != '\0')) ||
		    (*end != '\0' && *end != ':'))
			return err_set(err, errlen, "\"%s\" must be name=soft[:hard], like nofile=1024:2048", item);
	}
	return 0;
}

/* Docker-style bind spec "src:dst[:ro|rw]"; security checks belong to the sandbox module. */
static int validate_bind(const char *item, char *err, size_t errlen)
{
	char tmp[CONFIG_MAX_VALUE_BYTES];
	char *parts[4];
	int n = 0;
	char *save = NULL, *tok;

	snprintf(tmp, sizeof tmp, "%s", item);
	for (tok = strtok_r(tmp, ":", &save); tok && n < 4; tok = strtok_r(NULL, ":", &save))
		parts[n++] = tok;
	if (n < 2 || n > 3 || tok != NULL)
		return err_set(err, errlen, "\"%s\" must be host_path:container_path[:ro|rw]", item);
	if (parts[0][0] != '/' && parts[0][0] != '~')
		return err_set(err, errlen, "\"%s\": host path \"%s\" must be absolute", item, parts[0]);
	if (parts[1][0] != '/')
		return err_set(err, errlen, "\"%s\": container path \"%s\" must be absolute", item, parts[1]);
	if (n == 3 && strcmp(parts[2], "ro") != 0 && strcmp(parts[2], "rw") != 0)
		return err_set(err, errlen, "\"%s\": mode \"%s\" must be ro or rw", item, parts[2]);
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int parse_size(const char *v, long long *out)
{
	char *end;
	double n;
	double mult = 1;

	errno = 0;
	n = strtod(v, &end);
	if (end == v || errno || n < 0 || !isfinite(n))
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 'k': mult = 1024.0; end++; break;
	case 'm': mult = 1024.0 * 1024; end++; break;
	case 'g': mult = 1024.0 * 1024 * 1024; end++; break;
	case 't': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	default: break;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end != '\0' || n * mult > 9e18)
		return -1;
	*out = (long long)(n * mult);
	return 0;
}

static void list_append(struct config_list *l, const char *item)
{
	l->items = xrealloc(l->items, sizeof *l->items * (size_t)(l->n + 1));
	l->items[l->n++] = xstrdup(item);
}

static void list_clear(struct config_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	FREE(l->items);
	l->n = 0;
	l->set = 0;
}

static int apply_list(const struct cfg_field *f, struct config_list *l, const char *value, int replace,
		      char *err, size_t errlen)
{
	char *copy = xstrdup(value), *save = NULL, *tok;
	int rc = 0;

	if (replace)
		list_clear(l);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *item = str_trim(tok);

		if (*item == '\0')
			continue;
		if (l->n >= CONFIG_MAX_LIST_ITEMS) {
			rc = err_set(err, errlen, "more than %d items", CONFIG_MAX_LIST_ITEMS);
			break;
		}
		if (f->validator && strcmp(f->validator, "bind") == 0 ? validate_bind(item, err, errlen) < 0
								      : validate(f->validator, item, err, errlen) < 0) {
			rc = -1;
			break;
		}
		list_append(l, item);
	}
	l->set = 1;
	free(copy);
	return rc;
}

static void envmap_set(struct config_envmap *m, const char *key, const char *value)
{
	int i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->items[i].key, key) == 0) {
			free(m->items[i].value);
			m->items[i].value = xstrdup(value);
			return;
		}
	}
	m->items = xrealloc(m->items, sizeof *m->items * (size_t)(m->n + 1));
	m->items[m->n].key = xstrdup(key);
	m->items[m->n].value = xstrdup(value);
	m->n++;
}

/*
 * Defaults that depend on where chela runs: "@state@/x" is below the state dir, and
 * "@workspace@" is $CHELA_WORKSPACE when set to an absolute path (the image sets /workspace,
 * its own volume), else <state>/workspace.
 */
static char *expand_state(const char *def, const char *state_dir)
{
	if (strcmp(def, "@workspace@") == 0) {
		const char *w = getenv("CHELA_WORKSPACE");

		if (w && w[0] == '/')
			return xstrdup(w);
		return fs_path_join(state_dir, "workspace");
	}
	if (!str_starts_with(def, "@state@"))
		return xstrdup(def);
	return fs_path_join(state_dir, def + strlen("@state@"));
}

int cfg_apply(const struct cfg_field *f, void *base, const char *envkey, const char *value, int replace,
	      const char *state_dir, char *err, size_t errlen)
{
	long long ll;
	int i, b;

	switch (f->type) {
	case CT_STR:
	case CT_PATH: {
		char *v = f->type == CT_PATH ? fs_expand_home(value) : xstrdup(value);

		if (validate(f->validator, v, err, errlen) < 0) {
			free(v);
			return -1;
		}
		free(*FIELD(base, f, char *));
		*FIELD(base, f, char *) = v;
		break;
	}
	case CT_BOOL:
		if (parse_bool(value, &b) < 0)
			return err_set(err, errlen, "\"%s\" must be true or false", value);
		*FIELD(base, f, int) = b;
		break;
	case CT_INT: {
		char *end;

		errno = 0;
		ll = strtoll(value, &end, 10);
		if (end == value || *end != '\0' || errno || ll < (long long)f->min || ll > (long long)f->max)
			return err_set(err, errlen, "\"%s\" must be a whole number from %.0f to %.0f", value, f->min,
				       f->max);
		*FIELD(base, f, long) = (long)ll;
		break;
	}
	case CT_ENUM:
		for (i = 0; f->names[i]; i++)
			if (strcmp(value, f->names[i]) == 0)
				break;
		if (f->names[i] == NULL) {
			char valid[256] = "";

			for (i = 0; f->names[i]; i++)
				snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", i ? ", " : "",
					 f->names[i]);
			return err_set(err, errlen, "\"%s\" must be one of: %s", value, valid);
		}
		*FIELD(base, f, int) = i;
		break;
	case CT_SIZE:
		if (parse_size(value, &ll) < 0 || ll < (long long)f->min || (double)ll > f->max)
			return err_set(err, errlen, "\"%s\" must be a size like 512m or 2g (at least %.0fm)", value,
				       f->min / (1024 * 1024));
		*FIELD(base, f, long long) = ll;
		break;
	case CT_DOUBLE: {
		char *end;
		double d;

		errno = 0;
		d = strtod(value, &end);
		if (end == value || *end != '\0' || errno || !isfinite(d) || d < f->min || d > f->max)
			return err_set(err, errlen, "\"%s\" must be a number from %g to %g", value, f->min, f->max);
		*FIELD(base, f, double) = d;
		break;
	}
	case CT_LIST:
		if (apply_list(f, FIELD(base, f, struct config_list), value, replace, err, errlen) < 0)
			return -1;
		break;
	case CT_ENVMAP:
		if (envkey == NULL || !all_chars(envkey, "_", 1) || isdigit((unsigned char)envkey[0]))
			return err_set(err, errlen, "\"%s\" is not a valid environment variable name", envkey ? envkey : "");
		envmap_set(FIELD(base, f, struct config_envmap), envkey, value);
		break;
	}
	if (f->set_off >= 0)
		*(int *)((char *)base + f->set_off) = 1;
	(void)state_dir;
	return 0;
}

void cfg_release(const struct cfg_field *f, void *base)
{
	int i;

	switch (f->type) {
	case CT_STR:
	case CT_PATH:
		FREE(*FIELD(base, f, char *));
		break;
	case CT_LIST:
		list_clear(FIELD(base, f, struct config_list));
		break;
	case CT_ENVMAP: {
		struct config_envmap *m = FIELD(base, f, struct config_envmap);

		for (i = 0; i < m->n; i++) {
			free(m->items[i].key);
			free(m->items[i].value);
		}
		FREE(m->items);
		m->n = 0;
		break;
	}
	default:
		break;
	}
}

void cfg_apply_defaults(enum cfg_owner owner, void *base, const char *state_dir)
{
	char err[ERR_LEN];
	int i;

	for (i = 0; i < cfg_nfields; i++) {
		const struct cfg_field *f = &cfg_fields[i];

		if (f->owner != owner)
			continue;
		if (f->def == NULL) {
			/* Strings are never NULL once loaded: consumers test for "" only. */
			if (f->type == CT_STR || f->type == CT_PATH)
				*FIELD(base, f, char *) = xstrdup("");
			continue;
		}
		if (f->type == CT_ENVMAP) {
			char *kv = xstrdup(f->def), *eq = strchr(kv, '=');

			*eq = '\0';
			envmap_set(FIELD(base, f, struct config_envmap), kv, eq + 1);
			free(kv);
			continue;
		}
		{
			char *v = expand_state(f->def, state_dir);

			/* Defaults are constants of ours: failing here is a broken invariant. */
			if (cfg_apply(f, base, NULL, v, 1, state_dir, err, sizeof err) < 0)
				abort();
			free(v);
		}
		if (f->set_off >= 0)
			*(int *)((char *)base + f->set_off) = 0; /* a default is not "set" */
	}
}
