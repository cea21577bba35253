/* fuzz_session.c — the transcript line loader must survive any file content: torn lines, huge
 * lines, binary junk, deep nesting. Every entry it returns must be an object with a string
 * "type" that is not the header. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cJSON.h>

#include "session/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char warning[512];
	cJSON *arr = session_transcript_parse((const char *)data, size, warning, sizeof warning);
	const cJSON *e;

	if (!cJSON_IsArray(arr))
		__builtin_trap();
	cJSON_ArrayForEach(e, arr) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");

		if (!cJSON_IsObject(e) || !cJSON_IsString(type) || strcmp(type->valuestring, "session") == 0)
			__builtin_trap();
	}
	if (memchr(warning, '\0', sizeof warning) == NULL)
		__builtin_trap();
	cJSON_Delete(arr);
	return 0;
}
