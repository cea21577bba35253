/* sandbox/sandbox_state.c — the manager's bookkeeping files (see sandbox_manager.h). */
#include "sandbox/sandbox_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATE_POLL_MS 20

static void state_path(const struct sandbox_mgr *m, const char *name, const char *ext, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s.%s", m->state_dir, name, ext);
}

int sandbox_lock_acquire(const struct sandbox_mgr *m, const char *name, int *fd, char *err, size_t errlen)
{
	char path[4096];
	int64_t deadline = clock_mono_ms() + SANDBOX_LOCK_TIMEOUT_MS;

	*fd = -1;
	if (fs_mkdir_p(m->state_dir, 0700, err, errlen) < 0)
		return err_prefix(err, errlen, "sandbox: state directory");
	state_path(m, name, "lock", path, sizeof path);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return err_set(err, errlen, "sandbox: lock %s: %s", path, strerror(errno));
	/* Poll rather than block so a stuck holder turns into an error instead of a hang. */
	while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = {0, STATE_POLL_MS * 1000000L};

		if ((errno != EWOULDBLOCK && errno != EINTR) || clock_mono_ms() > deadline) {
			err_set(err, errlen, "sandbox: lock %s: %s", path,
				errno == EWOULDBLOCK ? "still held by another chela after 10 minutes" : strerror(errno));
			close(*fd);
			*fd = -1;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	return 0;
}

void sandbox_lock_release(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

/* The marker's mtime is the last use: one utimensat per exec, no file content to keep in sync. */
void sandbox_mark_used(const struct sandbox_mgr *m, const char *name)
{
	char path[4096];
	int fd;

	state_path(m, name, "used", path, sizeof path);
	if (utimensat(AT_FDCWD, path, NULL, 0) == 0)
		return;
	if (fs_mkdir_p(m->state_dir, 0700, NULL, 0) < 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

int64_t sandbox_last_used_ms(const struct sandbox_mgr *m, const char *name)
{
	char path[4096];
	struct stat st;

	state_path(m, name, "used", path, sizeof path);
	if (stat(path, &st) < 0)
		return 0;
	return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

int sandbox_setup_done(const struct sandbox_mgr *m, const char *name, const char *id)
{
	char path[4096], *data = NULL;
	size_t len = 0;
	int done;

	state_path(m, name, "setup", path, sizeof path);
	if (fs_read_file(path, 256, &data, &len, NULL, 0) < 0)
		return 0;
	done = len == strlen(id) && memcmp(data, id, len) == 0;
	free(data);
	return done;
}

int sandbox_setup_record(const struct sandbox_mgr *m, const char *name, const char *id, char *err, size_t errlen)
{
	char path[4096];

	state_path(m, name, "setup", path, sizeof path);
	return fs_write_atomic(path, id, strlen(id), 0600, err, errlen);
}

void sandbox_state_forget(const struct sandbox_mgr *m, const char *name)
{
	char path[4096];

	state_path(m, name, "used", path, sizeof path);
	unlink(path);
	state_path(m, name, "setup", path, sizeof path);
	unlink(path);
}
