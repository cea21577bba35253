/* sandbox/sandbox_env.c — see sandbox.h (what environment reaches a sandboxed exec). */
#include "sandbox/sandbox.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

int sandbox_env_key_allowed(const struct config_docker *docker, const char *key)
{
	int i;

	for (i = 0; i < docker->env.n; i++)
		if (strcmp(docker->env.items[i].key, key) == 0)
			return 1;
	return !config_key_looks_secret(key);
}

/* Set "K=V" in env (n entries), replacing an entry with the same key. */
static void env_set(char ***env, int *n, const char *kv)
{
	size_t kl = strcspn(kv, "=");
	int i;

	for (i = 0; i < *n; i++)
		if (strncmp((*env)[i], kv, kl) == 0 && (*env)[i][kl] == '=') {
			free((*env)[i]);
			(*env)[i] = xstrdup(kv);
			return;
		}
	*env = xrealloc(*env, (size_t)(*n + 2) * sizeof **env);
	(*env)[(*n)++] = xstrdup(kv);
	(*env)[*n] = NULL;
}

char **sandbox_exec_env(const struct sandbox_spec *spec, const char *const *extra)
{
	char **env = xcalloc(1, sizeof *env);
	int n = 0, i;

	for (i = 0; i < spec->nenv; i++)
		env_set(&env, &n, spec->env[i]);
	for (i = 0; extra && extra[i]; i++) {
		const char *eq = strchr(extra[i], '=');
		char *key;

		if (eq == NULL || eq == extra[i])
			continue;
		key = xstrndup(extra[i], (size_t)(eq - extra[i]));
		if (sandbox_env_key_allowed(spec->docker, key))
			env_set(&env, &n, extra[i]);
		free(key);
	}
	return env;
}

void sandbox_env_free(char **env)
{
	char **p;

	for (p = env; p && *p; p++)
		free(*p);
	free(env);
}
