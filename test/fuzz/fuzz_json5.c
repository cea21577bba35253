/*
 * test/fuzz/fuzz_json5.c — libFuzzer target: the JSON5 reader and the OpenClaw import behind it.
 * Any input must either parse or fail with a message; never crash, leak or read past len.
 */
#include "config/config_import.h"
#include "config/json5.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	cJSON *j = json5_parse((const char *)data, size, err, sizeof err);

	cJSON_Delete(j);
	if (j != NULL) {
		FILE *sink = fopen("/dev/null", "w");

		config_import_openclaw((const char *)data, size, sink, sink, err, sizeof err);
		if (sink)
			fclose(sink);
	}
	return 0;
}
