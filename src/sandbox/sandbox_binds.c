/* sandbox/sandbox_binds.c — see sandbox_binds.h */
#include "sandbox/sandbox_binds.h"
#include "sandbox/sandbox.h"
#include "util/err.h"
#include "util/mem.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Refused in any mode: the host's system trees. Anything beneath them is refused too. */
static const char *const refused_dirs[] = {
	"/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/run", "/var/run", NULL,
};
#define REFUSED_LIST "/etc, /proc, /sys, /dev, /boot, /root, /run, /var/run"

/* Path components that mean "credentials live here", wherever they appear. */
static const char *const secret_components[] = {".ssh", ".aws", ".gnupg", ".docker", NULL};

/* Sensitive components: refused read-write, warned read-only. */
static const char *const sensitive_components[] = {
	".kube", ".netrc", ".git-credentials", ".npmrc", ".pypirc", ".azure", ".password-store", NULL,
};
static const char *const sensitive_dirs[] = {"/var/lib/docker", "/var/lib/containerd", NULL};

int sandbox_path_normalize(const char *in, char *out, size_t outlen)
{
	size_t n = 0;
	const char *p = in;

	if (in[0] != '/' || outlen < 2)
		return -1;
	while (*p) {
		const char *seg;
		size_t len;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return -1;
		if (n + 1 + len + 1 > outlen)
			return -1;
		out[n++] = '/';
		memcpy(out + n, seg, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

int sandbox_path_within(const char *path, const char *dir)
{
	size_t dl = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, dl) == 0 && (path[dl] == '\0' || path[dl] == '/');
}

/* Does any component of path equal one of names? Returns the name or NULL. */
static const char *component_in(const char *path, const char *const *names)
{
	const char *p = path;

	while (*p) {
		const char *seg;
		size_t len;
		int i;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		for (i = 0; names[i]; i++)
			if (strlen(names[i]) == len && strncmp(seg, names[i], len) == 0)
				return names[i];
	}
	return NULL;
}

int sandbox_bind_parse(const char *text, char **source, char **target, int *read_only, char *err, size_t errlen)
{
	const char *c1, *c2, *mode = NULL;

	*source = *target = NULL;
	*read_only = 0;
	c1 = strchr(text, ':');
	if (c1 == NULL || c1 == text)
		return err_set(err, errlen, "sandbox: bind \"%s\" must be SOURCE:TARGET[:ro|rw]", text);
	c2 = strchr(c1 + 1, ':');
	if (c2) {
		mode = c2 + 1;
		if (strcmp(mode, "ro") == 0)
			*read_only = 1;
		else if (strcmp(mode, "rw") != 0)
			return err_set(err, errlen, "sandbox: bind \"%s\": mode \"%s\" must be ro or rw", text, mode);
	} else {
		c2 = c1 + strlen(c1);
	}
	if (c2 == c1 + 1)
		return err_set(err, errlen, "sandbox: bind \"%s\" has no target (SOURCE:TARGET[:ro|rw])", text);
	*source = xstrndup(text, (size_t)(c1 - text));
	*target = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	return 0;
}

int sandbox_bind_check_target(const char *text, const char *target, char *err, size_t errlen)
{
	char norm[SANDBOX_BIND_PATH_MAX];

	if (target[0] != '/' || sandbox_path_normalize(target, norm, sizeof norm) < 0)
		return err_set(err, errlen,
			       "sandbox security: bind \"%s\": target %s must be an absolute path without '..'", text,
			       target);
	if (strcmp(norm, "/") == 0)
		return err_set(err, errlen, "sandbox security: bind \"%s\": target / would hide the whole container",
			       text);
	if (sandbox_path_within(norm, SANDBOX_WORKSPACE_TARGET) || sandbox_path_within(norm, SANDBOX_AGENT_TARGET))
		return err_set(err, errlen,
			       "sandbox security: bind \"%s\": target %s is reserved for the workspace mounts "
			       "(/workspace, /agent); choose another target such as /data",
			       text, norm);
	return 0;
}

int sandbox_bind_check_path(const char *text, const char *path, const char *shown, int read_only,
			    const struct sandbox_bind_env *env, char *warn, size_t warnlen, char *err, size_t errlen)
{
	char what[SANDBOX_BIND_PATH_MAX + 64];
	const char *why = NULL, *name;
	int i;

	if (warn && warnlen)
		warn[0] = '\0';
	snprintf(what, sizeof what, "%s", shown ? shown : path);
	if (path[0] != '/')
		return err_set(err, errlen, "sandbox security: bind \"%s\": source %s must be an absolute path", text,
			       what);
	if (strcmp(path, "/") == 0)
		return err_set(err, errlen, "sandbox security: bind \"%s\": %s is the host's root; bind a directory "
			       "below it", text, what);
	for (i = 0; refused_dirs[i]; i++)
		if (sandbox_path_within(path, refused_dirs[i]))
			return err_set(err, errlen,
				       "sandbox security: bind \"%s\": %s is a protected system path (refused: "
				       REFUSED_LIST " and anything beneath them)",
				       text, what);
	if (component_in(path, (const char *const[]){"docker.sock", NULL}))
		return err_set(err, errlen,
			       "sandbox security: bind \"%s\": %s is a Docker socket, which gives root on the host; "
			       "it is never mounted into a sandbox",
			       text, what);
	if ((name = component_in(path, secret_components)) != NULL)
		return err_set(err, errlen,
			       "sandbox security: bind \"%s\": %s is inside a %s directory (credentials are never "
			       "mounted into a sandbox)",
			       text, what, name);

	/* Sensitive: a parent of a refused tree, the home directory, credential stores, chela's state. */
	for (i = 0; refused_dirs[i]; i++)
		if (sandbox_path_within(refused_dirs[i], path))
			why = "contains a protected system path";
	for (i = 0; !why && sensitive_dirs[i]; i++)
		if (sandbox_path_within(path, sensitive_dirs[i]))
			why = "holds the container engine's data";
	if (!why && (name = component_in(path, sensitive_components)) != NULL)
		why = "is a credential store";
	if (!why && env && env->home && *env->home && strcmp(env->home, "/") != 0 &&
	    sandbox_path_within(env->home, path))
		why = "contains the home directory (and its ~/.ssh, ~/.aws, ...)";
	if (!why && env && env->state_dir && *env->state_dir) {
		if (sandbox_path_within(env->state_dir, path))
			why = "contains chela's state (config, gateway token, transcripts)";
	}
	if (why == NULL)
		return 0;
	if (!read_only)
		return err_set(err, errlen,
			       "sandbox security: bind \"%s\": %s %s; a writable bind of it is refused (add :ro, or "
			       "bind a narrower directory)",
			       text, what, why);
	if (warn && warnlen)
		snprintf(warn, warnlen, "sandbox: bind \"%s\": %s %s; it is mounted read-only, but consider "
			 "binding a narrower directory", text, what, why);
	return 0;
}

/* A directory that directly holds a credential directory is sensitive (e.g. someone's home). */
static const char *holds_secret_dir(const char *dir)
{
	char p[SANDBOX_BIND_PATH_MAX + 32];
	struct stat st;
	int i;

	for (i = 0; secret_components[i]; i++) {
		snprintf(p, sizeof p, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, secret_components[i]);
		if (lstat(p, &st) == 0)
			return secret_components[i];
	}
	return NULL;
}

int sandbox_bind_validate(const char *text, const struct sandbox_bind_env *env, struct sandbox_bind *out,
			  char *warn, size_t warnlen, char *err, size_t errlen)
{
	char *src = NULL, *dst = NULL, *real = NULL;
	char norm[SANDBOX_BIND_PATH_MAX], tnorm[SANDBOX_BIND_PATH_MAX], shown[2 * SANDBOX_BIND_PATH_MAX + 32];
	const char *secret;
	int ro;

	memset(out, 0, sizeof *out);
	if (warn && warnlen)
		warn[0] = '\0';
	if (sandbox_bind_parse(text, &src, &dst, &ro, err, errlen) < 0)
		goto fail;
	if (src[0] != '/' || sandbox_path_normalize(src, norm, sizeof norm) < 0) {
		err_set(err, errlen, "sandbox security: bind \"%s\": source %s must be an absolute path without '..'",
			text, src);
		goto fail;
	}
	/* The path as written first: a refused path is refused even when it does not exist here. */
	if (sandbox_bind_check_path(text, norm, NULL, ro, env, NULL, 0, err, errlen) < 0)
		goto fail;
	if (sandbox_bind_check_target(text, dst, err, errlen) < 0)
		goto fail;
	real = realpath(norm, NULL);
	if (real == NULL) {
		err_set(err, errlen, "sandbox: bind \"%s\": source %s: %s (create it first; a missing source "
			"cannot be bound)", text, norm, strerror(errno));
		goto fail;
	}
	if (strcmp(real, norm) != 0)
		snprintf(shown, sizeof shown, "%s resolves to %s, which", norm, real);
	else
		snprintf(shown, sizeof shown, "%s", real);
	if (sandbox_bind_check_path(text, real, shown, ro, env, warn, warnlen, err, errlen) < 0)
		goto fail;
	if ((warn == NULL || warn[0] == '\0') && (secret = holds_secret_dir(real)) != NULL) {
		if (!ro) {
			err_set(err, errlen, "sandbox security: bind \"%s\": %s holds %s (credentials); a writable "
				"bind of it is refused (add :ro, or bind a narrower directory)", text, shown, secret);
			goto fail;
		}
		if (warn && warnlen)
			snprintf(warn, warnlen, "sandbox: bind \"%s\": %s holds %s (credentials) and is mounted "
				 "read-only; consider binding a narrower directory", text, shown, secret);
	}
	sandbox_path_normalize(dst, tnorm, sizeof tnorm);
	out->source = real;
	out->target = xstrdup(tnorm);
	out->read_only = ro;
	free(src);
	free(dst);
	return 0;
fail:
	free(real);
	free(src);
	free(dst);
	return -1;
}

void sandbox_bind_clear(struct sandbox_bind *b)
{
	if (b == NULL)
		return;
	FREE(b->source);
	FREE(b->target);
}
