/* eticket: an issued ticket as people see it — its seat line, its time line, the holder it is
 * made out to, and the PDF of a booking's tickets (one page each) — the same on the ticket
 * pages and in the mails. */
#ifndef BOXOFFICE_ETICKET_H
#define BOXOFFICE_ETICKET_H
#include <stddef.h>
#include <ClearSilver.h>

struct arena;
struct config;
struct eticket;
struct eticket_booking;

/* "Stalls · Row B · Seat 12", or "Standing · Floor". */
const char *eticket_seat_line(struct arena *a, const struct eticket *t);
/* "Sat 12 Dec 2026, 19:30 · Europe/Dublin (UTC+00:00)", in the venue's zone. */
const char *eticket_when_line(struct arena *a, const struct eticket_booking *b);
/* Whom ticket `t` is made out to: its named holder, else the buyer. */
const char *eticket_holder(const struct eticket_booking *b, const struct eticket *t);
/* The event of booking `b` as pages and mails show it, under Event.*: Id, Name, When (the
 * time line), Date (ISO 8601), Day, Time, Zone, Venue, Address, City. */
void eticket_fill_event(struct arena *a, HDF *hdf, const struct eticket_booking *b);
/* The PDF of booking `b`'s tickets — all of them, or only ticket `only_ticket_id` when it is
 * not 0 — void tickets marked as such (Tickets.FontDir's DejaVu fonts embedded). */
NEOERR *eticket_pdf(const struct config *cfg, struct arena *a, const struct eticket_booking *b,
		    long long only_ticket_id, const unsigned char **pdf, size_t *len);

#endif
