/* test_ticket_code: the e-ticket code against vectors computed independently (Python's hashlib
 * BLAKE2b and base64.b32encode with Crockford's alphabet swapped in), then every change of a
 * byte or a character, key rotation, what people type, the keyring's configuration, and a
 * fuzz loop: nothing but a code this ring signed is ever VALID, and nothing crashes. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "unit.h"
#include "core/arena.h"
#include "core/ticket_code.h"

#define ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define KEY_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
#define KEY_C "5555555555555555555555555555555555555555555555555555555555555555"
#define SECRET "a site secret that is long enough"

static struct ticket_keyring ring(const char *keys, int current)
{
	struct ticket_keyring kr;
	NEOERR *err = ticket_keyring_parse(&kr, keys, current);
	ck_assert_msg(err == STATUS_OK, "keyring \"%s\" refused", keys);
	return kr;
}

/* What each check starts from (Check runs setup and teardown in its forked child): an arena, a
 * ring of keys 3 and 4 where 3 signs, and the first vector's code signed with it. */
static struct arena *a;
static struct ticket_keyring keyring;
static const char *signed_code;

static void setup(void)
{
	a = arena_new();
	keyring = ring("3:" KEY_A ",4:" KEY_B, 3);
	signed_code = ticket_code_sign(&keyring, a, 12, 345678, 9012345);
}

static void teardown(void)
{
	arena_destroy(a);
}

static void assert_valid(const struct ticket_keyring *kr, const char *code, long long event_id,
			 long long booking_id, long long ticket_id, int key_id)
{
	struct ticket_claims c;
	enum ticket_verdict v = ticket_code_verify(kr, code, &c);
	ck_assert_msg(v == TICKET_CODE_VALID, "\"%s\": verdict %d", code, v);
	ck_assert_msg(c.event_id == event_id && c.booking_id == booking_id && c.ticket_id == ticket_id &&
		      c.key_id == key_id, "\"%s\": claims %lld/%lld/%lld key %d", code, c.event_id,
		      c.booking_id, c.ticket_id, c.key_id);
}

/* The test's own base32, written apart from the module's so one cannot hide the other's bug. */
static void encode(const unsigned char bin[TICKET_CODE_BYTES], char out[TICKET_CODE_CHARS + 1])
{
	for (int i = 0; i < TICKET_CODE_CHARS; i++) {
		int v = 0;
		for (int b = 0; b < 5; b++) {
			int bit = i * 5 + b;
			v = v << 1 | (bit < TICKET_CODE_BYTES * 8 ? bin[bit / 8] >> (7 - bit % 8) & 1 : 0);
		}
		out[i] = ALPHABET[v];
	}
	out[TICKET_CODE_CHARS] = '\0';
}

static void decode(const char *text, unsigned char bin[TICKET_CODE_BYTES])
{
	memset(bin, 0, TICKET_CODE_BYTES);
	for (int bit = 0; bit < TICKET_CODE_BYTES * 8; bit++) {
		int v = (int)(strchr(ALPHABET, text[bit / 5]) - ALPHABET);
		bin[bit / 8] |= (unsigned char)((v >> (4 - bit % 5) & 1) << (7 - bit % 8));
	}
}

static const struct {
	const char *keys;
	int current;
	long long event_id, booking_id, ticket_id;
	const char *code;
} vectors[] = {
	{ "3:" KEY_A, 3, 12, 345678, 9012345, "2C00000C000001A69R000049GHWH2V8ESA55YRGJQ72SFVG" },
	{ "3:" KEY_A, 3, 4294967295LL, 281474976710655LL, 281474976710655LL,
	  "2FZZZZZZZZZZZZZZZZZZZZZZZZZQ3DWSEEKA6F5NX5FG158" },
};

START_TEST(test_known_answers)
{
	struct ticket_keyring kr = ring(vectors[_i].keys, vectors[_i].current);
	const char *code = ticket_code_sign(&kr, a, vectors[_i].event_id, vectors[_i].booking_id,
					    vectors[_i].ticket_id);
	ck_assert_str_eq(code, vectors[_i].code);
	assert_valid(&kr, code, vectors[_i].event_id, vectors[_i].booking_id, vectors[_i].ticket_id,
		     vectors[_i].current);
}
END_TEST

/* The key of a site without ticket keys, from its secret; a short secret is hashed first. */
START_TEST(test_derived_key)
{
	struct ticket_keyring kr;
	ticket_keyring_derive(&kr, SECRET);
	ck_assert_int_eq(kr.current, 0);
	ck_assert_str_eq(ticket_code_sign(&kr, a, 12, 345678, 9012345),
			 "2000000C000001A69R000049GHWGGMTW5MBV9YHETPNW9G8");
	ticket_keyring_derive(&kr, "short");
	ck_assert_str_eq(ticket_code_sign(&kr, a, 1, 2, 3), "200000010000000008000000001YKJ66J4PHDEMW6BNWGH8");
	/* No secret: nothing signs, nothing verifies. */
	ticket_keyring_derive(&kr, NULL);
	ck_assert_int_eq(kr.current, -1);
	ck_assert_ptr_null(ticket_code_sign(&kr, a, 1, 2, 3));
	struct ticket_claims c;
	ck_assert_int_eq(ticket_code_verify(&kr, "200000010000000008000000001YKJ66J4PHDEMW6BNWGH8", &c),
			 TICKET_CODE_FORGED);
	ticket_keyring_derive(&kr, "");
	ck_assert_ptr_null(ticket_code_sign(&kr, a, 1, 2, 3));
}
END_TEST

START_TEST(test_round_trip)
{
	struct ticket_keyring kr = ring("7:" KEY_B, 7);
	unit_rng_state = 0x71c3e7;
	for (int i = 0; i < 2000; i++) {
		long long e = (long long)(unit_rng_next() >> 32), b = (long long)(unit_rng_next() >> 16),
			  t = (long long)(unit_rng_next() >> 16);
		if (i < 3)
			e = b = t = i == 0 ? 0 : i == 1 ? 1 : 2;
		const char *code = ticket_code_sign(&kr, a, e, b, t);
		ck_assert_ptr_nonnull(code);
		ck_assert_uint_eq(strlen(code), TICKET_CODE_CHARS);
		ck_assert_uint_eq(strspn(code, ALPHABET), TICKET_CODE_CHARS);
		assert_valid(&kr, code, e, b, t, 7);
		ck_assert_str_eq(ticket_code_normalise(a, code), code);
	}
}
END_TEST

/* Every other value of every byte, re-encoded: a changed MAC, id, key id or version is never
 * taken for a valid code. */
START_TEST(test_every_byte_changed)
{
	unsigned char bin[TICKET_CODE_BYTES], changed[TICKET_CODE_BYTES];
	char text[TICKET_CODE_CHARS + 1];
	decode(signed_code, bin);
	encode(bin, text);
	ck_assert_str_eq(text, signed_code);
	for (int i = 0; i < TICKET_CODE_BYTES; i++) {
		for (int v = 0; v < 256; v++) {
			if (v == bin[i])
				continue;
			memcpy(changed, bin, sizeof changed);
			changed[i] = (unsigned char)v;
			encode(changed, text);
			struct ticket_claims c;
			enum ticket_verdict verdict = ticket_code_verify(&keyring, text, &c);
			ck_assert_msg(verdict == TICKET_CODE_MALFORMED || verdict == TICKET_CODE_FORGED,
				      "byte %d = %d: verdict %d", i, v, verdict);
			ck_assert(c.event_id == 0 && c.booking_id == 0 && c.ticket_id == 0);
			/* Only the first byte's high nibble (the version) makes it malformed. */
			if (i > 0 || v >> 4 == TICKET_CODE_VERSION)
				ck_assert_int_eq(verdict, TICKET_CODE_FORGED);
		}
	}
}
END_TEST

/* Every character replaced by every printable ASCII character and a few others: MALFORMED or
 * FORGED, or VALID only as the same code typed another way (a look-alike, a lowercase). */
START_TEST(test_every_character_changed)
{
	char text[TICKET_CODE_CHARS + 1];
	int same = 0;
	for (int i = 0; i < TICKET_CODE_CHARS; i++) {
		for (int ch = 1; ch < 256; ch++) {
			if (ch == signed_code[i])
				continue;
			memcpy(text, signed_code, sizeof text);
			text[i] = (char)ch;
			struct ticket_claims c;
			enum ticket_verdict v = ticket_code_verify(&keyring, text, &c);
			if (v == TICKET_CODE_VALID) {
				ck_assert_msg(c.event_id == 12 && c.booking_id == 345678 && c.ticket_id == 9012345,
					      "position %d = 0x%02x: valid with other claims", i, ch);
				ck_assert_str_eq(ticket_code_normalise(a, text), signed_code);
				same++;
			}
		}
	}
	ck_assert_int_gt(same, 0);   /* the look-alikes and lowercase letters were tried */
}
END_TEST

/* A code with a good MAC but another format version is not ours to read: MALFORMED. */
START_TEST(test_other_version)
{
	static const unsigned char key[32] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
	struct ticket_keyring kr = ring("3:" KEY_A, 3);
	for (int version = 0; version < 16; version++) {
		unsigned char bin[TICKET_CODE_BYTES] = { (unsigned char)(version << 4 | 3), 0, 0, 0, 12 };
		unsigned char msg[16 + 17], mac[16];
		memcpy(msg, "boxoffice-ticket", 16);
		memcpy(msg + 16, bin, 17);
		crypto_generichash(mac, sizeof mac, msg, sizeof msg, key, sizeof key);
		memcpy(bin + 17, mac, 12);
		char text[TICKET_CODE_CHARS + 1];
		encode(bin, text);
		struct ticket_claims c;
		ck_assert_int_eq(ticket_code_verify(&kr, text, &c),
				 version == TICKET_CODE_VERSION ? TICKET_CODE_VALID : TICKET_CODE_MALFORMED);
	}
}
END_TEST

START_TEST(test_wrong_key_and_rotation)
{
	struct ticket_keyring one = ring("1:" KEY_A, 1);
	const char *old = ticket_code_sign(&one, a, 5, 6, 7);
	struct ticket_claims c;

	struct ticket_keyring other = ring("1:" KEY_C, 1);          /* same id, another key */
	ck_assert_int_eq(ticket_code_verify(&other, old, &c), TICKET_CODE_FORGED);
	struct ticket_keyring elsewhere = ring("2:" KEY_A, 2);      /* same key, another id */
	ck_assert_int_eq(ticket_code_verify(&elsewhere, old, &c), TICKET_CODE_FORGED);

	/* Rotation: key 2 signs, key 1's codes still admit. */
	struct ticket_keyring rotating = ring("2:" KEY_B ", 1:" KEY_A, 2);
	assert_valid(&rotating, old, 5, 6, 7, 1);
	const char *fresh = ticket_code_sign(&rotating, a, 5, 6, 7);
	ck_assert_str_ne(fresh, old);
	assert_valid(&rotating, fresh, 5, 6, 7, 2);
	ck_assert_int_eq(ticket_code_verify(&one, fresh, &c), TICKET_CODE_FORGED);
	/* Key 1 removed: its codes are forgeries now. */
	struct ticket_keyring rotated = ring("2:" KEY_B, 2);
	ck_assert_int_eq(ticket_code_verify(&rotated, old, &c), TICKET_CODE_FORGED);
	assert_valid(&rotated, fresh, 5, 6, 7, 2);
	ck_assert_int_eq(ticket_code_verify(NULL, fresh, &c), TICKET_CODE_FORGED);
}
END_TEST

/* What people type back: lowercase, dashes and spaces anywhere, Crockford's look-alikes. */
START_TEST(test_normalisation)
{
	char lower[64], looks[64];
	for (int i = 0; i <= TICKET_CODE_CHARS; i++) {
		lower[i] = (char)(signed_code[i] >= 'A' && signed_code[i] <= 'Z' ? signed_code[i] - 'A' + 'a' : signed_code[i]);
		looks[i] = signed_code[i] == '0' ? (i % 2 ? 'O' : 'o') : signed_code[i] == '1' ? "IiLl"[i % 4] : signed_code[i];
	}
	const char *display = ticket_code_display(a, signed_code);
	const char *typed[] = {
		signed_code, lower, looks, display,
		arena_printf(a, "  %s\n", display),
		arena_printf(a, "%.10s %.10s\t%.10s-%.10s\r\n%s", signed_code, signed_code + 10, signed_code + 20, signed_code + 30, signed_code + 40),
		arena_printf(a, "-%s-", lower),
	};
	for (int i = 0; i < UNIT_ROWS(typed); i++) {
		assert_valid(&keyring, typed[i], 12, 345678, 9012345, 3);
		ck_assert_str_eq(ticket_code_normalise(a, typed[i]), signed_code);
	}
	ck_assert_str_eq(display, "2C00-000C-0000-01A6-9R00-0049-GHWH-2V8E-SA55-YRGJ-Q72S-FVG");
	/* Something that is not a signed_code is displayed as it is, and normalises to nothing. */
	ck_assert_str_eq(ticket_code_display(a, "abc"), "abc");
	ck_assert_str_eq(ticket_code_display(a, NULL), "");
	ck_assert_ptr_null(ticket_code_normalise(a, "abc"));
	ck_assert_ptr_null(ticket_code_normalise(a, NULL));
	ck_assert_ptr_null(ticket_code_normalise(a, ""));
	/* U is not in the alphabet (Crockford leaves it out), nor is any punctuation but '-'. */
	char bad[64];
	snprintf(bad, sizeof bad, "U%s", signed_code + 1);
	ck_assert_ptr_null(ticket_code_normalise(a, bad));
	snprintf(bad, sizeof bad, "%.20s.%s", signed_code, signed_code + 20);
	ck_assert_ptr_null(ticket_code_normalise(a, bad));
	/* The last character's 3 padding bits must be zero: G (15) is a signed_code, H (16) is not... */
	ck_assert_int_eq(signed_code[TICKET_CODE_CHARS - 1], 'G');
	snprintf(bad, sizeof bad, "%.46sH", signed_code);
	ck_assert_ptr_null(ticket_code_normalise(a, bad));
	/* ...and the length is exact. */
	snprintf(bad, sizeof bad, "%.46s", signed_code);
	ck_assert_ptr_null(ticket_code_normalise(a, bad));
	snprintf(bad, sizeof bad, "%s0", signed_code);
	ck_assert_ptr_null(ticket_code_normalise(a, bad));
}
END_TEST

/* Input longer than 200 bytes is refused before it is read, even if it would normalise. */
START_TEST(test_input_limit)
{
	char padded[256];
	snprintf(padded, sizeof padded, "%s%*s", signed_code, 200 - TICKET_CODE_CHARS, "");
	ck_assert_uint_eq(strlen(padded), 200);
	assert_valid(&keyring, padded, 12, 345678, 9012345, 3);
	strcat(padded, " ");
	struct ticket_claims c;
	ck_assert_int_eq(ticket_code_verify(&keyring, padded, &c), TICKET_CODE_MALFORMED);
	ck_assert_int_eq(ticket_code_verify(&keyring, NULL, &c), TICKET_CODE_MALFORMED);
}
END_TEST

static const struct {
	long long event_id, booking_id, ticket_id;
	bool ok;
} ranges[] = {
	{ 0, 0, 0, true },
	{ 4294967295LL, 281474976710655LL, 281474976710655LL, true },
	{ 4294967296LL, 1, 1, false },
	{ 1, 281474976710656LL, 1, false },
	{ 1, 1, 281474976710656LL, false },
	{ -1, 1, 1, false },
	{ 1, -1, 1, false },
	{ 1, 1, -1, false },
	{ 9223372036854775807LL, 1, 1, false },
	{ 1, 1, -9223372036854775807LL - 1, false },
};

START_TEST(test_id_ranges)
{
	struct ticket_keyring kr = ring("0:" KEY_C, 0);
	const char *code = ticket_code_sign(&kr, a, ranges[_i].event_id, ranges[_i].booking_id,
					    ranges[_i].ticket_id);
	if (ranges[_i].ok)
		assert_valid(&kr, code, ranges[_i].event_id, ranges[_i].booking_id, ranges[_i].ticket_id, 0);
	else
		ck_assert_ptr_null(code);
}
END_TEST

/* Empty, and every byte of key material zero. */
static void assert_wiped(const struct ticket_keyring *r)
{
	ck_assert_int_eq(r->current, -1);
	ck_assert_uint_eq(r->present, 0);
	for (size_t i = 0; i < sizeof r->key; i++)
		ck_assert_uint_eq(((const unsigned char *)r->key)[i], 0);
}

static const struct {
	const char *keys;
	int current;
	const char *error;       /* a piece of the message, NULL when accepted */
} keyrings[] = {
	{ "2:" KEY_A ", 1:" KEY_B, 2, NULL },
	{ "2:" KEY_A ",1:" KEY_B, 1, NULL },
	{ " \t2:" KEY_A "\n 1:" KEY_B " ,, ", 1, NULL },
	{ "0:" KEY_A, 0, NULL },
	{ "15:" KEY_A, 15, NULL },
	{ "09:" KEY_A, 9, NULL },
	{ "2:E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF", 2, NULL },
	{ "", 0, "none given" },
	{ NULL, 0, "none given" },
	{ " , ", 0, "none given" },
	{ "16:" KEY_A, 16, "not 0..15" },
	{ "100:" KEY_A, 1, "not 0..15" },
	{ "1000:" KEY_A, 1, "not id:key" },
	{ "-1:" KEY_A, -1, "not a number" },
	{ "x:" KEY_A, 0, "not a number" },
	{ ":" KEY_A, 0, "not id:key" },
	{ KEY_A, 0, "not id:key" },
	{ "1:" KEY_A ", 1:" KEY_B, 1, "comes twice" },
	{ "1:" KEY_A ", 01:" KEY_B, 1, "comes twice" },
	{ "1:" KEY_A "00", 1, "not 64 hex" },
	{ "1:0001", 1, "not 64 hex" },
	{ "1:", 1, "not 64 hex" },
	{ "1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g", 1, "not 64 hex" },
	{ "1:000102030405060708090a0b0c0d0e0f1011121314151617:8191a1b1c1d1e1f", 1, "not 64 hex" },
	{ "1:" KEY_A, 2, "current key id 2 is not among them" },
	{ "1:" KEY_A, -1, "current key id -1" },
	{ "1:" KEY_A, 99, "current key id 99" },
	{ "1:" KEY_A "; 2:" KEY_B, 1, "not 64 hex" },
};

START_TEST(test_keyring_parse)
{
	struct ticket_keyring kr;
	NEOERR *err = ticket_keyring_parse(&kr, keyrings[_i].keys, keyrings[_i].current);
	if (keyrings[_i].error == NULL) {
		ck_assert_msg(err == STATUS_OK, "row %d refused", _i);
		ck_assert_int_eq(kr.current, keyrings[_i].current);
		return;
	}
	ck_assert_msg(err != STATUS_OK, "row %d accepted", _i);
	const char *message = unit_error_text(a, err);
	ck_assert_msg(strstr(message, keyrings[_i].error) != NULL, "row %d: \"%s\"", _i, message);
	ck_assert_msg(strstr(message, "0a0b0c0d") == NULL && strstr(message, "eaebec") == NULL,
		      "row %d: the message quotes a key: \"%s\"", _i, message);
	assert_wiped(&kr);   /* a refused ring signs nothing */
}
END_TEST

START_TEST(test_keyring_wipe)
{
	struct ticket_keyring kr = ring("4:" KEY_B, 4);
	ticket_keyring_wipe(&kr);
	assert_wiped(&kr);
}
END_TEST

/* 20,000 strings: random bytes, random alphabet text about a code's length, and real codes
 * with a few random edits. Never VALID but as the real code itself; never a crash or a read
 * past the end (ASan watches). */
START_TEST(test_fuzz)
{
	static const char NOISE[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijklmnopqrstuvwxyzOoIiLlUu- \t\n-_.";
	unit_rng_state = 0x7ac1e7;
	char s[300];
	int valid = 0;
	for (int round = 0; round < 20000; round++) {
		size_t n = 0;
		switch (round % 3) {
		case 0:   /* random bytes, NUL aside */
			n = (size_t)(unit_rng_next() % 260);
			for (size_t i = 0; i < n; i++)
				s[i] = (char)(unit_rng_next() % 255 + 1);
			break;
		case 1:   /* alphabet soup of about the right length */
			n = 40 + (size_t)(unit_rng_next() % 20);
			for (size_t i = 0; i < n; i++)
				s[i] = NOISE[unit_rng_next() % (sizeof NOISE - 1)];
			break;
		default:  /* a real signed_code, edited 1 to 3 times */
			n = TICKET_CODE_CHARS;
			memcpy(s, signed_code, n);
			for (int edits = 1 + (int)(unit_rng_next() % 3); edits > 0; edits--) {
				size_t at = (size_t)(unit_rng_next() % n);
				char c = NOISE[unit_rng_next() % (sizeof NOISE - 1)];
				switch (unit_rng_next() % 4) {
				case 0: s[at] = c; break;
				case 1: memmove(s + at + 1, s + at, n - at); s[at] = c; n++; break;
				case 2: if (n > 1) { memmove(s + at, s + at + 1, n - at - 1); n--; } break;
				default: if (at + 1 < n) { char t = s[at]; s[at] = s[at + 1]; s[at + 1] = t; } break;
				}
			}
		}
		s[n] = '\0';
		struct ticket_claims c;
		if (ticket_code_verify(&keyring, s, &c) == TICKET_CODE_VALID) {
			/* Only when the edits were a look-alike, a case or a separator: the same signed_code. */
			ck_assert_msg(strcmp(ticket_code_normalise(a, s), signed_code) == 0, "round %d: \"%s\" valid",
				      round, s);
			valid++;
		}
		(void)ticket_code_normalise(a, s);
		(void)ticket_code_display(a, s);
	}
	ck_assert_int_lt(valid, 20000 / 3);
}
END_TEST

Suite *ticket_code_suite(void)
{
	Suite *s = suite_create("ticket_code");
	TCase *tc = tcase_create("ticket_code");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_known_answers, 0, UNIT_ROWS(vectors));
	tcase_add_test(tc, test_derived_key);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_every_byte_changed);
	tcase_add_test(tc, test_every_character_changed);
	tcase_add_test(tc, test_other_version);
	tcase_add_test(tc, test_wrong_key_and_rotation);
	tcase_add_test(tc, test_normalisation);
	tcase_add_test(tc, test_input_limit);
	tcase_add_loop_test(tc, test_id_ranges, 0, UNIT_ROWS(ranges));
	tcase_add_loop_test(tc, test_keyring_parse, 0, UNIT_ROWS(keyrings));
	tcase_add_test(tc, test_keyring_wipe);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return s;
}
