/* arena: the per-request memory pool (after nginx's ngx_pool_t).
 * Everything a request allocates lives here and is released by one arena_destroy(). */
#ifndef BOXOFFICE_ARENA_H
#define BOXOFFICE_ARENA_H
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Never returns NULL; memory is 16-byte aligned and uninitialised. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Run fn(arg) when the arena is destroyed, in reverse order of registration. */
void arena_on_destroy(struct arena *a, void (*fn)(void *), void *arg);
/* Bytes handed out so far (for tests and limits). */
size_t arena_used(const struct arena *a);
void arena_destroy(struct arena *a);

#endif
