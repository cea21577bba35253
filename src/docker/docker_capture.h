/*
 * docker/docker_capture.h — head + tail capture of one output stream (private to docker/).
 *
 * Contract: docker_cap_add() never fails and never grows memory past the cap given to
 * docker_cap_init(): the first cap/2 bytes are kept, then a ring keeps the last cap - cap/2.
 * docker_cap_finish() renders the kept bytes into a struct docker_capture (see docker.h) that
 * the caller frees with free(out->data).
 */
#ifndef CHELA_DOCKER_CAPTURE_H
#define CHELA_DOCKER_CAPTURE_H

#include "docker/docker.h"

struct docker_cap {
	char *head, *tail;
	size_t head_cap, head_len;
	size_t tail_cap, tail_start, tail_len;
	uint64_t total;
};

void docker_cap_init(struct docker_cap *c, size_t cap);
void docker_cap_add(struct docker_cap *c, const char *data, size_t n);
void docker_cap_finish(struct docker_cap *c, struct docker_capture *out);
void docker_cap_free(struct docker_cap *c);

#endif
