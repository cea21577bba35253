/* test_agent_history.c — the model's view of a transcript: order kept, tool results matched to
 * their calls, and what a crash or an abort leaves behind repaired so providers accept it. */
#include "harness.h"

#include <cJSON.h>
#include <stdlib.h>

#include "agent/agent_int.h"

static cJSON *parse(const char *text)
{
	cJSON *a = cJSON_Parse(text);

	if (!a)
		abort();
	return a;
}

TEST(order_and_calls)
{
	cJSON *e = parse("[{\"type\":\"message\",\"role\":\"user\",\"content\":\"hi\"},"
			 "{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"let me\",\"toolCalls\":"
			 "[{\"id\":\"a\",\"name\":\"exec\",\"arguments\":\"{}\"},{\"id\":\"b\",\"name\":\"read\"}]},"
			 "{\"type\":\"message\",\"role\":\"tool\",\"content\":\"A\",\"toolCallId\":\"a\",\"isError\":true},"
			 "{\"type\":\"message\",\"role\":\"tool\",\"content\":\"B\",\"toolCallId\":\"b\"},"
			 "{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"done\"}]");
	struct agent_msgs m;

	agent_msgs_build(e, &m);
	CHECK(m.n == 5);
	CHECK(m.m[0].role == LLM_ROLE_USER);
	CHECK_STR(m.m[0].text, "hi");
	CHECK(m.m[1].role == LLM_ROLE_ASSISTANT && m.m[1].ncalls == 2);
	CHECK_STR(m.m[1].calls[1].arguments, "{}"); /* missing arguments become an empty object */
	CHECK(m.m[2].role == LLM_ROLE_TOOL && m.m[2].is_error);
	CHECK_STR(m.m[2].tool_call_id, "a");
	CHECK_STR(m.m[3].text, "B");
	CHECK_STR(m.m[4].text, "done");
	agent_msgs_free(&m);
	cJSON_Delete(e);
}

TEST(unanswered_calls_get_error_results)
{
	cJSON *e = parse("[{\"type\":\"message\",\"role\":\"user\",\"content\":\"go\"},"
			 "{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"\",\"toolCalls\":"
			 "[{\"id\":\"x\",\"name\":\"exec\",\"arguments\":\"{}\"},{\"id\":\"y\",\"name\":\"exec\",\"arguments\":\"{}\"}]},"
			 "{\"type\":\"message\",\"role\":\"tool\",\"content\":\"X\",\"toolCallId\":\"x\"},"
			 "{\"type\":\"message\",\"role\":\"user\",\"content\":\"again\"}]");
	struct agent_msgs m;

	agent_msgs_build(e, &m);
	CHECK(m.n == 5);
	CHECK(m.m[3].role == LLM_ROLE_TOOL && m.m[3].is_error);
	CHECK_STR(m.m[3].tool_call_id, "y");
	CHECK_CONTAINS(m.m[3].text, "interrupted");
	CHECK(m.m[4].role == LLM_ROLE_USER);
	agent_msgs_free(&m);
	cJSON_Delete(e);
}

TEST(orphans_empties_and_junk_dropped)
{
	cJSON *e = parse("[{\"type\":\"message\",\"role\":\"tool\",\"content\":\"orphan\",\"toolCallId\":\"z\"},"
			 "{\"type\":\"message\",\"role\":\"user\",\"content\":\"\"},"
			 "{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"\"},"
			 "{\"type\":\"note\",\"role\":\"user\",\"content\":\"not a message\"},"
			 "{\"type\":\"message\",\"role\":\"user\",\"content\":7},"
			 "{\"type\":\"message\",\"role\":\"assistant\",\"toolCalls\":[{\"id\":1}]},"
			 "{\"type\":\"message\",\"role\":\"user\",\"content\":\"real\"},"
			 "{\"type\":\"message\",\"role\":\"tool\",\"content\":\"late\",\"toolCallId\":\"z\"}]");
	struct agent_msgs m;

	agent_msgs_build(e, &m);
	CHECK(m.n == 1);
	CHECK_STR(m.m[0].text, "real");
	agent_msgs_free(&m);
	cJSON_Delete(e);
}

TEST(history_cap_starts_at_a_user_message)
{
	cJSON *e = cJSON_CreateArray();
	struct agent_msgs m;
	int i;

	for (i = 0; i < AGENT_HISTORY_MAX_MESSAGES + 10; i++) {
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "type", "message");
		cJSON_AddStringToObject(x, "role", i % 2 ? "assistant" : "user");
		cJSON_AddStringToObject(x, "content", "t");
		cJSON_AddItemToArray(e, x);
	}
	agent_msgs_build(e, &m);
	CHECK(m.n <= AGENT_HISTORY_MAX_MESSAGES && m.n >= AGENT_HISTORY_MAX_MESSAGES - 1);
	CHECK(m.m[0].role == LLM_ROLE_USER);
	agent_msgs_free(&m);
	cJSON_Delete(e);
}

int main(void)
{
	RUN(order_and_calls);
	RUN(unanswered_calls_get_error_results);
	RUN(orphans_empties_and_junk_dropped);
	RUN(history_cap_starts_at_a_user_message);
	return harness_done();
}
