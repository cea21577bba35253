/* test_docker_endmark.c — finding a command's end in a pooled shell's stream (docker_endmark.c):
 * any slicing gives the same output, false starts are output, the status is parsed, what comes
 * after the marker is dropped, and a stream without one hands back everything. */
#include "harness.h"
#include "docker/docker_endmark.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

#define NONCE "0123456789abcdef0123456789abcdec" /* ends in 'c': a one-byte false start */
#define MARK  ENDMARK_PREFIX NONCE

static void to_buf(void *ctx, const char *data, size_t len)
{
	buf_append(ctx, data, len);
}

/* Feed s in pieces of step bytes; out gets what was emitted (flushed at the end if not done). */
static void scan(const char *s, size_t len, size_t step, int with_status, struct endmark *m, struct buf *out)
{
	size_t off = 0;

	endmark_init(m, NONCE, with_status);
	buf_init(out, 1 << 20);
	while (off < len) {
		size_t n = len - off < step ? len - off : step;

		endmark_feed(m, s + off, n, to_buf, out);
		off += n;
	}
	if (!m->done)
		endmark_flush(m, to_buf, out);
}

static int want_leftover; /* what all_slicings() expects of the '+' */

/* Every slicing from 1 byte to the whole gives want / done / status (and want_leftover). */
static int all_slicings(const char *s, int with_status, const char *want, int done, int status)
{
	size_t len = strlen(s), step;

	for (step = 1; step <= len; step++) {
		struct endmark m;
		struct buf out;
		int ok;

		scan(s, len, step, with_status, &m, &out);
		ok = strcmp(out.data ? out.data : "", want) == 0 && m.done == done && (!done || m.status == status) &&
		     m.leftover == want_leftover;
		if (!ok)
			fprintf(stderr, "step %zu: got \"%s\" done %d status %d\n", step, out.data ? out.data : "",
				m.done, m.status);
		buf_free(&out);
		if (!ok)
			return 0;
	}
	return 1;
}

TEST(stdout_marker_and_status)
{
	CHECK(all_slicings("hello\n" MARK ":0\n", 1, "hello\n", 1, 0));
	CHECK(all_slicings("no newline" MARK ":137\n", 1, "no newline", 1, 137));
	CHECK(all_slicings(MARK ":3\n", 1, "", 1, 3));
}

TEST(plus_says_processes_were_left)
{
	want_leftover = 1;
	CHECK(all_slicings("bg\n" MARK ":0+\n", 1, "bg\n", 1, 0));
	CHECK(all_slicings(MARK ":137+\nlate", 1, "", 1, 137));
	want_leftover = 0;
	CHECK(all_slicings("x" MARK ":+\n", 1, "x", 1, -1)); /* no status before it */
	CHECK(all_slicings("x" MARK ":1++\n", 1, "x", 1, -1));
	CHECK(all_slicings("x" MARK ":1+2\n", 1, "x", 1, -1));
}

TEST(stderr_marker)
{
	CHECK(all_slicings("err\n" MARK "\n", 0, "err\n", 1, -1));
	/* the stdout form is not the stderr marker */
	CHECK(all_slicings("x" MARK ":1\n", 0, "x" MARK ":1\n", 0, -1));
}

TEST(false_starts_are_output)
{
	CHECK(all_slicings("chela-end-01chela-end-" NONCE "c" MARK ":7\n", 1,
			   "chela-end-01chela-end-" NONCE "c", 1, 7));
	/* the nonce's last byte starts the marker again */
	CHECK(all_slicings(ENDMARK_PREFIX "0123456789abcdef0123456789abcde" MARK ":2\n", 1,
			   ENDMARK_PREFIX "0123456789abcdef0123456789abcde", 1, 2));
	CHECK(all_slicings("ccc" MARK ":0\n", 1, "ccc", 1, 0));
}

TEST(after_the_marker_is_dropped)
{
	CHECK(all_slicings("out" MARK ":0\nlate output\n", 1, "out", 1, 0));
	CHECK(all_slicings("out" MARK "\nlate" MARK "\n", 0, "out", 1, -1));
}

TEST(bad_status_ends_with_minus_one)
{
	CHECK(all_slicings("a" MARK ":x\n", 1, "a", 1, -1));
	CHECK(all_slicings("a" MARK ":1234\n", 1, "a", 1, -1));
	CHECK(all_slicings("a" MARK ":\n", 1, "a", 1, -1));
}

TEST(no_marker_flushes_everything)
{
	CHECK(all_slicings("partial chela-end-0123", 1, "partial chela-end-0123", 0, -1));
	CHECK(all_slicings("", 1, "", 0, -1));
}

int main(void)
{
	RUN(stdout_marker_and_status);
	RUN(plus_says_processes_were_left);
	RUN(stderr_marker);
	RUN(false_starts_are_output);
	RUN(after_the_marker_is_dropped);
	RUN(bad_status_ends_with_minus_one);
	RUN(no_marker_flushes_everything);
	return harness_done();
}
