/* test_qr: the symbol's size for a ticket code, the SVG (quiet zone, escaping, its one path
 * redrawn module by module), and the PNG read back by an independent decoder (zbarimg, from
 * zbar-tools): what it reads is what went in, case included. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "core/arena.h"
#include "tickets/qr.h"
#include "core/ticket_code.h"

#define CODE "2C00000C000001A69R000049GHWH2V8ESA55YRGJQ72SFVG"

static struct qr encode(struct arena *a, const char *text)
{
	struct qr q;
	NEOERR *err = qr_encode(a, text, &q);
	ck_assert_msg(err == STATUS_OK, "qr_encode \"%s\" failed", text);
	return q;
}

/* 47 alphanumeric characters at level M need version 3: 17 + 4 × 3 = 29 modules a side. */
START_TEST(test_width_of_a_ticket_code)
{
	struct arena *a = arena_new();
	ck_assert_uint_eq(strlen(CODE), TICKET_CODE_CHARS);
	struct qr q = encode(a, CODE);
	ck_assert_int_eq(q.width, 29);
	int dark = 0;
	for (int i = 0; i < q.width * q.width; i++) {
		ck_assert_uint_le(q.dark[i], 1);
		dark += q.dark[i];
	}
	ck_assert_int_gt(dark, q.width * q.width / 3);      /* about half, as masking makes it */
	ck_assert_int_lt(dark, q.width * q.width * 2 / 3);
	/* The finder pattern's corner is dark, whatever the content. */
	ck_assert_uint_eq(q.dark[0], 1);
	arena_destroy(a);
}
END_TEST

START_TEST(test_encode_refuses)
{
	struct arena *a = arena_new();
	struct qr q;
	NEOERR *err = qr_encode(a, "", &q);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	err = qr_encode(a, NULL, &q);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	char *huge = arena_alloc(a, 8001);
	memset(huge, 'x', 8000);
	huge[8000] = '\0';
	err = qr_encode(a, huge, &q);     /* more than version 40 holds */
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	ck_assert_int_eq(q.width, 0);
	arena_destroy(a);
}
END_TEST

static void count_run(void *ctx, int x, int y, int len)
{
	*(int *)ctx += len;
	ck_assert(x >= 0 && y >= 0 && len > 0);
}

/* The SVG's viewBox holds the quiet zone, its size is modules × px, the title is escaped, and
 * its one path, drawn again, is the symbol module for module. */
START_TEST(test_svg)
{
	struct arena *a = arena_new();
	struct qr q = encode(a, CODE);
	const char *svg = qr_svg(a, &q, 5, "Ticket <script>alert(\"x\")</script> & 'y'\x01");
	int side = q.width + 2 * QR_QUIET_ZONE;
	char want[128];
	snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"", side, side, side * 5,
		 side * 5);
	ck_assert_msg(strstr(svg, want) != NULL, "no %s in %s", want, svg);
	ck_assert(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	ck_assert(strstr(svg, "shape-rendering=\"crispEdges\"") != NULL);
	ck_assert(strstr(svg, "role=\"img\" aria-label=\"Ticket &lt;script&gt;alert(&quot;x&quot;)"
			      "&lt;/script&gt; &amp; &#39;y&#39; \"") != NULL);
	ck_assert(strstr(svg, "<script") == NULL);
	ck_assert(strstr(svg, "\x01") == NULL);
	ck_assert(strstr(svg, "fill=\"#fff\"") != NULL);
	const char *path = strstr(svg, "<path");
	ck_assert_ptr_nonnull(path);
	ck_assert_ptr_null(strstr(path + 1, "<path"));
	ck_assert(strcmp(svg + strlen(svg) - 6, "</svg>") == 0);

	unsigned char *drawn = arena_zalloc(a, (size_t)(side * side));
	const char *d = strstr(path, " d=\"") + 4;
	int x, y, n, back, used, runs = 0;
	while (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &back, &used) == 4) {
		ck_assert_int_eq(n, back);
		ck_assert(x >= QR_QUIET_ZONE && y >= QR_QUIET_ZONE && x + n <= side - QR_QUIET_ZONE &&
			  y < side - QR_QUIET_ZONE);
		for (int k = 0; k < n; k++)
			drawn[y * side + x + k] = 1;
		d += used;
		runs++;
	}
	ck_assert_str_eq(d, "\"/></svg>");
	for (int my = 0; my < q.width; my++)
		for (int mx = 0; mx < q.width; mx++)
			ck_assert_uint_eq(drawn[(my + QR_QUIET_ZONE) * side + mx + QR_QUIET_ZONE],
					  q.dark[my * q.width + mx]);
	int modules = 0;
	qr_each_run(&q, count_run, &modules);
	ck_assert_int_lt(runs, modules);   /* merged: fewer runs than dark modules */
	ck_assert_uint_lt(strlen(svg), 6000);
	/* An out-of-range module size is clamped, not trusted. */
	ck_assert(strstr(qr_svg(a, &q, 0, NULL), "width=\"37\" height=\"37\"") != NULL);
	ck_assert(strstr(qr_svg(a, &q, 1000, NULL), "aria-label=\"QR code\"") != NULL);
	arena_destroy(a);
}
END_TEST

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* zbarimg, run on our PNG, reads back exactly the text: a ticket code, and a mixed-case string
 * that only comes back as it went in because libqrencode was told to keep case. */
static const char *const decodable[] = {
	CODE,
	"Hello-World_42",
	"https://tickets.example/b/K7QW2MZX9P?t=abc",
};

START_TEST(test_png_decodes)
{
	struct arena *a = arena_new();
	struct qr q = encode(a, decodable[_i]);
	const unsigned char *png;
	size_t len;
	NEOERR *err = qr_png(a, &q, 4, &png, &len);
	ck_assert(err == STATUS_OK);
	ck_assert_uint_gt(len, 8 + 25);
	ck_assert(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
	ck_assert(memcmp(png + 12, "IHDR", 4) == 0);
	unsigned long px = (unsigned long)(q.width + 2 * QR_QUIET_ZONE) * 4;
	ck_assert_uint_eq(be32(png + 16), px);
	ck_assert_uint_eq(be32(png + 20), px);
	ck_assert_uint_eq(png[24], 1);   /* bit depth */
	ck_assert_uint_eq(png[25], 0);   /* grayscale */

	const char *file = unit_write_file(a, unit_temp_dir(a), "qr.png", png, len);
	int status;
	char *read = unit_command(a, &status, "zbarimg --raw -q '%s' 2>/dev/null", file);
	ck_assert_int_eq(status, 0);
	read[strcspn(read, "\n")] = '\0';
	ck_assert_str_eq(read, decodable[_i]);
	arena_destroy(a);
}
END_TEST

START_TEST(test_png_refuses)
{
	struct arena *a = arena_new();
	struct qr q = encode(a, CODE);
	const unsigned char *png = (const unsigned char *)"x";
	size_t len = 1;
	NEOERR *err = qr_png(a, &q, 0, &png, &len);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	ck_assert_ptr_null(png);
	ck_assert_uint_eq(len, 0);
	err = qr_png(a, &q, QR_MODULE_PX_MAX + 1, &png, &len);
	ck_assert(err != STATUS_OK);
	nerr_ignore(&err);
	/* The largest module size makes a big image that still comes out whole. */
	err = qr_png(a, &q, QR_MODULE_PX_MAX, &png, &len);
	ck_assert(err == STATUS_OK);
	ck_assert_uint_eq(be32(png + 16), (unsigned long)(q.width + 2 * QR_QUIET_ZONE) * QR_MODULE_PX_MAX);
	ck_assert(memcmp(png + len - 8, "IEND", 4) == 0);
	arena_destroy(a);
}
END_TEST

Suite *qr_suite(void)
{
	Suite *s = suite_create("qr");
	TCase *tc = tcase_create("qr");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_width_of_a_ticket_code);
	tcase_add_test(tc, test_encode_refuses);
	tcase_add_test(tc, test_svg);
	tcase_add_loop_test(tc, test_png_decodes, 0, UNIT_ROWS(decodable));
	tcase_add_test(tc, test_png_refuses);
	suite_add_tcase(s, tc);
	return s;
}
