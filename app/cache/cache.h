/* cache: one memcached client per worker, with a small in-process first level in front of it.
 * Every memcached error is a miss: the site works, slower, with memcached down, and picks up
 * again by itself when it returns. */
#ifndef BOXOFFICE_CACHE_H
#define BOXOFFICE_CACHE_H
#include <stddef.h>
#include <stdbool.h>
#include <time.h>
#include <ClearSilver.h>

struct arena;
struct config;
struct memcached_st;

/* The worker's own copies (the first level, "L1"): the last values it stored or fetched,
 * each with the instant it stops being served. A few slots and a byte budget per worker: the
 * whole-response page cache keeps one big event page per slot (~300 KB), so the budget fits
 * a popular event page and a few dozen search and listing pages. */
#define CACHE_LOCAL_SLOTS 32
#define CACHE_LOCAL_MAX_BYTES ((size_t)8 << 20)
#define CACHE_LOCAL_MAX_VALUE (CACHE_LOCAL_MAX_BYTES / 4)   /* bigger values are not kept */

struct cache_local_entry {
	char *key;                   /* NULL: a free slot */
	char *value;
	size_t len;
	long long until_ms;          /* served while now_ms < until_ms (CLOCK_REALTIME, ms) */
	unsigned long long used;     /* LRU stamp */
};

/* All zero is a valid closed cache: no memcached, an empty first level. */
struct cache {
	struct memcached_st *mc;     /* NULL when caching is not configured */
	struct cache_local_entry local[CACHE_LOCAL_SLOTS];
	size_t local_bytes;          /* keys and values held in `local` */
	unsigned long long local_clock;
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

/* The first level. A worker is one single-threaded process, so there is no locking; nothing
 * here talks to memcached, and it works the same with memcached down or not configured.
 * get: the value kept for `key` while now_ms < its until_ms, else NULL (an expired copy is
 * dropped). The pointer stays valid until the next cache_local_put or cache_close. */
const char *cache_local_get(struct cache *c, const char *key, long long now_ms, size_t *len);
/* Keep a copy of value[0..len) for `key` until until_ms, replacing any older one, dropping
 * expired copies and then the least recently used until it fits. A value already past its
 * until_ms, or bigger (with its key) than CACHE_LOCAL_MAX_VALUE, is not kept, and any older
 * copy of it is dropped. */
void cache_local_put(struct cache *c, const char *key, const char *value, size_t len,
		     long long until_ms, long long now_ms);

#endif
