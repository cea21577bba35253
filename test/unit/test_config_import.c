/*
 * test/unit/test_config_import.c — `chela config import` against golden files, plus targeted
 * checks of what must never happen (inline secrets, silent drops, allow-everything).
 *
 * Golden cases: test/golden/config_import/<name>.json5 (or .json) → <name>.exp (the INI, byte
 * for byte) and <name>.report (the report stream). CHELA_GOLDEN_UPDATE=1 rewrites the expected
 * files from the current output (review the diff before committing).
 */
#include "harness.h"

#include "config/config.h"
#include "config/config_import.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOLDEN_DIR "test/golden/config_import"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n + 1);
		if (data && fread(data, 1, (size_t)n, f) == (size_t)n) {
			data[n] = '\0';
			if (len)
				*len = (size_t)n;
		} else {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

static int import_text(const char *in, char **ini, char **report, char *err, size_t errlen)
{
	size_t ilen = 0, rlen = 0;
	FILE *fi = open_memstream(ini, &ilen), *fr = open_memstream(report, &rlen);
	int rc = config_import_openclaw(in, strlen(in), fi, fr, err, errlen);

	fclose(fi);
	fclose(fr);
	return rc;
}

/*
 * The generated INI must load with chela's own loader (what `chela config check` runs). Every
 * ${NAME} it references is set to a dummy value first, as a user's .env would.
 */
static int check_ini(const char *name, const char *ini, char *why, size_t whylen)
{
	struct config *cfg = NULL;
	struct config_errors errs = {0};
	const char *p = ini;
	char state[] = "/tmp/chela-import-test-XXXXXX";
	int rc;

	while ((p = strstr(p, "${")) != NULL) {
		const char *end = strchr(p, '}');
		char var[128];

		if (end == NULL || (size_t)(end - p - 2) >= sizeof var)
			break;
		snprintf(var, sizeof var, "%.*s", (int)(end - p - 2), p + 2);
		setenv(var, "dummy-value-for-config-check", 1);
		p = end;
	}
	if (mkdtemp(state) == NULL) {
		snprintf(why, whylen, "mkdtemp failed");
		return -1;
	}
	rc = config_load_buffer(name, ini, strlen(ini), state, &cfg, &errs);
	if (rc < 0)
		snprintf(why, whylen, "%s: chela config check refuses the import: %s", name,
			 errs.n > 0 ? errs.items[0].message : "(no message)");
	config_free(cfg);
	config_errors_free(&errs);
	rmdir(state);
	return rc;
}

/* One golden case; returns 0 when both streams match. Prints the first differing line. */
static int golden_case(const char *name, char *why, size_t whylen)
{
	char path[512], err[512], *in, *ini = NULL, *rep = NULL, *want_ini = NULL, *want_rep = NULL;
	const char *suffix[2] = {".exp", ".report"};
	char **got[2] = {&ini, &rep}, **want[2] = {&want_ini, &want_rep};
	size_t len;
	int i, rc = -1;
	char stem[256];

	snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, name);
	snprintf(stem, sizeof stem, "%.*s", (int)(strrchr(name, '.') - name), name);
	if ((in = slurp(path, &len)) == NULL) {
		snprintf(why, whylen, "cannot read %s", path);
		return -1;
	}
	if (import_text(in, &ini, &rep, err, sizeof err) < 0) {
		snprintf(why, whylen, "%s: import failed: %s", name, err);
		goto done;
	}
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s%s", GOLDEN_DIR, stem, suffix[i]);
		if (getenv("CHELA_GOLDEN_UPDATE")) {
			FILE *f = fopen(path, "w");

			if (f) {
				fputs(*got[i], f);
				fclose(f);
			}
		}
		*want[i] = slurp(path, NULL);
		if (*want[i] == NULL) {
			snprintf(why, whylen, "missing %s", path);
			goto done;
		}
		if (strcmp(*want[i], *got[i]) != 0) {
			const char *g = *got[i], *w = *want[i];
			int line = 1;

			while (*g && *g == *w) {
				line += *g == '\n';
				g++;
				w++;
			}
			snprintf(why, whylen, "%s line %d differs: got \"%.60s\", want \"%.60s\"", path, line, g, w);
			goto done;
		}
	}
	if (check_ini(name, ini, why, whylen) < 0)
		goto done;
	rc = 0;
done:
	free(in);
	free(ini);
	free(rep);
	free(want_ini);
	free(want_rep);
	return rc;
}

TEST(golden_files)
{
	DIR *d = opendir(GOLDEN_DIR);
	struct dirent *e;
	int cases = 0, bad = 0;
	static char why[1024];

	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (!(n > 6 && strcmp(e->d_name + n - 6, ".json5") == 0) && !(n > 5 && strcmp(e->d_name + n - 5, ".json") == 0))
			continue;
		cases++;
		if (golden_case(e->d_name, why, sizeof why) < 0) {
			printf("not ok %s: golden %s: %s\n", __FILE__, e->d_name, why);
			bad++;
		} else {
			printf("ok %s: golden %s\n", __FILE__, e->d_name);
		}
	}
	closedir(d);
	CHECK(cases >= 10);
	CHECK(bad == 0);
}

TEST(literal_secret_never_copied)
{
	char err[256], *ini = NULL, *rep = NULL;
	const char *in = "{gateway:{auth:{mode:'token',token:'s3cr3t-value'}},"
			 "channels:{telegram:{botToken:'123:tgsecret'},discord:{token:'dsecret'}}}";

	CHECK(import_text(in, &ini, &rep, err, sizeof err) == 0);
	CHECK(strstr(ini, "s3cr3t") == NULL && strstr(ini, "tgsecret") == NULL && strstr(ini, "dsecret") == NULL);
	CHECK(strstr(rep, "s3cr3t") == NULL && strstr(rep, "tgsecret") == NULL && strstr(rep, "dsecret") == NULL);
	CHECK_CONTAINS(ini, "token = ${CHELA_GATEWAY_TOKEN}");
	CHECK_CONTAINS(ini, "token = ${TELEGRAM_BOT_TOKEN}");
	CHECK_CONTAINS(ini, "token = ${DISCORD_BOT_TOKEN}");
	CHECK_CONTAINS(rep, "set CHELA_GATEWAY_TOKEN");
	free(ini);
	free(rep);
}

TEST(allow_of_unknown_tools_denies_all)
{
	char err[256], *ini = NULL, *rep = NULL;

	CHECK(import_text("{tools:{allow:['browser','canvas']}}", &ini, &rep, err, sizeof err) == 0);
	CHECK_CONTAINS(ini, "deny = *");
	CHECK(strstr(ini, "allow =") == NULL);
	CHECK_CONTAINS(rep, "not carried over: tools.allow (chela has no such tools: browser, canvas)");
	free(ini);
	free(rep);
}

TEST(ini_unsafe_values_reported)
{
	char err[256], *ini = NULL, *rep = NULL;

	CHECK(import_text("{agents:{defaults:{sandbox:{docker:{setupCommand:'apt-get update ; true',"
			  "image:'a\\nb'}}}}}",
			  &ini, &rep, err, sizeof err) == 0);
	CHECK(strstr(ini, "setup_command") == NULL);
	CHECK(strstr(ini, "image") == NULL);
	CHECK_CONTAINS(rep, "agents.defaults.sandbox.docker.setupCommand (\" ;\" would start an INI comment)");
	CHECK_CONTAINS(rep, "agents.defaults.sandbox.docker.image (a line break cannot be written in INI)");
	free(ini);
	free(rep);
}

TEST(not_an_object_is_an_error)
{
	char err[256], *ini = NULL, *rep = NULL;

	CHECK(import_text("[1, 2]", &ini, &rep, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "must be a JSON object");
	free(ini);
	free(rep);
	ini = rep = NULL;
	CHECK(import_text("{gateway: {port: 1,, }}", &ini, &rep, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "json5: line 1, column 20");
	free(ini);
	free(rep);
}

/* The loader check above is not vacuous: a bad INI is refused with file:line. */
TEST(check_ini_refuses_bad_ini)
{
	char why[512] = "";

	CHECK(check_ini("bad.ini", "[gateway]\nport = many\n", why, sizeof why) < 0);
	CHECK_CONTAINS(why, "bad.ini:2");
	CHECK(check_ini("good.ini", "[gateway]\nport = 18789\n", why, sizeof why) == 0);
}

TEST(null_streams_are_allowed)
{
	char err[256];
	const char *in = "{gateway:{port:1}}";

	CHECK(config_import_openclaw(in, strlen(in), NULL, NULL, err, sizeof err) == 0);
}

int main(void)
{
	RUN(golden_files);
	RUN(literal_secret_never_copied);
	RUN(allow_of_unknown_tools_denies_all);
	RUN(ini_unsafe_values_reported);
	RUN(not_an_object_is_an_error);
	RUN(check_ini_refuses_bad_ini);
	RUN(null_streams_are_allowed);
	return harness_done();
}
