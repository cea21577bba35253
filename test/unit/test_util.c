/* test/unit/test_util.c — buffers with caps, string helpers, hashing, paths. */
#include "harness.h"

#include "util/buf.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST(buf_grows_and_caps)
{
	struct buf b;
	int i;

	buf_init(&b, 10);
	CHECK(buf_puts(&b, "hello") == 0);
	CHECK(buf_printf(&b, "%d", 1234) == 0);
	CHECK_STR(b.data, "hello1234");
	CHECK(buf_puts(&b, "xy") == -1); /* would be 11 > 10 */
	CHECK(b.overflow);
	CHECK(buf_putc(&b, 'z') == -1);  /* sticky */
	CHECK(b.len == 9);
	buf_free(&b);
	buf_init(&b, 1 << 20);
	for (i = 0; i < 10000; i++)
		CHECK(buf_puts(&b, "0123456789") == 0);
	CHECK(b.len == 100000);
	buf_consume(&b, 99990);
	CHECK_STR(b.data, "0123456789");
	buf_free(&b);
}

TEST(glob_matching)
{
	static const struct {
		const char *pattern, *s;
		int want;
	} cases[] = {
		{"*", "exec", 1}, {"ex*", "exec", 1}, {"*ec", "exec", 1}, {"e?ec", "exec", 1},
		{"read", "read", 1}, {"read", "reads", 0}, {"group:*", "group:fs", 1}, {"*a*b*", "xaxxbx", 1},
		{"*a*b", "xaxxbx", 0}, {"", "", 1}, {"", "a", 0}, {"a*", "", 0},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(str_glob_match(cases[i].pattern, cases[i].s) == cases[i].want);
}

TEST(constant_time_equal)
{
	CHECK(str_ct_equal("secret", "secret"));
	CHECK(!str_ct_equal("secreT", "secret"));
	CHECK(!str_ct_equal("secret", "secret2"));
	CHECK(!str_ct_equal("", "x"));
	CHECK(str_ct_equal("", ""));
}

TEST(sha256_hex)
{
	char hex[HASH_SHA256_HEX_LEN + 1];

	hash_sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(paths)
{
	char *p = fs_path_join("/a/", "/b");

	CHECK_STR(p, "/a/b");
	free(p);
	setenv("HOME", "/home/x", 1);
	p = fs_expand_home("~/y");
	CHECK_STR(p, "/home/x/y");
	free(p);
	p = fs_expand_home("~other/y");
	CHECK_STR(p, "~other/y");
	free(p);
	CHECK(chdir("/tmp") == 0);
	p = fs_absolute("st/x");
	CHECK_STR(p, "/tmp/st/x");
	free(p);
	p = fs_absolute(".");
	CHECK_STR(p, "/tmp");
	free(p);
	p = fs_absolute("/abs");
	CHECK_STR(p, "/abs");
	free(p);
}

TEST(json_quote)
{
	char out[64];

	str_json_quote("a\"b\\c\n\x01", out, sizeof out);
	CHECK_STR(out, "\"a\\\"b\\\\c\\n\\u0001\"");
}

int main(void)
{
	RUN(buf_grows_and_caps);
	RUN(glob_matching);
	RUN(constant_time_equal);
	RUN(sha256_hex);
	RUN(paths);
	RUN(json_quote);
	return harness_done();
}
