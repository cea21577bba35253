/*
 * util/fs.h — file-system helpers with bounded reads and durable writes.
 *
 * Contract: fs_read_file() refuses files over `max` bytes (error names the path);
 * fs_write_atomic() writes a temp file, fsyncs it, renames it over the target and fsyncs the
 * directory, so a crash leaves either the old or the new content. All return 0 / -1 + err.
 */
#ifndef CHELA_UTIL_FS_H
#define CHELA_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

int fs_read_file(const char *path, size_t max, char **out, size_t *outlen, char *err, size_t errlen);
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, char *err, size_t errlen);
/* The same with durable = 0: still atomic for readers and across a process crash (the page
 * cache survives it), but without the fsyncs, so a power loss may keep the old content or, on
 * some filesystems, an empty file. For caches that can be rebuilt. */
int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode, int durable, char *err,
		     size_t errlen);
int fs_mkdir_p(const char *path, mode_t mode, char *err, size_t errlen);
int fs_exists(const char *path);
int fs_is_dir(const char *path);
/* Join a and b with exactly one '/', into a new string. */
char *fs_path_join(const char *a, const char *b);
/* "~" or "~/x" → $HOME[/x]; anything else is copied. */
char *fs_expand_home(const char *path);
/* path made absolute against the current directory (already absolute: copied). Lexical only:
 * no symlinks resolved, the path need not exist. If the cwd cannot be read, "/" stands in. */
char *fs_absolute(const char *path);

#endif
