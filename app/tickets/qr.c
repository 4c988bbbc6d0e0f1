/* qr: see qr.h. libqrencode's symbol is copied into the arena at once, so nothing of the
 * library outlives qr_encode; libpng writes into an arena buffer that grows by doubling. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <png.h>
#include <qrencode.h>
#include "core/arena.h"
#include "core/buf.h"
#include "tickets/qr.h"

NEOERR *qr_encode(struct arena *a, const char *text, struct qr *out)
{
	memset(out, 0, sizeof *out);
	if (text == NULL || *text == '\0')
		return nerr_raise(NERR_ASSERT, "qr_encode: nothing to encode");
	/* Version 0: the smallest that fits. QR_MODE_8 is only the hint for what is neither digits
	 * nor uppercase alphanumerics, which libqrencode still packs in their denser modes; the
	 * last 1 keeps the case (it would upper-case "Hello" into "HELLO" otherwise). */
	errno = 0;
	QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (code == NULL)
		return nerr_raise(NERR_ASSERT, "qr_encode: %zu bytes: %s", strlen(text),
				  errno == ERANGE ? "too long for a QR code" : strerror(errno ? errno : EINVAL));
	size_t cells = (size_t)code->width * (size_t)code->width;
	unsigned char *dark = arena_alloc(a, cells);
	for (size_t i = 0; i < cells; i++)
		dark[i] = code->data[i] & 1;   /* the other bits say what the module is for */
	out->width = code->width;
	out->dark = dark;
	QRcode_free(code);
	return STATUS_OK;
}

void qr_each_run(const struct qr *q, void (*fn)(void *ctx, int x, int y, int len), void *ctx)
{
	for (int y = 0; y < q->width; y++) {
		const unsigned char *row = q->dark + (size_t)y * (size_t)q->width;
		for (int x = 0; x < q->width;) {
			if (!row[x]) {
				x++;
				continue;
			}
			int start = x;
			while (x < q->width && row[x])
				x++;
			fn(ctx, start, y, x - start);
		}
	}
}

static int qr_clamp_px(int module_px)
{
	return module_px < 1 ? 1 : module_px > QR_MODULE_PX_MAX ? QR_MODULE_PX_MAX : module_px;
}

/* Text for an attribute value: the five XML specials as entities, and the C0 controls that
 * XML 1.0 forbids outright as spaces (one would make the whole SVG unreadable). */
static void qr_xml_attr(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default:
			buf_append(b, *p < 0x20 || *p == 0x7f ? " " : (const char *)p, 1);
		}
	}
}

static void qr_svg_run(void *ctx, int x, int y, int len)
{
	buf_printf(ctx, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, len, len);
}

void qr_svg_parts(struct arena *a, const struct qr *q, struct qr_svg_parts *out)
{
	struct buf b = { 0 };
	qr_each_run(q, qr_svg_run, &b);
	out->size = q->width + 2 * QR_QUIET_ZONE;
	out->path = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
}

const char *qr_svg(struct arena *a, const struct qr *q, int module_px, const char *title)
{
	struct qr_svg_parts parts;
	qr_svg_parts(a, q, &parts);
	int side = parts.size, px = side * qr_clamp_px(module_px);
	struct buf b = { 0 };
	buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		   "height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
		   side, side, px, px);
	qr_xml_attr(&b, title ? title : "QR code");
	buf_printf(&b, "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   side, side);
	buf_puts(&b, parts.path);
	buf_puts(&b, "\"/></svg>");
	const char *svg = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return svg;
}

/* Where libpng writes, and what it said when it gave up. */
struct qr_png_sink {
	struct arena *arena;
	unsigned char *data;
	size_t len, cap;
	char error[160];
};

static void qr_png_write(png_structp png, png_bytep data, size_t len)
{
	struct qr_png_sink *s = png_get_io_ptr(png);
	if (len > s->cap - s->len) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap - s->len < len)
			cap *= 2;
		unsigned char *grown = arena_alloc(s->arena, cap);   /* the old block stays in the arena */
		if (s->len)
			memcpy(grown, s->data, s->len);
		s->data = grown;
		s->cap = cap;
	}
	memcpy(s->data + s->len, data, len);
	s->len += len;
}

/* libpng calls a flush only if asked to, but a NULL one here would mean fflush() on our sink. */
static void qr_png_flush(png_structp png)
{
	(void)png;
}

/* libpng's errors may not return: keep the message, then jump back to qr_png's setjmp. */
static void qr_png_error(png_structp png, png_const_charp msg)
{
	struct qr_png_sink *s = png_get_error_ptr(png);
	snprintf(s->error, sizeof s->error, "%s", msg);
	png_longjmp(png, 1);
}

static void qr_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

NEOERR *qr_png(struct arena *a, const struct qr *q, int module_px, const unsigned char **png_out,
	       size_t *len_out)
{
	*png_out = NULL;
	*len_out = 0;
	if (module_px < 1 || module_px > QR_MODULE_PX_MAX || q->width <= 0)
		return nerr_raise(NERR_ASSERT, "qr_png: module size %d px of a %d-module symbol", module_px,
				  q->width);
	int side = q->width + 2 * QR_QUIET_ZONE;
	png_uint_32 px = (png_uint_32)(side * module_px);
	/* 1 bit a pixel, 1 = white. A longjmp leaves indeterminate any local changed after the
	 * setjmp: these are all set before it and never changed after, and what libpng's callbacks
	 * change (the sink) lives in the arena, not on this stack. So no volatile is needed. */
	size_t row_bytes = (px + 7) / 8;
	unsigned char *row = arena_alloc(a, row_bytes);
	struct qr_png_sink *sink = arena_zalloc(a, sizeof *sink);
	sink->arena = a;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, sink, qr_png_error, qr_png_warning);
	if (png == NULL)
		return nerr_raise(NERR_NOMEM, "qr_png: png_create_write_struct failed");
	png_infop info = png_create_info_struct(png);
	if (info == NULL) {
		png_destroy_write_struct(&png, NULL);
		return nerr_raise(NERR_NOMEM, "qr_png: png_create_info_struct failed");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return nerr_raise(NERR_ASSERT, "qr_png: libpng: %s", sink->error[0] ? sink->error : "failed");
	}
	png_set_write_fn(png, sink, qr_png_write, qr_png_flush);
	png_set_IHDR(png, info, px, px, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < side; y++) {
		int my = y - QR_QUIET_ZONE;
		memset(row, 0xff, row_bytes);
		for (int x = 0; my >= 0 && my < q->width && x < q->width; x++) {
			if (!q->dark[(size_t)my * (size_t)q->width + (size_t)x])
				continue;
			for (int k = 0; k < module_px; k++) {
				size_t bit = (size_t)(x + QR_QUIET_ZONE) * (size_t)module_px + (size_t)k;
				row[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
			}
		}
		for (int k = 0; k < module_px; k++)
			png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	*png_out = sink->data;
	*len_out = sink->len;
	return STATUS_OK;
}
