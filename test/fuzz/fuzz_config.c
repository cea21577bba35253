/* test/fuzz/fuzz_config.c — libFuzzer target: the INI config loader on arbitrary bytes. */
#include "config/config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	struct config_errors errs;

	if (config_load_buffer("fuzz.ini", (const char *)data, size, "/state", &cfg, &errs) == 0) {
		FILE *sink = fopen("/dev/null", "w");

		if (sink) {
			config_print_ini(cfg, sink);
			config_print_json(cfg, sink);
			fclose(sink);
		}
		config_free(cfg);
	}
	config_errors_free(&errs);
	return 0;
}
