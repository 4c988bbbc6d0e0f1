/* ticket_pdf: a booking's e-tickets as one PDF (libharu), a page per ticket with its QR code,
 * for the confirmation mail and the booking page's download. */
#ifndef BOXOFFICE_TICKET_PDF_H
#define BOXOFFICE_TICKET_PDF_H
#include <stdbool.h>
#include <stddef.h>
#include <ClearSilver.h>

struct arena;

/* Where Debian's fonts-dejavu-core puts DejaVuSans.ttf and DejaVuSans-Bold.ttf. */
#define TICKET_PDF_FONT_DIR "/usr/share/fonts/truetype/dejavu"

/* One ticket, every string UTF-8 and already formatted for people; NULL prints nothing. */
struct ticket_pdf_item {
	const char *event_name;
	const char *starts_local;    /* "Sat 12 Dec 2026, 19:30 (Europe/Dublin)" */
	const char *venue_name;
	const char *venue_address;
	const char *seat;            /* "Stalls · Row B · Seat 12", "Standing · Floor" */
	const char *holder_name;
	const char *booking_code;
	const char *price;           /* "€45.00" */
	const char *code;            /* the canonical ticket code: the QR code's content */
	bool void_ticket;            /* refunded or cancelled: marked VOID, no QR code, no code */
};

/* The `n` tickets (1 or more) as a PDF, one A4 page each, in the arena. `font_dir` NULL means
 * TICKET_PDF_FONT_DIR. The same items give the same bytes (no dates are written). Text too
 * wide for its place is set smaller and, at the smallest size, cut with an ellipsis; control
 * characters print as spaces and invalid UTF-8 as U+FFFD, so no value can break the page. */
NEOERR *ticket_pdf_render(struct arena *a, const char *site_name, const char *font_dir,
			  const struct ticket_pdf_item *items, int n, const unsigned char **pdf,
			  size_t *len);

#endif
