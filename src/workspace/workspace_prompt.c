/* workspace/workspace_prompt.c — see workspace.h */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/fs.h"
#include "util/mem.h"
#include "workspace/workspace.h"

static const char *const bootstrap_files[] = {
	"AGENTS.md", "SOUL.md", "TOOLS.md", "IDENTITY.md", "USER.md", "HEARTBEAT.md", "MEMORY.md",
};

/* Read at most WORKSPACE_READ_MAX bytes of a regular file (a huge file is clipped anyway, so
 * reading past what the prompt can hold is wasted). Returns the bytes, NULL when absent. */
static char *read_capped(const char *path, size_t *len, int *not_regular)
{
	struct stat st;
	char *data;
	size_t got = 0;
	int fd;

	*len = 0;
	*not_regular = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*not_regular = 1;
		close(fd);
		return NULL;
	}
	data = xmalloc(WORKSPACE_READ_MAX + 1);
	while (got < WORKSPACE_READ_MAX) {
		ssize_t n = read(fd, data + got, WORKSPACE_READ_MAX - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	data[got] = 0;
	*len = got;
	return data;
}

struct skill {
	char name[WORKSPACE_SKILL_FIELD_MAX + 1];
	char desc[WORKSPACE_SKILL_FIELD_MAX + 1];
	char dir[256];
};

static int skill_cmp(const void *a, const void *b)
{
	return strcmp(((const struct skill *)a)->name, ((const struct skill *)b)->name);
}

static void add_skills(struct buf *out, const char *workspace)
{
	char *root = fs_path_join(workspace, "skills");
	struct skill *sk = NULL;
	struct dirent *de;
	DIR *d = opendir(root);
	int n = 0, i;

	if (d == NULL) {
		free(root);
		return;
	}
	sk = xcalloc(WORKSPACE_MAX_SKILLS, sizeof *sk);
	while ((de = readdir(d)) != NULL && n < WORKSPACE_MAX_SKILLS) {
		char path[4096];
		size_t len;
		int nr;
		char *text;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof sk[n].dir)
			continue;
		snprintf(path, sizeof path, "%s/%s/SKILL.md", root, de->d_name);
		text = read_capped(path, &len, &nr);
		if (text == NULL)
			continue;
		workspace_skill_front_matter(text, len, sk[n].name, sk[n].desc);
		free(text);
		snprintf(sk[n].dir, sizeof sk[n].dir, "%s", de->d_name);
		if (sk[n].name[0] == 0)
			snprintf(sk[n].name, sizeof sk[n].name, "%s", de->d_name);
		n++;
	}
	closedir(d);
	if (n > 0) {
		qsort(sk, (size_t)n, sizeof *sk, skill_cmp);
		buf_puts(out, "\n## Skills\nSkills in the workspace; read a skill's SKILL.md before using it.\n");
		for (i = 0; i < n; i++)
			buf_printf(out, "- %s: %s (skills/%s/SKILL.md)\n", sk[i].name,
				   sk[i].desc[0] ? sk[i].desc : "(no description)", sk[i].dir);
	}
	free(sk);
	free(root);
}

/* see workspace.h */
char *workspace_prompt_build(const struct workspace_prompt_opts *o, char *err, size_t errlen)
{
	size_t per_file = o->per_file_max ? o->per_file_max : WORKSPACE_FILE_MAX_DEFAULT;
	size_t left = o->total_max ? o->total_max : WORKSPACE_TOTAL_MAX_DEFAULT;
	struct buf out;
	size_t i;
	int header = 0;

	if (!fs_is_dir(o->workspace)) {
		err_set(err, errlen, "workspace %s: not a readable directory", o->workspace);
		return NULL;
	}
	buf_init(&out, WORKSPACE_PROMPT_MAX);
	buf_printf(&out, "You are %s, a personal assistant running inside chela.\n",
		   o->agent_id && *o->agent_id ? o->agent_id : "the agent");
	buf_printf(&out, "Your workspace is %s; file tools resolve relative paths there.\n", o->workspace);
	if (o->sandbox_note && *o->sandbox_note)
		buf_printf(&out, "%s\n", o->sandbox_note);
	add_skills(&out, o->workspace);
	for (i = 0; i < sizeof bootstrap_files / sizeof bootstrap_files[0]; i++) {
		const char *name = bootstrap_files[i];
		char *path, *text;
		size_t len, cap;
		int not_regular;

		if (strcmp(name, "MEMORY.md") == 0 && !o->main_session)
			continue;
		path = fs_path_join(o->workspace, name);
		text = read_capped(path, &len, &not_regular);
		free(path);
		if (!header && (text || not_regular)) {
			buf_puts(&out, "\n# Workspace files\nThese files from your workspace are part of your instructions.\n");
			header = 1;
		}
		if (not_regular) {
			buf_printf(&out, "\n## %s\n[skipped: not a regular file]\n", name);
			continue;
		}
		if (text == NULL || len == 0) {
			free(text);
			continue;
		}
		cap = per_file < left ? per_file : left;
		buf_printf(&out, "\n## %s\n", name);
		if (cap == 0)
			buf_printf(&out, "[... %s left out: the workspace files passed the total prompt budget ...]\n", name);
		else
			workspace_text_clip(&out, text, len, cap, name);
		left -= cap < len ? cap : len;
		if (out.len > 0 && out.data[out.len - 1] != '\n')
			buf_putc(&out, '\n');
		free(text);
	}
	return buf_take(&out);
}
