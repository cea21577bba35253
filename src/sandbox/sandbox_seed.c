/*
 * sandbox/sandbox_seed.c — the workspace a workspace_access=none (or ro) sandbox sees at
 * /workspace: created under workspace_root, seeded once with the agent's Markdown files and
 * with the agent workspace's skills/ mirrored in so skills can be read.
 *
 * Only regular files and directories are copied, never symlinks: a link in the agent workspace
 * pointing at /etc/shadow must not put the shadow file's content where a sandbox can read it.
 */
#include "sandbox/sandbox_int.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy one regular file (not following a symlink at src), replacing dst. */
static int copy_file(const char *src, const char *dst, size_t *total, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	struct stat st;
	int rc;

	if (lstat(src, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((size_t)st.st_size > SANDBOX_SEED_FILE_MAX || *total + (size_t)st.st_size > SANDBOX_SEED_TOTAL_MAX)
		return 0; /* too big to seed: skipped rather than failing the whole sandbox */
	if (fs_read_file(src, SANDBOX_SEED_FILE_MAX, &data, &len, err, errlen) < 0)
		return -1;
	*total += len;
	rc = fs_write_atomic(dst, data, len, st.st_mode & 0755, err, errlen);
	free(data);
	return rc;
}

static int mirror_dir(const char *src, const char *dst, int depth, size_t *total, char *err, size_t errlen)
{
	DIR *dir;
	struct dirent *e;
	int rc = 0;

	if (depth > SANDBOX_SEED_DEPTH_MAX)
		return 0;
	if (fs_mkdir_p(dst, 0755, err, errlen) < 0)
		return -1;
	dir = opendir(src);
	if (dir == NULL)
		return 0;
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		char *s, *d;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		s = fs_path_join(src, e->d_name);
		d = fs_path_join(dst, e->d_name);
		if (lstat(s, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc = mirror_dir(s, d, depth + 1, total, err, errlen);
			else if (S_ISREG(st.st_mode))
				rc = copy_file(s, d, total, err, errlen);
		}
		free(s);
		free(d);
	}
	closedir(dir);
	return rc;
}

/*
 * A configured numeric user ("1000" or "1000:1000") must be able to write its /workspace: hand
 * the directory over when we can (we are root). A named user cannot be resolved on the host.
 */
static void owner_set(const char *dir, const char *user)
{
	unsigned long uid, gid;
	char *end;

	if (user == NULL || *user == '\0' || geteuid() != 0)
		return;
	uid = strtoul(user, &end, 10);
	if (end == user || (*end != '\0' && *end != ':'))
		return;
	gid = uid;
	if (*end == ':') {
		const char *g = end + 1;

		gid = strtoul(g, &end, 10);
		if (end == g || *end != '\0')
			return;
	}
	if (chown(dir, (uid_t)uid, (gid_t)gid) < 0)
		return; /* not fatal: the sandbox then sees a read-only workspace, which explain shows */
}

int sandbox_workspace_prepare(const struct sandbox_spec *spec, char *err, size_t errlen)
{
	size_t total = 0;
	char *src = NULL, *dst = NULL;
	int i, rc = 0;

	if (spec->access == WORKSPACE_ACCESS_RW || spec->access == WORKSPACE_ACCESS_RO) {
		/* The agent workspace is mounted: it must exist (a bind of a missing path fails). */
		if (fs_mkdir_p(spec->agent_workspace, 0755, err, errlen) < 0)
			return err_prefix(err, errlen, "sandbox: agent workspace");
	}
	if (spec->sandbox_workspace == NULL)
		return 0;
	if (fs_mkdir_p(spec->sandbox_workspace, 0755, err, errlen) < 0)
		return err_prefix(err, errlen, "sandbox: sandbox workspace");
	owner_set(spec->sandbox_workspace, spec->docker->user);
	/* Seed files are copied once: what the sandbox changed afterwards is its own. */
	for (i = 0; sandbox_seed_files[i] && rc == 0; i++) {
		src = fs_path_join(spec->agent_workspace, sandbox_seed_files[i]);
		dst = fs_path_join(spec->sandbox_workspace, sandbox_seed_files[i]);
		if (!fs_exists(dst))
			rc = copy_file(src, dst, &total, err, errlen);
		FREE(src);
		FREE(dst);
	}
	if (rc == 0) {
		src = fs_path_join(spec->agent_workspace, SANDBOX_SKILLS_DIR);
		dst = fs_path_join(spec->sandbox_workspace, SANDBOX_SKILLS_DIR);
		if (fs_is_dir(src))
			rc = mirror_dir(src, dst, 0, &total, err, errlen);
		FREE(src);
		FREE(dst);
	}
	if (rc < 0)
		err_prefix(err, errlen, "sandbox: seeding %s", spec->sandbox_workspace);
	return rc;
}
