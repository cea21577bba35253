/* test_sandbox_binds.c — bind validation: refused paths, sensitive paths, targets, symlink tricks. */
#include "harness.h"
#include "sandbox/sandbox_binds.h"
#include "util/err.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct sandbox_bind_env env = {"/home/me", "/home/me/.chela"};

/* Pure checks on already-resolved paths. want: 0 ok, 1 ok with a warning, -1 refused. */
static const struct {
	const char *path;
	int ro, want;
	const char *msg;
} path_cases[] = {
	{"/", 1, -1, "host's root"},
	{"/etc", 1, -1, "protected system path"},
	{"/etc/ssl/certs", 1, -1, "protected system path"},
	{"/etcetera", 0, 0, NULL},
	{"/proc/1", 1, -1, "protected system path"},
	{"/sys", 1, -1, "protected"},
	{"/dev/sda", 1, -1, "protected"},
	{"/boot", 1, -1, "protected"},
	{"/root", 1, -1, "protected"},
	{"/run", 1, -1, "protected"},
	{"/run/user/1000", 1, -1, "protected"},
	{"/var/run", 1, -1, "protected"},
	{"/var/run/docker.sock", 1, -1, "protected"},
	{"/srv/docker.sock", 1, -1, "Docker socket"},
	{"/home/me/.ssh", 1, -1, "inside a .ssh directory"},
	{"/home/me/.ssh/id_ed25519", 1, -1, ".ssh"},
	{"/home/other/.aws/credentials", 1, -1, ".aws"},
	{"/home/me/.gnupg", 0, -1, ".gnupg"},
	{"/home/me/.docker/config.json", 1, -1, ".docker"},
	{"/home/me/.sshkeys", 0, 0, NULL},
	{"/var", 0, -1, "contains a protected system path"},
	{"/var", 1, 1, "contains a protected system path"},
	{"/var/lib/docker/volumes", 0, -1, "engine's data"},
	{"/home", 0, -1, "contains the home directory"},
	{"/home/me", 0, -1, "writable bind of it is refused"},
	{"/home/me", 1, 1, "contains the home directory"},
	{"/home/me/.kube/config", 1, 1, "credential store"},
	{"/home/me/.kube", 0, -1, "credential store"},
	{"/home/me/.chela", 0, -1, "chela's state"},
	{"/home/me/src", 0, 0, NULL},
	{"/home/me/src", 1, 0, NULL},
	{"/srv/data", 0, 0, NULL},
};

TEST(check_path_table)
{
	char warn[ERR_LEN], err[ERR_LEN];
	size_t i;

	for (i = 0; i < sizeof path_cases / sizeof path_cases[0]; i++) {
		int rc;

		err[0] = '\0';
		rc = sandbox_bind_check_path("x", path_cases[i].path, NULL, path_cases[i].ro, &env, warn, sizeof warn, err,
					     sizeof err);
		if (path_cases[i].want < 0) {
			if (rc != -1)
				printf("# case %zu (%s) was not refused\n", i, path_cases[i].path);
			CHECK(rc == -1);
			CHECK(strncmp(err, "sandbox security: ", 18) == 0);
			CHECK_CONTAINS(err, path_cases[i].msg);
		} else {
			if (rc != 0)
				printf("# case %zu (%s) refused: %s\n", i, path_cases[i].path, err);
			CHECK(rc == 0);
			CHECK((warn[0] != '\0') == (path_cases[i].want == 1));
			if (path_cases[i].msg)
				CHECK_CONTAINS(warn, path_cases[i].msg);
		}
	}
}

TEST(targets)
{
	char err[ERR_LEN];

	CHECK(sandbox_bind_check_target("b", "/data", err, sizeof err) == 0);
	CHECK(sandbox_bind_check_target("b", "/workspacex", err, sizeof err) == 0);
	CHECK(sandbox_bind_check_target("b", "/workspace", err, sizeof err) == -1);
	CHECK_CONTAINS(err, "sandbox security: bind \"b\": target /workspace is reserved");
	CHECK(sandbox_bind_check_target("b", "/workspace/sub", err, sizeof err) == -1);
	CHECK(sandbox_bind_check_target("b", "//agent/", err, sizeof err) == -1);
	CHECK_CONTAINS(err, "target /agent is reserved");
	CHECK(sandbox_bind_check_target("b", "/x/../workspace", err, sizeof err) == -1);
	CHECK_CONTAINS(err, "without '..'");
	CHECK(sandbox_bind_check_target("b", "/", err, sizeof err) == -1);
	CHECK(sandbox_bind_check_target("b", "data", err, sizeof err) == -1);
}

TEST(parse)
{
	char *s, *t, err[ERR_LEN];
	int ro;

	CHECK(sandbox_bind_parse("/a:/b:ro", &s, &t, &ro, err, sizeof err) == 0);
	CHECK_STR(s, "/a");
	CHECK_STR(t, "/b");
	CHECK(ro == 1);
	free(s);
	free(t);
	CHECK(sandbox_bind_parse("/a:/b", &s, &t, &ro, err, sizeof err) == 0);
	CHECK(ro == 0);
	free(s);
	free(t);
	CHECK(sandbox_bind_parse("/a:/b:rw", &s, &t, &ro, err, sizeof err) == 0 && ro == 0);
	free(s);
	free(t);
	CHECK(sandbox_bind_parse("/a:/b:rx", &s, &t, &ro, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "mode \"rx\" must be ro or rw");
	CHECK(sandbox_bind_parse("/a", &s, &t, &ro, err, sizeof err) == -1);
	CHECK(sandbox_bind_parse("/a::ro", &s, &t, &ro, err, sizeof err) == -1);
	CHECK(sandbox_bind_parse(":/b", &s, &t, &ro, err, sizeof err) == -1);
}

TEST(normalize)
{
	char out[64];

	CHECK(sandbox_path_normalize("//a/./b//", out, sizeof out) == 0);
	CHECK_STR(out, "/a/b");
	CHECK(sandbox_path_normalize("/", out, sizeof out) == 0);
	CHECK_STR(out, "/");
	CHECK(sandbox_path_normalize("/./", out, sizeof out) == 0);
	CHECK_STR(out, "/");
	CHECK(sandbox_path_normalize("/a/../etc", out, sizeof out) == -1);
	CHECK(sandbox_path_normalize("a/b", out, sizeof out) == -1);
	CHECK(sandbox_path_within("/a/b", "/a") == 1);
	CHECK(sandbox_path_within("/ab", "/a") == 0);
	CHECK(sandbox_path_within("/a", "/") == 1);
}

/* Real files: symlinks into refused places, relative links, link chains, dangling links. */
static char tmp[64];

/* Validate "<tmp><rest>". */
static int validate(const char *rest, char *warn, char *err)
{
	char text[PATH_MAX * 2];
	struct sandbox_bind b;
	struct sandbox_bind_env e = {"/nonexistent-home", NULL};
	int rc;

	snprintf(text, sizeof text, "%s%s", tmp, rest);
	rc = sandbox_bind_validate(text, &e, &b, warn, ERR_LEN, err, ERR_LEN);
	sandbox_bind_clear(&b);
	return rc;
}

TEST(symlink_tricks)
{
	char p[PATH_MAX], q[PATH_MAX], warn[ERR_LEN], err[ERR_LEN];

	snprintf(tmp, sizeof tmp, "/tmp/chela-binds-XXXXXX");
	CHECK(mkdtemp(tmp) != NULL);
	snprintf(p, sizeof p, "%s/src", tmp);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof p, "%s/etc-link", tmp);
	CHECK(symlink("/etc", p) == 0);
	snprintf(p, sizeof p, "%s/rel-link", tmp);
	CHECK(symlink("../../etc", p) == 0);
	snprintf(p, sizeof p, "%s/chain2", tmp);
	CHECK(symlink("etc-link", p) == 0);
	snprintf(p, sizeof p, "%s/home", tmp);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof p, "%s/home/.ssh", tmp);
	CHECK(mkdir(p, 0700) == 0);
	snprintf(p, sizeof p, "%s/ssh-link", tmp);
	snprintf(q, sizeof q, "%s/home/.ssh", tmp);
	CHECK(symlink(q, p) == 0);
	snprintf(p, sizeof p, "%s/sock-link", tmp);
	CHECK(symlink("/var/run/docker.sock", p) == 0);
	snprintf(p, sizeof p, "%s/dangling", tmp);
	CHECK(symlink("/etc/does-not-exist-chela", p) == 0);

	CHECK(validate("/src:/src:ro", warn, err) == 0);
	CHECK(warn[0] == '\0');
	CHECK(validate("/src:/src", warn, err) == 0);
	CHECK(validate("/etc-link:/x:ro", warn, err) == -1);
	CHECK_CONTAINS(err, "etc-link resolves to /etc, which is a protected system path");
	CHECK(validate("/rel-link:/x:ro", warn, err) == -1);
	CHECK_CONTAINS(err, "resolves to /etc");
	CHECK(validate("/chain2:/x:ro", warn, err) == -1);
	CHECK_CONTAINS(err, "protected system path");
	CHECK(validate("/etc-link/ssl:/x:ro", warn, err) == -1);
	CHECK_CONTAINS(err, "resolves to /etc/ssl");
	CHECK(validate("/ssh-link:/x:ro", warn, err) == -1);
	CHECK_CONTAINS(err, "inside a .ssh directory");
	CHECK(validate("/sock-link:/x:ro", warn, err) == -1);
	CHECK(strncmp(err, "sandbox security: ", 18) == 0);
	/* A directory that holds .ssh is like a home: refused read-write, warned read-only. */
	CHECK(validate("/home:/h", warn, err) == -1);
	CHECK_CONTAINS(err, "holds .ssh");
	CHECK(validate("/home:/h:ro", warn, err) == 0);
	CHECK_CONTAINS(warn, "holds .ssh");
	/* A dangling link is not mounted (nothing to resolve), and never reaches Docker. */
	CHECK(validate("/dangling:/x:ro", warn, err) == -1);
	CHECK_CONTAINS(err, "create it first");
	CHECK(validate("/src:/workspace/x", warn, err) == -1);
	CHECK_CONTAINS(err, "reserved");
	CHECK(validate("/src/../etc-link:/x", warn, err) == -1);
	CHECK_CONTAINS(err, "without '..'");
	CHECK(sandbox_bind_validate("relative:/x", NULL, &(struct sandbox_bind){0}, warn, sizeof warn, err,
				    sizeof err) == -1);
	CHECK_CONTAINS(err, "must be an absolute path");
	/* Refused as written even when absent on this host. */
	CHECK(sandbox_bind_validate("/root/absent-chela:/x:ro", NULL, &(struct sandbox_bind){0}, warn, sizeof warn,
				    err, sizeof err) == -1);
	CHECK_CONTAINS(err, "protected system path");
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	RUN(check_path_table);
	RUN(targets);
	RUN(parse);
	RUN(normalize);
	RUN(symlink_tricks);
	if (tmp[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmp);
	}
	return harness_done();
}
