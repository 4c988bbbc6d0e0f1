/* page_cache: soft-TTL response cache with dog-pile protection on top of cache.c.
 * Entry layout: "BOX1 <built_ms> <status>\n<content-type>\n<body>". memcached keeps entries
 * far longer than they are fresh, so a stale copy is there to serve during a rebuild; each
 * worker also keeps the fresh entries it built or fetched (cache.c's first level), and serves
 * those from its own memory until they stop being fresh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "core/arena.h"
#include "db/db_catalogue.h"
#include "http/app.h"
#include "http/http.h"
#include "http/page_cache.h"

#define PAGE_CACHE_KEEP_SECONDS 300   /* how long a stale copy stays available */
#define PAGE_CACHE_LOCK_SECONDS 5     /* a crashed rebuilder's lock frees itself */
#define PAGE_CACHE_STALE_FACTOR 3     /* a stale copy stands in until 3 x its freshness old */
#define PAGE_CACHE_WAIT_STEP_US 5000  /* cold key: how often a waiter looks for the copy */
#define PAGE_CACHE_WAIT_MAX_MS 2000   /* ... and for how long at most (under the lock's life) */

struct cached_page {
	long long built_ms;
	int status;
	const char *content_type;
	const char *body;
	size_t body_len;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Until when a copy is fresh: for between 3/4 and all of fresh_ms after its build, the share
 * picked by a hash of its key and build time, so that every worker agrees on it. Copies built
 * together (a listing's filters, the searches of a busy moment, anything cold at start-up)
 * then go stale spread over a quarter of their freshness rather than in the same instant,
 * and their rebuilds do not queue up behind one another. */
static long long page_fresh_until(const char *key, long long built_ms, int fresh_ms)
{
	uint64_t h = 14695981039346656037ULL;   /* FNV-1a of the key, then mixed with the time */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ (uint64_t)built_ms) * 0x9E3779B97F4A7C15ULL;
	uint64_t spread = (uint64_t)fresh_ms / 4;
	return built_ms + fresh_ms - (spread ? (long long)((h >> 32) % spread) : 0);
}

static bool page_is_fresh(const char *key, const struct cached_page *page, int fresh_ms)
{
	return now_ms() < page_fresh_until(key, page->built_ms, fresh_ms);
}

/* Stale-while-revalidate serves the old copy while a rebuild runs; on a busy page that copy is
 * at most a rebuild older than fresh, but on a page nobody asked for in a while it could be
 * minutes old. Beyond this age it is as good as no copy: the request builds the page, or
 * waits for whoever does (for the event page: 1.5 s, which with nginx's micro-cache on top
 * keeps the seats shown within the ~2 s availability bound). */
static bool page_can_stand_in(const struct cached_page *page, int fresh_ms)
{
	return now_ms() - page->built_ms < (long long)PAGE_CACHE_STALE_FACTOR * fresh_ms;
}

static bool page_parse(struct arena *a, const char *v, size_t len, struct cached_page *out)
{
	const char *nl1 = memchr(v, '\n', len);
	/* sscanf on the entry itself would strlen() the whole page (300 KB for a big seat map)
	 * on every hit: scan a copy of the first line only. */
	char head[64];
	if (nl1 == NULL || (size_t)(nl1 - v) >= sizeof head)
		return false;
	memcpy(head, v, (size_t)(nl1 - v));
	head[nl1 - v] = '\0';
	if (sscanf(head, "BOX1 %lld %d", &out->built_ms, &out->status) != 2)
		return false;
	const char *ct = nl1 + 1;
	const char *nl2 = memchr(ct, '\n', len - (size_t)(ct - v));
	if (nl2 == NULL)
		return false;
	out->content_type = arena_strndup(a, ct, (size_t)(nl2 - ct));
	out->body = nl2 + 1;
	out->body_len = len - (size_t)(out->body - v);
	return true;
}

/* X-Page-Cache says where a response came from — l1 (this worker's own copy), memcached,
 * stale (an older copy, while another request rebuilds it) or built — for tests and
 * profiling. It tells a visitor nothing about the data; nginx passes it on as it is. */
static void page_send_cached(struct request *req, const struct cached_page *page, const char *from)
{
	req->resp.status = page->status;
	req->resp.content_type = page->content_type;
	buf_reset(&req->resp.body);
	buf_append(&req->resp.body, page->body, page->body_len);
	http_set_header(req, "X-Page-Cache", from);
}

/* A stale copy is for this response only: nginx's micro-cache must not keep it for another
 * second on top (X-Accel-Expires: 0), or staleness would add up past the ~2 s bound. */
static void page_send_stale(struct request *req, const struct cached_page *page)
{
	page_send_cached(req, page, "stale");
	http_set_header(req, "X-Accel-Expires", "0");
}

/* A fresh entry from memcached goes into this worker's first level for the rest of its
 * freshness, never longer: the first level serves nothing memcached would not. */
static void page_keep_local(struct cache *c, const char *key, const char *entry, size_t len,
			    const struct cached_page *page, int fresh_ms)
{
	cache_local_put(c, key, entry, len, page_fresh_until(key, page->built_ms, fresh_ms), now_ms());
}

/* `built_ms` is when the build began, before it read anything: a copy is never younger than
 * the data in it, so the freshness bound holds from the moment of the reads. */
static void page_store(struct request *req, const char *key, long long built_ms, int fresh_ms)
{
	if (req->resp.status != 200)
		return;
	struct buf entry = { 0 };
	buf_printf(&entry, "BOX1 %lld %d\n%s\n", built_ms, req->resp.status,
		   req->resp.content_type ? req->resp.content_type : "text/html; charset=utf-8");
	buf_append(&entry, req->resp.body.data ? req->resp.body.data : "", req->resp.body.len);
	cache_set(&req->app->cache, key, entry.data, entry.len, PAGE_CACHE_KEEP_SECONDS);
	cache_local_put(&req->app->cache, key, entry.data, entry.len,
			page_fresh_until(key, built_ms, fresh_ms), now_ms());
	buf_free(&entry);
}

static NEOERR *page_build_and_store(struct request *req, const char *key, const char *lock,
				    page_build_fn build, void *ctx, int fresh_ms)
{
	long long started = now_ms();
	NEOERR *err = build(req, ctx);
	if (err == STATUS_OK) {
		page_store(req, key, started, fresh_ms);
		http_set_header(req, "X-Page-Cache", "built");
	}
	if (lock)
		cache_delete(&req->app->cache, lock);
	return nerr_pass(err);
}

struct deferred_rebuild {
	const char *key;
	const char *lock;
	page_build_fn build;
	void *ctx;
	int fresh_ms;
};

/* Runs after the stale copy went out: build into a clean response and store it. */
static void page_rebuild_after_response(struct request *req, void *arg)
{
	struct deferred_rebuild *d = arg;
	req->hdf = NULL;      /* a fresh data set; the old one is still freed with the arena */
	req->resp.status = 0;
	req->resp.content_type = NULL;
	buf_reset(&req->resp.body);
	buf_reset(&req->resp.headers);
	NEOERR *err = page_build_and_store(req, d->key, d->lock, d->build, d->ctx, d->fresh_ms);
	if (err != STATUS_OK)
		nerr_ignore(&err);   /* the next request rebuilds inline and reports it */
}

/* The catalogue generation (sql/0005): part of every key, so an edit anywhere in the
 * catalogue makes every older page unreachable on the very next request. One primary-key
 * read per request is the price of "the next request", and cheap next to a rebuild. */
static NEOERR *page_cache_generation(struct request *req, const char **out)
{
	return nerr_pass(db_catalogue_generation(&req->app->db, req->arena, out));
}

/* A cold key (no copy young enough to stand in) that another request is building: wait for its
 * copy rather than build the same page beside it. A broad search takes 100 ms and more under
 * load, and every extra builder slows all of them down, so the wait lasts as long as the
 * builder's lock stands (up to PAGE_CACHE_WAIT_MAX_MS, for a builder that died). When the
 * lock goes without a copy — the answer was no 200, or too big for memcached, or memcached
 * went away — there is nothing to wait for: build at once. */
static NEOERR *page_wait_for_builder(struct request *req, const char *key, const char *lock,
				     page_build_fn build, void *ctx, int fresh_ms)
{
	struct cache *c = &req->app->cache;
	long long deadline = now_ms() + PAGE_CACHE_WAIT_MAX_MS;
	do {
		usleep(PAGE_CACHE_WAIT_STEP_US);
		/* The lock first, then the copy: the builder stores its copy before it drops the
		 * lock, so a lock seen gone here means any copy it made is seen below. (Read the
		 * other way round, a build finishing between the two reads looked like "no copy,
		 * no lock" and made this waiter build the page a second time.) */
		bool lock_gone = cache_get(c, req->arena, lock, NULL) == NULL;
		size_t len = 0;
		char *v = cache_get(c, req->arena, key, &len);
		struct cached_page page;
		if (v && page_parse(req->arena, v, len, &page) && page_can_stand_in(&page, fresh_ms)) {
			if (page_is_fresh(key, &page, fresh_ms)) {   /* a build slower than fresh is not */
				page_keep_local(c, key, v, len, &page, fresh_ms);
				page_send_cached(req, &page, "memcached");
			} else {
				page_send_stale(req, &page);
			}
			return STATUS_OK;
		}
		if (lock_gone)
			break;
	} while (now_ms() < deadline);
	return nerr_pass(page_build_and_store(req, key, NULL, build, ctx, fresh_ms));
}

NEOERR *page_cache_serve(struct request *req, const char *key_in, int fresh_ms,
			 page_build_fn build, const void *ctx_in, size_t ctx_size)
{
	void *ctx = memcpy(arena_alloc(req->arena, ctx_size ? ctx_size : 1), ctx_in, ctx_size);
	/* A signed-in person's page shows who they are: built for them alone, never stored where
	 * others are served from, and never one of those copies (it would show them signed out). */
	if (req->user) {
		http_set_header(req, "X-Page-Cache", "personal");
		return nerr_pass(build(req, ctx));
	}
	const char *generation = "0";
	NEOERR *gerr = page_cache_generation(req, &generation);
	if (gerr != STATUS_OK)
		return nerr_pass(gerr);
	const char *key = arena_printf(req->arena, "g%s:%s", generation, key_in);
	struct cache *c = &req->app->cache;
	struct cached_page page;
	size_t len = 0;
	/* This worker's own copy first: while fresh it is what memcached would answer (the same
	 * key, the same freshness), without the round trip and the 300 KB copy out of memcached. */
	const char *local = cache_local_get(c, key, now_ms(), &len);
	if (local && page_parse(req->arena, local, len, &page)) {
		page_send_cached(req, &page, "l1");
		return STATUS_OK;
	}
	char *v = cache_get(c, req->arena, key, &len);
	bool have = v && page_parse(req->arena, v, len, &page) && page_can_stand_in(&page, fresh_ms);
	if (have && page_is_fresh(key, &page, fresh_ms)) {
		page_keep_local(c, key, v, len, &page, fresh_ms);
		page_send_cached(req, &page, "memcached");
		return STATUS_OK;
	}
	const char *lock = arena_printf(req->arena, "%s:lock", key);
	switch (cache_add(c, lock, "1", 1, PAGE_CACHE_LOCK_SECONDS)) {
	case CACHE_ADDED:
		if (have && req->can_defer && req->after_response == NULL) {
			/* Stale-while-revalidate: this shopper gets the stale copy now; the
			 * rebuild happens after the response is out, off everyone's latency. */
			struct deferred_rebuild *d = arena_alloc(req->arena, sizeof *d);
			*d = (struct deferred_rebuild){ key, lock, build, ctx, fresh_ms };
			req->after_response = page_rebuild_after_response;
			req->after_response_ctx = d;
			page_send_stale(req, &page);
			return STATUS_OK;
		}
		return nerr_pass(page_build_and_store(req, key, lock, build, ctx, fresh_ms));
	case CACHE_FAILED:
		/* memcached is down: build, and keep the copy in this worker's first level only */
		return nerr_pass(page_build_and_store(req, key, NULL, build, ctx, fresh_ms));
	case CACHE_EXISTS:
		break;
	}
	/* Someone else is rebuilding. A stale copy is good enough meanwhile. */
	if (have) {
		page_send_stale(req, &page);
		return STATUS_OK;
	}
	return nerr_pass(page_wait_for_builder(req, key, lock, build, ctx, fresh_ms));
}

const char *page_cache_key(struct request *req, const char *prefix, const char *text)
{
	unsigned char hash[16];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)text, strlen(text), NULL, 0);
	char hex[sizeof hash * 2 + 1];
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	return arena_printf(req->arena, "%s:%s", prefix, hex);
}
