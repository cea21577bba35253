/* tools/tool_capture.c — head+tail output capture, UTF-8 cleaning, path rooting (see tool_internal.h) */
#include "tools/tool_internal.h"

#include "util/err.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

void tool_capture_init(struct tool_capture *c, size_t head_cap, size_t tail_cap)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->head, head_cap);
	c->tail_cap = tail_cap;
	c->tail = tail_cap ? xmalloc(tail_cap) : NULL;
}

void tool_capture_add(struct tool_capture *c, const void *data, size_t len)
{
	const char *p = data;
	size_t room = c->head.max - c->head.len, take;

	c->total += len;
	/* Fill the head first; everything after goes through the tail ring. */
	take = len < room ? len : room;
	if (take) {
		buf_append(&c->head, p, take);
		p += take;
		len -= take;
	}
	if (!c->tail_cap)
		return;
	if (len >= c->tail_cap) {
		p += len - c->tail_cap;
		len = c->tail_cap;
	}
	while (len) {
		size_t chunk = c->tail_cap - c->tail_pos;

		if (chunk > len)
			chunk = len;
		memcpy(c->tail + c->tail_pos, p, chunk);
		c->tail_pos = (c->tail_pos + chunk) % c->tail_cap;
		c->tail_len = c->tail_len + chunk > c->tail_cap ? c->tail_cap : c->tail_len + chunk;
		p += chunk;
		len -= chunk;
	}
}

/* Length of a valid UTF-8 sequence at s (n bytes available), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

void tool_utf8_clean(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq(u + i, n - i);
		if (k == 0) {
			buf_append(b, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		buf_append(b, u + i, k);
		i += k;
	}
}

void tool_capture_finish(struct tool_capture *c, struct tool_output *out)
{
	struct buf b;
	size_t kept = c->head.len + c->tail_len;

	/* Room for the marker and for every byte turning into a 3-byte U+FFFD. */
	buf_init(&b, 3 * kept + 128);
	tool_utf8_clean(&b, c->head.data ? c->head.data : "", c->head.len);
	out->total = c->total;
	out->dropped = c->total - kept;
	if (c->tail_len) {
		char *t = xmalloc(c->tail_len);
		size_t start = (c->tail_pos + c->tail_cap - c->tail_len) % c->tail_cap;
		size_t first = c->tail_cap - start < c->tail_len ? c->tail_cap - start : c->tail_len;

		memcpy(t, c->tail + start, first);
		memcpy(t + first, c->tail, c->tail_len - first);
		if (out->dropped)
			buf_printf(&b, "\n[... %zu bytes dropped ...]\n", out->dropped);
		tool_utf8_clean(&b, t, c->tail_len);
		free(t);
	}
	out->len = b.len;
	out->data = buf_take(&b);
	if (!out->data)
		out->data = xstrdup("");
	buf_free(&c->head);
	FREE(c->tail);
}

void tool_output_free(struct tool_output *o)
{
	if (o)
		FREE(o->data);
}

void tool_exec_res_free(struct tool_exec_res *res)
{
	if (!res)
		return;
	tool_output_free(&res->out);
	tool_output_free(&res->err);
}

int tool_is_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < TOOLS_BINARY_SNIFF_BYTES ? len : TOOLS_BINARY_SNIFF_BYTES) != NULL;
}

void tool_json_add_text(cJSON *obj, const char *name, const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, 3 * n + 1);
	tool_utf8_clean(&b, s ? s : "", s ? n : 0);
	cJSON_AddStringToObject(obj, name, b.data ? b.data : "");
	buf_free(&b);
}

/* see tools.h */
int tool_path_rel(const char *root, const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t rootlen = strlen(root), n = 0, clen;
	const char *p, *c;

	while (rootlen > 1 && root[rootlen - 1] == '/')
		rootlen--;
	if (!path || !path[0])
		return err_set(err, errlen, "path is empty");
	if (strlen(path) >= TOOLS_PATH_MAX)
		return err_set(err, errlen, "path is longer than %d bytes", TOOLS_PATH_MAX);
	p = path;
	if (path[0] == '/') {
		if (strncmp(path, root, rootlen) != 0 || (path[rootlen] != '/' && path[rootlen] != '\0') ||
		    (rootlen == 1 && root[0] != '/'))
			return err_set(err, errlen, "path '%s' is outside the workspace (%.*s)", path, (int)rootlen, root);
		p = path + rootlen;
	}
	if (outlen < 2)
		return err_set(err, errlen, "path '%s' is too long", path);
	/* Walk components; ".." pops what we built, and may never climb above the root. */
	for (c = p; *c;) {
		while (*c == '/')
			c++;
		if (!*c)
			break;
		clen = strcspn(c, "/");
		if (clen == 1 && c[0] == '.') {
			c += clen;
			continue;
		}
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			if (n == 0)
				return err_set(err, errlen, "path '%s' leaves the workspace through '..'", path);
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the separating slash */
			c += clen;
			continue;
		}
		if (n + (n ? 1 : 0) + clen + 1 > outlen)
			return err_set(err, errlen, "path '%s' is too long", path);
		if (n)
			out[n++] = '/';
		memcpy(out + n, c, clen);
		n += clen;
		c += clen;
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = '\0';
	return 0;
}
