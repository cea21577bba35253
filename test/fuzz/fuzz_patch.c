/* test/fuzz/fuzz_patch.c — the apply_patch parser and the pure hunk applier (tool_patch*.c).
 *
 * The input is "patch text NUL old file text". The patch is parsed; an accepted patch must have
 * 1..TOOLS_PATCH_MAX_FILES files with non-empty single-line paths, no empty hunk, hunks only in
 * Update sections, and each Update is applied to the old text: the result is within the file cap
 * and ends in a newline unless empty. Then a round trip that cannot fail: a patch replacing one
 * line of the old text (with a line of context on each side) is built, parsed and applied, and
 * when the old lines are distinct the result must be exactly the old text with that one line
 * changed. */
#include "tools/tool_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define RT_MAX_LINES 200

static void check_patch(const struct tool_patch *p, const char *old, size_t oldlen)
{
	char err[512];
	int i, k;

	CHECK(p->nfiles >= 1 && p->nfiles <= TOOLS_PATCH_MAX_FILES);
	for (i = 0; i < p->nfiles; i++) {
		const struct tool_patch_file *f = &p->files[i];

		CHECK(f->path && f->path[0] && strchr(f->path, '\n') == NULL);
		CHECK(!f->move_to || (f->move_to[0] && f->op == TOOL_PATCH_UPDATE));
		if (f->op == TOOL_PATCH_ADD) {
			size_t n = strlen(f->content);

			CHECK(f->nhunks == 0 && (n == 0 || f->content[n - 1] == '\n'));
		} else if (f->op == TOOL_PATCH_DELETE) {
			CHECK(f->nhunks == 0 && f->content == NULL);
		} else {
			size_t newlen = 0;
			char *out;

			CHECK(f->nhunks > 0 || f->move_to);
			for (k = 0; k < f->nhunks; k++) {
				const struct tool_patch_hunk *h = &f->hunks[k];

				CHECK(h->nold + h->nnew > 0 && h->context != NULL);
			}
			err[0] = 0;
			out = tool_patch_apply_text(f, old, oldlen, &newlen, err, sizeof err);
			if (out) {
				CHECK(newlen <= TOOLS_FILE_MAX_BYTES && strlen(out) <= newlen);
				CHECK(newlen == 0 || out[newlen - 1] == '\n');
				free(out);
			} else {
				CHECK(err[0] != 0);
			}
		}
	}
}

struct span {
	const char *s;
	size_t n;
};

static void round_trip(const char *old, size_t oldlen, unsigned pick)
{
	struct span L[RT_MAX_LINES];
	struct buf patch, want;
	struct tool_patch p;
	size_t n = 0, pos = 0, i, j, newlen = 0;
	char err[512], *out;

	while (pos < oldlen) {
		const char *nl = memchr(old + pos, '\n', oldlen - pos);
		size_t len = nl ? (size_t)(nl - (old + pos)) : oldlen - pos;

		if (n == RT_MAX_LINES)
			return;
		L[n].s = old + pos;
		L[n++].n = len;
		pos += len + (nl ? 1 : 0);
	}
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (L[i].n == L[j].n && memcmp(L[i].s, L[j].s, L[i].n) == 0)
				return; /* the hunk could match elsewhere: no single right answer */
	j = pick % n;
	buf_init(&patch, 1 << 20);
	buf_init(&want, 1 << 20);
	buf_puts(&patch, "*** Begin Patch\n*** Update File: f.txt\n@@\n");
	if (j > 0)
		buf_printf(&patch, " %.*s\n", (int)L[j - 1].n, L[j - 1].s);
	buf_printf(&patch, "-%.*s\n+REPLACED\n", (int)L[j].n, L[j].s);
	if (j + 1 < n)
		buf_printf(&patch, " %.*s\n", (int)L[j + 1].n, L[j + 1].s);
	buf_puts(&patch, "*** End Patch\n");
	for (i = 0; i < n; i++) {
		if (i == j)
			buf_puts(&want, "REPLACED");
		else
			buf_append(&want, L[i].s, L[i].n);
		buf_putc(&want, '\n');
	}
	CHECK(tool_patch_parse(patch.data, patch.len, &p, err, sizeof err) == 0);
	CHECK(p.nfiles == 1 && p.files[0].op == TOOL_PATCH_UPDATE && p.files[0].nhunks == 1);
	out = tool_patch_apply_text(&p.files[0], old, oldlen, &newlen, err, sizeof err);
	CHECK(out != NULL);
	CHECK(newlen == want.len && memcmp(out, want.data, newlen) == 0);
	free(out);
	tool_patch_free(&p);
	buf_free(&patch);
	buf_free(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t plen = nul ? (size_t)(nul - text) : size;
	const char *old = nul ? nul + 1 : "";
	size_t oldlen = nul ? size - plen - 1 : 0;
	struct tool_patch p;
	char err[512];
	char *clean;
	size_t i;

	err[0] = 0;
	if (tool_patch_parse(text, plen, &p, err, sizeof err) == 0) {
		check_patch(&p, old, oldlen);
		tool_patch_free(&p);
		CHECK(p.nfiles == 0 && p.files == NULL);
	} else {
		CHECK(err[0] != 0 && p.nfiles == 0 && p.files == NULL);
	}
	/* The round trip's patch lines cannot carry CR or NUL (the parser strips a trailing CR and
	 * stops a line at NUL), so those bytes become 'x' in its old text. */
	clean = malloc(oldlen + 1);
	for (i = 0; i < oldlen; i++)
		clean[i] = (old[i] == '\r' || old[i] == '\0') ? 'x' : old[i];
	round_trip(clean, oldlen, size ? data[size - 1] : 0);
	free(clean);
	return 0;
}
