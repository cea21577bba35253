/* fuzz_llm_anthropic.c — the anthropic response decoder (streamed and whole-body) must survive any
 * bytes: no crash, no leak, no unbounded growth. Byte 0 picks the mode (SSE, JSON, sniffed)
 * and the feed size; whatever decodes is then fed back through the request encoder, as the
 * agent loop would do with the model's tool calls. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "llm/llm_decode.h"

static void on_text(void *ctx, const char *d, size_t n) { *(size_t *)ctx += n; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llm_callbacks cb = { 0 };
	struct llm_decoder d;
	struct llm_result res = { 0 };
	size_t seen = 0, off = 1, step;
	int mode;

	if (size == 0)
		return 0;
	cb.ctx = &seen;
	cb.on_text = on_text;
	mode = (data[0] & 3) == 3 ? -1 : (data[0] & 1);
	step = (size_t)(data[0] >> 2) * 3 + 1;
	llm_decoder_init(&d, LLM_PROVIDER_ANTHROPIC, &cb, &res, mode);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		if (llm_decoder_feed(&d, (const char *)data + off, n) < 0)
			break;
		off += n;
	}
	if (llm_decoder_finish(&d) == 0) {
		struct llm_message m[2] = { { .role = LLM_ROLE_USER, .text = "x" },
					    { .role = LLM_ROLE_ASSISTANT, .text = res.text, .calls = res.calls, .ncalls = res.ncalls } };
		struct llm_request req = { .messages = m, .nmessages = 2 };
		struct llm_config cfg = { .provider = LLM_PROVIDER_ANTHROPIC, .model = "m" };
		char err[ERR_LEN];

		free(llm_anthropic_body(&cfg, &req, err, sizeof err));
	}
	llm_decoder_free(&d);
	llm_result_free(&res);
	return 0;
}
