/* cache: the worker's memcached client and its own first level of recent copies. Short
 * timeouts and every error treated as a miss, so a slow or dead memcached costs milliseconds. */
#include <stdlib.h>
#include <string.h>
#include <libmemcached/memcached.h>
#include "cache/cache.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/xalloc.h"

#define CACHE_MAX_KEY 250

static void cache_add_server(memcached_st *mc, const char *spec)
{
	if (spec[0] == '/') {
		memcached_server_add_unix_socket(mc, spec);
		return;
	}
	char *host = xstrdup(spec);
	in_port_t port = 11211;
	char *colon = strrchr(host, ':');
	if (colon) {
		*colon = '\0';
		port = (in_port_t)atoi(colon + 1);
	}
	memcached_server_add(mc, host, port);
	free(host);
}

NEOERR *cache_open(struct cache *c, const struct config *cfg)
{
	*c = (struct cache){ 0 };
	if (cfg->memcached_servers == NULL)
		return STATUS_OK;
	memcached_st *mc = memcached_create(NULL);
	if (mc == NULL)
		return nerr_raise(NERR_NOMEM, "memcached_create failed");
	uint64_t timeout = (uint64_t)cfg->memcached_timeout_ms;
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, timeout);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, timeout);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, timeout * 1000);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, timeout * 1000);
	/* After a failure, try the server again one second later: caching resumes by itself. */
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT);
	char *list = xstrdup(cfg->memcached_servers);
	char *save = NULL;
	for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		cache_add_server(mc, tok);
	free(list);
	c->mc = mc;
	return STATUS_OK;
}

static void cache_local_drop(struct cache *c, struct cache_local_entry *e)
{
	c->local_bytes -= strlen(e->key) + 1 + e->len;
	free(e->key);
	free(e->value);
	*e = (struct cache_local_entry){ 0 };
}

void cache_close(struct cache *c)
{
	if (c->mc)
		memcached_free(c->mc);
	c->mc = NULL;
	for (int i = 0; i < CACHE_LOCAL_SLOTS; i++)
		if (c->local[i].key)
			cache_local_drop(c, &c->local[i]);
}

static bool cache_key_ok(const char *key)
{
	size_t len = strlen(key);
	if (len == 0 || len > CACHE_MAX_KEY)
		return false;
	for (const char *p = key; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7f)
			return false;
	return true;
}

char *cache_get(struct cache *c, struct arena *a, const char *key, size_t *len)
{
	if (c->mc == NULL || !cache_key_ok(key))
		return NULL;
	size_t vlen = 0;
	uint32_t flags = 0;
	memcached_return_t rc;
	char *v = memcached_get(c->mc, key, strlen(key), &vlen, &flags, &rc);
	if (v == NULL)
		return NULL;
	/* libmemcached's value is NUL-terminated already: rather than copying it into the arena
	 * (a whole page per hit), the arena frees it when the request ends. */
	arena_on_destroy(a, free, v);
	if (len)
		*len = vlen;
	return v;
}

bool cache_set(struct cache *c, const char *key, const char *value, size_t len, time_t ttl)
{
	if (c->mc == NULL || !cache_key_ok(key))
		return false;
	return memcached_success(memcached_set(c->mc, key, strlen(key), value, len, ttl, 0));
}

enum cache_add_result cache_add(struct cache *c, const char *key, const char *value, size_t len,
				time_t ttl)
{
	if (c->mc == NULL || !cache_key_ok(key))
		return CACHE_FAILED;
	memcached_return_t rc = memcached_add(c->mc, key, strlen(key), value, len, ttl, 0);
	if (memcached_success(rc))
		return CACHE_ADDED;
	return rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS ? CACHE_EXISTS : CACHE_FAILED;
}

void cache_delete(struct cache *c, const char *key)
{
	if (c->mc && cache_key_ok(key))
		memcached_delete(c->mc, key, strlen(key), 0);
}

/* --- the first level ------------------------------------------------------------------- */

static struct cache_local_entry *cache_local_find(struct cache *c, const char *key)
{
	for (int i = 0; i < CACHE_LOCAL_SLOTS; i++)
		if (c->local[i].key && strcmp(c->local[i].key, key) == 0)
			return &c->local[i];
	return NULL;
}

const char *cache_local_get(struct cache *c, const char *key, long long now_ms, size_t *len)
{
	struct cache_local_entry *e = cache_local_find(c, key);
	if (e == NULL)
		return NULL;
	if (now_ms >= e->until_ms) {
		cache_local_drop(c, e);
		return NULL;
	}
	e->used = ++c->local_clock;
	if (len)
		*len = e->len;
	return e->value;
}

void cache_local_put(struct cache *c, const char *key, const char *value, size_t len,
		     long long until_ms, long long now_ms)
{
	size_t bytes = strlen(key) + 1 + len;
	bool keep = until_ms > now_ms && bytes <= CACHE_LOCAL_MAX_VALUE;
	struct cache_local_entry fresh = { 0 };
	if (keep) {
		/* Copied before anything is dropped: `value` may be an older copy of this key. */
		fresh.key = xstrdup(key);
		fresh.value = xmalloc(len + 1);
		memcpy(fresh.value, value, len);
		fresh.value[len] = '\0';
		fresh.len = len;
		fresh.until_ms = until_ms;
	}
	struct cache_local_entry *old = cache_local_find(c, key);
	if (old)
		cache_local_drop(c, old);
	if (!keep)
		return;
	struct cache_local_entry *slot = NULL;
	for (int i = 0; i < CACHE_LOCAL_SLOTS; i++)
		if (c->local[i].key && now_ms >= c->local[i].until_ms)
			cache_local_drop(c, &c->local[i]);
	for (;;) {
		struct cache_local_entry *lru = NULL;
		slot = NULL;
		for (int i = 0; i < CACHE_LOCAL_SLOTS; i++) {
			struct cache_local_entry *e = &c->local[i];
			if (e->key == NULL)
				slot = slot ? slot : e;
			else if (lru == NULL || e->used < lru->used)
				lru = e;
		}
		if (slot && c->local_bytes + bytes <= CACHE_LOCAL_MAX_BYTES)
			break;
		cache_local_drop(c, lru);   /* never NULL: an empty level has room for `bytes` */
	}
	fresh.used = ++c->local_clock;
	*slot = fresh;
	c->local_bytes += bytes;
}
