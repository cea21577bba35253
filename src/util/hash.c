/* util/hash.c — see hash.h */
#include "util/hash.h"
#include "util/str.h"

#include <bearssl.h>
#include <errno.h>
#include <sys/random.h>

void hash_sha256_hex(const void *data, size_t len, char *out)
{
	br_sha256_context ctx;
	unsigned char digest[32];

	br_sha256_init(&ctx);
	br_sha256_update(&ctx, data, len);
	br_sha256_out(&ctx, digest);
	str_hex(digest, sizeof digest, out);
}

int hash_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
