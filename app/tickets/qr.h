/* qr: QR codes for e-tickets (libqrencode), drawn as SVG for pages and as PNG for mail and
 * apps; the PDF ticket draws them itself from the same runs of dark modules. */
#ifndef BOXOFFICE_QR_H
#define BOXOFFICE_QR_H
#include <stddef.h>
#include <ClearSilver.h>

struct arena;

/* The light border every renderer adds around the symbol, in modules: libqrencode gives the
 * bare symbol and the QR specification asks for 4 modules, without which scanners miss it. */
#define QR_QUIET_ZONE 4
/* Bounds of a renderer's module size in pixels (a version 40 symbol at 32 px is 5920 px). */
#define QR_MODULE_PX_MAX 32

struct qr {
	int width;                   /* modules per side, quiet zone not included */
	const unsigned char *dark;   /* width × width, row by row: 1 dark, 0 light */
};

/* `text` as a QR code, error correction level M, case kept (libqrencode upper-cases its input
 * unless told not to). Fails for an empty text or one too long for any version. */
NEOERR *qr_encode(struct arena *a, const char *text, struct qr *out);
/* fn(ctx, x, y, len) for each horizontal run of dark modules, row by row, left to right, in
 * symbol coordinates (add QR_QUIET_ZONE for the border): drawing runs instead of modules
 * keeps a drawing a few times smaller. */
void qr_each_run(const struct qr *q, void (*fn)(void *ctx, int x, int y, int len), void *ctx);
/* What an <svg> of the code needs, for a template that writes the element itself: the side in
 * modules with the quiet zone, and the path data of the dark modules (digits, spaces and the
 * letters M h v z only, so it needs no escaping). */
struct qr_svg_parts {
	int size;
	const char *path;
};
void qr_svg_parts(struct arena *a, const struct qr *q, struct qr_svg_parts *out);
/* A standalone <svg> element: quiet zone included in its viewBox (in modules), each module
 * `module_px` pixels (clamped to 1..QR_MODULE_PX_MAX), role="img" with `title` (XML-escaped)
 * as its aria-label, a white background and one <path> for all dark modules. */
const char *qr_svg(struct arena *a, const struct qr *q, int module_px, const char *title);
/* A black on white 1-bit grayscale PNG with the quiet zone, `module_px` (1..QR_MODULE_PX_MAX)
 * pixels a module; the bytes live in the arena. */
NEOERR *qr_png(struct arena *a, const struct qr *q, int module_px, const unsigned char **png,
	       size_t *len);

#endif
