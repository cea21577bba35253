/*
 * test/unit/test_assets.c — the web page embedded by src/gateway/embed.sh: every asset comes
 * back byte for byte by name, unknown or tricky names find nothing, and text assets carry the
 * NUL guard. Run from the repo top (test/run.sh does), where the asset sources are.
 */
#include "harness.h"
#include "util/fs.h"

#include <stdlib.h>

const unsigned char *chela_asset_find(const char *name, size_t *len);

/* Embedded bytes of NAME equal the file under src/gateway/assets/. */
static int same_as_source(const char *name)
{
	char path[256], err[256];
	char *data = NULL;
	size_t dlen = 0, alen = 99;
	const unsigned char *a = chela_asset_find(name, &alen);
	int same;

	snprintf(path, sizeof path, "src/gateway/assets/%s", name);
	if (fs_read_file(path, 1 << 20, &data, &dlen, err, sizeof err) != 0) {
		printf("# %s\n", err);
		return 0;
	}
	same = a != NULL && alen == dlen && memcmp(a, data, dlen) == 0 && a[alen] == '\0';
	free(data);
	return same;
}

TEST(page_files_embedded_byte_for_byte)
{
	CHECK(same_as_source("index.html"));
	CHECK(same_as_source("app.js"));
	CHECK(same_as_source("conn.js"));
	CHECK(same_as_source("style.css"));
}

TEST(page_references_only_embedded_files)
{
	size_t len = 0;
	const char *html = (const char *)chela_asset_find("index.html", &len);

	CHECK(html != NULL);
	CHECK_CONTAINS(html, "src=\"conn.js\"");
	CHECK_CONTAINS(html, "src=\"app.js\"");
	CHECK_CONTAINS(html, "href=\"style.css\"");
	/* no CDN, no external fonts: nothing the page loads leaves this gateway */
	CHECK(strstr(html, "http://") == NULL && strstr(html, "https://") == NULL && strstr(html, "//cdn") == NULL);
}

TEST(unknown_names_find_nothing)
{
	size_t len = 7;

	CHECK(chela_asset_find("nope.html", &len) == NULL && len == 0);
	len = 7;
	CHECK(chela_asset_find("", &len) == NULL && len == 0);
	CHECK(chela_asset_find("/index.html", &len) == NULL);
	CHECK(chela_asset_find("../assets/index.html", &len) == NULL);
	CHECK(chela_asset_find("index.html/", &len) == NULL);
	CHECK(chela_asset_find("INDEX.HTML", &len) == NULL);
	CHECK(chela_asset_find(NULL, &len) == NULL && len == 0);
}

int main(void)
{
	RUN(page_files_embedded_byte_for_byte);
	RUN(page_references_only_embedded_files);
	RUN(unknown_names_find_nothing);
	return harness_done();
}
