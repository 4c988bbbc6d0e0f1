/* test_arena: the per-request pool — alignment, small and huge blocks, string helpers,
 * and cleanups that run once, newest first, when the request ends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "core/arena.h"

static int aligned16(const void *p)
{
	return ((uintptr_t)p % 16) == 0;
}

/* Sizes that straddle whatever block size the arena uses, up to blocks far larger than one. */
static const size_t alloc_sizes[] = {
	0, 1, 7, 15, 16, 17, 31, 100, 1000, 4095, 4096, 4097, 65535, 65536, 65537,
	1 << 20, (8 << 20) + 3,
};

START_TEST(test_alloc_sizes)
{
	size_t size = alloc_sizes[_i];
	struct arena *a = arena_new();
	ck_assert_ptr_nonnull(a);
	size_t before = arena_used(a);
	unsigned char *p = arena_alloc(a, size);
	ck_assert_msg(p != NULL, "arena_alloc(%zu) returned NULL", size);
	ck_assert_msg(aligned16(p), "arena_alloc(%zu) = %p, not 16-byte aligned", size, (void *)p);
	/* The whole block is ours: ASan catches a short allocation on the first/last byte. */
	if (size > 0) {
		memset(p, 0xA5, size);
		ck_assert_uint_eq(p[0], 0xA5);
		ck_assert_uint_eq(p[size - 1], 0xA5);
	}
	ck_assert_msg(arena_used(a) >= before + size, "arena_used grew from %zu to %zu after %zu bytes",
		      before, arena_used(a), size);
	/* A following small allocation must not overlap the big one. */
	unsigned char *q = arena_alloc(a, 32);
	ck_assert(aligned16(q));
	memset(q, 0x5A, 32);
	if (size > 0)
		ck_assert_uint_eq(p[size - 1], 0xA5);
	arena_destroy(a);
}
END_TEST

/* Thousands of small allocations, each filled with its own byte, then all checked: any overlap
 * between blocks or chunks shows up as a wrong byte. */
START_TEST(test_many_small)
{
	enum { N = 20000 };
	static unsigned char *ptrs[N];
	struct arena *a = arena_new();
	size_t last_used = arena_used(a);
	for (int i = 0; i < N; i++) {
		size_t size = 1 + (size_t)(i * 7 % 97);
		ptrs[i] = arena_alloc(a, size);
		memset(ptrs[i], i & 0xff, size);
		size_t used = arena_used(a);
		if (!aligned16(ptrs[i]) || used < last_used + size)
			ck_abort_msg("allocation %d (%zu bytes): %p, arena_used %zu -> %zu", i, size,
				     (void *)ptrs[i], last_used, used);
		last_used = used;
	}
	/* (Check records every passing assertion: keep them out of the inner loops.) */
	for (int i = 0; i < N; i++) {
		size_t size = 1 + (size_t)(i * 7 % 97), j = 0;
		while (j < size && ptrs[i][j] == (unsigned char)(i & 0xff))
			j++;
		ck_assert_msg(j == size, "allocation %d byte %zu overwritten", i, j);
	}
	arena_destroy(a);
}
END_TEST

/* A few huge allocations among small ones (a big upload, a large rendered page). */
START_TEST(test_few_huge)
{
	static const size_t huge[] = { 3u << 20, 16u << 20, 5u << 20 };
	struct arena *a = arena_new();
	char *small_before = arena_strdup(a, "before");
	char *blocks[3];
	for (int i = 0; i < 3; i++) {
		size_t before = arena_used(a);
		blocks[i] = arena_alloc(a, huge[i]);
		ck_assert(aligned16(blocks[i]));
		memset(blocks[i], 'A' + i, huge[i]);
		ck_assert_uint_ge(arena_used(a), before + huge[i]);
		char *small = arena_strdup(a, "between");
		ck_assert_str_eq(small, "between");
	}
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(blocks[i][0], 'A' + i);
		ck_assert_int_eq(blocks[i][huge[i] / 2], 'A' + i);
		ck_assert_int_eq(blocks[i][huge[i] - 1], 'A' + i);
	}
	ck_assert_str_eq(small_before, "before");
	arena_destroy(a);
}
END_TEST

START_TEST(test_zalloc)
{
	struct arena *a = arena_new();
	/* Dirty the arena first so zeroes cannot come from fresh pages by luck. */
	for (int i = 0; i < 100; i++)
		memset(arena_alloc(a, 64), 0xff, 64);
	static const size_t sizes[] = { 1, 17, 4096, 1 << 20 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned char *p = arena_zalloc(a, sizes[k]);
		ck_assert(aligned16(p));
		size_t j = 0;
		while (j < sizes[k] && p[j] == 0)
			j++;
		ck_assert_msg(j == sizes[k], "arena_zalloc(%zu) byte %zu is not zero", sizes[k], j);
	}
	arena_destroy(a);
}
END_TEST

static const struct {
	const char *in;
	size_t n;            /* bytes given to arena_strndup */
	const char *want;
} strndup_cases[] = {
	{ "hello", 5, "hello" },
	{ "hello", 3, "hel" },
	{ "hello", 0, "" },
	{ "", 0, "" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
	{ "a=1&b=2", 3, "a=1" },
};

START_TEST(test_strndup)
{
	struct arena *a = arena_new();
	char *s = arena_strndup(a, strndup_cases[_i].in, strndup_cases[_i].n);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, strndup_cases[_i].want);
	ck_assert_ptr_ne(s, strndup_cases[_i].in);
	arena_destroy(a);
}
END_TEST

/* strndup of a buffer that is not NUL-terminated (bytes of a request body): it must stop at
 * n and never read past it (ASan would report the overread: the buffer is exactly n bytes). */
START_TEST(test_strndup_unterminated)
{
	struct arena *a = arena_new();
	char *raw = arena_alloc(a, 3);
	memcpy(raw, "abc", 3);
	char *heap = malloc(3);
	memcpy(heap, "xyz", 3);
	ck_assert_str_eq(arena_strndup(a, heap, 3), "xyz");
	ck_assert_str_eq(arena_strndup(a, heap, 2), "xy");
	free(heap);
	ck_assert_str_eq(arena_strndup(a, raw, 3), "abc");
	arena_destroy(a);
}
END_TEST

static const char *const strdup_cases[] = {
	"", "x", "hello world", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\xab",
	"<script>alert(1)</script>",
};

START_TEST(test_strdup)
{
	struct arena *a = arena_new();
	const char *in = strdup_cases[_i];
	char *s = arena_strdup(a, in);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_ne(s, in);
	ck_assert_str_eq(s, in);
	arena_destroy(a);
}
END_TEST

START_TEST(test_strdup_long)
{
	struct arena *a = arena_new();
	size_t n = 200000;
	char *big = malloc(n + 1);
	memset(big, 'q', n);
	big[n] = '\0';
	char *s = arena_strdup(a, big);
	ck_assert_uint_eq(strlen(s), n);
	ck_assert_int_eq(memcmp(s, big, n + 1), 0);
	free(big);
	arena_destroy(a);
}
END_TEST

START_TEST(test_printf)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(arena_printf(a, "%d-%s", 42, "x"), "42-x");
	ck_assert_str_eq(arena_printf(a, "%s", ""), "");
	ck_assert_str_eq(arena_printf(a, "%05.1f|%lu|%c", 3.14159, 123456789UL, 'z'),
			 "003.1|123456789|z");
	ck_assert_str_eq(arena_printf(a, "/events/%ld", -7L), "/events/-7");
	/* Output far longer than any first-guess buffer. */
	char *wide = arena_printf(a, "<%9000s>", "r");
	ck_assert_uint_eq(strlen(wide), 9002);
	ck_assert_int_eq(wide[0], '<');
	ck_assert_int_eq(wide[9000], 'r');
	ck_assert_int_eq(wide[9001], '>');
	char *big = arena_printf(a, "%0*d", 1 << 20, 7);
	ck_assert_uint_eq(strlen(big), (size_t)1 << 20);
	ck_assert_int_eq(big[(1 << 20) - 1], '7');
	/* Earlier strings survive later (large) allocations. */
	char *first = arena_printf(a, "keep %s", "me");
	(void)arena_alloc(a, 2 << 20);
	ck_assert_str_eq(first, "keep me");
	arena_destroy(a);
}
END_TEST

/* Cleanups record their order here (outside the arena, which is gone when we look). */
static char cleanup_log[64];
static int cleanup_calls[8];

static void record_cleanup(void *arg)
{
	int id = (int)(intptr_t)arg;
	size_t len = strlen(cleanup_log);
	cleanup_log[len] = (char)('0' + id);
	cleanup_log[len + 1] = '\0';
	cleanup_calls[id]++;
}

/* A cleanup that frees malloc'd memory: LeakSanitizer proves it ran. */
static void free_cleanup(void *arg)
{
	free(arg);
}

START_TEST(test_cleanups_reverse_once)
{
	memset(cleanup_log, 0, sizeof(cleanup_log));
	memset(cleanup_calls, 0, sizeof(cleanup_calls));
	struct arena *a = arena_new();
	for (int i = 0; i < 6; i++) {
		arena_on_destroy(a, record_cleanup, (void *)(intptr_t)i);
		/* Interleave allocations so cleanups are not just one neat array. */
		(void)arena_alloc(a, (size_t)(i + 1) * 1000);
		if (i == 3)
			(void)arena_alloc(a, 4 << 20);
	}
	arena_on_destroy(a, free_cleanup, malloc(1234));
	ck_assert_str_eq(cleanup_log, "");
	arena_destroy(a);
	ck_assert_str_eq(cleanup_log, "543210");
	for (int i = 0; i < 6; i++)
		ck_assert_msg(cleanup_calls[i] == 1, "cleanup %d ran %d times", i, cleanup_calls[i]);
}
END_TEST

/* Many cleanups (one per prepared statement or handle): each runs exactly once, newest first. */
static int many_calls[1000];
static int many_order_ok;
static int many_last = 1000;

static void count_cleanup(void *arg)
{
	int id = (int)(intptr_t)arg;
	many_calls[id]++;
	if (id != many_last - 1)
		many_order_ok = 0;
	many_last = id;
}

START_TEST(test_many_cleanups)
{
	enum { N = 1000 };
	memset(many_calls, 0, sizeof(many_calls));
	many_order_ok = 1;
	many_last = N;
	struct arena *a = arena_new();
	for (int i = 0; i < N; i++) {
		arena_on_destroy(a, count_cleanup, (void *)(intptr_t)i);
		arena_on_destroy(a, free_cleanup, malloc(16));
		(void)arena_strdup(a, "x");
	}
	arena_destroy(a);
	ck_assert_msg(many_order_ok, "cleanups did not run in reverse order of registration");
	for (int i = 0; i < N; i++)
		ck_assert_msg(many_calls[i] == 1, "cleanup %d ran %d times", i, many_calls[i]);
}
END_TEST

START_TEST(test_empty_arena)
{
	/* Created and destroyed with nothing in it (a request that failed before any work). */
	struct arena *a = arena_new();
	size_t used = arena_used(a);
	arena_destroy(a);
	ck_assert_uint_eq(used, 0);
}
END_TEST

START_TEST(test_used_grows)
{
	struct arena *a = arena_new();
	size_t u0 = arena_used(a);
	(void)arena_alloc(a, 100);
	size_t u1 = arena_used(a);
	ck_assert_uint_ge(u1, u0 + 100);
	(void)arena_strdup(a, "twelve chars");
	size_t u2 = arena_used(a);
	ck_assert_uint_ge(u2, u1 + 13);
	(void)arena_printf(a, "%s", "abc");
	size_t u3 = arena_used(a);
	ck_assert_uint_ge(u3, u2 + 4);
	(void)arena_zalloc(a, 1 << 20);
	ck_assert_uint_ge(arena_used(a), u3 + (1 << 20));
	arena_destroy(a);
}
END_TEST

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("arena");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_alloc_sizes, 0, UNIT_ROWS(alloc_sizes));
	tcase_add_test(tc, test_many_small);
	tcase_add_test(tc, test_few_huge);
	tcase_add_test(tc, test_zalloc);
	tcase_add_loop_test(tc, test_strndup, 0, UNIT_ROWS(strndup_cases));
	tcase_add_test(tc, test_strndup_unterminated);
	tcase_add_loop_test(tc, test_strdup, 0, UNIT_ROWS(strdup_cases));
	tcase_add_test(tc, test_strdup_long);
	tcase_add_test(tc, test_printf);
	tcase_add_test(tc, test_cleanups_reverse_once);
	tcase_add_test(tc, test_many_cleanups);
	tcase_add_test(tc, test_empty_arena);
	tcase_add_test(tc, test_used_grows);
	suite_add_tcase(s, tc);
	return s;
}
