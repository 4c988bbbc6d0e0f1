/* test_contact: the buyer's address and number as we accept them — nothing that could end a
 * mail header or an SMTP command gets through, and phone numbers come out in E.164 — names
 * (200 characters, not bytes; no control characters), and the keys of the links we mail (a wrong, truncated or other record's key never opens a link). */
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "core/arena.h"
#include "core/contact.h"
#include "core/link_key.h"

static const struct {
	const char *in;
	bool ok;
} email_rows[] = {
	{ "name@example.com", true },
	{ "first.last+tag@sub.example.co.uk", true },
	{ "zoë@exämple.de", true },
	{ "a@b.c", true },
	{ "", false },
	{ "@example.com", false },
	{ "name@", false },
	{ "name@example", false },
	{ "name@.example.com", false },
	{ "name@example.com.", false },
	{ "name@example..com", false },
	{ "two@at@example.com", false },
	{ "with space@example.com", false },
	{ "cr\r@example.com", false },
	{ "lf@example.com\nRCPT TO:<evil@example.com>", false },
	{ "<angle@example.com>", false },
	{ "quote\"@example.com", false },
	{ "semi;colon@example.com", false },
	{ "tab\t@example.com", false },
	{ "del\x7f@example.com", false },
};

START_TEST(test_email)
{
	ck_assert_msg(contact_email_valid(email_rows[_i].in) == email_rows[_i].ok, "row %d: \"%s\"", _i,
		      email_rows[_i].in);
}
END_TEST

START_TEST(test_email_limits)
{
	char s[CONTACT_EMAIL_MAX + 2];
	memset(s, 'a', sizeof s);
	memcpy(s + CONTACT_EMAIL_MAX - 12, "@example.com", 13);   /* 254 characters */
	ck_assert(contact_email_valid(s));
	memset(s, 'a', sizeof s);
	memcpy(s + CONTACT_EMAIL_MAX - 11, "@example.com", 13);   /* 255 */
	ck_assert(!contact_email_valid(s));
	ck_assert(!contact_email_valid(NULL));
}
END_TEST

static const struct {
	const char *in;
	const char *out;                 /* NULL: refused */
} phone_rows[] = {
	{ "+353871234567", "+353871234567" },
	{ "+353 87 123 4567", "+353871234567" },
	{ " +1 (415) 555-0100", "+14155550100" },
	{ "+44.20.7946.0018", "+442079460018" },
	{ "+123456789012345", "+123456789012345" },   /* 15 digits, E.164's most */
	{ "+1234567890123456", NULL },                /* 16 */
	{ "+1234567", NULL },                         /* too short for a phone */
	{ "0871234567", NULL },                       /* no country code */
	{ "+0871234567", NULL },                      /* country codes never start with 0 */
	{ "+1 (415 555-0100", NULL },
	{ "+1 (415) (555) 0100", NULL },
	{ "+1 415 555 0100 ext 2", NULL },
	{ "+1\r\n4155550100", NULL },
	{ "", NULL },
	{ "+", NULL },
};

START_TEST(test_phone)
{
	struct arena *a = arena_new();
	const char *got = contact_phone_e164(a, phone_rows[_i].in);
	if (phone_rows[_i].out == NULL)
		ck_assert_msg(got == NULL, "row %d: \"%s\" accepted as %s", _i, phone_rows[_i].in, got);
	else
		ck_assert_msg(got && strcmp(got, phone_rows[_i].out) == 0, "row %d: \"%s\" -> %s", _i,
			      phone_rows[_i].in, got ? got : "NULL");
	arena_destroy(a);
}
END_TEST

START_TEST(test_link_key)
{
	struct arena *a = arena_new();
	const char *secret = "0123456789abcdef0123456789abcdef";
	const char *key = link_key(a, secret, "booking-tickets", 42);
	ck_assert_int_eq((int)strlen(key), 22);
	ck_assert(strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 22);
	ck_assert_str_eq(key, link_key(a, secret, "booking-tickets", 42));     /* stable */
	ck_assert(link_key_check(secret, "booking-tickets", 42, key));
	ck_assert(!link_key_check(secret, "booking-tickets", 43, key));        /* another booking */
	ck_assert(!link_key_check(secret, "checkin-door", 42, key));           /* another purpose */
	ck_assert(!link_key_check("another secret", "booking-tickets", 42, key));
	ck_assert(!link_key_check(secret, "booking-tickets", 42, NULL));
	ck_assert(!link_key_check(secret, "booking-tickets", 42, ""));
	char shorter[32];
	snprintf(shorter, sizeof shorter, "%.21s", key);
	ck_assert(!link_key_check(secret, "booking-tickets", 42, shorter));
	char changed[32];
	snprintf(changed, sizeof changed, "%s", key);
	changed[5] = changed[5] == 'A' ? 'B' : 'A';
	ck_assert(!link_key_check(secret, "booking-tickets", 42, changed));
	ck_assert(!link_key_check(secret, "booking-tickets", 42, "!!!!!!!!!!!!!!!!!!!!!!"));
	arena_destroy(a);
}
END_TEST

static const struct {
	const char *in;
	enum contact_name_check want;
} name_rows[] = {
	{ "Ada Lovelace", CONTACT_NAME_OK },
	{ "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", CONTACT_NAME_OK },
	{ "O'Brien-Smith, Jr.", CONTACT_NAME_OK },
	{ "\xc2\xa0no-break space", CONTACT_NAME_OK },            /* U+00A0: the first after C1 */
	{ "\xf0\x9f\x8e\xab", CONTACT_NAME_OK },
	{ "", CONTACT_NAME_EMPTY },
	{ "line\nbreak", CONTACT_NAME_CONTROL },
	{ "carriage\rreturn", CONTACT_NAME_CONTROL },
	{ "tab\there", CONTACT_NAME_CONTROL },
	{ "bell\x07", CONTACT_NAME_CONTROL },
	{ "\x1b[31mred", CONTACT_NAME_CONTROL },
	{ "del\x7f", CONTACT_NAME_CONTROL },
	{ "c1 \xc2\x85 next line", CONTACT_NAME_CONTROL },         /* U+0085 */
	{ "c1 \xc2\x9b csi", CONTACT_NAME_CONTROL },               /* U+009B */
	{ "stray \xff byte", CONTACT_NAME_CONTROL },
	{ "cut \xc3", CONTACT_NAME_CONTROL },
};

START_TEST(test_name)
{
	ck_assert_msg(contact_name_check(name_rows[_i].in) == name_rows[_i].want, "row %d", _i);
}
END_TEST

/* The limit is characters: 200 two-byte letters are a name, 201 are one too many, whatever
 * the bytes; so are 200 ASCII letters and 201. */
START_TEST(test_name_limits)
{
	char buf[4 * CONTACT_NAME_MAX + 8];
	ck_assert_int_eq(contact_name_check(NULL), CONTACT_NAME_EMPTY);
	const char *letters[] = { "a", "\xd0\x94", "\xe6\x97\xa5", "\xf0\x9f\x8e\xab" };
	for (int l = 0; l < UNIT_ROWS(letters); l++)
		for (int n = CONTACT_NAME_MAX - 1; n <= CONTACT_NAME_MAX + 1; n++) {
			buf[0] = '\0';
			for (int i = 0; i < n; i++)
				strcat(buf, letters[l]);
			ck_assert_int_eq(contact_name_check(buf), n <= CONTACT_NAME_MAX ? CONTACT_NAME_OK : CONTACT_NAME_TOO_LONG);
			buf[strlen(letters[l])] = '\n';   /* the second letter's first byte: now a control too */
			if (l == 0)
				ck_assert_int_eq(contact_name_check(buf), n <= CONTACT_NAME_MAX ? CONTACT_NAME_CONTROL
											  : CONTACT_NAME_TOO_LONG);
		}
}
END_TEST

Suite *contact_suite(void)
{
	Suite *s = suite_create("contact");
	TCase *tc = tcase_create("contact");
	tcase_add_loop_test(tc, test_email, 0, UNIT_ROWS(email_rows));
	tcase_add_test(tc, test_email_limits);
	tcase_add_loop_test(tc, test_name, 0, UNIT_ROWS(name_rows));
	tcase_add_test(tc, test_name_limits);
	tcase_add_loop_test(tc, test_phone, 0, UNIT_ROWS(phone_rows));
	tcase_add_test(tc, test_link_key);
	suite_add_tcase(s, tc);
	return s;
}
