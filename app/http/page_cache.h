/* page_cache: whole rendered responses (HTML or JSON) in memcached, served with one get, and
 * from each worker's own memory while its copy is fresh. Entries are fresh for 3/4 to all of
 * `fresh_ms` (spread per copy, so copies built together do not all go stale together); a
 * stale entry is rebuilt by one worker (the holder of a memcached add-lock) while the others
 * keep serving the stale copy, so a popular key never stampedes MariaDB. With memcached down
 * each worker builds what it has no fresh copy of itself. */
#ifndef BOXOFFICE_PAGE_CACHE_H
#define BOXOFFICE_PAGE_CACHE_H
#include <ClearSilver.h>

struct request;

/* Renders the response into req->resp (status, content type, body). */
typedef NEOERR *(*page_build_fn)(struct request *req, void *ctx);

/* Serve `key` from the cache or build it. Only 200 responses are stored. The catalogue
 * generation (bumped by triggers on every catalogue edit) is prefixed to the key, so an edit
 * is visible on the next request; freshness (fresh_ms) bounds seat availability, and bounds
 * the worker's own copies the same way (they are never served once older than fresh_ms).
 * Keys must be ≤ 180 bytes of printable ASCII; see page_cache_key() for user input.
 * `ctx` (ctx_size bytes) is copied: a rebuild may run after the handler has returned. */
NEOERR *page_cache_serve(struct request *req, const char *key, int fresh_ms,
			 page_build_fn build, const void *ctx, size_t ctx_size);

/* A cache key from a prefix and arbitrary text (e.g. a normalised query): the text is
 * hashed, so any input gives a short, safe key. */
const char *page_cache_key(struct request *req, const char *prefix, const char *text);

#endif
