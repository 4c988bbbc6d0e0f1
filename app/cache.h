/* cache: one memcached client per worker. Every error is a miss: the site works, slower,
 * with memcached down, and picks up again by itself when it returns. */
#ifndef BOXOFFICE_CACHE_H
#define BOXOFFICE_CACHE_H
#include <stddef.h>
#include <stdbool.h>
#include <time.h>
#include <ClearSilver.h>

struct arena;
struct config;
struct memcached_st;

struct cache {
	struct memcached_st *mc;     /* NULL when caching is not configured */
};

NEOERR *cache_open(struct cache *c, const struct config *cfg);
void cache_close(struct cache *c);
/* Returns an arena copy (NUL-terminated) or NULL on miss or any error. */
char *cache_get(struct cache *c, struct arena *a, const char *key, size_t *len);
bool cache_set(struct cache *c, const char *key, const char *value, size_t len, time_t ttl);
enum cache_add_result { CACHE_ADDED, CACHE_EXISTS, CACHE_FAILED };
/* add: set only if absent; the building block of the dog-pile lock. CACHE_FAILED means
 * memcached is unavailable (nobody else can hold the lock either). */
enum cache_add_result cache_add(struct cache *c, const char *key, const char *value, size_t len,
				time_t ttl);
void cache_delete(struct cache *c, const char *key);

#endif
