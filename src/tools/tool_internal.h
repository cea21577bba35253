/*
 * tools/tool_internal.h — pieces shared by the tools/ files: validated arguments, output
 * capture, the apply_patch parser, and the per-tool entry points. Not for other modules,
 * except the fuzz targets, which drive tool_args_parse() and tool_patch_parse() directly.
 *
 * Contract: parsers take (buf, len), do no I/O and have hard caps; everything they return is
 * owned by the returned struct and freed by its _free function (which accepts NULL/zeroed).
 */
#ifndef CHELA_TOOLS_TOOL_INTERNAL_H
#define CHELA_TOOLS_TOOL_INTERNAL_H

#include "tools/tools.h"
#include "util/buf.h"

#include <stddef.h>

struct cJSON;

/* --- arguments (tool_args.c) --- */
struct tool_args {
	enum policy_tool tool;
	const char *command, *workdir;
	long timeout_s;
	int background;
	const char *action, *id;
	const char *path;
	long offset, limit; /* read: 1-based first line, line count (0 = default) */
	const char *content;
	const char *old_text, *new_text;
	int replace_all;
	const char *patch;
	struct cJSON *root; /* owns every string above */
};

int tool_args_parse(enum policy_tool t, const char *json, size_t len, struct tool_args *a, char *err, size_t errlen);
void tool_args_free(struct tool_args *a);

/* --- output capture (tool_capture.c) --- */
struct tool_capture {
	struct buf head;
	char *tail; /* ring of tail_cap bytes */
	size_t tail_cap, tail_len, tail_pos;
	size_t total;
};

void tool_capture_init(struct tool_capture *c, size_t head_cap, size_t tail_cap);
void tool_capture_add(struct tool_capture *c, const void *data, size_t len);
/* Produce the joined, UTF-8-clean output and free the capture. */
void tool_capture_finish(struct tool_capture *c, struct tool_output *out);
void tool_output_free(struct tool_output *o);
/* Append s[0..n) to b as valid UTF-8 (invalid bytes become U+FFFD). */
void tool_utf8_clean(struct buf *b, const char *s, size_t n);

/* --- apply_patch (tool_patch.c) --- */
enum tool_patch_op { TOOL_PATCH_ADD, TOOL_PATCH_DELETE, TOOL_PATCH_UPDATE };

struct tool_patch_hunk {
	char *context;    /* the text after "@@ " (may be empty): a line to find before the hunk */
	char **old_lines; /* lines the hunk expects (context + removed) */
	int nold;
	char **new_lines; /* lines it leaves (context + added) */
	int nnew;
	int end_of_file;  /* "*** End of File": the hunk must match at the end */
};

struct tool_patch_file {
	enum tool_patch_op op;
	char *path;
	char *move_to;    /* Update with "*** Move to:" */
	char *content;    /* Add: the whole new file */
	struct tool_patch_hunk *hunks;
	int nhunks;
};

struct tool_patch {
	struct tool_patch_file *files;
	int nfiles;
};

#define TOOLS_PATCH_MAX_FILES 256
#define TOOLS_PATCH_MAX_HUNKS 4096 /* per patch, all files together */

int tool_patch_parse(const char *text, size_t len, struct tool_patch *p, char *err, size_t errlen);
void tool_patch_free(struct tool_patch *p);
/*
 * Apply the hunks of one Update to old text; returns the new text (malloc'd) or NULL with err
 * naming the hunk that did not match. Pure: no I/O.
 */
char *tool_patch_apply_text(const struct tool_patch_file *f, const char *old, size_t oldlen, size_t *newlen,
			    char *err, size_t errlen);

/* --- tools (tool_fs.c, tool_patch_run.c, tool_proc.c); each returns a result object --- */
struct cJSON *tool_read_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen);
struct cJSON *tool_write_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen);
struct cJSON *tool_edit_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen);
struct cJSON *tool_apply_patch_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen);
struct cJSON *tool_exec_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen);
struct cJSON *tool_process_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen);

/* Is this buffer binary (a NUL byte within the first TOOLS_BINARY_SNIFF_BYTES)? */
int tool_is_binary(const char *data, size_t len);

/* Add a UTF-8-clean copy of s[0..n) to obj under name. */
void tool_json_add_text(struct cJSON *obj, const char *name, const char *s, size_t n);

#endif
