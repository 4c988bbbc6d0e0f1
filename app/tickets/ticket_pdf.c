/* ticket_pdf: see ticket_pdf.h. One page a ticket, drawn with libharu from cleaned text and
 * the QR code's runs; libharu's errors are recorded, checked after each step, and returned. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <hpdf.h>
#include "core/arena.h"
#include "tickets/qr.h"
#include "core/ticket_code.h"
#include "tickets/ticket_pdf.h"

#define MM (72.0f / 25.4f)
#define TICKET_PDF_TEXT_MAX 1000     /* bytes of one value drawn at most: bounds the measuring */
#define TICKET_PDF_ELLIPSIS "\xe2\x80\xa6"
#define TICKET_PDF_REPLACEMENT "\xef\xbf\xbd"

/* The page, in points from the bottom left: A4 portrait, because that is the paper a printer
 * at home holds, so nothing scales the page and the QR code keeps its 45 mm; the ticket fills
 * the top half (fold the sheet once) and a phone zooms to it. */
#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define FRAME_X (18 * MM)
#define FRAME_TOP (PAGE_H - 18 * MM)
#define FRAME_W (PAGE_W - 36 * MM)
#define FRAME_H (110 * MM)
#define INNER_X (FRAME_X + 7 * MM)
#define INNER_W (FRAME_W - 14 * MM)
#define QR_SIDE (45 * MM)            /* quiet zone included: a phone at arm's length reads it */
#define QR_X (INNER_X + INNER_W - QR_SIDE)
#define COLUMNS_TOP (FRAME_TOP - 100)
#define LEFT_W (INNER_W - QR_SIDE - 8 * MM)

/* libharu reports errors to a handler and carries on: the first one is kept and checked
 * after each page, so no longjmp is needed. */
struct ticket_pdf_error {
	HPDF_STATUS error, detail;
};

struct ticket_pdf {
	struct arena *arena;
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font regular, bold;
	struct ticket_pdf_error failed;
};

static void ticket_pdf_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	struct ticket_pdf_error *e = data;
	if (e->error == HPDF_OK) {
		e->error = error;
		e->detail = detail;
	}
}

static NEOERR *ticket_pdf_fail(const struct ticket_pdf *t, const char *doing)
{
	return nerr_raise(NERR_ASSERT, "ticket_pdf: libharu error 0x%04X (detail %u) while %s",
			  (unsigned)t->failed.error, (unsigned)t->failed.detail, doing);
}

static NEOERR *ticket_pdf_check(const struct ticket_pdf *t, const char *doing)
{
	return t->failed.error == HPDF_OK ? STATUS_OK : ticket_pdf_fail(t, doing);
}

/* The length of the valid UTF-8 sequence at p (1..4 bytes, `left` readable), or 0. */
static size_t ticket_pdf_utf8_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
		   c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (n == 0 || n > left)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || (c == 0xf0 && p[1] < 0x90) ||
	    (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* `s` as libharu can draw it: C0 and C1 controls and DEL as spaces (a CR or a NUL-free \x01
 * would otherwise reach the content stream as it is); invalid bytes, and characters beyond
 * U+FFFF (its UTF-8 encoder has 16-bit codes), as U+FFFD; at most TICKET_PDF_TEXT_MAX bytes of
 * input. PDF's own specials ( ) \ need nothing: libharu writes this font's text in hex. */
static const char *ticket_pdf_clean(struct arena *a, const char *s)
{
	if (s == NULL)
		return "";
	size_t len = strnlen(s, TICKET_PDF_TEXT_MAX);
	char *out = arena_alloc(a, len * 3 + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		size_t n = ticket_pdf_utf8_len(p, (size_t)(end - p));
		if (n == 1) {
			*o++ = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			*o++ = ' ';
		} else if (n == 2 || n == 3) {
			memcpy(o, p, n);
			o += n;
		} else {
			memcpy(o, TICKET_PDF_REPLACEMENT, 3);
			o += 3;
		}
		p += n ? n : 1;
	}
	*o = '\0';
	return out;
}

static float ticket_pdf_width(HPDF_Font font, float size, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	HPDF_TextWidth w = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)s, (HPDF_UINT)len);
	return (float)w.width * size / 1000.0f;   /* widths are in thousandths of the size */
}

/* `text` (clean) as it fits in `max_w`: set smaller, down to `min_size`, then cut after the
 * last whole character that leaves room for an ellipsis. Widths add up character by
 * character (libharu does no kerning), so one pass finds the cut. */
static const char *ticket_pdf_fit(struct arena *a, HPDF_Font font, float *size, float min_size,
				  float max_w, const char *text)
{
	size_t len = strlen(text);
	float w = ticket_pdf_width(font, *size, text, len);
	if (w <= max_w)
		return text;
	float scaled = *size * max_w / w * 0.999f;
	if (scaled >= min_size) {
		*size = scaled;
		return text;
	}
	*size = min_size;
	float room = max_w - ticket_pdf_width(font, min_size, TICKET_PDF_ELLIPSIS, 3), used = 0;
	size_t keep = 0;
	for (size_t i = 0; i < len;) {
		size_t n = ticket_pdf_utf8_len((const unsigned char *)text + i, len - i);
		used += ticket_pdf_width(font, min_size, text + i, n);
		if (used > room)
			break;
		i += n;
		keep = i;
	}
	while (keep > 0 && text[keep - 1] == ' ')
		keep--;
	return arena_printf(a, "%.*s" TICKET_PDF_ELLIPSIS, (int)keep, text);
}

enum ticket_pdf_align { ALIGN_LEFT, ALIGN_CENTRE };

/* One line of `value` at baseline y, within max_w from x (or centred on x). */
static void ticket_pdf_text(struct ticket_pdf *t, HPDF_Font font, float size, float min_size,
			    float x, float y, float max_w, enum ticket_pdf_align align, const char *value)
{
	const char *s = ticket_pdf_fit(t->arena, font, &size, min_size, max_w,
				       ticket_pdf_clean(t->arena, value));
	if (*s == '\0')
		return;
	if (align == ALIGN_CENTRE)
		x -= ticket_pdf_width(font, size, s, strlen(s)) / 2;
	HPDF_Page_BeginText(t->page);
	HPDF_Page_SetFontAndSize(t->page, font, size);
	HPDF_Page_TextOut(t->page, x, y, s);
	HPDF_Page_EndText(t->page);
}

static void ticket_pdf_label(struct ticket_pdf *t, float x, float y, const char *label)
{
	HPDF_Page_SetGrayFill(t->page, 0.4f);
	ticket_pdf_text(t, t->regular, 8, 8, x, y, LEFT_W, ALIGN_LEFT, label);
	HPDF_Page_SetGrayFill(t->page, 0.0f);
}

struct ticket_pdf_pen {
	HPDF_Page page;
	float x, y, module;      /* the symbol's top left corner, quiet zone not included */
};

static void ticket_pdf_qr_run(void *ctx, int x, int y, int len)
{
	const struct ticket_pdf_pen *pen = ctx;
	HPDF_Page_Rectangle(pen->page, pen->x + (float)x * pen->module,
			    pen->y - (float)(y + 1) * pen->module, (float)len * pen->module, pen->module);
}

/* The QR code in the square whose top is `top`, runs as rectangles filled at once, and its
 * text under it in the printed form, four blocks of four a line. */
static NEOERR *ticket_pdf_qr(struct ticket_pdf *t, float top, const char *code)
{
	struct qr q;
	NEOERR *err = qr_encode(t->arena, code, &q);
	if (err != STATUS_OK)
		return nerr_pass(err);
	float module = QR_SIDE / (float)(q.width + 2 * QR_QUIET_ZONE);
	struct ticket_pdf_pen pen = { t->page, QR_X + QR_QUIET_ZONE * module, top - QR_QUIET_ZONE * module,
				      module };
	HPDF_Page_SetGrayFill(t->page, 0.0f);
	qr_each_run(&q, ticket_pdf_qr_run, &pen);
	HPDF_Page_Fill(t->page);

	const char *shown = ticket_code_display(t->arena, code);
	float y = top - QR_SIDE - 12;
	for (int line = 0; *shown && line < 4; line++, y -= 12) {
		const char *cut = shown;
		for (int dashes = 0; *cut && !(*cut == '-' && ++dashes == 4); cut++)
			;
		ticket_pdf_text(t, t->regular, 9, 6, QR_X + QR_SIDE / 2, y, QR_SIDE, ALIGN_CENTRE,
				arena_strndup(t->arena, shown, (size_t)(cut - shown)));
		shown = *cut ? cut + 1 : cut;
	}
	return STATUS_OK;
}

/* A void ticket: the QR code is left out altogether, not crossed out, since a crossed-out
 * code can still scan (error correction mends what the cross hides). Its place shows a
 * crossed empty box with VOID across it; the code is not printed either. */
static void ticket_pdf_void(struct ticket_pdf *t, float top)
{
	HPDF_Page_SetGrayStroke(t->page, 0.6f);
	HPDF_Page_SetLineWidth(t->page, 1);
	HPDF_Page_Rectangle(t->page, QR_X, top - QR_SIDE, QR_SIDE, QR_SIDE);
	HPDF_Page_MoveTo(t->page, QR_X, top - QR_SIDE);
	HPDF_Page_LineTo(t->page, QR_X + QR_SIDE, top);
	HPDF_Page_MoveTo(t->page, QR_X, top);
	HPDF_Page_LineTo(t->page, QR_X + QR_SIDE, top - QR_SIDE);
	HPDF_Page_Stroke(t->page);
	HPDF_Page_SetRGBFill(t->page, 0.8f, 0.0f, 0.0f);
	ticket_pdf_text(t, t->bold, 44, 20, QR_X + QR_SIDE / 2, top - QR_SIDE / 2 - 15, QR_SIDE - 8,
			ALIGN_CENTRE, "VOID");
	ticket_pdf_text(t, t->regular, 9, 6, QR_X + QR_SIDE / 2, top - QR_SIDE - 12, QR_SIDE,
			ALIGN_CENTRE, "This ticket does not admit entry.");
	HPDF_Page_SetGrayFill(t->page, 0.0f);
}

static NEOERR *ticket_pdf_page(struct ticket_pdf *t, const char *site_name, const struct ticket_pdf_item *it)
{
	t->page = HPDF_AddPage(t->doc);
	if (t->page == NULL)
		return ticket_pdf_fail(t, "adding a page");
	HPDF_Page_SetSize(t->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);

	HPDF_Page_SetGrayStroke(t->page, 0.75f);
	HPDF_Page_SetLineWidth(t->page, 1);
	HPDF_Page_Rectangle(t->page, FRAME_X, FRAME_TOP - FRAME_H, FRAME_W, FRAME_H);
	HPDF_Page_MoveTo(t->page, INNER_X, FRAME_TOP - 38);
	HPDF_Page_LineTo(t->page, INNER_X + INNER_W, FRAME_TOP - 38);
	HPDF_Page_Stroke(t->page);

	HPDF_Page_SetGrayFill(t->page, 0.4f);
	ticket_pdf_text(t, t->regular, 11, 8, INNER_X, FRAME_TOP - 28, INNER_W, ALIGN_LEFT, site_name);
	HPDF_Page_SetGrayFill(t->page, 0.0f);
	ticket_pdf_text(t, t->bold, 22, 13, INNER_X, FRAME_TOP - 66, INNER_W, ALIGN_LEFT, it->event_name);
	ticket_pdf_text(t, t->regular, 13, 9, INNER_X, FRAME_TOP - 87, INNER_W, ALIGN_LEFT, it->starts_local);

	float y = COLUMNS_TOP - 10;
	ticket_pdf_label(t, INNER_X, y, "VENUE");
	ticket_pdf_text(t, t->bold, 12, 8, INNER_X, y - 15, LEFT_W, ALIGN_LEFT, it->venue_name);
	ticket_pdf_text(t, t->regular, 10, 7, INNER_X, y - 29, LEFT_W, ALIGN_LEFT, it->venue_address);
	y -= 50;
	ticket_pdf_label(t, INNER_X, y, "SEAT");
	ticket_pdf_text(t, t->bold, 16, 10, INNER_X, y - 19, LEFT_W, ALIGN_LEFT, it->seat);
	y -= 40;
	ticket_pdf_label(t, INNER_X, y, "TICKET HOLDER");
	ticket_pdf_text(t, t->regular, 13, 9, INNER_X, y - 16, LEFT_W, ALIGN_LEFT, it->holder_name);
	y -= 37;
	ticket_pdf_label(t, INNER_X, y, "BOOKING");
	ticket_pdf_label(t, INNER_X + LEFT_W / 2, y, "PRICE");
	ticket_pdf_text(t, t->bold, 12, 8, INNER_X, y - 15, LEFT_W / 2 - 6, ALIGN_LEFT, it->booking_code);
	ticket_pdf_text(t, t->regular, 12, 8, INNER_X + LEFT_W / 2, y - 15, LEFT_W / 2, ALIGN_LEFT, it->price);

	HPDF_Page_SetGrayFill(t->page, 0.4f);
	ticket_pdf_text(t, t->regular, 8, 6, INNER_X, FRAME_TOP - FRAME_H + 16, INNER_W, ALIGN_LEFT,
			it->void_ticket ? "This ticket was cancelled: it admits nobody."
					: "Show this page, printed or on a phone, at the door. "
					  "Each code admits one person, once.");
	HPDF_Page_SetGrayFill(t->page, 0.0f);

	if (it->void_ticket)
		ticket_pdf_void(t, COLUMNS_TOP);
	else if (it->code == NULL || *it->code == '\0')
		return nerr_raise(NERR_ASSERT, "ticket_pdf: a ticket that is not void has no code");
	else {
		NEOERR *err = ticket_pdf_qr(t, COLUMNS_TOP, it->code);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	return nerr_pass(ticket_pdf_check(t, "drawing a page"));
}

static NEOERR *ticket_pdf_font(struct ticket_pdf *t, const char *dir, const char *file, HPDF_Font *out)
{
	const char *path = arena_printf(t->arena, "%s/%s", dir, file);
	if (access(path, R_OK) != 0)
		return nerr_raise(NERR_IO, "ticket_pdf: cannot read %s (Debian package fonts-dejavu-core)", path);
	const char *name = HPDF_LoadTTFontFromFile(t->doc, path, HPDF_TRUE);
	*out = name ? HPDF_GetFont(t->doc, name, "UTF-8") : NULL;
	return *out ? STATUS_OK : ticket_pdf_fail(t, arena_printf(t->arena, "loading %s", path));
}

static NEOERR *ticket_pdf_document(struct ticket_pdf *t, const char *site_name, const char *font_dir,
				   const struct ticket_pdf_item *items, int n)
{
	/* Compressed streams: the fonts are most of the file. libharu embeds only the glyphs a
	 * document uses, but copies the fonts' other tables whole (see the design doc). */
	HPDF_SetCompressionMode(t->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(t->doc);
	HPDF_SetCurrentEncoder(t->doc, "UTF-8");   /* the document info strings too */
	NEOERR *err = ticket_pdf_check(t, "setting up");
	if (err == STATUS_OK)
		err = ticket_pdf_font(t, font_dir, "DejaVuSans.ttf", &t->regular);
	if (err == STATUS_OK)
		err = ticket_pdf_font(t, font_dir, "DejaVuSans-Bold.ttf", &t->bold);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* No creation date: the same tickets give the same bytes. */
	HPDF_SetInfoAttr(t->doc, HPDF_INFO_TITLE, ticket_pdf_clean(t->arena, items[0].event_name));
	HPDF_SetInfoAttr(t->doc, HPDF_INFO_CREATOR, "Boxoffice");
	for (int i = 0; i < n && err == STATUS_OK; i++)
		err = ticket_pdf_page(t, site_name, &items[i]);
	return nerr_pass(err);
}

static NEOERR *ticket_pdf_save(struct ticket_pdf *t, const unsigned char **pdf, size_t *len)
{
	if (HPDF_SaveToStream(t->doc) != HPDF_OK)
		return ticket_pdf_fail(t, "saving");
	HPDF_UINT32 size = HPDF_GetStreamSize(t->doc), got = size;
	unsigned char *out = arena_alloc(t->arena, size ? size : 1);
	HPDF_STATUS st = HPDF_ReadFromStream(t->doc, out, &got);
	if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size || size == 0)
		return nerr_raise(NERR_ASSERT, "ticket_pdf: read %u of %u bytes back (libharu 0x%04X)",
				  (unsigned)got, (unsigned)size, (unsigned)st);
	*pdf = out;
	*len = size;
	return STATUS_OK;
}

NEOERR *ticket_pdf_render(struct arena *a, const char *site_name, const char *font_dir,
			  const struct ticket_pdf_item *items, int n, const unsigned char **pdf,
			  size_t *len)
{
	*pdf = NULL;
	*len = 0;
	if (items == NULL || n < 1)
		return nerr_raise(NERR_ASSERT, "ticket_pdf: no tickets");
	struct ticket_pdf t = { .arena = a };
	t.doc = HPDF_New(ticket_pdf_on_error, &t.failed);
	if (t.doc == NULL)
		return nerr_raise(NERR_NOMEM, "ticket_pdf: HPDF_New failed");
	NEOERR *err = ticket_pdf_document(&t, site_name, font_dir ? font_dir : TICKET_PDF_FONT_DIR, items, n);
	if (err == STATUS_OK)
		err = ticket_pdf_save(&t, pdf, len);
	HPDF_Free(t.doc);
	return nerr_pass(err);
}
