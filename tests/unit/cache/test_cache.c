/* test_cache: the worker's first level of copies (cache.c) — a copy is served only until its
 * instant, within a slot count and a byte budget, least recently used out first, all freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "cache/cache.h"

#define NOW 1700000000000LL   /* ms; any instant will do */

static const char *get(struct cache *c, const char *key, long long now)
{
	size_t len = 0;
	return cache_local_get(c, key, now, &len);
}

/* A value of `len` bytes, every byte `fill`: the caller frees it. */
static char *value_of(size_t len, char fill)
{
	char *v = malloc(len);
	ck_assert_ptr_nonnull(v);
	memset(v, fill, len);
	return v;
}

START_TEST(test_round_trip)
{
	struct cache c = { 0 };
	static const char entry[] = "BOX1 1 200\ntext/html\n<p>hi</p>";
	cache_local_put(&c, "g7:event:1", entry, sizeof entry - 1, NOW + 500, NOW);
	size_t len = 0;
	const char *v = cache_local_get(&c, "g7:event:1", NOW + 1, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, sizeof entry - 1);
	ck_assert_mem_eq(v, entry, len);
	ck_assert_int_eq(v[len], '\0');
	ck_assert_ptr_ne(v, entry);   /* a copy, not the caller's buffer */
	/* The key is the whole key: another generation or another page is another entry. */
	ck_assert_ptr_null(get(&c, "g8:event:1", NOW + 1));
	ck_assert_ptr_null(get(&c, "g7:event:10", NOW + 1));
	ck_assert_ptr_null(get(&c, "g7:event:", NOW + 1));
	cache_close(&c);
	ck_assert_uint_eq(c.local_bytes, 0);
}
END_TEST

/* Rows: (offset of the lookup from the put, served?) for a copy kept until NOW + 500. */
static const struct { long long at; int served; } freshness[] = {
	{ 0, 1 }, { 1, 1 }, { 499, 1 }, { 500, 0 }, { 501, 0 }, { 100000, 0 },
};

START_TEST(test_served_only_while_fresh)
{
	struct cache c = { 0 };
	cache_local_put(&c, "k", "value", 5, NOW + 500, NOW);
	const char *v = get(&c, "k", NOW + freshness[_i].at);
	ck_assert_msg((v != NULL) == freshness[_i].served, "lookup at +%lld ms: %s", freshness[_i].at,
		      v ? "served" : "not served");
	if (!freshness[_i].served) {
		/* An expired copy is dropped, not kept around: it can never come back. */
		ck_assert_uint_eq(c.local_bytes, 0);
		ck_assert_ptr_null(get(&c, "k", NOW));
	}
	cache_close(&c);
}
END_TEST

START_TEST(test_not_kept)
{
	struct cache c = { 0 };
	/* Already past its freshness (a build slower than the page's freshness): not kept. */
	cache_local_put(&c, "late", "v", 1, NOW, NOW);
	ck_assert_ptr_null(get(&c, "late", NOW - 1));
	ck_assert_uint_eq(c.local_bytes, 0);
	/* Too big for the budget's share: not kept, and an older copy of it goes too. */
	cache_local_put(&c, "big", "small", 5, NOW + 500, NOW);
	ck_assert_ptr_nonnull(get(&c, "big", NOW));
	char *huge = value_of(CACHE_LOCAL_MAX_VALUE, 'x');
	cache_local_put(&c, "big", huge, CACHE_LOCAL_MAX_VALUE, NOW + 500, NOW);
	free(huge);
	ck_assert_ptr_null(get(&c, "big", NOW));
	ck_assert_uint_eq(c.local_bytes, 0);
	cache_close(&c);
}
END_TEST

START_TEST(test_replace)
{
	struct cache c = { 0 };
	cache_local_put(&c, "k", "old value", 9, NOW + 500, NOW);
	size_t one = c.local_bytes;
	cache_local_put(&c, "k", "new", 3, NOW + 900, NOW + 100);
	size_t len = 0;
	const char *v = cache_local_get(&c, "k", NOW + 800, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(v, "new", 3);
	ck_assert_uint_eq(c.local_bytes, one - 6);
	/* Refreshing a copy from its own bytes (the pointer a get gave) is safe. */
	cache_local_put(&c, "k", v, len, NOW + 2000, NOW + 800);
	v = cache_local_get(&c, "k", NOW + 1500, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_mem_eq(v, "new", 3);
	cache_close(&c);
}
END_TEST

START_TEST(test_slots_lru)
{
	struct cache c = { 0 };
	char key[32];
	for (int i = 0; i < CACHE_LOCAL_SLOTS; i++) {
		snprintf(key, sizeof key, "page:%d", i);
		cache_local_put(&c, key, key, strlen(key), NOW + 10000, NOW);
	}
	ck_assert_ptr_nonnull(get(&c, "page:0", NOW + 1));   /* page:0 used last, page:1 least */
	cache_local_put(&c, "page:new", "v", 1, NOW + 10000, NOW + 2);
	ck_assert_ptr_nonnull(get(&c, "page:new", NOW + 3));
	ck_assert_ptr_nonnull(get(&c, "page:0", NOW + 3));
	ck_assert_ptr_null(get(&c, "page:1", NOW + 3));
	for (int i = 2; i < CACHE_LOCAL_SLOTS; i++) {
		snprintf(key, sizeof key, "page:%d", i);
		ck_assert_msg(get(&c, key, NOW + 3) != NULL, "%s was evicted", key);
	}
	cache_close(&c);
}
END_TEST

START_TEST(test_byte_budget)
{
	struct cache c = { 0 };
	/* Big pages: the budget, not the slot count, decides. */
	size_t len = CACHE_LOCAL_MAX_VALUE - 16;
	char *v = value_of(len, 'a');
	char key[32];
	int n = (int)(CACHE_LOCAL_MAX_BYTES / (len + 8));   /* how many fit */
	ck_assert_int_ge(n, 2);
	ck_assert_int_lt(n, CACHE_LOCAL_SLOTS);
	for (int i = 0; i < n + 3; i++) {
		snprintf(key, sizeof key, "big:%d", i);
		cache_local_put(&c, key, v, len, NOW + 10000, NOW + i);
		ck_assert_uint_le(c.local_bytes, CACHE_LOCAL_MAX_BYTES);
		ck_assert_ptr_nonnull(get(&c, key, NOW + i));
	}
	for (int i = 0; i < n + 3; i++) {
		snprintf(key, sizeof key, "big:%d", i);
		ck_assert_msg((get(&c, key, NOW + 100) != NULL) == (i >= 3), "%s", key);
	}
	cache_close(&c);
	ck_assert_uint_eq(c.local_bytes, 0);
	for (int i = 0; i < CACHE_LOCAL_SLOTS; i++)
		ck_assert_ptr_null(c.local[i].key);

	/* An expired copy makes room before a fresh one is evicted, even a least recently used. */
	cache_local_put(&c, "big:0", v, len, NOW + 300, NOW);
	for (int i = 1; i < n; i++) {
		snprintf(key, sizeof key, "big:%d", i);
		cache_local_put(&c, key, v, len, NOW + 10000, NOW + i);
	}
	ck_assert_ptr_nonnull(get(&c, "big:0", NOW + 10));   /* now the most recently used */
	cache_local_put(&c, "big:new", v, len, NOW + 10000, NOW + 500);
	ck_assert_ptr_nonnull(get(&c, "big:new", NOW + 501));
	ck_assert_ptr_nonnull(get(&c, "big:1", NOW + 501));
	ck_assert_ptr_null(get(&c, "big:0", NOW + 501));
	ck_assert_uint_eq(c.local_bytes, (size_t)n * (strlen("big:1") + 1 + len) + 2);
	free(v);
	cache_close(&c);
}
END_TEST

Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("first level");
	tcase_add_test(tc, test_round_trip);
	tcase_add_loop_test(tc, test_served_only_while_fresh, 0, UNIT_ROWS(freshness));
	tcase_add_test(tc, test_not_kept);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_slots_lru);
	tcase_add_test(tc, test_byte_budget);
	suite_add_tcase(s, tc);
	return s;
}
