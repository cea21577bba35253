/*
 * cli/cmd_config_import.c — `chela config import FILE|-`: an OpenClaw config (JSON or JSON5) to
 * chela INI on stdout; what could not be carried over, and every change of meaning, on stderr.
 *
 * Exit codes: 0 written (possibly with "not carried over" lines), 2 usage, 1 the file cannot be
 * read, 78 the file is not a JSON5 object (the error names its line and column).
 */
#include "cli/cli.h"
#include "config/config_import.h"
#include "config/json5.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/limits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
"usage: chela config import openclaw.json [> chela.ini]\n"
"  convert an OpenClaw config (JSON or JSON5) to chela INI on stdout; what cannot be carried\n"
"  over is listed on stderr. '-' reads standard input.\n";

/* Reads the whole file into b (capped at the JSON5 input limit). */
static int read_all(const char *path, struct buf *b, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return err_set(err, errlen, "config import: cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(b, chunk, n) < 0) {
			rc = err_set(err, errlen, "config import: %s is larger than %d bytes", path, JSON5_MAX_BYTES);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = err_set(err, errlen, "config import: cannot read %s: %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
	return rc;
}

int cmd_config_import(int argc, char **argv)
{
	const char *pos[2];
	int npos = 0, rc;
	char err[ERR_LEN];
	struct buf b;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 2, &npos, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	if (npos != 1) {
		fputs(usage, stderr);
		return CHELA_EXIT_USAGE;
	}
	buf_init(&b, JSON5_MAX_BYTES);
	if (read_all(pos[0], &b, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		buf_free(&b);
		return CHELA_EXIT_FAILURE;
	}
	rc = config_import_openclaw(b.data ? b.data : "", b.len, stdout, stderr, err, sizeof err);
	buf_free(&b);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", pos[0], err);
		return CHELA_EXIT_CONFIG;
	}
	return fflush(stdout) == 0 ? CHELA_EXIT_OK : CHELA_EXIT_FAILURE;
}
