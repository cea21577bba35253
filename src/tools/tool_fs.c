/*
 * tools/tool_fs.c — read, write and edit, written once over the backend's read/write so the
 * host and the sandbox give the same results.
 */
#include "tools/tool_internal.h"

#include "util/err.h"
#include "util/mem.h"

#include <cJSON.h>
#include <string.h>

/* Load a text file for read/edit with the errors a model can act on. */
static int load_text(struct tool_backend *be, const char *tool, const char *rel, char **data, size_t *len, char *err,
		     size_t errlen)
{
	char e[ERR_LEN];
	int rc = be->read(be, rel, TOOLS_FILE_MAX_BYTES, data, len, e, sizeof e);

	if (rc == TOOL_ENOENT)
		return err_set(err, errlen, "%s: '%s': no such file", tool, rel);
	if (rc < 0) {
		if (strstr(e, "-byte limit"))
			return err_set(err, errlen, "%s: %s; use exec (head, tail, sed -n, grep) to look at part of it", tool,
				       e);
		return err_set(err, errlen, "%s: %s", tool, e);
	}
	if (tool_is_binary(*data, *len)) {
		FREE(*data);
		return err_set(err, errlen, "%s: '%s' is a binary file (%zu bytes); use exec (od, file, xxd) to inspect it",
			       tool, rel, *len);
	}
	return 0;
}

cJSON *tool_read_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen)
{
	char rel[TOOLS_PATH_MAX], e[ERR_LEN];
	char *data = NULL;
	size_t len = 0, pos = 0, total_lines = 0;
	long first = a->offset > 0 ? a->offset : 1;
	long limit = a->limit > 0 ? a->limit : TOOLS_READ_MAX_LINES;
	long line = 1, last = 0;
	int truncated = 0, cut_lines = 0;
	struct buf out;
	cJSON *r;

	if (tool_path_rel(be->root, a->path, rel, sizeof rel, e, sizeof e) < 0) {
		err_set(err, errlen, "read: %s", e);
		return NULL;
	}
	if (load_text(be, "read", rel, &data, &len, err, errlen) < 0)
		return NULL;
	for (pos = 0; pos < len; pos++)
		if (data[pos] == '\n')
			total_lines++;
	if (len && data[len - 1] != '\n')
		total_lines++;
	if ((size_t)first > total_lines && !(first == 1 && total_lines == 0)) {
		err_set(err, errlen, "read: offset %ld is past the end of '%s' (%zu lines)", first, rel, total_lines);
		free(data);
		return NULL;
	}
	buf_init(&out, TOOLS_READ_MAX_BYTES + TOOLS_READ_LINE_MAX * 3 + 64);
	for (pos = 0; pos < len && line < first + limit; line++) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;

		if (line >= first) {
			size_t take = n > TOOLS_READ_LINE_MAX ? TOOLS_READ_LINE_MAX : n;

			if (out.len + take > TOOLS_READ_MAX_BYTES) {
				truncated = 1;
				break;
			}
			tool_utf8_clean(&out, data + pos, take);
			if (take < n) {
				buf_printf(&out, " [... line cut: %zu more bytes]", n - take);
				cut_lines++;
			}
			if (nl)
				buf_putc(&out, '\n');
			last = line;
		}
		pos += n + (nl ? 1 : 0);
	}
	if (last < (long)total_lines)
		truncated = 1;
	r = cJSON_CreateObject();
	cJSON_AddBoolToObject(r, "ok", 1);
	cJSON_AddStringToObject(r, "path", rel);
	cJSON_AddStringToObject(r, "content", out.data ? out.data : "");
	cJSON_AddNumberToObject(r, "start_line", last ? (double)first : 0);
	cJSON_AddNumberToObject(r, "end_line", (double)last);
	cJSON_AddNumberToObject(r, "total_lines", (double)total_lines);
	cJSON_AddNumberToObject(r, "bytes", (double)len);
	cJSON_AddBoolToObject(r, "truncated", truncated);
	if (truncated && last)
		cJSON_AddNumberToObject(r, "next_offset", (double)(last + 1));
	if (cut_lines)
		cJSON_AddNumberToObject(r, "cut_lines", cut_lines);
	buf_free(&out);
	free(data);
	return r;
}

cJSON *tool_write_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen)
{
	char rel[TOOLS_PATH_MAX], e[ERR_LEN];
	size_t n = strlen(a->content);
	cJSON *r;

	if (tool_path_rel(be->root, a->path, rel, sizeof rel, e, sizeof e) < 0) {
		err_set(err, errlen, "write: %s", e);
		return NULL;
	}
	if (strcmp(rel, ".") == 0) {
		err_set(err, errlen, "write: '%s' is the workspace itself, not a file", a->path);
		return NULL;
	}
	if (be->write(be, rel, a->content, n, e, sizeof e) < 0) {
		err_set(err, errlen, "write: %s", e);
		return NULL;
	}
	r = cJSON_CreateObject();
	cJSON_AddBoolToObject(r, "ok", 1);
	cJSON_AddStringToObject(r, "path", rel);
	cJSON_AddNumberToObject(r, "bytes", (double)n);
	return r;
}

/* Occurrences of needle in hay (non-overlapping). */
static size_t count_occ(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	size_t n = 0;
	const char *p = hay, *end = hay + hlen;

	while ((size_t)(end - p) >= nlen && (p = memmem(p, (size_t)(end - p), needle, nlen)) != NULL) {
		n++;
		p += nlen;
	}
	return n;
}

cJSON *tool_edit_run(struct tool_backend *be, const struct tool_args *a, char *err, size_t errlen)
{
	char rel[TOOLS_PATH_MAX], e[ERR_LEN];
	size_t len = 0, olen = strlen(a->old_text), nlen = strlen(a->new_text), occ, outlen, k;
	char *data = NULL, *out = NULL, *w;
	const char *p, *q;
	cJSON *r = NULL;

	if (tool_path_rel(be->root, a->path, rel, sizeof rel, e, sizeof e) < 0) {
		err_set(err, errlen, "edit: %s", e);
		return NULL;
	}
	if (load_text(be, "edit", rel, &data, &len, err, errlen) < 0)
		return NULL;
	occ = count_occ(data, len, a->old_text, olen);
	if (occ == 0) {
		err_set(err, errlen, "edit: the 'old' text was not found in '%s' (it must match exactly, including "
				     "whitespace); nothing changed", rel);
		goto done;
	}
	if (occ > 1 && !a->replace_all) {
		err_set(err, errlen, "edit: the 'old' text occurs %zu times in '%s'; include more surrounding lines to make "
				     "it unique, or set replace_all; nothing changed", occ, rel);
		goto done;
	}
	if (!a->replace_all)
		occ = 1;
	outlen = len - occ * olen + occ * nlen;
	if (outlen > TOOLS_FILE_MAX_BYTES) {
		err_set(err, errlen, "edit: '%s' would grow to %zu bytes, over the %d-byte limit; nothing changed", rel,
			outlen, TOOLS_FILE_MAX_BYTES);
		goto done;
	}
	out = xmalloc(outlen + 1);
	w = out;
	p = data;
	for (k = 0; k < occ; k++) {
		q = memmem(p, (size_t)(data + len - p), a->old_text, olen);
		memcpy(w, p, (size_t)(q - p));
		w += q - p;
		memcpy(w, a->new_text, nlen);
		w += nlen;
		p = q + olen;
	}
	memcpy(w, p, (size_t)(data + len - p));
	if (be->write(be, rel, out, outlen, e, sizeof e) < 0) {
		err_set(err, errlen, "edit: %s", e);
		goto done;
	}
	r = cJSON_CreateObject();
	cJSON_AddBoolToObject(r, "ok", 1);
	cJSON_AddStringToObject(r, "path", rel);
	cJSON_AddNumberToObject(r, "replacements", (double)occ);
done:
	free(data);
	free(out);
	return r;
}
