/*
 * tools/tool_patch_run.c — apply_patch: hunks applied to text, then every file written, all or
 * nothing. Every file is read and every hunk matched in memory before the first write; if a
 * write still fails midway, the files already written are put back as they were.
 */
#include "tools/tool_internal.h"

#include "util/err.h"
#include "util/mem.h"

#include <cJSON.h>
#include <ctype.h>
#include <string.h>

struct span {
	const char *s;
	size_t n;
};

/* Compare a file line with a patch line: exact, then ignoring trailing blanks, then all blanks. */
static int line_eq(struct span a, const char *b, int mode)
{
	size_t bn = strlen(b), as = 0, bs = 0;

	if (mode == 0)
		return a.n == bn && memcmp(a.s, b, bn) == 0;
	while (a.n && isspace((unsigned char)a.s[a.n - 1]))
		a.n--;
	while (bn && isspace((unsigned char)b[bn - 1]))
		bn--;
	if (mode == 2) {
		while (as < a.n && isspace((unsigned char)a.s[as]))
			as++;
		while (bs < bn && isspace((unsigned char)b[bs]))
			bs++;
	}
	return a.n - as == bn - bs && memcmp(a.s + as, b + bs, bn - bs) == 0;
}

static int seq_at(const struct span *L, size_t i, char **pat, int np, int mode)
{
	int k;

	for (k = 0; k < np; k++)
		if (!line_eq(L[i + (size_t)k], pat[k], mode))
			return 0;
	return 1;
}

/* First index >= start where pat matches (the end first when eof); -1 when nowhere. */
static long find_seq(const struct span *L, size_t n, size_t start, char **pat, int np, int eof)
{
	int mode;
	size_t i;

	if ((size_t)np > n)
		return -1;
	for (mode = 0; mode < 3; mode++) {
		if (eof && n - (size_t)np >= start && seq_at(L, n - (size_t)np, pat, np, mode))
			return (long)(n - (size_t)np);
		for (i = start; i + (size_t)np <= n; i++)
			if (seq_at(L, i, pat, np, mode))
				return (long)i;
	}
	return -1;
}

/* see tool_internal.h */
char *tool_patch_apply_text(const struct tool_patch_file *f, const char *old, size_t oldlen, size_t *newlen,
			    char *err, size_t errlen)
{
	struct span *L = NULL;
	size_t n = 0, pos = 0, cursor = 0, emitted = 0, i;
	struct buf out;
	int k, j;

	/* Split into lines (without '\n'); a final line without newline still counts. */
	while (pos < oldlen) {
		const char *nl = memchr(old + pos, '\n', oldlen - pos);
		size_t len = nl ? (size_t)(nl - (old + pos)) : oldlen - pos;

		L = xrealloc(L, sizeof *L * (n + 1));
		L[n].s = old + pos;
		L[n++].n = len;
		pos += len + (nl ? 1 : 0);
	}
	buf_init(&out, TOOLS_FILE_MAX_BYTES);
	for (k = 0; k < f->nhunks; k++) {
		const struct tool_patch_hunk *h = &f->hunks[k];
		long at;

		if (h->context[0]) {
			char *ctx[1] = {h->context};

			at = find_seq(L, n, cursor, ctx, 1, 0);
			if (at < 0) {
				err_set(err, errlen, "apply_patch: %s: hunk %d: the line '@@ %.80s' was not found", f->path, k + 1,
					h->context);
				goto fail;
			}
			cursor = (size_t)at + 1;
		}
		if (h->nold == 0) {
			at = h->context[0] && !h->end_of_file ? (long)cursor : (long)n;
		} else {
			at = find_seq(L, n, cursor, h->old_lines, h->nold, h->end_of_file);
			if (at < 0) {
				err_set(err, errlen, "apply_patch: %s: hunk %d does not match the file (looked for %d line%s "
						     "starting '%.80s'%s)", f->path, k + 1, h->nold, h->nold == 1 ? "" : "s",
					h->old_lines[0], h->end_of_file ? " at the end of the file" : "");
				goto fail;
			}
		}
		for (i = emitted; i < (size_t)at; i++) {
			buf_append(&out, L[i].s, L[i].n);
			buf_putc(&out, '\n');
		}
		for (j = 0; j < h->nnew; j++) {
			buf_puts(&out, h->new_lines[j]);
			buf_putc(&out, '\n');
		}
		emitted = (size_t)at + (size_t)h->nold;
		cursor = emitted;
	}
	for (i = emitted; i < n; i++) {
		buf_append(&out, L[i].s, L[i].n);
		buf_putc(&out, '\n');
	}
	if (out.overflow) {
		err_set(err, errlen, "apply_patch: %s: the result is over %d bytes", f->path, TOOLS_FILE_MAX_BYTES);
		goto fail;
	}
	free(L);
	*newlen = out.len;
	return out.data ? buf_take(&out) : xstrdup("");
fail:
	free(L);
	buf_free(&out);
	return NULL;
}

/* One file as the patch will leave it: staged in memory until every hunk has matched. */
struct staged {
	char rel[TOOLS_PATH_MAX];
	int existed;      /* on the backend before the patch */
	char *orig;       /* its content then (for rollback) */
	size_t origlen;
	int exists;       /* after the patch */
	char *data;
	size_t len;
	int written;      /* committed to the backend */
};

struct stage {
	struct staged *v;
	int n;
};

/* The staged entry for rel, loading it from the backend the first time. NULL + err on failure. */
static struct staged *stage_get(struct tool_backend *be, struct stage *st, const char *rel, char *err, size_t errlen)
{
	struct staged *s;
	char e[ERR_LEN];
	int i, rc;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->v[i].rel, rel) == 0)
			return &st->v[i];
	st->v = xrealloc(st->v, sizeof *st->v * (size_t)(st->n + 1));
	s = &st->v[st->n];
	memset(s, 0, sizeof *s);
	snprintf(s->rel, sizeof s->rel, "%s", rel);
	rc = be->read(be, rel, TOOLS_FILE_MAX_BYTES, &s->orig, &s->origlen, e, sizeof e);
	if (rc == TOOL_ENOENT) {
		s->orig = NULL;
	} else if (rc < 0) {
		err_set(err, errlen, "apply_patch: %s", e);
		return NULL;
	} else {
		s->existed = s->exists = 1;
		s->data = xmalloc(s->origlen + 1);
		memcpy(s->data, s->orig, s->origlen + 1);
		s->len = s->origlen;
	}
	st->n++;
	return s;
}

static void stage_set(struct staged *s, char *data, size_t len)
{
	free(s->data);
	s->data = data;
	s->len = len;
	s->exists = 1;
}

static void stage_free(struct stage *st)
{
	int i;

	for (i = 0; i < st->n; i++) {
		free(st->v[i].orig);
		free(st->v[i].data);
	}
	free(st->v);
}

/* Work one file section out in memory. */
static int stage_file(struct tool_backend *be, struct stage *st, const struct tool_patch_file *f, cJSON *res,
		      char *err, size_t errlen)
{
	char rel[TOOLS_PATH_MAX], to[TOOLS_PATH_MAX], e[ERR_LEN];
	struct staged *s, *d;
	size_t nlen;
	char *nd;

	if (tool_path_rel(be->root, f->path, rel, sizeof rel, e, sizeof e) < 0 || strcmp(rel, ".") == 0)
		return err_set(err, errlen, "apply_patch: %s: %s", f->path, strcmp(rel, ".") ? e : "not a file");
	if (!(s = stage_get(be, st, rel, err, errlen)))
		return -1;
	switch (f->op) {
	case TOOL_PATCH_ADD:
		if (s->exists)
			return err_set(err, errlen, "apply_patch: Add File %s: the file already exists (use Update File)", rel);
		stage_set(s, xstrdup(f->content), strlen(f->content));
		cJSON_AddItemToArray(cJSON_GetObjectItem(res, "added"), cJSON_CreateString(rel));
		return 0;
	case TOOL_PATCH_DELETE:
		if (!s->exists)
			return err_set(err, errlen, "apply_patch: Delete File %s: no such file", rel);
		s->exists = 0;
		cJSON_AddItemToArray(cJSON_GetObjectItem(res, "deleted"), cJSON_CreateString(rel));
		return 0;
	case TOOL_PATCH_UPDATE:
		break;
	}
	if (!s->exists)
		return err_set(err, errlen, "apply_patch: Update File %s: no such file", rel);
	if (tool_is_binary(s->data, s->len))
		return err_set(err, errlen, "apply_patch: Update File %s: a binary file cannot be patched", rel);
	nd = tool_patch_apply_text(f, s->data, s->len, &nlen, err, errlen);
	if (!nd)
		return -1;
	if (!f->move_to) {
		stage_set(s, nd, nlen);
		cJSON_AddItemToArray(cJSON_GetObjectItem(res, "updated"), cJSON_CreateString(rel));
		return 0;
	}
	if (tool_path_rel(be->root, f->move_to, to, sizeof to, e, sizeof e) < 0 || strcmp(to, ".") == 0) {
		free(nd);
		return err_set(err, errlen, "apply_patch: Move to %s: %s", f->move_to, strcmp(to, ".") ? e : "not a file");
	}
	if (!(d = stage_get(be, st, to, err, errlen))) {
		free(nd);
		return -1;
	}
	s = stage_get(be, st, rel, err, errlen); /* the array may have moved */
	if (d != s && d->exists) {
		free(nd);
		return err_set(err, errlen, "apply_patch: Move to %s: the file already exists", to);
	}
	s->exists = 0;
	stage_set(d, nd, nlen);
	{
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "from", rel);
		cJSON_AddStringToObject(m, "to", to);
		cJSON_AddItemToArray(cJSON_GetObjectItem(res, "moved"), m);
	}
	return 0;
}

/* Put back every file already written (best effort: we are already failing). */
static void rollback(struct tool_backend *be, struct stage *st)
{
	char e[ERR_LEN];
	int i;

	for (i = 0; i < st->n; i++) {
		struct staged *s = &st->v[i];

		if (!s->written)
			continue;
		if (s->existed)
			be->write(be, s->rel, s->orig, s->origlen, e, sizeof e);
		else
			be->remove(be, s->rel, e, sizeof e);
	}
}

cJSON *tool_apply_patch_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen)
{
	struct tool_patch p;
	struct stage st = {NULL, 0};
	char e[ERR_LEN];
	cJSON *res = NULL;
	int i, rc;

	if (tool_patch_parse(a->patch, strlen(a->patch), &p, err, errlen) < 0)
		return NULL;
	res = cJSON_CreateObject();
	cJSON_AddBoolToObject(res, "ok", 1);
	cJSON_AddArrayToObject(res, "added");
	cJSON_AddArrayToObject(res, "updated");
	cJSON_AddArrayToObject(res, "deleted");
	cJSON_AddArrayToObject(res, "moved");
	for (i = 0; i < p.nfiles; i++) {
		if (stage_file(be, &st, &p.files[i], res, e, sizeof e) < 0) {
			err_set(err, errlen, "%s; nothing changed", e);
			goto fail;
		}
	}
	/* Every hunk matched: commit. */
	for (i = 0; i < st.n; i++) {
		struct staged *s = &st.v[i];

		if (s->exists)
			rc = be->write(be, s->rel, s->data, s->len, e, sizeof e);
		else if (s->existed)
			rc = be->remove(be, s->rel, e, sizeof e);
		else
			continue;
		if (rc < 0) {
			err_set(err, errlen, "apply_patch: %s; the files already written were restored", e);
			rollback(be, &st);
			goto fail;
		}
		s->written = 1;
	}
	stage_free(&st);
	tool_patch_free(&p);
	return res;
fail:
	cJSON_Delete(res);
	stage_free(&st);
	tool_patch_free(&p);
	return NULL;
}
