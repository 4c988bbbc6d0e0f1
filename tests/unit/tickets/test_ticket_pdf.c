/* test_ticket_pdf: the e-ticket PDF read back by poppler and zbar, programs that share nothing
 * with libharu: every page's text in UTF-8 as it went in (Irish, German, Polish, Greek,
 * Cyrillic, PDF's specials, control characters), nothing past the frame, each page's QR code
 * scanning to its ticket code in page order, and a void ticket that shows VOID and scans as nothing. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "core/arena.h"
#include "core/ticket_code.h"
#include "tickets/ticket_pdf.h"

#define KEYS "1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define INNER_LEFT 70.8      /* the ticket's text stays 25 mm from either edge of A4 */
#define INNER_RIGHT 524.5

/* What each check starts from (set up in Check's forked child): an arena and the three
 * tickets with their codes. */
static struct arena *a;
static struct ticket_pdf_item items[3];

static const char *long_name(void)
{
	char *s = arena_strdup(a, "");
	while (strlen(s) < 300)
		s = arena_printf(a, "%sDie Zauberflöte · Ζορμπάς · Щелкунчик · ", s);
	s[300] = '\0';
	return s;
}

/* Three tickets of hostile and non-ASCII values; the second's event name is 300 bytes long
 * (long_name) and the third is void. */
static const struct ticket_pdf_item ITEMS[3] = {
	{ "Łódź — Ζορμπάς (live) \\ \"x\"", "Sat 12 Dec 2026, 19:30 (Europe/Dublin)", "Vicar Street",
	  "58-59 Thomas Street,\r\nDublin 8\x01 (D08) \\", "Stalls · Row B · Seat 12",
	  "Siobhán Ní Dhomhnaill <b>&amp;", "K7QW2MZX9P", "€45.00", NULL, false },
	{ NULL, "Fri 1 Jan 2027, 20:00 (Europe/Berlin)", "Концертный зал «Зарядье»",
	  "Улица Варварка, 6, Москва", "Standing · Floor", "Zażółć Gęślą Jaźń Größe-Übermaß",
	  "B2CD3EF4GH", "€1,234.50", NULL, false },
	{ "Ödön von Horváth: Geschichten aus dem Wiener Wald", "Sun 3 Jan 2027, 15:00 (Europe/Vienna)",
	  "Θέατρο Ηρώδου Αττικού", "Broken \xc3 UTF-8 and \xf0\x9f\x8e\xab beyond 16 bits\xe2\x82",
	  "Stalls · Row A · Seat 1", "Νίκος Καζαντζάκης", "Z9Y8X7W6V5", "€0.00", NULL, true },
};

static void fill(struct ticket_pdf_item out[3])
{
	struct ticket_keyring kr;
	NEOERR *err = ticket_keyring_parse(&kr, KEYS, 1);
	ck_assert(err == STATUS_OK);
	for (int i = 0; i < 3; i++) {
		out[i] = ITEMS[i];
		out[i].code = ticket_code_sign(&kr, a, 12, 345678 + i, 9012345 + i);
	}
	out[1].event_name = long_name();
}

static void setup(void)
{
	a = arena_new();
	fill(items);
}

static void teardown(void)
{
	arena_destroy(a);
}

static const char *render(const struct ticket_pdf_item *tickets, int n, size_t *len)
{
	const unsigned char *pdf;
	NEOERR *err = ticket_pdf_render(a, "Boxoffice (test) \\ site", NULL, tickets, n, &pdf, len);
	ck_assert_msg(err == STATUS_OK, "ticket_pdf_render: %s", unit_error_text(a, err));
	ck_assert(*len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	return unit_write_file(a, unit_temp_dir(a), "tickets.pdf", pdf, *len);
}

/* Page `page` (from 1) of pdftotext's output, whose pages end with a form feed. */
static const char *page_text(const char *text, int page)
{
	for (int i = 1; i < page && text; i++)
		text = (text = strchr(text, '\f')) ? text + 1 : NULL;
	ck_assert_msg(text != NULL, "no page %d", page);
	return arena_strndup(a, text, strcspn(text, "\f"));
}

/* The value of pdfinfo's `field:` line. */
static const char *info_field(const char *info, const char *field)
{
	const char *at = strstr(arena_printf(a, "\n%s", info), arena_printf(a, "\n%s:", field));
	ck_assert_msg(at != NULL, "no %s in %s", field, info);
	at += strlen(field) + 2;
	at += strspn(at, " ");
	return arena_strndup(a, at, strcspn(at, "\n"));
}

/* The line of `page` that holds `needle`. */
static const char *line_of(const char *page, const char *needle)
{
	const char *at = strstr(page, needle);
	ck_assert_msg(at != NULL, "no \"%s\" in:\n%s", needle, page);
	while (at > page && at[-1] != '\n')
		at--;
	return arena_strndup(a, at, strcspn(at, "\n"));
}

static void assert_on_page(const char *page, const char *want, int n)
{
	ck_assert_msg(want == NULL || strstr(page, want) != NULL, "page %d lacks \"%s\":\n%s", n, want, page);
}

START_TEST(test_text)
{
	size_t len;
	const char *file = render(items, 3, &len);
	int status;
	char *info = unit_command(a, &status, "pdfinfo '%s' 2>/dev/null", file);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(info_field(info, "Pages"), "3");
	ck_assert_str_eq(info_field(info, "Title"), items[0].event_name);
	ck_assert_str_eq(info_field(info, "Creator"), "Boxoffice");
	ck_assert_str_eq(info_field(info, "Page size"), "595.276 x 841.89 pts (A4)");

	/* libharu 2.3.0's ToUnicode CMap makes poppler warn on stderr; the text is right. */
	char *text = unit_command(a, &status, "pdftotext -layout '%s' - 2>/dev/null", file);
	ck_assert_int_eq(status, 0);
	for (int i = 0; i < 3; i++) {
		const char *page = page_text(text, i + 1);
		if (i != 1)
			assert_on_page(page, items[i].event_name, i + 1);
		assert_on_page(page, items[i].seat, i + 1);
		assert_on_page(page, items[i].holder_name, i + 1);
		assert_on_page(page, items[i].booking_code, i + 1);
		assert_on_page(page, items[i].price, i + 1);
		assert_on_page(page, items[i].venue_name, i + 1);
		assert_on_page(page, items[i].starts_local, i + 1);
		assert_on_page(page, "Boxoffice (test) \\ site", i + 1);
		if (!items[i].void_ticket) {
			/* The code under the QR code, in blocks of four. */
			char first[20];
			snprintf(first, sizeof first, "%.19s", ticket_code_display(a, items[i].code));
			assert_on_page(page, first, i + 1);
		}
		ck_assert_msg((strstr(page, "VOID") != NULL) == items[i].void_ticket, "page %d: VOID?", i + 1);
	}
	const char *first = page_text(text, 1);
	/* Controls became spaces: the address is on one line, whatever it carried. */
	const char *address = line_of(first, "58-59 Thomas Street,");
	ck_assert_msg(strstr(address, "Dublin 8") && strstr(address, "(D08) \\"), "%s", address);
	/* The 300-byte name: its start, set smaller, then cut with an ellipsis, its end not shown. */
	const char *second = page_text(text, 2);
	assert_on_page(second, "Die Zauberflöte · Ζορμπάς · Щелкунчик · Die Zauberflöte", 2);
	assert_on_page(second, "…", 2);
	ck_assert(strstr(second, items[1].event_name) == NULL);
	/* The void ticket's code is not printed either. */
	const char *third = page_text(text, 3);
	char tail[20];
	snprintf(tail, sizeof tail, "%s", ticket_code_display(a, items[2].code) + 40);
	ck_assert(strstr(third, tail) == NULL);
	/* Invalid UTF-8 and a character beyond U+FFFF each drawn as U+FFFD, a cut-off one too. */
	assert_on_page(third, "Broken \xef\xbf\xbd UTF-8 and \xef\xbf\xbd beyond 16 bits\xef\xbf\xbd", 3);
}
END_TEST

/* Every word ends inside the frame: long values were shrunk or cut, not run off the page. */
START_TEST(test_nothing_past_the_frame)
{
	items[0].holder_name = items[1].event_name;
	items[0].venue_address = items[1].event_name;
	items[0].seat = items[1].event_name;
	items[0].booking_code = "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW";
	items[0].price = "€999,999,999,999.99 incl. booking fee and VAT at the standard rate";
	size_t len;
	const char *file = render(items, 3, &len);
	int status;
	char *html = unit_command(a, &status, "pdftotext -bbox '%s' - 2>/dev/null", file);
	ck_assert_int_eq(status, 0);
	int words = 0;
	for (const char *p = html; (p = strstr(p, "xMax=\"")) != NULL; p++) {
		double x_max = strtod(p + 6, NULL);
		ck_assert_msg(x_max <= INNER_RIGHT, "a word ends at %.1f pt: %.120s", x_max, p);
		words++;
	}
	ck_assert_int_gt(words, 60);
	/* And nothing starts left of the frame either. */
	for (const char *p = html; (p = strstr(p, "xMin=\"")) != NULL; p++)
		ck_assert_msg(strtod(p + 6, NULL) >= INNER_LEFT, "a word starts at %.120s", p);
}
END_TEST

/* Each page at 150 dpi through zbarimg: its ticket's code, in page order; nothing on the void one. */
START_TEST(test_qr_codes_scan)
{
	size_t len;
	const char *file = render(items, 3, &len);
	const char *dir = unit_temp_dir(a);
	int status;
	unit_command(a, &status, "pdftoppm -r 150 -png '%s' '%s/page' 2>/dev/null", file, dir);
	ck_assert_int_eq(status, 0);
	for (int i = 0; i < 3; i++) {
		char *read = unit_command(a, &status, "zbarimg --raw -q '%s/page-%d.png' 2>/dev/null", dir, i + 1);
		read[strcspn(read, "\n")] = '\0';
		if (items[i].void_ticket) {
			ck_assert_msg(status != 0 && *read == '\0', "the void ticket scanned as \"%s\"", read);
		} else {
			ck_assert_int_eq(status, 0);
			ck_assert_str_eq(read, items[i].code);
		}
	}
}
END_TEST

/* The same tickets give the same bytes (no dates inside); the fonts are subset, so a page more
 * costs a few KB and the whole stays small enough to mail. */
START_TEST(test_reproducible_and_small)
{
	struct ticket_pdf_item six_items[6];
	fill(six_items);
	fill(six_items + 3);
	const unsigned char *one, *again, *six;
	size_t one_len, again_len, six_len;
	ck_assert(ticket_pdf_render(a, "Boxoffice", NULL, six_items, 1, &one, &one_len) == STATUS_OK);
	ck_assert(ticket_pdf_render(a, "Boxoffice", NULL, six_items, 1, &again, &again_len) == STATUS_OK);
	ck_assert(one_len == again_len && memcmp(one, again, one_len) == 0);
	ck_assert(ticket_pdf_render(a, "Boxoffice", NULL, six_items, 6, &six, &six_len) == STATUS_OK);
	ck_assert_uint_lt(one_len, 256 * 1024);
	ck_assert_uint_lt(six_len - one_len, 5 * 8 * 1024);
}
END_TEST

/* Renders in one process are independent: a render between that used other glyphs leaves
 * nothing in the next document, nor does a failed one, nor another font directory. */
START_TEST(test_renders_independent)
{
	const unsigned char *fresh, *pdf;
	size_t fresh_len, len;
	ck_assert(ticket_pdf_render(a, "Boxoffice", NULL, items, 1, &fresh, &fresh_len) == STATUS_OK);
	ck_assert(ticket_pdf_render(a, "Boxoffice", NULL, items, 3, &pdf, &len) == STATUS_OK);
	ck_assert_uint_gt(len, fresh_len);   /* more glyphs (Cyrillic, Greek) and pages */
	ck_assert(ticket_pdf_render(a, "Boxoffice", NULL, items, 1, &pdf, &len) == STATUS_OK);
	ck_assert(len == fresh_len && memcmp(pdf, fresh, len) == 0);

	struct ticket_pdf_item codeless = items[0];
	codeless.code = NULL;
	NEOERR *err = ticket_pdf_render(a, "Boxoffice", NULL, &codeless, 1, &pdf, &len);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	ck_assert(ticket_pdf_render(a, "Boxoffice", NULL, items, 1, &pdf, &len) == STATUS_OK);
	ck_assert(len == fresh_len && memcmp(pdf, fresh, len) == 0);

	err = ticket_pdf_render(a, "Boxoffice", "/nonexistent", items, 1, &pdf, &len);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	ck_assert(ticket_pdf_render(a, "Boxoffice", TICKET_PDF_FONT_DIR, items, 1, &pdf, &len) == STATUS_OK);
	ck_assert(len == fresh_len && memcmp(pdf, fresh, len) == 0);

	/* And the document it makes reads back like any other: pdftotext sees the event. */
	const char *file = unit_write_file(a, unit_temp_dir(a), "again.pdf", pdf, len);
	int status;
	char *text = unit_command(a, &status, "pdftotext '%s' - 2>/dev/null", file);
	ck_assert_int_eq(status, 0);
	ck_assert_msg(strstr(text, "Vicar Street") != NULL, "%s", text);
}
END_TEST

START_TEST(test_refuses)
{
	const unsigned char *pdf;
	size_t len;
	NEOERR *err = ticket_pdf_render(a, "Boxoffice", NULL, items, 0, &pdf, &len);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	err = ticket_pdf_render(a, "Boxoffice", "/nonexistent", items, 1, &pdf, &len);
	ck_assert(err != STATUS_OK);
	const char *message = unit_error_text(a, err);
	ck_assert_msg(strstr(message, "fonts-dejavu-core") != NULL, "%s", message);
	items[0].code = NULL;      /* a ticket that admits must have a code */
	err = ticket_pdf_render(a, "Boxoffice", NULL, items, 1, &pdf, &len);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	ck_assert_ptr_null(pdf);
	items[0].code = "";
	err = ticket_pdf_render(a, "Boxoffice", NULL, items, 1, &pdf, &len);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	/* A void ticket needs none, and every field may be missing. */
	struct ticket_pdf_item bare = { .void_ticket = true };
	ck_assert(ticket_pdf_render(a, NULL, NULL, &bare, 1, &pdf, &len) == STATUS_OK);
}
END_TEST

Suite *ticket_pdf_suite(void)
{
	Suite *s = suite_create("ticket_pdf");
	TCase *tc = tcase_create("ticket_pdf");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_nothing_past_the_frame);
	tcase_add_test(tc, test_qr_codes_scan);
	tcase_add_test(tc, test_reproducible_and_small);
	tcase_add_test(tc, test_renders_independent);
	tcase_add_test(tc, test_refuses);
	suite_add_tcase(s, tc);
	return s;
}
