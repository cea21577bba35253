/* test/fuzz/fuzz_tool_args.c — tool-argument validation (tool_args.c) for every tool.
 *
 * Byte 0 picks the tool; the rest is the JSON a model sent. Accepted arguments must satisfy the
 * tool's own schema (tools_schema(): required strings present, integers within minimum/maximum,
 * enum values from the list, no property the schema lacks) — the validator and the schema the
 * model sees come from one table and this checks they agree. Round trip: the accepted object,
 * printed and parsed again, is accepted again with the same values. */
#include "tools/tool_internal.h"

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static int same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Every member of the accepted object obeys the schema. */
static void check_schema(enum policy_tool t, const struct tool_args *a)
{
	cJSON *s = tools_schema(t), *props, *req, *v, *p;

	CHECK(s != NULL);
	props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	req = cJSON_GetObjectItemCaseSensitive(s, "required");
	cJSON_ArrayForEach(v, req) {
		cJSON *got = cJSON_GetObjectItemCaseSensitive(a->root, v->valuestring);

		CHECK(cJSON_IsString(got));
	}
	cJSON_ArrayForEach(v, a->root) {
		const char *type;

		p = cJSON_GetObjectItemCaseSensitive(props, v->string);
		CHECK(p != NULL);
		if (cJSON_IsNull(v))
			continue;
		type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "type"));
		if (strcmp(type, "string") == 0) {
			cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "enum"), *x;
			int found = 0;

			CHECK(cJSON_IsString(v));
			if (e) {
				cJSON_ArrayForEach(x, e)
					found |= strcmp(x->valuestring, v->valuestring) == 0;
				CHECK(found);
			}
		} else if (strcmp(type, "integer") == 0) {
			double lo = cJSON_GetObjectItemCaseSensitive(p, "minimum")->valuedouble;
			double hi = cJSON_GetObjectItemCaseSensitive(p, "maximum")->valuedouble;

			CHECK(cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi);
		} else {
			CHECK(strcmp(type, "boolean") == 0 && cJSON_IsBool(v));
		}
	}
	cJSON_Delete(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum policy_tool t;
	struct tool_args a, b;
	char err[512];
	char *printed;

	if (size < 1)
		return 0;
	t = (enum policy_tool)(data[0] % (POLICY_TOOL_COUNT + 1)); /* one past the end: "no such tool" */
	err[0] = 0;
	if (tool_args_parse(t, (const char *)data + 1, size - 1, &a, err, sizeof err) < 0) {
		CHECK(err[0] != 0 && a.root == NULL);
		return 0;
	}
	CHECK(t < POLICY_TOOL_COUNT && a.tool == t && cJSON_IsObject(a.root));
	CHECK(a.timeout_s >= 0 && a.timeout_s <= TOOLS_EXEC_MAX_TIMEOUT_S);
	CHECK(a.limit >= 0 && a.limit <= TOOLS_READ_MAX_LINES && a.offset >= 0);
	check_schema(t, &a);
	printed = cJSON_PrintUnformatted(a.root);
	CHECK(printed != NULL);
	CHECK(tool_args_parse(t, printed, strlen(printed), &b, err, sizeof err) == 0);
	CHECK(same_str(a.command, b.command) && same_str(a.workdir, b.workdir) && same_str(a.action, b.action));
	CHECK(same_str(a.id, b.id) && same_str(a.path, b.path) && same_str(a.content, b.content));
	CHECK(same_str(a.old_text, b.old_text) && same_str(a.new_text, b.new_text) && same_str(a.patch, b.patch));
	CHECK(a.timeout_s == b.timeout_s && a.background == b.background && a.offset == b.offset);
	CHECK(a.limit == b.limit && a.replace_all == b.replace_all);
	tool_args_free(&b);
	tool_args_free(&a);
	free(printed);
	return 0;
}
