/*
 * workspace/workspace.h — the system prompt assembled from an agent's workspace.
 *
 * Contract:
 *   - The bootstrap files AGENTS.md, SOUL.md, TOOLS.md, IDENTITY.md, USER.md, HEARTBEAT.md and
 *     MEMORY.md are read from the workspace root in that order; MEMORY.md only for the agent's
 *     main session (it holds personal context that must not leak into group chats). Missing or
 *     empty files are skipped; a file that is not a regular file is skipped with a note.
 *   - Each file is capped at per_file_max bytes and all of them together at total_max: a file
 *     over its cap keeps its head (70%) and tail (20%) around a marker naming the file, so the
 *     model knows to read the rest with its tools. Cuts never split a UTF-8 sequence.
 *   - Skills: every skills/<dir>/SKILL.md contributes one line "- name: description (path)",
 *     from its front matter (--- name: ... description: ... ---), the directory name when the
 *     front matter has no name. At most WORKSPACE_MAX_SKILLS, sorted by name.
 *   - workspace_prompt_build() returns a new string the caller frees; it fails only when the
 *     workspace directory itself cannot be read (error names the path). Pure helpers
 *     (truncation, front matter) take (buf, len) and do no I/O, for tests and fuzzing.
 */
#ifndef CHELA_WORKSPACE_WORKSPACE_H
#define CHELA_WORKSPACE_WORKSPACE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define WORKSPACE_FILE_MAX_DEFAULT   20000          /* bytes of one bootstrap file in the prompt */
#define WORKSPACE_TOTAL_MAX_DEFAULT  150000         /* bytes of all bootstrap files together */
#define WORKSPACE_READ_MAX           (4 << 20)      /* bytes read from any one file */
#define WORKSPACE_MAX_SKILLS         128
#define WORKSPACE_SKILL_FIELD_MAX    512            /* name or description kept from front matter */
#define WORKSPACE_PROMPT_MAX         (1 << 20)

struct workspace_prompt_opts {
	const char *workspace;   /* the agent workspace directory */
	const char *agent_id;
	int main_session;        /* include MEMORY.md */
	size_t per_file_max;     /* 0 = WORKSPACE_FILE_MAX_DEFAULT */
	size_t total_max;        /* 0 = WORKSPACE_TOTAL_MAX_DEFAULT */
	const char *sandbox_note;/* optional line about where tools run (from the policy engine) */
};

char *workspace_prompt_build(const struct workspace_prompt_opts *o, char *err, size_t errlen);

/* Append text (len bytes) to out, cut to at most max bytes with the head/tail marker naming
 * `name` when it is longer. Returns the bytes of text that were left out (0 when it fitted). */
size_t workspace_text_clip(struct buf *out, const char *text, size_t len, size_t max, const char *name);

/* Front matter of a SKILL.md: copies name and description (each may stay "" when absent) into
 * caller buffers of WORKSPACE_SKILL_FIELD_MAX + 1 bytes. Returns 1 when front matter was found. */
int workspace_skill_front_matter(const char *text, size_t len, char *name, char *desc);

#endif
