/* test/fuzz/fuzz_docker_demux.c — the exec/attach stream demultiplexer (docker_demux.c).
 *
 * Byte 0 picks the mode and the feed size. Mode "raw": the rest is an engine's stream; it is
 * demultiplexed in pieces and in one go and both runs must deliver the same bytes to the same
 * streams and fail (or not) alike; the delivered payload plus 8 bytes per frame header can never
 * exceed the input. Mode "round trip": the rest is read as (stream, length, bytes) records which
 * are encoded as frames the way the engine does; demultiplexing must give back exactly those
 * bytes per stream and finish cleanly. */
#include "docker/docker.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct sink {
	uint64_t len[4];
	uint32_t hash[4];
	uint64_t calls;
	int stop_after; /* >0: refuse data on that call, to exercise the consumer-stopped path */
};

static int collect(void *ctx, int stream, const char *data, size_t len)
{
	struct sink *s = ctx;
	size_t i;

	CHECK(stream >= 0 && stream <= 3);
	s->calls++;
	if (s->stop_after && s->calls == (uint64_t)s->stop_after)
		return -1;
	s->len[stream] += len;
	for (i = 0; i < len; i++)
		s->hash[stream] = (s->hash[stream] ^ (unsigned char)data[i]) * 16777619u;
	return 0;
}

static void sink_init(struct sink *s, int stop_after)
{
	int k;

	memset(s, 0, sizeof *s);
	for (k = 0; k < 4; k++)
		s->hash[k] = 2166136261u;
	s->stop_after = stop_after;
}

/* Feed data in pieces of step; returns 0 clean end, -1 a feed failed, -2 finish failed. */
static int demux(const char *data, size_t size, size_t step, struct sink *s)
{
	struct docker_demux m;
	char err[256];
	size_t off = 0;

	docker_demux_init(&m);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		err[0] = 0;
		if (docker_demux_feed(&m, data + off, n, collect, s, err, sizeof err) < 0) {
			CHECK(err[0] != 0 && m.failed);
			/* sticky */
			CHECK(docker_demux_feed(&m, "", 1, collect, s, err, sizeof err) < 0);
			CHECK(docker_demux_finish(&m, err, sizeof err) < 0);
			return -1;
		}
		off += n;
		CHECK(m.offset == off);
		CHECK(m.hdr_len <= 8);
	}
	return docker_demux_finish(&m, err, sizeof err) < 0 ? -2 : 0;
}

static void raw_mode(const char *data, size_t size, size_t step)
{
	struct sink a, b;
	int ra, rb, k;
	uint64_t total = 0;

	sink_init(&a, 0);
	sink_init(&b, 0);
	ra = demux(data, size, step, &a);
	rb = demux(data, size, size ? size : 1, &b);
	CHECK(ra == rb);
	for (k = 0; k < 4; k++) {
		CHECK(a.len[k] == b.len[k] && a.hash[k] == b.hash[k]);
		total += a.len[k];
	}
	CHECK(total <= size);
	/* the consumer refusing data fails the stream, whatever else happens */
	if (a.calls > 0) {
		struct sink c;

		sink_init(&c, 1);
		CHECK(demux(data, size, step, &c) == -1);
	}
}

static void round_trip(const uint8_t *in, size_t size, size_t step)
{
	char *enc = malloc(size * 9 + 16); /* worst case: every record is a 1-byte frame */
	struct sink want, got;
	size_t i = 0, n = 0;

	sink_init(&want, 0);
	while (i + 2 <= size) {
		int stream = in[i] % 3; /* stdin, stdout, stderr as the engine sends them */
		size_t len = in[i + 1];

		i += 2;
		if (len > size - i)
			len = size - i;
		enc[n++] = (char)stream;
		enc[n++] = 0;
		enc[n++] = 0;
		enc[n++] = 0;
		enc[n++] = 0;
		enc[n++] = 0;
		enc[n++] = (char)(len >> 8);
		enc[n++] = (char)len;
		memcpy(enc + n, in + i, len);
		n += len;
		collect(&want, stream, (const char *)in + i, len);
		i += len;
	}
	sink_init(&got, 0);
	CHECK(demux(enc, n, step, &got) == 0);
	CHECK(memcmp(want.len, got.len, sizeof want.len) == 0);
	CHECK(memcmp(want.hash, got.hash, sizeof want.hash) == 0);
	/* cut short: the end inside a frame must be reported */
	if (n > 0) {
		sink_init(&got, 0);
		CHECK(demux(enc, n - 1, step, &got) == -2);
	}
	free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step;

	if (size < 1)
		return 0;
	step = (data[0] & 0x3f) + 1;
	if (data[0] & 0x40)
		step = size;
	if (data[0] & 0x80)
		round_trip(data + 1, size - 1, step);
	else
		raw_mode((const char *)data + 1, size - 1, step);
	return 0;
}
