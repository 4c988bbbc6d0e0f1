/* test_csrf: form tokens bound to the browser's cookie — a token verifies only for its own
 * cookie and secret, and anything tampered, empty or malformed is refused. */
#include <stdbool.h>
#include <string.h>
#include "unit.h"
#include "core/arena.h"
#include "http/csrf.h"

#define SECRET "test-secret-key-0123456789abcdef"

START_TEST(test_new_cookie)
{
	struct arena *a = arena_new();
	char *c1 = csrf_new_cookie(a), *c2 = csrf_new_cookie(a);
	ck_assert_ptr_nonnull(c1);
	ck_assert_uint_eq(strlen(c1), 64);
	ck_assert_msg(csrf_cookie_well_formed(c1), "issued cookie \"%s\" is not well formed", c1);
	ck_assert_msg(csrf_cookie_well_formed(c2), "issued cookie \"%s\" is not well formed", c2);
	ck_assert_str_ne(c1, c2);
	arena_destroy(a);
}
END_TEST

START_TEST(test_token_round_trip)
{
	struct arena *a = arena_new();
	for (int i = 0; i < 20; i++) {
		char *cookie = csrf_new_cookie(a);
		char *token = csrf_token_for(a, SECRET, cookie);
		ck_assert_ptr_nonnull(token);
		ck_assert_uint_gt(strlen(token), 0);
		ck_assert_msg(csrf_verify(SECRET, cookie, token), "token %s for cookie %s rejected",
			      token, cookie);
		/* Deterministic: the same page rendered twice carries the same token. */
		ck_assert_str_eq(csrf_token_for(a, SECRET, cookie), token);
		/* Safe to put in a form field and a cookie as is. */
		ck_assert_uint_eq(strspn(token, "0123456789abcdefABCDEF-_"), strlen(token));
	}
	arena_destroy(a);
}
END_TEST

START_TEST(test_token_other_cookie)
{
	struct arena *a = arena_new();
	char *mine = csrf_new_cookie(a), *theirs = csrf_new_cookie(a);
	char *token = csrf_token_for(a, SECRET, theirs);
	ck_assert(!csrf_verify(SECRET, mine, token));
	ck_assert(csrf_verify(SECRET, theirs, token));
	/* Cookies one character apart. */
	char *near = arena_strdup(a, mine);
	near[63] = near[63] == '0' ? '1' : '0';
	ck_assert(!csrf_verify(SECRET, near, csrf_token_for(a, SECRET, mine)));
	arena_destroy(a);
}
END_TEST

/* Tamper with a good token in one way per row. */
enum tamper { FLIP_FIRST, FLIP_MIDDLE, FLIP_LAST, TRUNCATE_ONE, TRUNCATE_HALF, APPEND_CHAR,
	      NON_HEX, SPACE_INSIDE, DOUBLED, ALL_ZERO };

static const struct {
	const char *name;
	enum tamper how;
} tampers[] = {
	{ "first char changed", FLIP_FIRST },
	{ "middle char changed", FLIP_MIDDLE },
	{ "last char changed", FLIP_LAST },
	{ "last char dropped", TRUNCATE_ONE },
	{ "half the token", TRUNCATE_HALF },
	{ "one char appended", APPEND_CHAR },
	{ "non-hex char", NON_HEX },
	{ "space inside", SPACE_INSIDE },
	{ "token twice", DOUBLED },
	{ "all zeroes, right length", ALL_ZERO },
};

static char flip(char c)
{
	return c == 'a' ? 'b' : 'a';
}

START_TEST(test_tampered_token)
{
	struct arena *a = arena_new();
	char *cookie = csrf_new_cookie(a);
	const char *good = csrf_token_for(a, SECRET, cookie);
	size_t len = strlen(good);
	char *t = arena_alloc(a, 2 * len + 2);
	strcpy(t, good);
	switch (tampers[_i].how) {
	case FLIP_FIRST: t[0] = flip(t[0]); break;
	case FLIP_MIDDLE: t[len / 2] = flip(t[len / 2]); break;
	case FLIP_LAST: t[len - 1] = flip(t[len - 1]); break;
	case TRUNCATE_ONE: t[len - 1] = '\0'; break;
	case TRUNCATE_HALF: t[len / 2] = '\0'; break;
	case APPEND_CHAR: strcat(t, "0"); break;
	case NON_HEX: t[3] = 'g'; break;
	case SPACE_INSIDE: t[5] = ' '; break;
	case DOUBLED: strcat(t, good); break;
	case ALL_ZERO: memset(t, '0', len); break;
	}
	ck_assert_str_ne(t, good);
	ck_assert_msg(!csrf_verify(SECRET, cookie, t), "%s: \"%s\" accepted", tampers[_i].name, t);
	ck_assert(csrf_verify(SECRET, cookie, good));
	arena_destroy(a);
}
END_TEST

START_TEST(test_empty_and_null)
{
	struct arena *a = arena_new();
	char *cookie = csrf_new_cookie(a);
	char *token = csrf_token_for(a, SECRET, cookie);
	ck_assert(!csrf_verify(SECRET, cookie, NULL));
	ck_assert(!csrf_verify(SECRET, cookie, ""));
	ck_assert(!csrf_verify(SECRET, NULL, token));
	ck_assert(!csrf_verify(SECRET, "", token));
	ck_assert(!csrf_verify(SECRET, NULL, NULL));
	ck_assert(!csrf_verify(SECRET, "", ""));
	/* A forger who sets an empty or junk cookie cannot pair it with a token of their own. */
	ck_assert(!csrf_verify(SECRET, "", csrf_token_for(a, SECRET, "")));
	ck_assert(!csrf_verify(SECRET, "junk", csrf_token_for(a, SECRET, "junk")));
	/* The token is not the cookie, and the cookie is not a token. */
	ck_assert(!csrf_verify(SECRET, cookie, cookie));
	arena_destroy(a);
}
END_TEST

START_TEST(test_secrets)
{
	struct arena *a = arena_new();
	char *cookie = csrf_new_cookie(a);
	char *t1 = csrf_token_for(a, SECRET, cookie);
	char *t2 = csrf_token_for(a, SECRET "x", cookie);
	char *t3 = csrf_token_for(a, "another secret", cookie);
	ck_assert_str_ne(t1, t2);
	ck_assert_str_ne(t1, t3);
	ck_assert_str_ne(t2, t3);
	ck_assert(!csrf_verify(SECRET "x", cookie, t1));
	ck_assert(!csrf_verify(SECRET, cookie, t2));
	ck_assert(csrf_verify("another secret", cookie, t3));
	/* The token is not computable without the secret: not the cookie, not a plain hash of it. */
	ck_assert_str_ne(t1, cookie);
	arena_destroy(a);
}
END_TEST

static const struct {
	const char *cookie;
	bool ok;
} cookie_shapes[] = {
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true },
	{ "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", true },
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", false },   /* 63 */
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", false }, /* 65 */
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", false },
	{ "0123456789abcdef0123456789abcdef 123456789abcdef0123456789abcdef", false },
	{ "0123456789abcdef0123456789abcdef;123456789abcdef0123456789abcdef", false },
	{ "\"123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\"", false },
	{ "<script>alert(1)</script>", false },
	{ "", false },
	{ NULL, false },
};

START_TEST(test_cookie_well_formed)
{
	const char *c = cookie_shapes[_i].cookie;
	ck_assert_msg(csrf_cookie_well_formed(c) == cookie_shapes[_i].ok, "\"%s\": expected %s",
		      c ? c : "(null)", cookie_shapes[_i].ok ? "well formed" : "rejected");
}
END_TEST

/* A malformed cookie never verifies, even with the "right" token for it. */
START_TEST(test_malformed_cookie_never_verifies)
{
	struct arena *a = arena_new();
	for (int i = 0; i < UNIT_ROWS(cookie_shapes); i++) {
		const char *c = cookie_shapes[i].cookie;
		if (c == NULL || cookie_shapes[i].ok)
			continue;
		ck_assert_msg(!csrf_verify(SECRET, c, csrf_token_for(a, SECRET, c)),
			      "malformed cookie \"%s\" verified", c);
	}
	arena_destroy(a);
}
END_TEST

Suite *csrf_suite(void)
{
	Suite *s = suite_create("csrf");
	TCase *tc = tcase_create("csrf");
	tcase_add_test(tc, test_new_cookie);
	tcase_add_test(tc, test_token_round_trip);
	tcase_add_test(tc, test_token_other_cookie);
	tcase_add_loop_test(tc, test_tampered_token, 0, UNIT_ROWS(tampers));
	tcase_add_test(tc, test_empty_and_null);
	tcase_add_test(tc, test_secrets);
	tcase_add_loop_test(tc, test_cookie_well_formed, 0, UNIT_ROWS(cookie_shapes));
	tcase_add_test(tc, test_malformed_cookie_never_verifies);
	suite_add_tcase(s, tc);
	return s;
}
