/*
 * sandbox/sandbox_binds.h — validation of `bind = SRC:DST[:ro|rw]` (SPEC.md "Bind validation").
 *
 * Contract:
 *   - The source must be absolute and not `/`; it is resolved with realpath(3) and both the path
 *     as written and the resolved path are checked, so a symlink cannot smuggle a refused path in.
 *   - Refused in any mode: /etc, /proc, /sys, /dev, /boot, /root, /run, /var/run and anything
 *     beneath them, any docker.sock, and credential directories (.ssh, .aws, .gnupg, .docker,
 *     wherever they are, so ~/.ssh of any user).
 *   - Sensitive (refused read-write, warned read-only): a directory holding one of those (e.g.
 *     $HOME, /var), other credential stores (.kube, .netrc, ...), /var/lib/docker, and chela's
 *     own state directory.
 *   - Targets must be absolute, not `/`, and not /workspace or /agent or beneath them (those
 *     belong to the workspace mounts).
 *   - Every refusal returns -1 with a message starting "sandbox security:" that names the bind
 *     as written and what to do; a warning is written to (warn, warnlen) with 0 returned.
 *   - Functions ending in _path are pure (no file system access) for table-driven tests.
 */
#ifndef CHELA_SANDBOX_SANDBOX_BINDS_H
#define CHELA_SANDBOX_SANDBOX_BINDS_H

#include <stddef.h>

#define SANDBOX_BIND_PATH_MAX 4096

struct sandbox_bind {
	char *source; /* resolved, absolute */
	char *target;
	int read_only;
};

/* What the checks need to know about the host; NULL fields are skipped. */
struct sandbox_bind_env {
	const char *home;      /* $HOME */
	const char *state_dir; /* chela's state directory */
};

/* Split "SRC:DST[:MODE]" (MODE ro or rw, default rw). Strings are copied (caller frees). */
int sandbox_bind_parse(const char *text, char **source, char **target, int *read_only, char *err, size_t errlen);

/*
 * Check one resolved, normalised source path (pure). Returns 0 (maybe with a warning), -1 refused.
 * text is the bind as written, quoted in messages; shown is how the path was reached
 * ("/tmp/link resolves to /etc") or NULL.
 */
int sandbox_bind_check_path(const char *text, const char *path, const char *shown, int read_only,
			    const struct sandbox_bind_env *env, char *warn, size_t warnlen, char *err, size_t errlen);

/* Check a bind target (pure). */
int sandbox_bind_check_target(const char *text, const char *target, char *err, size_t errlen);

/*
 * Parse, resolve and check one bind. On success fills out (free with sandbox_bind_clear()).
 * A missing source is an error too (Docker refuses to bind a missing path).
 */
int sandbox_bind_validate(const char *text, const struct sandbox_bind_env *env, struct sandbox_bind *out,
			  char *warn, size_t warnlen, char *err, size_t errlen);
void sandbox_bind_clear(struct sandbox_bind *b);

/*
 * Normalise an absolute path lexically: collapse "//" and "/./", drop a trailing '/'. ".."
 * is refused (-1) rather than interpreted, since its meaning depends on symlinks.
 */
int sandbox_path_normalize(const char *in, char *out, size_t outlen);

/* Is path equal to dir or beneath it (component-wise)? Both normalised. */
int sandbox_path_within(const char *path, const char *dir);

#endif
