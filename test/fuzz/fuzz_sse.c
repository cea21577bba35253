/* fuzz_sse.c — the SSE parser must survive any byte stream, in any split. The first byte picks
 * the split size so the CR/LF-across-feeds paths are exercised too. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "llm/sse.h"

static int sink(void *ctx, const char *event, const char *data, size_t len)
{
	size_t *total = ctx;

	*total += len + strlen(event);
	if (len > 0 && data[len] != 0)
		__builtin_trap(); /* the contract: data is NUL-terminated */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llm_sse p;
	size_t total = 0, step, off = 1;

	if (size == 0)
		return 0;
	step = (size_t)(data[0] % 16) + 1;
	llm_sse_init(&p, sink, &total);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		if (llm_sse_feed(&p, (const char *)data + off, n) < 0)
			break;
		off += n;
	}
	(void)llm_sse_pending(&p);
	llm_sse_free(&p);
	return 0;
}
