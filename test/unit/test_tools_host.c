/* test_tools_host.c — the shared tool expectations (tool_suite.h) on the host backend. */
#include "tool_suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char ws[] = "/tmp/chela-tools-host-XXXXXX", procdir[128], err[512], cmd[256];
	int rc;

	if (!mkdtemp(ws)) {
		printf("not ok test_tools_host: setup: mkdtemp failed\n");
		return 1;
	}
	snprintf(procdir, sizeof procdir, "%s.procs", ws);
	SUITE_BE = tool_host_open(ws, procdir, err, sizeof err);
	if (!SUITE_BE) {
		printf("not ok test_tools_host: setup: %s\n", err);
		return 1;
	}
	rc = tool_suite_run();
	tool_backend_close(SUITE_BE);
	/* Nothing may have escaped into the directory above the workspace. */
	if (access("/tmp/chela-escape.txt", F_OK) == 0 || access("/tmp/chela-escape", F_OK) == 0) {
		printf("not ok test_tools_host: escape: a file was written outside the workspace\n");
		rc = 1;
	} else {
		printf("ok test_tools_host: nothing written outside the workspace\n");
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", ws, procdir);
	if (system(cmd) != 0)
		rc = 1;
	return rc ? 1 : 0;
}
