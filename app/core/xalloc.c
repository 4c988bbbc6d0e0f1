/* xalloc: allocators that never return NULL.
 * A worker that cannot allocate aborts; the pool master replaces it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"

static void *xalloc_check(void *p, size_t size)
{
	if (p == NULL && size != 0) {
		fprintf(stderr, "boxoffice: out of memory allocating %lu bytes\n", (unsigned long)size);
		abort();
	}
	return p;
}

void *xmalloc(size_t size)
{
	return xalloc_check(malloc(size ? size : 1), size);
}

void *xcalloc(size_t n, size_t size)
{
	return xalloc_check(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *xrealloc(void *ptr, size_t size)
{
	return xalloc_check(realloc(ptr, size ? size : 1), size);
}

char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;
	return memcpy(xmalloc(len), s, len);
}
