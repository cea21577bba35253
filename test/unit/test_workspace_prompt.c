/* test_workspace_prompt.c — the system prompt assembled from a workspace: which files, in which
 * order, MEMORY.md only in the main session, per-file and total caps with a marker, skills. */
#include "harness.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/fs.h"
#include "workspace/workspace.h"

static char ws[64];

static void put(const char *rel, const char *text)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", ws, rel);
	fs_write_atomic(path, text, strlen(text), 0644, NULL, 0);
}

static void setup(void)
{
	char p[256];

	snprintf(ws, sizeof ws, "/tmp/chela-ws-XXXXXX");
	if (mkdtemp(ws) == NULL)
		abort();
	put("AGENTS.md", "Always answer in haiku.");
	put("SOUL.md", "Calm and precise.");
	put("USER.md", "The user is Ada.");
	put("MEMORY.md", "Ada's cat is called Turing.");
	snprintf(p, sizeof p, "%s/skills/weather", ws);
	fs_mkdir_p(p, 0755, NULL, 0);
	put("skills/weather/SKILL.md", "---\nname: weather\ndescription: \"Look up the forecast\"\n---\nBody text.\n");
	snprintf(p, sizeof p, "%s/skills/alpha", ws);
	fs_mkdir_p(p, 0755, NULL, 0);
	put("skills/alpha/SKILL.md", "No front matter here.\n");
	snprintf(p, sizeof p, "%s/IDENTITY.md", ws);
	mkdir(p, 0755); /* a directory where a file is expected */
}

TEST(main_session_has_memory_in_order)
{
	struct workspace_prompt_opts o = { .workspace = ws, .agent_id = "main", .main_session = 1 };
	char err[ERR_LEN];
	char *p = workspace_prompt_build(&o, err, sizeof err);
	const char *a, *s, *u, *m;

	CHECK(p != NULL);
	a = strstr(p, "## AGENTS.md\nAlways answer in haiku.");
	s = strstr(p, "## SOUL.md\nCalm and precise.");
	u = strstr(p, "## USER.md\nThe user is Ada.");
	m = strstr(p, "## MEMORY.md\nAda's cat is called Turing.");
	CHECK(a && s && u && m && a < s && s < u && u < m);
	CHECK(strstr(p, "TOOLS.md") == NULL); /* missing files are skipped */
	CHECK_CONTAINS(p, "## IDENTITY.md\n[skipped: not a regular file]");
	free(p);
}

TEST(non_main_session_has_no_memory)
{
	struct workspace_prompt_opts o = { .workspace = ws, .agent_id = "main", .main_session = 0 };
	char err[ERR_LEN];
	char *p = workspace_prompt_build(&o, err, sizeof err);

	CHECK(p != NULL);
	CHECK(strstr(p, "Turing") == NULL);
	CHECK_CONTAINS(p, "Always answer in haiku.");
	free(p);
}

TEST(skills_listed_sorted)
{
	struct workspace_prompt_opts o = { .workspace = ws };
	char err[ERR_LEN];
	char *p = workspace_prompt_build(&o, err, sizeof err);
	const char *a, *w;

	CHECK(p != NULL);
	a = strstr(p, "- alpha: (no description) (skills/alpha/SKILL.md)");
	w = strstr(p, "- weather: Look up the forecast (skills/weather/SKILL.md)");
	CHECK(a && w && a < w);
	free(p);
}

TEST(per_file_and_total_caps)
{
	struct workspace_prompt_opts o = { .workspace = ws, .main_session = 1, .per_file_max = 300, .total_max = 320 };
	char big[5000], err[ERR_LEN];
	char *p;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	memcpy(big, "HEAD", 4);
	memcpy(big + sizeof big - 5, "TAIL", 4);
	put("AGENTS.md", big);
	p = workspace_prompt_build(&o, err, sizeof err);
	put("AGENTS.md", "Always answer in haiku.");
	CHECK(p != NULL);
	CHECK_CONTAINS(p, "## AGENTS.md\nHEAD");
	CHECK_CONTAINS(p, "[... AGENTS.md truncated:");
	CHECK_CONTAINS(p, "TAIL\n");
	CHECK_CONTAINS(p, "## SOUL.md\nCalm and precise."); /* 300 used, 20 left: fits */
	CHECK_CONTAINS(p, "## USER.md\n[... USER.md truncated:"); /* 3 left: only the marker */
	CHECK_CONTAINS(p, "## MEMORY.md\n[... MEMORY.md left out: the workspace files passed the total prompt budget");
	free(p);
}

TEST(clip_exact_and_utf8)
{
	struct buf b;
	char text[400];
	size_t i, dropped;

	/* 200 two-byte characters: no cut may split one */
	for (i = 0; i < 200; i++) {
		text[2 * i] = (char)0xC3;
		text[2 * i + 1] = (char)0xA9;
	}
	buf_init(&b, 1 << 16);
	dropped = workspace_text_clip(&b, text, 400, 250, "X.md");
	CHECK(dropped > 150);
	CHECK(b.len <= 250);
	CHECK(((unsigned char)b.data[0]) == 0xC3);
	{
		const char *mk = strstr(b.data, "\n\n[... X.md");
		const char *end = strstr(b.data, "...]\n\n");

		CHECK(mk && end);
		CHECK(((mk - b.data) % 2) == 0);               /* head ends on a boundary */
		CHECK(((unsigned char)end[6]) == 0xC3);         /* tail starts on one */
		CHECK(((b.len - (size_t)(end + 6 - b.data)) % 2) == 0);
	}
	buf_reset(&b);
	CHECK(workspace_text_clip(&b, "short", 5, 250, "Y.md") == 0);
	CHECK_STR(b.data, "short");
	buf_free(&b);
}

TEST(front_matter_table)
{
	static const struct {
		const char *in, *name, *desc;
		int found;
	} t[] = {
		{ "---\nname: a\ndescription: b\n---\n", "a", "b", 1 },
		{ "---\r\nname: 'q'\r\ndescription:  spaced  \r\n---\r\n", "q", "spaced", 1 },
		{ "\xEF\xBB\xBF---\nname: bom\n---\n", "bom", "", 1 },
		{ "---\nname: unterminated\n", "unterminated", "", 0 },
		{ "no front matter", "", "", 0 },
		{ "---\n---\n", "", "", 1 },
		{ "--", "", "", 0 },
	};
	char name[WORKSPACE_SKILL_FIELD_MAX + 1], desc[WORKSPACE_SKILL_FIELD_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int found = workspace_skill_front_matter(t[i].in, strlen(t[i].in), name, desc);

		CHECK(found == t[i].found);
		CHECK_STR(name, t[i].name);
		CHECK_STR(desc, t[i].desc);
	}
}

TEST(missing_workspace_is_named)
{
	struct workspace_prompt_opts o = { .workspace = "/nonexistent/chela-ws" };
	char err[ERR_LEN] = "";

	CHECK(workspace_prompt_build(&o, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "/nonexistent/chela-ws");
}

int main(void)
{
	char cmd[128];
	int rc;

	setup();
	RUN(main_session_has_memory_in_order);
	RUN(non_main_session_has_no_memory);
	RUN(skills_listed_sorted);
	RUN(per_file_and_total_caps);
	RUN(clip_exact_and_utf8);
	RUN(front_matter_table);
	RUN(missing_workspace_is_named);
	snprintf(cmd, sizeof cmd, "rm -rf %s", ws);
	rc = system(cmd);
	(void)rc;
	return harness_done();
}
