/* test_password: hashes verify their own password and no other, carry the cost they were made
 * with (never under OWASP's floor), and a missing or broken stored hash is a plain "no"; the
 * policy counts characters, not bytes, and refuses the common list in any case. Every hash here
 * is at the floor's cost (19 MiB, t=2), so the suite stays fast. No timings: that a burn costs
 * a verify is the code's design (password.c), not something a test should clock. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "unit.h"
#include "core/password.h"

#define MIB (1024u * 1024u)

static const struct password_cost floor_cost = { .ops = 2, .mem_bytes = 19 * MIB };

static const struct {
	struct password_cost in, out;
} floor_rows[] = {
	{ { 0, 0 }, { 2, 19 * MIB } },
	{ { 1, 8 * MIB }, { 2, 19 * MIB } },
	{ { 2, 8 * MIB }, { 2, 19 * MIB } },
	{ { 1, 19 * MIB }, { 2, 19 * MIB } },     /* t=1 needs 46 MiB */
	{ { 1, 30 * MIB }, { 2, 30 * MIB } },
	{ { 1, 46 * MIB }, { 1, 46 * MIB } },     /* OWASP's other minimum */
	{ { 1, 64 * MIB }, { 1, 64 * MIB } },
	{ { 2, 19 * MIB }, { 2, 19 * MIB } },
	{ { 3, 64 * MIB }, { 3, 64 * MIB } },
};

START_TEST(test_cost_floor)
{
	struct password_cost got = password_cost_at_least_owasp(floor_rows[_i].in);
	ck_assert_msg(got.ops == floor_rows[_i].out.ops && got.mem_bytes == floor_rows[_i].out.mem_bytes,
		      "row %d: t=%llu m=%zu", _i, got.ops, got.mem_bytes);
}
END_TEST

START_TEST(test_hash_verify)
{
	char hash[PASSWORD_HASH_MAX];
	ck_assert(password_hash(&floor_cost, "correct horse battery staple", hash));
	ck_assert_msg(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0, "%s", hash);
	ck_assert(password_verify(&floor_cost, hash, "correct horse battery staple"));
	ck_assert(!password_verify(&floor_cost, hash, "correct horse battery stapler"));
	ck_assert(!password_verify(&floor_cost, hash, ""));
	ck_assert(!password_verify(&floor_cost, hash, NULL));

	/* Salted: the same password never hashes the same twice. */
	char again[PASSWORD_HASH_MAX];
	ck_assert(password_hash(&floor_cost, "correct horse battery staple", again));
	ck_assert_str_ne(hash, again);
	ck_assert(password_verify(&floor_cost, again, "correct horse battery staple"));
}
END_TEST

/* A configuration under the floor still hashes at the floor. */
START_TEST(test_hash_below_floor)
{
	const struct password_cost weak = { .ops = 1, .mem_bytes = 1 * MIB };
	char hash[PASSWORD_HASH_MAX];
	ck_assert(password_hash(&weak, "a weak configuration", hash));
	ck_assert_msg(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0, "%s", hash);
	ck_assert(!password_needs_rehash(&weak, hash));
	ck_assert(!password_needs_rehash(&floor_cost, hash));
}
END_TEST

START_TEST(test_needs_rehash)
{
	char hash[PASSWORD_HASH_MAX];
	ck_assert(password_hash(&floor_cost, "a passphrase to rehash", hash));
	ck_assert(!password_needs_rehash(&floor_cost, hash));
	const struct password_cost more_time = { .ops = 3, .mem_bytes = 19 * MIB };
	const struct password_cost more_memory = { .ops = 2, .mem_bytes = 20 * MIB };
	ck_assert(password_needs_rehash(&more_time, hash));
	ck_assert(password_needs_rehash(&more_memory, hash));

	ck_assert(password_needs_rehash(&floor_cost, NULL));
	ck_assert(password_needs_rehash(&floor_cost, ""));
	ck_assert(password_needs_rehash(&floor_cost, "garbage"));
	ck_assert(password_needs_rehash(&floor_cost, "$argon2id$v=19$m=19456,t=2,p=1$garbage"));

	/* Argon2i at the very same cost (it needs t=3 at least) is still another algorithm. */
	char argon2i[crypto_pwhash_STRBYTES];
	ck_assert_int_eq(crypto_pwhash_str_alg(argon2i, "x", 1, more_time.ops, more_time.mem_bytes,
					       crypto_pwhash_ALG_ARGON2I13), 0);
	ck_assert(password_needs_rehash(&more_time, argon2i));
	ck_assert(!password_verify(&more_time, argon2i, "x"));
}
END_TEST

/* Stored hashes that are missing or broken: false, and no crash (each still burns a hash). */
START_TEST(test_verify_bad_stored)
{
	char hash[PASSWORD_HASH_MAX];
	ck_assert(password_hash(&floor_cost, "the real one", hash));
	char truncated[PASSWORD_HASH_MAX];
	snprintf(truncated, sizeof truncated, "%.*s", (int)strlen(hash) - 10, hash);
	char too_long[2 * PASSWORD_HASH_MAX];
	memset(too_long, 'A', sizeof too_long - 1);
	too_long[sizeof too_long - 1] = '\0';
	memcpy(too_long, hash, strlen(hash));

	const char *stored[] = { NULL, "", "garbage", "$argon2id$", "$argon2id$v=19$m=19456,t=2,p=1$garbage",
				 truncated, too_long };
	for (int i = 0; i < UNIT_ROWS(stored); i++) {
		ck_assert_msg(!password_verify(&floor_cost, stored[i], "the real one"), "stored %d", i);
		ck_assert_msg(!password_verify(&floor_cost, stored[i], NULL), "stored %d", i);
	}
}
END_TEST

/* No timing assertions (tests never clock): a burn returns, whatever its password, and makes
 * its dummy hash again when the cost changes. */
START_TEST(test_burn)
{
	password_burn(&floor_cost, "someone@example.com's guess");
	password_burn(&floor_cost, "");
	password_burn(&floor_cost, NULL);
	const struct password_cost more_time = { .ops = 3, .mem_bytes = 19 * MIB };
	password_burn(&more_time, "a guess at another cost");
	password_burn(&floor_cost, "back to the first cost");
}
END_TEST

#define TOO_SHORT "at least 12 characters"
#define TOO_LONG "shorter"
#define UNREADABLE "cannot read"
#define REPEATED "one character repeated"
#define IS_EMAIL "email address"
#define COMMON "most common"

static const struct {
	const char *password;
	const char *email;
	const char *want;   /* a piece of the message, or NULL: accepted */
} policy_rows[] = {
	{ "correct horse battery staple", "alex@example.com", NULL },
	{ "correct horse battery staple", NULL, NULL },
	{ NULL, NULL, TOO_SHORT },
	{ "", NULL, TOO_SHORT },
	{ "short", NULL, TOO_SHORT },
	{ "elevenchars", NULL, TOO_SHORT },
	{ "twelve chars", NULL, NULL },
	/* Characters, not bytes: 11 two-byte letters (22 bytes) are too short, 12 are enough. */
	{ "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6",
	  NULL, TOO_SHORT },
	{ "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6\xc3\xbc",
	  NULL, NULL },
	/* 12 × "ä" is long enough, but one character repeated. */
	{ "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4",
	  NULL, REPEATED },
	{ "aaaaaaaaaaaa", NULL, REPEATED },
	{ "aAaAaAaAaAaAaAaA", NULL, REPEATED },
	{ "aaaaaaaaaaab", NULL, NULL },
	{ "password\xff" "1234", NULL, UNREADABLE },
	{ "\xc0\xafpassphrase words", NULL, UNREADABLE },            /* overlong "/" */
	{ "passphrase \xed\xa0\x80 words", NULL, UNREADABLE },        /* a UTF-16 surrogate */
	{ "\x80 a continuation first", NULL, UNREADABLE },
	{ "cut short at the end \xe2\x82", NULL, UNREADABLE },
	/* From the shipped list, in other cases. */
	{ "qwerty123456", NULL, COMMON },
	{ "QWERTY123456", NULL, COMMON },
	{ "LeaveMeAlone", NULL, COMMON },
	{ "1Qaz2Wsx3Edc", NULL, COMMON },
	{ "leave me alone", NULL, NULL },
	{ "alexander.hamilton@example.com", "alexander.hamilton@example.com", IS_EMAIL },
	{ "Alexander.Hamilton@Example.COM", "alexander.hamilton@example.com", IS_EMAIL },
	{ "alexander.hamilton", "alexander.hamilton@example.com", IS_EMAIL },
	{ "ALEXANDER.HAMILTON", "alexander.hamilton@example.com", IS_EMAIL },
	{ "alexander.hamilton!", "alexander.hamilton@example.com", NULL },
	{ "alexander.hamilton@example.com", "someone.else@example.com", NULL },
	{ "example.com and more", "x@example.com", NULL },
};

START_TEST(test_policy)
{
	const char *password = policy_rows[_i].password, *want = policy_rows[_i].want;
	const char *got = password_problem(password, policy_rows[_i].email);
	if (want == NULL) {
		ck_assert_msg(got == NULL, "row %d: refused: %s", _i, got);
		return;
	}
	ck_assert_msg(got != NULL && strstr(got, want) != NULL, "row %d: %s", _i, got ? got : "accepted");
	ck_assert_msg(password == NULL || password[0] == '\0' || strstr(got, password) == NULL,
		      "row %d: the message echoes the password", _i);
}
END_TEST

/* The byte limit: 256 bytes are fine, 257 are too long, whatever characters they make. */
START_TEST(test_policy_length_limit)
{
	char s[PASSWORD_MAX_BYTES + 2];
	for (int i = 0; i < PASSWORD_MAX_BYTES + 1; i++)
		s[i] = (char)('a' + i % 26);
	s[PASSWORD_MAX_BYTES] = '\0';
	ck_assert_ptr_null(password_problem(s, NULL));
	s[PASSWORD_MAX_BYTES] = 'z';
	s[PASSWORD_MAX_BYTES + 1] = '\0';
	ck_assert_ptr_nonnull(strstr(password_problem(s, NULL), TOO_LONG));

	/* 128 letters of two bytes are 256 bytes: fine; one more ASCII letter is one byte too many. */
	char wide[PASSWORD_MAX_BYTES + 2] = "";
	for (int i = 0; i < PASSWORD_MAX_BYTES / 2; i++)
		strcat(wide, i % 2 ? "\xc3\xa4" : "\xc3\xb6");
	ck_assert_ptr_null(password_problem(wide, NULL));
	strcat(wide, "x");
	ck_assert_ptr_nonnull(strstr(password_problem(wide, NULL), TOO_LONG));
}
END_TEST

Suite *password_suite(void)
{
	Suite *s = suite_create("password");
	TCase *tc = tcase_create("password");
	/* A few Argon2id hashes at 19 MiB each; well inside a second under ASan, but not Check's
	 * default of 4 s per check on a loaded machine. */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cost_floor, 0, UNIT_ROWS(floor_rows));
	tcase_add_test(tc, test_hash_verify);
	tcase_add_test(tc, test_hash_below_floor);
	tcase_add_test(tc, test_needs_rehash);
	tcase_add_test(tc, test_verify_bad_stored);
	tcase_add_test(tc, test_burn);
	tcase_add_loop_test(tc, test_policy, 0, UNIT_ROWS(policy_rows));
	tcase_add_test(tc, test_policy_length_limit);
	suite_add_tcase(s, tc);
	return s;
}
