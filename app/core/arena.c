/* arena: the per-request memory pool. Blocks are chained; big requests get a block of their own.
 * Cleanups (statements, json objects, buffers) run in reverse order when the arena dies. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/xalloc.h"

#define ARENA_BLOCK_SIZE (16 * 1024)
#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	/* 16-byte aligned payload follows */
	_Alignas(16) unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *arg;
};

struct arena {
	struct arena_block *blocks;
	struct arena_cleanup *cleanups;
	size_t used;
};

static struct arena_block *arena_block_new(size_t size)
{
	struct arena_block *b = xmalloc(sizeof(*b) + size);
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(void)
{
	struct arena *a = xcalloc(1, sizeof(*a));
	a->blocks = arena_block_new(ARENA_BLOCK_SIZE);
	return a;
}

void *arena_alloc(struct arena *a, size_t size)
{
	if (size > SIZE_MAX - ARENA_ALIGN)
		abort();
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct arena_block *b = a->blocks;
	if (b->size - b->used < rounded) {
		if (rounded > ARENA_BLOCK_SIZE / 4) {
			/* A large allocation gets its own block behind the current one,
			 * so the current block's free space stays usable. */
			struct arena_block *big = arena_block_new(rounded);
			big->used = rounded;
			big->next = b->next;
			b->next = big;
			a->used += rounded;
			return big->data;
		}
		b = arena_block_new(ARENA_BLOCK_SIZE);
		b->next = a->blocks;
		a->blocks = b;
	}
	void *p = b->data + b->used;
	b->used += rounded;
	a->used += rounded;
	return p;
}

void *arena_zalloc(struct arena *a, size_t size)
{
	return memset(arena_alloc(a, size), 0, size);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_on_destroy(struct arena *a, void (*fn)(void *), void *arg)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}

void arena_destroy(struct arena *a)
{
	if (a == NULL)
		return;
	/* Cleanup records live in the arena itself: run them all before freeing any block. */
	for (struct arena_cleanup *c = a->cleanups; c != NULL; c = c->next)
		c->fn(c->arg);
	struct arena_block *b = a->blocks;
	while (b != NULL) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}
