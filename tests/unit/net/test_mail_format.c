/* test_mail_format: what reaches a mail header — control characters (CR and LF above all)
 * never survive into a header, non-ASCII text becomes RFC 2047 encoded words of at most 75
 * characters that decode back to the exact text and never split a character, addresses are
 * quoted or encoded, and the Date is RFC 5322 in UTC. Then the header lines smtp_send writes,
 * for a message built from hostile values, and a fuzz loop over random bytes. */
#include <string.h>
#include <curl/curl.h>
#include <sodium.h>
#include "unit.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "net/mail_format.h"
#include "net/smtp.h"

static const struct {
	const char *in;
	const char *out;
} clean_rows[] = {
	{ "plain", "plain" },
	{ "  leading and trailing  ", "leading and trailing" },
	{ "two\r\nlines", "two lines" },
	{ "a\rb\nc\td\x01" "e\x7f" "f", "a b c d e f" },
	{ "x\r\nBcc: evil@example.com", "x Bcc: evil@example.com" },
	{ "many   spaces", "many spaces" },
	{ "Zoë Łódź", "Zoë Łódź" },
	{ "bad \xff byte", "bad ? byte" },
	{ "C1 \xc2\x85 next line", "C1 next line" },
	{ "line\xe2\x80\xa8separator", "line separator" },
	{ "", "" },
};

START_TEST(test_clean)
{
	struct arena *a = arena_new();
	const char *got = mail_clean(a, clean_rows[_i].in);
	ck_assert_msg(strcmp(got, clean_rows[_i].out) == 0, "row %d: \"%s\", want \"%s\"", _i, got,
		      clean_rows[_i].out);
	arena_destroy(a);
}
END_TEST

/* Decode one header's encoded words back to text (what any reader does), checking each word's
 * form and length on the way. */
static const char *decode_words(struct arena *a, const char *header)
{
	char *out = arena_alloc(a, strlen(header) + 1);
	size_t n = 0;
	const char *p = header;
	while (*p) {
		ck_assert_msg(strncmp(p, "=?UTF-8?B?", 10) == 0, "an encoded word at \"%s\"", p);
		const char *end = strstr(p + 10, "?=");
		ck_assert(end != NULL);
		ck_assert_msg(end + 2 - p <= 75, "an encoded word of %d characters", (int)(end + 2 - p));
		unsigned char bin[64];
		size_t len = 0;
		ck_assert(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(end - p - 10), NULL, &len, NULL,
					    sodium_base64_VARIANT_ORIGINAL) == 0);
		ck_assert_msg(utf8_valid((const char *)bin, len), "a word splits a character");
		memcpy(out + n, bin, len);
		n += len;
		p = end + 2;
		if (*p) {
			ck_assert_msg(strncmp(p, "\r\n ", 3) == 0, "words folded with CRLF SPACE");
			p += 3;
		}
	}
	out[n] = '\0';
	return out;
}

static const char *const encoded_texts[] = {
	"Café Müller Sessions",
	"Łódź — Ζορμπάς (live) \\ \"x\" and a long tail to need several encoded words in one header",
	"日本語のコンサート、東京ドームで二日間の公演があります",
	"emoji 🎫🎟🎶 tickets",
};

START_TEST(test_header_text_encoded)
{
	struct arena *a = arena_new();
	const char *h = mail_header_text(a, encoded_texts[_i]);
	ck_assert_msg(strcmp(decode_words(a, h), encoded_texts[_i]) == 0, "row %d decodes back", _i);
	ck_assert(strpbrk(h, "\n") == NULL || strstr(h, "\r\n ") != NULL);
	arena_destroy(a);
}
END_TEST

START_TEST(test_header_text_ascii)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(mail_header_text(a, "Your tickets for Hamlet"), "Your tickets for Hamlet");
	ck_assert_str_eq(mail_header_text(a, "Hamlet\r\nBcc: x@y.z"), "Hamlet Bcc: x@y.z");
	/* Text that looks like an encoded word is plain ASCII: sent as it is, it is a word a
	 * reader may decode — which is the sender's own text, not an injection. */
	ck_assert_str_eq(mail_header_text(a, "=?UTF-8?B?SGk=?="), "=?UTF-8?B?SGk=?=");
	arena_destroy(a);
}
END_TEST

START_TEST(test_address)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(mail_address(a, "", "a@example.org"), "a@example.org");
	ck_assert_str_eq(mail_address(a, NULL, "a@example.org"), "a@example.org");
	ck_assert_str_eq(mail_address(a, "Ann Lee", "a@example.org"), "\"Ann Lee\" <a@example.org>");
	ck_assert_str_eq(mail_address(a, "Ann \"The\" Lee\\", "a@example.org"),
			 "\"Ann \\\"The\\\" Lee\\\\\" <a@example.org>");
	ck_assert_str_eq(mail_address(a, "x\r\nBcc: e@v.il", "a@example.org"), "\"x Bcc: e@v.il\" <a@example.org>");
	const char *zoe = mail_address(a, "Zoë", "z@example.pl");
	ck_assert_msg(strncmp(zoe, "=?UTF-8?B?", 10) == 0 && strstr(zoe, " <z@example.pl>"), "%s", zoe);
	arena_destroy(a);
}
END_TEST

START_TEST(test_split_address)
{
	struct arena *a = arena_new();
	const char *name, *addr;
	ck_assert(mail_split_address(a, "Boxoffice <tickets@example.org>", &name, &addr));
	ck_assert_str_eq(name, "Boxoffice");
	ck_assert_str_eq(addr, "tickets@example.org");
	ck_assert(mail_split_address(a, "\"Box Office\" <t@example.org>", &name, &addr));
	ck_assert_str_eq(name, "Box Office");
	ck_assert(mail_split_address(a, "t@example.org", &name, &addr));
	ck_assert_str_eq(name, "");
	ck_assert_str_eq(addr, "t@example.org");
	ck_assert(!mail_split_address(a, "Boxoffice", &name, &addr));
	ck_assert(!mail_split_address(a, "Boxoffice <>", &name, &addr));
	ck_assert(!mail_split_address(a, "<a b@example.org>", &name, &addr));
	ck_assert(!mail_split_address(a, NULL, &name, &addr));
	arena_destroy(a);
}
END_TEST

START_TEST(test_date)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(mail_date(a, 0), "Thu, 01 Jan 1970 00:00:00 +0000");
	ck_assert_str_eq(mail_date(a, 1796222400), "Wed, 02 Dec 2026 14:40:00 +0000");
	arena_destroy(a);
}
END_TEST

/* Every header line smtp_send would write for a message made of hostile values: one line each
 * (folds aside), no header of anyone else's choosing. */
START_TEST(test_headers_hostile)
{
	struct arena *a = arena_new();
	struct mail_message m = {
		.from_name = "Box\r\nX-Injected: 1", .from_addr = "tickets@example.org",
		.to_name = "Zoë \"<script>\"\r\nBcc: evil@example.com", .to_addr = "z@example.pl",
		.reply_to = "help@example.org\r\nX-Injected: 2",
		.subject = "Hamlet\nBcc: evil@example.com\r\n\r\nbody",
		.message_id = "<outbox-1.ABC@example.org>\r\nX-Injected: 3", .date_epoch = 1796222400,
		.text = "hi",
	};
	int lines = 0;
	for (struct curl_slist *h = smtp_headers(a, &m); h; h = h->next, lines++) {
		/* A header is one entry; only a CRLF followed by a space (a fold) may break it. */
		for (const char *p = strpbrk(h->data, "\r\n"); p; p = strpbrk(p + 3, "\r\n"))
			ck_assert_msg(strncmp(p, "\r\n ", 3) == 0, "a line break that is not a fold in: %s",
				      h->data);
		ck_assert_msg(strncmp(h->data, "Bcc", 3) != 0 && strncmp(h->data, "X-Injected", 10) != 0,
			      "an injected header: %s", h->data);
	}
	ck_assert_int_eq(lines, 7);   /* Date, Message-ID, From, To, Reply-To, Subject, Auto-Submitted */
	arena_destroy(a);
}
END_TEST

/* Random bytes through every header function: never a bare CR or LF, always valid UTF-8. */
START_TEST(test_fuzz)
{
	unit_rng_state = 0x5eed4d41;
	struct arena *a = arena_new();
	char text[200];
	for (int i = 0; i < 20000; i++) {
		size_t n = unit_rng_next() % (sizeof text - 1);
		for (size_t k = 0; k < n; k++) {
			uint64_t r = unit_rng_next();
			text[k] = (char)(r % 4 == 0 ? "\r\n \x80\xc3\xe2\xf0"[r / 4 % 8] : (char)(r >> 8));
			if (text[k] == '\0')
				text[k] = 'x';
		}
		text[n] = '\0';
		const char *clean = mail_clean(a, text);
		ck_assert(strpbrk(clean, "\r\n") == NULL);
		ck_assert(utf8_valid(clean, strlen(clean)));
		const char *h = mail_header_text(a, text);
		for (const char *p = strpbrk(h, "\r\n"); p; p = strpbrk(p + 3, "\r\n"))
			ck_assert_msg(strncmp(p, "\r\n ", 3) == 0, "row %d: an unfolded line break", i);
		if (i % 1000 == 999) {
			arena_destroy(a);
			a = arena_new();
		}
	}
	arena_destroy(a);
}
END_TEST

Suite *mail_format_suite(void)
{
	Suite *s = suite_create("mail_format");
	TCase *tc = tcase_create("headers");
	tcase_add_loop_test(tc, test_clean, 0, UNIT_ROWS(clean_rows));
	tcase_add_loop_test(tc, test_header_text_encoded, 0, UNIT_ROWS(encoded_texts));
	tcase_add_test(tc, test_header_text_ascii);
	tcase_add_test(tc, test_address);
	tcase_add_test(tc, test_split_address);
	tcase_add_test(tc, test_date);
	tcase_add_test(tc, test_headers_hostile);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return s;
}
