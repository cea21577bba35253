/*
 * docker/docker_endmark.h — finds the end of one command in a pooled shell's output stream
 * (private to docker/; see docker_shell.c).
 *
 * Contract: a pure scanner over one stream (stdout or stderr). After a command, the shell
 * prints a marker no command output can contain by chance (a prefix and a fresh 128-bit random
 * nonce): on stdout "<marker>:<exit status>[+]\n" ('+': processes of the command's group are
 * still running), on stderr "<marker>\n". Feed the stream in any
 * slicing; every byte before the marker is handed to `emit` (a few bytes that could start the
 * marker are held back until they are known not to), the marker and its status are consumed,
 * and anything after them — output of background children that outlived the command — is
 * dropped. `done` is set once the marker (and, on stdout, the status line) is complete; a
 * status that is not 1-3 digits (then an optional '+') ends with status -1, leftover 0. Memory: fixed (the struct), no allocation
 * beyond the caller's scratch.
 */
#ifndef CHELA_DOCKER_ENDMARK_H
#define CHELA_DOCKER_ENDMARK_H

#include <stddef.h>

#define ENDMARK_PREFIX "chela-end-"
#define ENDMARK_MAX    48 /* prefix + 32 hex + ':' or '\n' */

typedef void (*endmark_emit_fn)(void *ctx, const char *data, size_t len);

struct endmark {
	char marker[ENDMARK_MAX + 1];
	size_t mlen;
	char hold[ENDMARK_MAX];   /* the tail that may be the marker's start */
	size_t nhold;
	int with_status;          /* stdout: the marker is followed by digits and '\n' */
	int found, done;
	int status, ndigits;
	int leftover;             /* the '+' after the status */
};

/* nonce: 32 lowercase hex. with_status: 1 for stdout, 0 for stderr. */
void endmark_init(struct endmark *m, const char *nonce, int with_status);
void endmark_feed(struct endmark *m, const char *data, size_t len, endmark_emit_fn emit, void *ctx);
/* The stream ended without the marker: hand over what was held back. */
void endmark_flush(struct endmark *m, endmark_emit_fn emit, void *ctx);

#endif
