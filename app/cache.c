/* cache: the worker's memcached client. Short timeouts and every error treated as a miss,
 * so a slow or dead memcached costs milliseconds, never an error page. */
#include <stdlib.h>
#include <string.h>
#include <libmemcached/memcached.h>
#include "arena.h"
#include "cache.h"
#include "config.h"
#include "log.h"
#include "xalloc.h"

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
	c->mc = NULL;
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

void cache_close(struct cache *c)
{
	if (c->mc)
		memcached_free(c->mc);
	c->mc = NULL;
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
