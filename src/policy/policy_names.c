/* policy/policy_names.c — tool names, groups and list-entry matching (see policy.h) */
#include "policy/policy.h"

#include "util/str.h"

#include <ctype.h>
#include <string.h>

static const char *const tool_names[POLICY_TOOL_COUNT] = {
	"exec", "process", "read", "write", "edit", "apply_patch",
};

/* Groups a list entry may name. group:all exists so "deny = group:*" reads naturally. */
static const struct {
	const char *name;
	unsigned mask;
} groups[] = {
	{"group:runtime", 1u << POLICY_TOOL_EXEC | 1u << POLICY_TOOL_PROCESS},
	{"group:fs", 1u << POLICY_TOOL_READ | 1u << POLICY_TOOL_WRITE | 1u << POLICY_TOOL_EDIT |
			     1u << POLICY_TOOL_APPLY_PATCH},
	{"group:all", (1u << POLICY_TOOL_COUNT) - 1},
};


const char *policy_tool_name(enum policy_tool t)
{
	return (unsigned)t < POLICY_TOOL_COUNT ? tool_names[t] : NULL;
}

int policy_tool_find(const char *name)
{
	int i;

	for (i = 0; name && i < POLICY_TOOL_COUNT; i++)
		if (strcmp(name, tool_names[i]) == 0)
			return i;
	return -1;
}

/* Lowercase, blank-trimmed copy of a list entry; entries are short tool names. */
static void entry_norm(const char *entry, char *out, size_t outlen)
{
	size_t n = 0;

	while (*entry == ' ' || *entry == '\t')
		entry++;
	while (*entry && n + 1 < outlen)
		out[n++] = (char)tolower((unsigned char)*entry++);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
}

/* The set of tools an entry covers, as a bit mask. */
static unsigned entry_mask(const char *entry)
{
	char e[128];
	unsigned mask = 0;
	size_t i;
	int t;

	entry_norm(entry, e, sizeof e);
	if (e[0] == '\0')
		return 0;
	if (strncmp(e, "group:", 6) == 0) {
		for (i = 0; i < sizeof groups / sizeof groups[0]; i++)
			if (str_glob_match(e, groups[i].name))
				mask |= groups[i].mask;
		return mask;
	}
	for (t = 0; t < POLICY_TOOL_COUNT; t++)
		if (str_glob_match(e, tool_names[t]))
			mask |= 1u << t;
	return mask;
}

int policy_entry_matches(const char *entry, enum policy_tool t)
{
	return (unsigned)t < POLICY_TOOL_COUNT && (entry_mask(entry) & (1u << t)) != 0;
}

int policy_entry_known(const char *entry)
{
	return entry_mask(entry) != 0;
}

