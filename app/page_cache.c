/* page_cache: soft-TTL response cache with dog-pile protection on top of cache.c.
 * Entry layout: "BOX1 <built_ms> <status>\n<content-type>\n<body>". memcached keeps entries
 * far longer than they are fresh, so a stale copy is there to serve during a rebuild. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "app.h"
#include "arena.h"
#include "http.h"
#include "db.h"
#include "page_cache.h"

#define PAGE_CACHE_KEEP_SECONDS 300   /* how long a stale copy stays available */
#define PAGE_CACHE_LOCK_SECONDS 5     /* a crashed rebuilder's lock frees itself */
#define PAGE_CACHE_WAIT_STEPS 20      /* cold key: wait up to 20 x 5 ms for the rebuilder */

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

/* A stale copy is for this response only: nginx's micro-cache must not keep it for another
 * second on top (X-Accel-Expires: 0), or staleness would add up past the ~2 s bound. */
static void page_send_stale(struct request *req, const struct cached_page *page);

static void page_send_cached(struct request *req, const struct cached_page *page)
{
	req->resp.status = page->status;
	req->resp.content_type = page->content_type;
	buf_reset(&req->resp.body);
	buf_append(&req->resp.body, page->body, page->body_len);
}

static void page_send_stale(struct request *req, const struct cached_page *page)
{
	page_send_cached(req, page);
	http_set_header(req, "X-Accel-Expires", "0");
}

static void page_store(struct request *req, const char *key)
{
	if (req->resp.status != 200)
		return;
	struct buf entry = { 0 };
	buf_printf(&entry, "BOX1 %lld %d\n%s\n", now_ms(), req->resp.status,
		   req->resp.content_type ? req->resp.content_type : "text/html; charset=utf-8");
	buf_append(&entry, req->resp.body.data ? req->resp.body.data : "", req->resp.body.len);
	cache_set(&req->app->cache, key, entry.data, entry.len, PAGE_CACHE_KEEP_SECONDS);
	buf_free(&entry);
}

static NEOERR *page_build_and_store(struct request *req, const char *key, const char *lock,
				    page_build_fn build, void *ctx)
{
	NEOERR *err = build(req, ctx);
	if (err == STATUS_OK)
		page_store(req, key);
	if (lock)
		cache_delete(&req->app->cache, lock);
	return nerr_pass(err);
}

struct deferred_rebuild {
	const char *key;
	const char *lock;
	page_build_fn build;
	void *ctx;
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
	NEOERR *err = page_build_and_store(req, d->key, d->lock, d->build, d->ctx);
	if (err != STATUS_OK)
		nerr_ignore(&err);   /* the next request rebuilds inline and reports it */
}

static const char SQL_GENERATION[] = "SELECT generation FROM catalogue_state WHERE id = 1";

/* The catalogue generation (sql/0005): part of every key, so an edit anywhere in the
 * catalogue makes every older page unreachable on the very next request. One primary-key
 * read per request is the price of "the next request", and cheap next to a rebuild. */
static NEOERR *page_cache_generation(struct request *req, const char **out)
{
	struct db_result r;
	NEOERR *err = db_exec(&req->app->db, req->arena, &r, SQL_GENERATION, "");
	if (err != STATUS_OK)
		return nerr_pass(err);
	*out = r.nrows && db_cell(&r, 0, 0) ? db_cell(&r, 0, 0) : "0";
	return STATUS_OK;
}

NEOERR *page_cache_serve(struct request *req, const char *key_in, int fresh_ms,
			 page_build_fn build, const void *ctx_in, size_t ctx_size)
{
	void *ctx = memcpy(arena_alloc(req->arena, ctx_size ? ctx_size : 1), ctx_in, ctx_size);
	const char *generation = "0";
	NEOERR *gerr = page_cache_generation(req, &generation);
	if (gerr != STATUS_OK)
		return nerr_pass(gerr);
	const char *key = arena_printf(req->arena, "g%s:%s", generation, key_in);
	struct cache *c = &req->app->cache;
	size_t len = 0;
	char *v = cache_get(c, req->arena, key, &len);
	struct cached_page page;
	bool have = v && page_parse(req->arena, v, len, &page);
	if (have && now_ms() - page.built_ms < fresh_ms) {
		page_send_cached(req, &page);
		return STATUS_OK;
	}
	const char *lock = arena_printf(req->arena, "%s:lock", key);
	switch (cache_add(c, lock, "1", 1, PAGE_CACHE_LOCK_SECONDS)) {
	case CACHE_ADDED:
		if (have && req->can_defer && req->after_response == NULL) {
			/* Stale-while-revalidate: this shopper gets the stale copy now; the
			 * rebuild happens after the response is out, off everyone's latency. */
			struct deferred_rebuild *d = arena_alloc(req->arena, sizeof *d);
			*d = (struct deferred_rebuild){ key, lock, build, ctx };
			req->after_response = page_rebuild_after_response;
			req->after_response_ctx = d;
			page_send_stale(req, &page);
			return STATUS_OK;
		}
		return nerr_pass(page_build_and_store(req, key, lock, build, ctx));
	case CACHE_FAILED:
		return nerr_pass(build(req, ctx));       /* memcached is down: just build */
	case CACHE_EXISTS:
		break;
	}
	/* Someone else is rebuilding. A stale copy is good enough meanwhile. */
	if (have) {
		page_send_stale(req, &page);
		return STATUS_OK;
	}
	for (int i = 0; i < PAGE_CACHE_WAIT_STEPS; i++) {
		usleep(5000);
		v = cache_get(c, req->arena, key, &len);
		if (v && page_parse(req->arena, v, len, &page)) {
			page_send_cached(req, &page);
			return STATUS_OK;
		}
	}
	return nerr_pass(build(req, ctx));   /* the rebuilder is slow or gone: do it ourselves */
}

const char *page_cache_key(struct request *req, const char *prefix, const char *text)
{
	unsigned char hash[16];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)text, strlen(text), NULL, 0);
	char hex[sizeof hash * 2 + 1];
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	return arena_printf(req->arena, "%s:%s", prefix, hex);
}
