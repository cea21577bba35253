/* docker/docker_demux.c — the exec/attach stream demultiplexer, a pure parser. See docker.h. */
#include "docker/docker.h"

#include <string.h>

void docker_demux_init(struct docker_demux *m)
{
	memset(m, 0, sizeof *m);
}

/* see docker.h */
int docker_demux_feed(struct docker_demux *m, const char *data, size_t len, docker_demux_fn fn, void *ctx,
		      char *err, size_t errlen)
{
	size_t i = 0;

	if (m->failed)
		return err_set(err, errlen, "docker: exec stream: already failed");
	while (i < len) {
		if (m->remaining == 0 && m->hdr_len < 8) {
			size_t n = 8 - m->hdr_len;
			if (n > len - i)
				n = len - i;
			memcpy(m->hdr + m->hdr_len, data + i, n);
			m->hdr_len += n;
			i += n;
			m->offset += n;
			if (m->hdr_len < 8)
				break;
			/* type 0..3; bytes 1-3 are zero in every engine version. Anything else means
			 * we are not reading a multiplexed stream (e.g. a TTY stream) — stop loudly. */
			if (m->hdr[0] > 3 || m->hdr[1] || m->hdr[2] || m->hdr[3]) {
				m->failed = 1;
				return err_set(err, errlen,
					       "docker: exec stream: bad frame header at byte %llu "
					       "(%02x %02x %02x %02x)",
					       (unsigned long long)(m->offset - 8), m->hdr[0], m->hdr[1], m->hdr[2],
					       m->hdr[3]);
			}
			m->stream = m->hdr[0];
			m->remaining = (uint32_t)m->hdr[4] << 24 | (uint32_t)m->hdr[5] << 16 |
				       (uint32_t)m->hdr[6] << 8 | (uint32_t)m->hdr[7];
			m->hdr_len = m->remaining ? 8 : 0; /* an empty frame is complete at once */
			continue;
		}
		{
			size_t n = len - i;
			if (n > m->remaining)
				n = m->remaining;
			if (fn && fn(ctx, m->stream, data + i, n) < 0) {
				m->failed = 1;
				return err_set(err, errlen, "docker: exec stream: consumer stopped at byte %llu",
					       (unsigned long long)m->offset);
			}
			i += n;
			m->offset += n;
			m->remaining -= (uint32_t)n;
			if (m->remaining == 0)
				m->hdr_len = 0;
		}
	}
	return 0;
}

/* see docker.h */
int docker_demux_finish(struct docker_demux *m, char *err, size_t errlen)
{
	if (m->failed)
		return -1;
	if (m->remaining)
		return err_set(err, errlen, "docker: exec stream ended inside a frame (%u bytes missing)", m->remaining);
	if (m->hdr_len)
		return err_set(err, errlen, "docker: exec stream ended inside a frame header");
	return 0;
}
