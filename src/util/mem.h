/*
 * util/mem.h — allocation helpers.
 *
 * Contract: xmalloc/xcalloc/xrealloc/xstrdup never return NULL: running out of memory is a
 * broken invariant for a process this small, so they abort with a message. FREE(p) frees and
 * sets p to NULL so a second free or a use-after-free shows up as a NULL dereference.
 */
#ifndef CHELA_UTIL_MEM_H
#define CHELA_UTIL_MEM_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#define FREE(p) do { free(p); (p) = NULL; } while (0)

#endif
