/*
 * test/unit/tool_suite.h — the tool expectations every backend must meet, written once.
 *
 * test_tools_host.c runs them on the host backend and test_tools_sandbox.c in a real container,
 * so "identical results on host and sandbox" is checked by the same lines. All setup goes
 * through the backend itself (write, exec), never around it. Set SUITE_BE, then call
 * tool_suite_run().
 */
#ifndef CHELA_TEST_TOOL_SUITE_H
#define CHELA_TEST_TOOL_SUITE_H

#include "harness.h"
#include "tools/tools.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static struct tool_backend *SUITE_BE;
static cJSON *suite_last;

/* Run a tool, keep the parsed result in suite_last (freed on the next call). */
static cJSON *call(const char *tool, const char *args)
{
	char *s = tools_run(SUITE_BE, tool, args, strlen(args));

	cJSON_Delete(suite_last);
	suite_last = cJSON_Parse(s);
	free(s);
	return suite_last;
}

static int ok(const cJSON *r)
{
	return r && cJSON_IsTrue(cJSON_GetObjectItem(r, "ok"));
}
static const char *str(const cJSON *r, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(r, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}
static double num(const cJSON *r, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(r, k);
	return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}
/* A shell test that the pid in FILE is gone; zombies waiting for init to reap count as gone. */
#define DEAD_CHECK(file)                                                                            \
	"p=$(cat " file "); i=0; while [ $i -lt 20 ]; do s=$(sed 's/.*) //' /proc/$p/stat 2>/dev/null | cut -c1); " \
	"if [ -z \"$s\" ] || [ \"$s\" = Z ]; then echo dead; exit 0; fi; sleep 0.1; i=$((i+1)); done; echo alive"

/* Run a shell command through the exec tool; its stdout. */
static const char *sh(const char *cmd)
{
	cJSON *a = cJSON_CreateObject();
	char *s;
	cJSON *r;

	cJSON_AddStringToObject(a, "command", cmd);
	s = cJSON_PrintUnformatted(a);
	r = call("exec", s);
	free(s);
	cJSON_Delete(a);
	return str(r, "stdout");
}

TEST(exec_basics)
{
	cJSON *r = call("exec", "{\"command\":\"echo out; echo err >&2; exit 3\"}");
	CHECK(ok(r));
	CHECK(num(r, "exit_code") == 3);
	CHECK_STR(str(r, "stdout"), "out\n");
	CHECK_STR(str(r, "stderr"), "err\n");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(r, "timed_out")));
}

TEST(exec_workdir)
{
	sh("mkdir -p sub/dir");
	CHECK_STR(str(call("exec", "{\"command\":\"pwd | sed 's,.*/,,'\",\"workdir\":\"sub/dir\"}"), "stdout"), "dir\n");
	CHECK(!ok(call("exec", "{\"command\":\"pwd\",\"workdir\":\"../\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "leaves the workspace");
	CHECK(!ok(call("exec", "{\"command\":\"pwd\",\"workdir\":\"/etc\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "outside the workspace");
}

TEST(exec_timeout_kills_tree)
{
	cJSON *r = call("exec", "{\"command\":\"sleep 30 & echo $! > bg.pid; sleep 30\",\"timeout_s\":1}");
	CHECK(r && !ok(r));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(r, "timed_out")));
	CHECK(num(r, "duration_ms") < 5000);
	CHECK_CONTAINS(str(r, "error"), "timed out after 1 s");
	/* The backgrounded child was in the same tree: it must be gone too. */
	CHECK_STR(sh(DEAD_CHECK("bg.pid")), "dead\n");
}

TEST(exec_output_cap_head_tail)
{
	cJSON *r = call("exec", "{\"command\":\"echo START; i=0; while [ $i -lt 3000 ]; do echo "
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;"
				" i=$((i+1)); done; echo END\"}");
	CHECK(ok(r));
	CHECK(strncmp(str(r, "stdout"), "START\n", 6) == 0);
	CHECK(strstr(str(r, "stdout"), "END\n") != NULL);
	CHECK_CONTAINS(str(r, "stdout"), "bytes dropped");
	/* 6 + 3000*93 + 4 bytes written, head+tail kept. */
	CHECK(num(r, "stdout_dropped_bytes") == 6 + 3000 * 93 + 4 - TOOLS_OUTPUT_HEAD_BYTES - TOOLS_OUTPUT_TAIL_BYTES);
}

TEST(exec_bad_args)
{
	CHECK(!ok(call("exec", "{}")));
	CHECK_CONTAINS(str(suite_last, "error"), "missing required argument 'command'");
	CHECK(!ok(call("exec", "{\"command\":\"true\",\"timeout_s\":0}")));
	CHECK_CONTAINS(str(suite_last, "error"), "between 1 and");
	CHECK(!ok(call("exec", "{\"command\":\"true\",\"bogus\":1}")));
	CHECK_CONTAINS(str(suite_last, "error"), "unknown argument 'bogus'");
	/* found by fuzz_tool_args: a repeated name ran the last copy while lookups saw the first */
	CHECK(!ok(call("exec", "{\"command\":\"echo shown\",\"command\":\"echo run\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "argument 'command' is given twice");
	CHECK(!ok(call("exec", "{\"command\":null,\"command\":\"true\"}")));
	CHECK(!ok(call("exec", "[1,2]")));
	CHECK(!ok(call("exec", "{\"command\":")));
	CHECK_CONTAINS(str(suite_last, "error"), "not valid JSON");
}

TEST(process_background)
{
	cJSON *r = call("exec", "{\"command\":\"echo hello; echo oops >&2; sleep 0.3; echo bye\",\"background\":true}");
	char id[64];
	int i;

	CHECK(ok(r));
	snprintf(id, sizeof id, "%s", str(r, "id"));
	CHECK(id[0] == 'p');
	r = call("process", "{\"action\":\"list\"}");
	CHECK(ok(r));
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r, "processes")) >= 1);
	for (i = 0; i < 50; i++) {
		char a[128];

		snprintf(a, sizeof a, "{\"action\":\"poll\",\"id\":\"%s\"}", id);
		r = call("process", a);
		CHECK(ok(r));
		if (strcmp(str(r, "status"), "exited") == 0)
			break;
		sh("sleep 0.1");
	}
	CHECK_STR(str(r, "status"), "exited");
	CHECK(num(r, "exit_code") == 0);
	CHECK_STR(str(r, "stdout"), "hello\nbye\n");
	CHECK_STR(str(r, "stderr"), "oops\n");
	CHECK(!ok(call("process", "{\"action\":\"poll\",\"id\":\"nope\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "no background command");
	CHECK(!ok(call("process", "{\"action\":\"log\",\"id\":\"../x\"}")));
	CHECK(!ok(call("process", "{\"action\":\"poll\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "needs an 'id'");
}

TEST(process_kill)
{
	cJSON *r = call("exec", "{\"command\":\"sleep 60 & echo $! > inner.pid; sleep 60\",\"background\":true}");
	char a[128];

	CHECK(ok(r));
	snprintf(a, sizeof a, "{\"action\":\"kill\",\"id\":\"%s\"}", str(r, "id"));
	sh("sleep 0.2");
	r = call("process", a);
	CHECK(ok(r));
	CHECK_STR(str(r, "status"), "killed");
	sh("sleep 0.2");
	CHECK_STR(sh(DEAD_CHECK("inner.pid")), "dead\n");
}

TEST(write_read_lines)
{
	cJSON *r = call("write", "{\"path\":\"notes/a.txt\",\"content\":\"one\\ntwo\\nthree\\nfour\\n\"}");
	CHECK(ok(r));
	CHECK_STR(str(r, "path"), "notes/a.txt");
	CHECK(num(r, "bytes") == 19);
	r = call("read", "{\"path\":\"notes/a.txt\"}");
	CHECK(ok(r));
	CHECK_STR(str(r, "content"), "one\ntwo\nthree\nfour\n");
	CHECK(num(r, "total_lines") == 4);
	r = call("read", "{\"path\":\"notes/a.txt\",\"offset\":2,\"limit\":2}");
	CHECK_STR(str(r, "content"), "two\nthree\n");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(r, "truncated")));
	CHECK(num(r, "next_offset") == 4);
	CHECK(!ok(call("read", "{\"path\":\"notes/a.txt\",\"offset\":9}")));
	CHECK_CONTAINS(str(suite_last, "error"), "past the end");
	CHECK(!ok(call("read", "{\"path\":\"notes/missing.txt\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "no such file");
	CHECK(!ok(call("read", "{\"path\":\"notes\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "directory");
}

TEST(read_binary_and_large)
{
	sh("printf 'ab\\000cd' > bin.dat; dd if=/dev/zero bs=1024 count=9000 2>/dev/null | tr '\\0' 'a' > big.txt");
	CHECK(!ok(call("read", "{\"path\":\"bin.dat\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "binary file");
	CHECK(!ok(call("read", "{\"path\":\"big.txt\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "over the 8388608-byte limit");
	CHECK(!ok(call("edit", "{\"path\":\"bin.dat\",\"old\":\"ab\",\"new\":\"x\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "binary file");
	/* A long single line is cut, not refused. */
	sh("dd if=/dev/zero bs=1024 count=100 2>/dev/null | tr '\\0' 'b' > wide.txt");
	CHECK(ok(call("read", "{\"path\":\"wide.txt\"}")));
	CHECK_CONTAINS(str(suite_last, "content"), "line cut");
	sh("rm -f big.txt wide.txt");
}

TEST(edit_cases)
{
	CHECK(ok(call("write", "{\"path\":\"e.txt\",\"content\":\"alpha beta alpha\\n\"}")));
	CHECK(!ok(call("edit", "{\"path\":\"e.txt\",\"old\":\"gamma\",\"new\":\"x\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "was not found");
	CHECK(!ok(call("edit", "{\"path\":\"e.txt\",\"old\":\"alpha\",\"new\":\"x\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "occurs 2 times");
	CHECK_STR(str(call("read", "{\"path\":\"e.txt\"}"), "content"), "alpha beta alpha\n");
	CHECK(ok(call("edit", "{\"path\":\"e.txt\",\"old\":\"beta\",\"new\":\"BETA\"}")));
	CHECK(num(suite_last, "replacements") == 1);
	CHECK(ok(call("edit", "{\"path\":\"e.txt\",\"old\":\"alpha\",\"new\":\"A\",\"replace_all\":true}")));
	CHECK(num(suite_last, "replacements") == 2);
	CHECK_STR(str(call("read", "{\"path\":\"e.txt\"}"), "content"), "A BETA A\n");
	CHECK(!ok(call("edit", "{\"path\":\"e.txt\",\"old\":\"\",\"new\":\"x\"}")));
	CHECK(!ok(call("edit", "{\"path\":\"nofile.txt\",\"old\":\"a\",\"new\":\"x\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "no such file");
}

TEST(apply_patch_all_ops)
{
	CHECK(ok(call("write", "{\"path\":\"p/keep.txt\",\"content\":\"a\\nb\\nc\\nd\\n\"}")));
	CHECK(ok(call("write", "{\"path\":\"p/gone.txt\",\"content\":\"bye\\n\"}")));
	CHECK(ok(call("write", "{\"path\":\"p/old.txt\",\"content\":\"x\\ny\\n\"}")));
	CHECK(ok(call("apply_patch", "{\"patch\":\"*** Begin Patch\\n*** Add File: p/new.txt\\n+hello\\n+world\\n"
				     "*** Update File: p/keep.txt\\n@@\\n a\\n-b\\n+B\\n c\\n*** Delete File: p/gone.txt\\n"
				     "*** Update File: p/old.txt\\n*** Move to: p/moved.txt\\n@@\\n x\\n-y\\n+Y\\n"
				     "*** End Patch\\n\"}")));
	CHECK_STR(str(call("read", "{\"path\":\"p/new.txt\"}"), "content"), "hello\nworld\n");
	CHECK_STR(str(call("read", "{\"path\":\"p/keep.txt\"}"), "content"), "a\nB\nc\nd\n");
	CHECK_STR(str(call("read", "{\"path\":\"p/moved.txt\"}"), "content"), "x\nY\n");
	CHECK(!ok(call("read", "{\"path\":\"p/gone.txt\"}")));
	CHECK(!ok(call("read", "{\"path\":\"p/old.txt\"}")));
}

TEST(apply_patch_conflict_is_atomic)
{
	CHECK(ok(call("write", "{\"path\":\"q/one.txt\",\"content\":\"1\\n2\\n3\\n\"}")));
	CHECK(ok(call("write", "{\"path\":\"q/two.txt\",\"content\":\"x\\ny\\n\"}")));
	/* First file's hunk fits, second's does not: nothing may change, nothing may be created. */
	CHECK(!ok(call("apply_patch", "{\"patch\":\"*** Begin Patch\\n*** Update File: q/one.txt\\n@@\\n 1\\n-2\\n+TWO\\n"
				      "*** Add File: q/three.txt\\n+new\\n*** Update File: q/two.txt\\n@@\\n-nothere\\n+z\\n"
				      "*** End Patch\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "hunk 1 does not match");
	CHECK_CONTAINS(str(suite_last, "error"), "nothing changed");
	CHECK_STR(str(call("read", "{\"path\":\"q/one.txt\"}"), "content"), "1\n2\n3\n");
	CHECK(!ok(call("read", "{\"path\":\"q/three.txt\"}")));
	CHECK(!ok(call("apply_patch", "{\"patch\":\"*** Add File: q/x\\n+a\\n\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "Begin Patch");
	CHECK(!ok(call("apply_patch", "{\"patch\":\"*** Begin Patch\\n*** Add File: q/one.txt\\n+a\\n*** End Patch\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "already exists");
	CHECK(!ok(call("apply_patch", "{\"patch\":\"*** Begin Patch\\n*** Delete File: ../etc/passwd\\n*** End Patch\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "leaves the workspace");
}

TEST(path_escapes_refused)
{
	CHECK(!ok(call("read", "{\"path\":\"../../etc/passwd\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "leaves the workspace");
	CHECK(!ok(call("read", "{\"path\":\"sub/../../x\"}")));
	CHECK(!ok(call("read", "{\"path\":\"/etc/passwd\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "outside the workspace");
	CHECK(!ok(call("read", "{\"path\":\"/proc/self/root/etc/passwd\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "outside the workspace");
	CHECK(!ok(call("write", "{\"path\":\"/tmp/chela-escape\",\"content\":\"x\"}")));
	sh("ln -sf /etc esc_etc; ln -sf /proc/self/root esc_root; ln -sf ../.. esc_up; ln -sf notes/a.txt inside_link");
	CHECK(!ok(call("read", "{\"path\":\"esc_etc/passwd\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "leaves the workspace");
	CHECK(!ok(call("read", "{\"path\":\"esc_root/etc/passwd\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "leaves the workspace");
	CHECK(!ok(call("write", "{\"path\":\"esc_up/chela-escape.txt\",\"content\":\"x\"}")));
	CHECK_CONTAINS(str(suite_last, "error"), "leaves the workspace");
	CHECK(!ok(call("edit", "{\"path\":\"esc_etc/hostname\",\"old\":\"a\",\"new\":\"b\"}")));
	/* A symlink that stays inside is fine. */
	CHECK(ok(call("read", "{\"path\":\"inside_link\"}")));
	/* The root's own absolute path is accepted. */
	{
		char a[TOOLS_PATH_MAX + 64];

		snprintf(a, sizeof a, "{\"path\":\"%s/notes/a.txt\"}", SUITE_BE->root);
		CHECK(ok(call("read", a)));
	}
}

static int tool_suite_run(void)
{
	RUN(exec_basics);
	RUN(exec_workdir);
	RUN(exec_timeout_kills_tree);
	RUN(exec_output_cap_head_tail);
	RUN(exec_bad_args);
	RUN(process_background);
	RUN(process_kill);
	RUN(write_read_lines);
	RUN(read_binary_and_large);
	RUN(edit_cases);
	RUN(apply_patch_all_ops);
	RUN(apply_patch_conflict_is_atomic);
	RUN(path_escapes_refused);
	cJSON_Delete(suite_last);
	suite_last = NULL;
	return harness_failed;
}

#endif
