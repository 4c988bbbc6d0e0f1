/* xalloc: allocators that never return NULL.
 * Running out of memory in a worker is a bug-class event: log and abort, the master respawns. */
#ifndef BOXOFFICE_XALLOC_H
#define BOXOFFICE_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);

#endif
