/* sandbox/sandbox_spec.c — see sandbox.h (everything that shapes a sandbox container). */
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_binds.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPEC_CANONICAL_MAX (1024 * 1024)
#define SPEC_HASH_VERSION  "chela-sandbox-spec v1"

const char *const sandbox_seed_files[] = {"AGENTS.md", "SOUL.md", "TOOLS.md", "IDENTITY.md", "USER.md", NULL};

static void mount_add(struct sandbox_spec *s, enum sandbox_mount_kind kind, const char *source, const char *target,
		      int ro, const char *origin)
{
	struct sandbox_mount *m;

	s->mounts = xrealloc(s->mounts, (size_t)(s->nmounts + 1) * sizeof *s->mounts);
	m = &s->mounts[s->nmounts++];
	m->kind = kind;
	m->source = xstrdup(source);
	m->target = xstrdup(target);
	m->read_only = ro;
	m->origin = origin ? xstrdup(origin) : NULL;
}

static void warning_add(struct sandbox_spec *s, const char *w)
{
	s->warnings = xrealloc(s->warnings, (size_t)(s->nwarnings + 1) * sizeof *s->warnings);
	s->warnings[s->nwarnings++] = xstrdup(w);
}

/* A configured directory as an absolute, normalised path ("~" already expanded by config). */
static char *dir_normalized(const char *what, const char *path, char *err, size_t errlen)
{
	char *expanded = fs_expand_home(path);
	char norm[SANDBOX_BIND_PATH_MAX];

	if (expanded[0] != '/' || sandbox_path_normalize(expanded, norm, sizeof norm) < 0) {
		err_set(err, errlen, "sandbox: %s \"%s\" must be an absolute path without '..'", what, path);
		free(expanded);
		return NULL;
	}
	free(expanded);
	return xstrdup(norm);
}

static int tmpfs_build(struct sandbox_spec *s, const struct config_list *l, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < l->n; i++) {
		const char *item = l->items[i], *colon = strchr(item, ':');
		char *path = colon ? xstrndup(item, (size_t)(colon - item)) : xstrdup(item);
		const char *opts = colon ? colon + 1 : "";
		struct buf b;

		if (path[0] != '/') {
			err_set(err, errlen, "sandbox: tmpfs \"%s\" must start with an absolute path", item);
			free(path);
			return -1;
		}
		buf_init(&b, 1024);
		buf_puts(&b, opts);
		/* Docker sizes a size-less tmpfs at half the host's RAM: always bound it. */
		if (strstr(opts, "size=") == NULL)
			buf_printf(&b, "%ssize=%s", *opts ? "," : "", SANDBOX_TMPFS_DEFAULT_SIZE);
		s->tmpfs = xrealloc(s->tmpfs, (size_t)(s->ntmpfs + 1) * sizeof *s->tmpfs);
		s->tmpfs[s->ntmpfs].path = path;
		s->tmpfs[s->ntmpfs].options = buf_take(&b);
		s->ntmpfs++;
	}
	return 0;
}

static int binds_build(struct sandbox_spec *s, const struct config_list *l, const char *state_dir, char *err,
		       size_t errlen)
{
	struct sandbox_bind_env env = {getenv("HOME"), state_dir};
	char warn[ERR_LEN];
	int i, j;

	for (i = 0; i < l->n; i++) {
		struct sandbox_bind b;

		if (sandbox_bind_validate(l->items[i], &env, &b, warn, sizeof warn, err, errlen) < 0)
			return -1;
		for (j = 0; j < s->nmounts; j++)
			if (strcmp(s->mounts[j].target, b.target) == 0) {
				err_set(err, errlen, "sandbox: bind \"%s\": target %s is already mounted (by %s)",
					l->items[i], b.target, s->mounts[j].origin ? s->mounts[j].origin : "the workspace");
				sandbox_bind_clear(&b);
				return -1;
			}
		if (warn[0])
			warning_add(s, warn);
		mount_add(s, SANDBOX_MOUNT_BIND, b.source, b.target, b.read_only, l->items[i]);
		sandbox_bind_clear(&b);
	}
	return 0;
}

/* see sandbox.h (struct sandbox_spec.user) */
static int user_choose(const char *configured, struct sandbox_spec *out, char *err, size_t errlen)
{
	if (configured && *configured) {
		if (strlen(configured) > SANDBOX_USER_MAX) {
			err_set(err, errlen, "sandbox: user '%.40s...' is longer than %d characters", configured,
				SANDBOX_USER_MAX);
			return -1;
		}
		snprintf(out->user, sizeof out->user, "%s", configured);
		out->user_origin = "config";
	} else if (geteuid() != 0) {
		snprintf(out->user, sizeof out->user, "%u:%u", (unsigned)geteuid(), (unsigned)getegid());
		out->user_origin = "gateway-uid";
	} else {
		out->user[0] = '\0';
		out->user_origin = "image";
	}
	return 0;
}

int sandbox_spec_build(const struct config_agent *agent, const char *scope_key, const char *state_dir,
		       struct sandbox_spec *out, char *err, size_t errlen)
{
	const struct config_sandbox *sb = &agent->sandbox;
	const struct config_docker *d = &sb->docker;
	char *root = NULL, *canon = NULL;
	int i;

	memset(out, 0, sizeof *out);
	out->docker = d;
	out->agent_id = xstrdup(agent->id);
	out->scope_key = xstrdup(scope_key);
	out->access = sb->workspace_access;
	sandbox_slug(scope_key, SANDBOX_SLUG_PREFIX_MAX, out->slug);
	if (sandbox_container_name(d->container_prefix ? d->container_prefix : SANDBOX_DEFAULT_PREFIX, scope_key,
				   out->name, sizeof out->name, err, errlen) < 0)
		goto fail;
	if (d->network && (strcmp(d->network, "host") == 0 || strncmp(d->network, "container:", 10) == 0)) {
		err_set(err, errlen, "sandbox security: network \"%s\" would share a namespace with the host or "
			"another container; use none, bridge or a network name", d->network);
		goto fail;
	}
	if ((out->agent_workspace = dir_normalized("workspace", agent->workspace, err, errlen)) == NULL)
		goto fail;
	if (user_choose(d->user, out, err, errlen) < 0)
		goto fail;
	if (out->access != WORKSPACE_ACCESS_RW) {
		if ((root = dir_normalized("workspace_root", sb->workspace_root, err, errlen)) == NULL)
			goto fail;
		out->sandbox_workspace = fs_path_join(root, out->slug);
		mount_add(out, SANDBOX_MOUNT_WORKSPACE, out->sandbox_workspace, SANDBOX_WORKSPACE_TARGET, 0, NULL);
	}
	if (out->access == WORKSPACE_ACCESS_RO) {
		mount_add(out, SANDBOX_MOUNT_AGENT, out->agent_workspace, SANDBOX_AGENT_TARGET, 1, NULL);
		out->write_tools_disabled = 1;
	} else if (out->access == WORKSPACE_ACCESS_RW) {
		mount_add(out, SANDBOX_MOUNT_AGENT, out->agent_workspace, SANDBOX_WORKSPACE_TARGET, 0, NULL);
	}
	if (binds_build(out, &d->binds, state_dir, err, errlen) < 0)
		goto fail;
	if (tmpfs_build(out, &d->tmpfs, err, errlen) < 0)
		goto fail;
	for (i = 0; i < d->env.n; i++) {
		struct buf b;

		buf_init(&b, CONFIG_MAX_VALUE_BYTES * 2);
		buf_printf(&b, "%s=%s", d->env.items[i].key, d->env.items[i].value);
		out->env = xrealloc(out->env, (size_t)(out->nenv + 1) * sizeof *out->env);
		out->env[out->nenv++] = buf_take(&b);
	}
	if ((canon = sandbox_spec_canonical(out)) == NULL) {
		err_set(err, errlen, "sandbox: the container description of %s exceeds %d bytes", scope_key,
			SPEC_CANONICAL_MAX);
		goto fail;
	}
	hash_sha256_hex(canon, strlen(canon), out->hash);
	free(canon);
	free(root);
	return 0;
fail:
	free(root);
	sandbox_spec_free(out);
	return -1;
}

/* One canonical line: name TAB value, with TAB, LF and backslash escaped so lines cannot merge. */
static void canon_put(struct buf *b, const char *name, const char *value)
{
	const char *p;

	buf_puts(b, name);
	buf_putc(b, '\t');
	for (p = value ? value : ""; *p; p++) {
		if (*p == '\\')
			buf_puts(b, "\\\\");
		else if (*p == '\t')
			buf_puts(b, "\\t");
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *p);
	}
	buf_putc(b, '\n');
}

static void canon_list(struct buf *b, const char *name, const struct config_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		canon_put(b, name, l->items[i]);
}

char *sandbox_spec_canonical(const struct sandbox_spec *s)
{
	const struct config_docker *d = s->docker;
	static const char *const kinds[] = {"workspace", "agent", "bind"};
	static const char *const access_names[] = {"none", "ro", "rw"};
	char num[128];
	struct buf b;
	int i;

	buf_init(&b, SPEC_CANONICAL_MAX);
	buf_printf(&b, "%s\n", SPEC_HASH_VERSION);
	canon_put(&b, "image", d->image);
	canon_put(&b, "workdir", d->workdir);
	canon_put(&b, "user", s->user);
	canon_put(&b, "network", d->network);
	canon_put(&b, "runtime", d->runtime);
	canon_put(&b, "setup_command", d->setup_command);
	canon_put(&b, "read_only_root", d->read_only_root ? "1" : "0");
	snprintf(num, sizeof num, "%ld", d->pids_limit);
	canon_put(&b, "pids_limit", num);
	snprintf(num, sizeof num, "%lld", d->memory);
	canon_put(&b, "memory", num);
	snprintf(num, sizeof num, "%lld", d->memory_swap);
	canon_put(&b, "memory_swap", num);
	snprintf(num, sizeof num, "%.6f", d->cpus);
	canon_put(&b, "cpus", num);
	canon_list(&b, "cap_drop", &d->cap_drop);
	canon_list(&b, "cap_add", &d->cap_add);
	canon_list(&b, "dns", &d->dns);
	canon_list(&b, "extra_hosts", &d->extra_hosts);
	canon_list(&b, "ulimit", &d->ulimits);
	canon_put(&b, "seccomp_profile", d->seccomp_profile);
	canon_put(&b, "apparmor_profile", d->apparmor_profile);
	canon_put(&b, "workspace_access", access_names[s->access]);
	for (i = 0; i < s->ntmpfs; i++) {
		canon_put(&b, "tmpfs", s->tmpfs[i].path);
		canon_put(&b, "tmpfs_options", s->tmpfs[i].options);
	}
	for (i = 0; i < s->nmounts; i++) {
		canon_put(&b, "mount", kinds[s->mounts[i].kind]);
		canon_put(&b, "mount_source", s->mounts[i].source);
		canon_put(&b, "mount_target", s->mounts[i].target);
		canon_put(&b, "mount_ro", s->mounts[i].read_only ? "1" : "0");
	}
	for (i = 0; i < s->nenv; i++)
		canon_put(&b, "env", s->env[i]);
	if (b.overflow) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

void sandbox_spec_free(struct sandbox_spec *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nmounts; i++) {
		free(s->mounts[i].source);
		free(s->mounts[i].target);
		free(s->mounts[i].origin);
	}
	for (i = 0; i < s->ntmpfs; i++) {
		free(s->tmpfs[i].path);
		free(s->tmpfs[i].options);
	}
	for (i = 0; i < s->nenv; i++)
		free(s->env[i]);
	for (i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->mounts);
	free(s->tmpfs);
	free(s->env);
	free(s->warnings);
	free(s->agent_id);
	free(s->scope_key);
	free(s->agent_workspace);
	free(s->sandbox_workspace);
	memset(s, 0, sizeof *s);
}
