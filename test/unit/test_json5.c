/*
 * test/unit/test_json5.c — the JSON5 reader: every extension it accepts, and errors that name
 * the line and column for input it must refuse (table-driven).
 */
#include "harness.h"

#include "config/json5.h"

#include <stdlib.h>
#include <string.h>

/* Parse, print as compact JSON, compare. */
static char *roundtrip(const char *in, char *err, size_t errlen)
{
	cJSON *j = json5_parse(in, strlen(in), err, errlen);
	char *out;

	if (j == NULL)
		return NULL;
	out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return out;
}

static const struct {
	const char *in, *want;
} good[] = {
	{"{}", "{}"},
	{"[]", "[]"},
	{"{a:1}", "{\"a\":1}"},
	{"{$k_1:true, _x:false, 'q':null}", "{\"$k_1\":true,\"_x\":false,\"q\":null}"},
	{"// lead\n{a /* in */ : 'x', } // trail", "{\"a\":\"x\"}"},
	{"[1, 2, 3,]", "[1,2,3]"},
	{"{n: 0x1F, m: -0xA, p: +5, d: .5, e: 5., f: 1e3}", "{\"n\":31,\"m\":-10,\"p\":5,\"d\":0.5,\"e\":5,\"f\":1000}"},
	{"'it\\'s \"q\"'", "\"it's \\\"q\\\"\""},
	{"\"a\\\nb\"", "\"ab\""},
	{"'\\x41\\u00e9\\ud83d\\ude00'", "\"A\u00e9\U0001F600\""},
	{"{a:1, a:2}", "{\"a\":2}"},
	{"\xef\xbb\xbf{a:1}", "{\"a\":1}"},
	{"{\"deep\":[[[{\"x\":[]}]]]}", "{\"deep\":[[[{\"x\":[]}]]]}"},
};

static const struct {
	const char *in, *want_err;
} bad[] = {
	{"", "line 1, column 1: unexpected end of input"},
	{"{a:1", "unterminated object"},
	{"{a 1}", "expected ':' after key \"a\""},
	{"[1 2]", "expected ',' or ']' in array"},
	{"{a:1,,}", "line 1, column 6: expected a key or '}'"},
	{"{\n  a: 'x\n'}", "line 2, column 8: unterminated string"},
	{"/* open", "unterminated /* comment"},
	{"{a:1} x", "unexpected text after the end"},
	{"{a: 0x}", "expected hex digits after 0x"},
	{"{a: 01a}", "bad number"},
	{"{a: '\\0'}", "NUL"},
	{"{a: tru}", "unexpected character 't'"},
	{"'\\u12'", "expected 4 hex digits"},
};

TEST(accepts_json5)
{
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		char err[256] = "", *out = roundtrip(good[i].in, err, sizeof err);

		CHECK_STR(out ? out : err, good[i].want);
		free(out);
	}
}

TEST(refuses_with_position)
{
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[256] = "", *out = roundtrip(bad[i].in, err, sizeof err);

		CHECK(out == NULL);
		CHECK_CONTAINS(err, "json5: line ");
		CHECK_CONTAINS(err, bad[i].want_err);
	}
}

TEST(depth_cap)
{
	char err[256], *deep = malloc(2 * (JSON5_MAX_DEPTH + 2) + 1);
	int i, n = JSON5_MAX_DEPTH + 1;
	cJSON *j;

	CHECK(deep != NULL);
	for (i = 0; i < n; i++)
		deep[i] = '[';
	for (i = 0; i < n; i++)
		deep[n + i] = ']';
	deep[2 * n] = '\0';
	j = json5_parse(deep, strlen(deep), err, sizeof err);
	CHECK(j == NULL);
	CHECK_CONTAINS(err, "nested deeper than 64 levels");
	deep[n - 1] = ' ';
	deep[n] = ' ';
	j = json5_parse(deep, strlen(deep), err, sizeof err);
	free(deep);
	CHECK(j != NULL);
	cJSON_Delete(j);
}

TEST(size_cap)
{
	char err[256];
	size_t n = JSON5_MAX_BYTES + 1;
	char *big = malloc(n);

	CHECK(big != NULL);
	memset(big, ' ', n);
	big[0] = '1';
	CHECK(json5_parse(big, n, err, sizeof err) == NULL);
	free(big);
	CHECK_CONTAINS(err, "the limit is 1048576");
}

TEST(not_nul_terminated)
{
	char err[256];
	const char buf[3] = {'[', '1', ']'};
	cJSON *j = json5_parse(buf, 2, err, sizeof err);

	CHECK(j == NULL);
	CHECK_CONTAINS(err, "unterminated array");
	j = json5_parse(buf, 3, err, sizeof err);
	CHECK(j != NULL && cJSON_GetArraySize(j) == 1);
	cJSON_Delete(j);
}

int main(void)
{
	RUN(accepts_json5);
	RUN(refuses_with_position);
	RUN(depth_cap);
	RUN(size_cap);
	RUN(not_nul_terminated);
	return harness_done();
}
