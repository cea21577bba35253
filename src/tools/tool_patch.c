/*
 * tools/tool_patch.c — the apply_patch format: parsing and applying hunks to text. Pure: the
 * file I/O and the all-or-nothing commit live in tool_patch_run.c.
 *
 *   *** Begin Patch
 *   *** Add File: path        followed by "+line" lines (the whole file)
 *   *** Delete File: path
 *   *** Update File: path     optionally "*** Move to: path", then hunks:
 *   @@ [a line to find first]  " ctx", "-old", "+new" lines; "*** End of File" pins to the end
 *   *** End Patch
 */
#include "tools/tool_internal.h"

#include "util/err.h"
#include "util/mem.h"

#include <string.h>

/* A cursor over the patch text, one line at a time. */
struct lines {
	const char *p, *end;
	int lineno;
	char *cur;   /* current line, without '\n' (and without a trailing '\r') */
};

static int next_line(struct lines *L)
{
	const char *nl;
	size_t n;

	FREE(L->cur);
	if (L->p >= L->end)
		return 0;
	nl = memchr(L->p, '\n', (size_t)(L->end - L->p));
	n = nl ? (size_t)(nl - L->p) : (size_t)(L->end - L->p);
	L->cur = xstrndup(L->p, n);
	if (n && L->cur[n - 1] == '\r')
		L->cur[n - 1] = '\0';
	L->p += n + (nl ? 1 : 0);
	L->lineno++;
	return 1;
}

static int is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Is the line exactly want, ignoring surrounding blanks? */
static int line_is(const char *s, const char *want)
{
	size_t n = strlen(want);

	s += strspn(s, " \t");
	return strncmp(s, want, n) == 0 && is_blank(s + n);
}

/* The text after a "*** Header: " prefix, trimmed; NULL when the line is not that header. */
static const char *header_arg(const char *line, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(line, prefix, n) != 0)
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static char *trimmed_dup(const char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

static void push_line(char ***arr, int *n, const char *s)
{
	*arr = xrealloc(*arr, sizeof **arr * (size_t)(*n + 1));
	(*arr)[(*n)++] = xstrdup(s);
}

static struct tool_patch_file *add_file(struct tool_patch *p, enum tool_patch_op op, const char *path)
{
	struct tool_patch_file *f;

	p->files = xrealloc(p->files, sizeof *p->files * (size_t)(p->nfiles + 1));
	f = &p->files[p->nfiles++];
	memset(f, 0, sizeof *f);
	f->op = op;
	f->path = trimmed_dup(path);
	return f;
}

static struct tool_patch_hunk *add_hunk(struct tool_patch_file *f, const char *context)
{
	struct tool_patch_hunk *h;

	f->hunks = xrealloc(f->hunks, sizeof *f->hunks * (size_t)(f->nhunks + 1));
	h = &f->hunks[f->nhunks++];
	memset(h, 0, sizeof *h);
	h->context = trimmed_dup(context);
	return h;
}

/* see tool_internal.h */
int tool_patch_parse(const char *text, size_t len, struct tool_patch *p, char *err, size_t errlen)
{
	struct lines L = {text, text + len, 0, NULL};
	struct tool_patch_file *f = NULL;
	struct tool_patch_hunk *h = NULL;
	struct buf add;
	int ended = 0, total_hunks = 0;
	const char *arg;

	memset(p, 0, sizeof *p);
	buf_init(&add, TOOLS_FILE_MAX_BYTES);
	while (next_line(&L) && is_blank(L.cur))
		;
	if (!L.cur || !line_is(L.cur, "*** Begin Patch")) {
		err_set(err, errlen, "patch: line %d: the patch must start with '*** Begin Patch'", L.lineno ? L.lineno : 1);
		goto fail;
	}
	while (next_line(&L)) {
		const char *s = L.cur;

		if (strncmp(s, "*** ", 4) == 0 && strncmp(s, "*** End of File", 15) != 0) {
			/* A new section ends the Add File body in progress. */
			if (f && f->op == TOOL_PATCH_ADD) {
				f->content = buf_take(&add);
				if (!f->content)
					f->content = xstrdup("");
				buf_init(&add, TOOLS_FILE_MAX_BYTES);
			}
			h = NULL;
			if (line_is(s, "*** End Patch")) {
				ended = 1;
				break;
			}
			if (p->nfiles >= TOOLS_PATCH_MAX_FILES) {
				err_set(err, errlen, "patch: line %d: more than %d files in one patch", L.lineno,
					TOOLS_PATCH_MAX_FILES);
				goto fail;
			}
			if ((arg = header_arg(s, "*** Add File:")) != NULL) {
				f = add_file(p, TOOL_PATCH_ADD, arg);
			} else if ((arg = header_arg(s, "*** Delete File:")) != NULL) {
				f = add_file(p, TOOL_PATCH_DELETE, arg);
			} else if ((arg = header_arg(s, "*** Update File:")) != NULL) {
				f = add_file(p, TOOL_PATCH_UPDATE, arg);
			} else if ((arg = header_arg(s, "*** Move to:")) != NULL) {
				if (!f || f->op != TOOL_PATCH_UPDATE || f->move_to || f->nhunks) {
					err_set(err, errlen, "patch: line %d: '*** Move to:' must follow '*** Update File:'",
						L.lineno);
					goto fail;
				}
				f->move_to = trimmed_dup(arg);
				if (!f->move_to[0]) {
					err_set(err, errlen, "patch: line %d: '*** Move to:' needs a path", L.lineno);
					goto fail;
				}
				continue;
			} else {
				err_set(err, errlen, "patch: line %d: unknown section '%.60s' (expected Add File, Delete File, "
						     "Update File, Move to or End Patch)", L.lineno, s);
				goto fail;
			}
			if (!f->path[0]) {
				err_set(err, errlen, "patch: line %d: the section names no file", L.lineno);
				goto fail;
			}
			continue;
		}
		if (!f) {
			if (is_blank(s))
				continue;
			err_set(err, errlen, "patch: line %d: text before the first file section", L.lineno);
			goto fail;
		}
		switch (f->op) {
		case TOOL_PATCH_ADD:
			if (s[0] != '+') {
				err_set(err, errlen, "patch: line %d: lines of an added file must start with '+' (%s)", L.lineno,
					f->path);
				goto fail;
			}
			if (buf_puts(&add, s + 1) < 0 || buf_putc(&add, '\n') < 0) {
				err_set(err, errlen, "patch: added file %s is over %d bytes", f->path, TOOLS_FILE_MAX_BYTES);
				goto fail;
			}
			break;
		case TOOL_PATCH_DELETE:
			if (!is_blank(s)) {
				err_set(err, errlen, "patch: line %d: a deleted file takes no lines (%s)", L.lineno, f->path);
				goto fail;
			}
			break;
		case TOOL_PATCH_UPDATE:
			if (strncmp(s, "@@", 2) == 0) {
				if (++total_hunks > TOOLS_PATCH_MAX_HUNKS) {
					err_set(err, errlen, "patch: more than %d hunks", TOOLS_PATCH_MAX_HUNKS);
					goto fail;
				}
				h = add_hunk(f, s[2] == ' ' ? s + 3 : s + 2);
				break;
			}
			if (strncmp(s, "*** End of File", 15) == 0) {
				if (!h) {
					err_set(err, errlen, "patch: line %d: '*** End of File' outside a hunk", L.lineno);
					goto fail;
				}
				h->end_of_file = 1;
				h = NULL;
				break;
			}
			if (!h) {
				if (f->nhunks == 0 && (s[0] == ' ' || s[0] == '-' || s[0] == '+')) {
					h = add_hunk(f, ""); /* the first hunk may omit its @@ line */
				} else if (is_blank(s)) {
					break;
				} else {
					err_set(err, errlen, "patch: line %d: expected '@@' to start a hunk of %s", L.lineno, f->path);
					goto fail;
				}
			}
			if (s[0] == ' ' || s[0] == '\0') {
				push_line(&h->old_lines, &h->nold, s[0] ? s + 1 : "");
				push_line(&h->new_lines, &h->nnew, s[0] ? s + 1 : "");
			} else if (s[0] == '-') {
				push_line(&h->old_lines, &h->nold, s + 1);
			} else if (s[0] == '+') {
				push_line(&h->new_lines, &h->nnew, s + 1);
			} else {
				err_set(err, errlen, "patch: line %d: hunk lines start with ' ', '-' or '+' (%s)", L.lineno,
					f->path);
				goto fail;
			}
			break;
		}
	}
	if (!ended) {
		err_set(err, errlen, "patch: the patch must end with '*** End Patch'");
		goto fail;
	}
	while (next_line(&L)) {
		if (!is_blank(L.cur)) {
			err_set(err, errlen, "patch: line %d: text after '*** End Patch'", L.lineno);
			goto fail;
		}
	}
	if (p->nfiles == 0) {
		err_set(err, errlen, "patch: the patch changes no file");
		goto fail;
	}
	for (int i = 0; i < p->nfiles; i++) {
		f = &p->files[i];
		if (f->op == TOOL_PATCH_UPDATE && f->nhunks == 0 && !f->move_to) {
			err_set(err, errlen, "patch: Update File %s has no hunks", f->path);
			goto fail;
		}
		for (int k = 0; k < f->nhunks; k++) {
			if (f->hunks[k].nold == 0 && f->hunks[k].nnew == 0) {
				err_set(err, errlen, "patch: hunk %d of %s is empty", k + 1, f->path);
				goto fail;
			}
		}
	}
	buf_free(&add);
	FREE(L.cur);
	return 0;
fail:
	buf_free(&add);
	FREE(L.cur);
	tool_patch_free(p);
	return -1;
}

static void free_lines(char **a, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

void tool_patch_free(struct tool_patch *p)
{
	int i, k;

	if (!p)
		return;
	for (i = 0; i < p->nfiles; i++) {
		struct tool_patch_file *f = &p->files[i];

		free(f->path);
		free(f->move_to);
		free(f->content);
		for (k = 0; k < f->nhunks; k++) {
			free(f->hunks[k].context);
			free_lines(f->hunks[k].old_lines, f->hunks[k].nold);
			free_lines(f->hunks[k].new_lines, f->hunks[k].nnew);
		}
		free(f->hunks);
	}
	free(p->files);
	memset(p, 0, sizeof *p);
}
