/* docker/docker_capture.c — keeps the head and the tail of an output stream within a cap.
 *
 * The middle of a long output is counted and dropped as it arrives, so a command printing
 * gigabytes costs a fixed amount of memory and never stalls the reader. Private to the docker
 * module (docker_capture.h); the result shape is struct docker_capture in docker.h.
 */
#include "docker/docker_capture.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

void docker_cap_init(struct docker_cap *c, size_t cap)
{
	memset(c, 0, sizeof *c);
	c->head_cap = cap / 2;
	c->tail_cap = cap - c->head_cap;
	if (c->head_cap)
		c->head = xmalloc(c->head_cap);
	if (c->tail_cap)
		c->tail = xmalloc(c->tail_cap);
}

/* see docker_capture.h */
void docker_cap_add(struct docker_cap *c, const char *data, size_t n)
{
	size_t take, end, first;

	c->total += n;
	take = c->head_cap - c->head_len;
	if (take > n)
		take = n;
	if (take) {
		memcpy(c->head + c->head_len, data, take);
		c->head_len += take;
	}
	data += take;
	n -= take;
	if (n == 0 || c->tail_cap == 0)
		return;
	if (n >= c->tail_cap) { /* the new bytes alone fill the ring: keep their end */
		memcpy(c->tail, data + (n - c->tail_cap), c->tail_cap);
		c->tail_start = 0;
		c->tail_len = c->tail_cap;
		return;
	}
	/* write n bytes at the ring's end, overwriting the oldest when full */
	end = (c->tail_start + c->tail_len) % c->tail_cap;
	first = c->tail_cap - end < n ? c->tail_cap - end : n;
	memcpy(c->tail + end, data, first);
	memcpy(c->tail, data + first, n - first);
	if (c->tail_len + n <= c->tail_cap) {
		c->tail_len += n;
	} else {
		c->tail_start = (c->tail_start + (c->tail_len + n - c->tail_cap)) % c->tail_cap;
		c->tail_len = c->tail_cap;
	}
}

/* see docker_capture.h */
void docker_cap_finish(struct docker_cap *c, struct docker_capture *out)
{
	char marker[96];
	size_t mlen = 0, len, first;

	memset(out, 0, sizeof *out);
	out->total = c->total;
	out->dropped = c->total - c->head_len - c->tail_len;
	if (out->dropped)
		mlen = (size_t)snprintf(marker, sizeof marker, "\n[... %llu bytes dropped ...]\n",
					(unsigned long long)out->dropped);
	len = c->head_len + mlen + c->tail_len;
	out->data = xmalloc(len + 1);
	if (c->head_len)
		memcpy(out->data, c->head, c->head_len);
	if (mlen)
		memcpy(out->data + c->head_len, marker, mlen);
	first = c->tail_cap - c->tail_start < c->tail_len ? c->tail_cap - c->tail_start : c->tail_len;
	if (c->tail_len) {
		memcpy(out->data + c->head_len + mlen, c->tail + c->tail_start, first);
		memcpy(out->data + c->head_len + mlen + first, c->tail, c->tail_len - first);
	}
	out->data[len] = '\0';
	out->len = len;
}

void docker_cap_free(struct docker_cap *c)
{
	FREE(c->head);
	FREE(c->tail);
}
