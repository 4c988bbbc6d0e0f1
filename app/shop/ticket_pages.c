/* ticket_pages: the e-tickets for their holders — GET /tickets/{code} (one printable ticket
 * with its QR code) and /tickets/{code}.pdf, and a booking's tickets together at
 * /bookings/{id}/tickets and /tickets.pdf, opened by the key in the links we mail and text.
 * The code is the bearer's proof: it is checked against its signature before any query. */
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/format.h"
#include "core/link_key.h"
#include "core/ticket_code.h"
#include "db/db_tickets.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "shop/ticket_pages.h"
#include "tickets/eticket.h"
#include "tickets/qr.h"

#define TICKET_QR_MODULE_PX 5

static NEOERR *ticket_not_found(void)
{
	return nerr_raise(ERR_NOT_FOUND, "There is no such ticket. Check the code, or open the link "
			  "from your confirmation again.");
}

/* The booking and the ticket a code names, after its signature held; a 404 for anything else,
 * forged codes before any query. */
static NEOERR *ticket_load(struct request *req, const char *typed, struct eticket_booking *b,
			   const struct eticket **ticket)
{
	*ticket = NULL;
	struct ticket_claims claims;
	if (ticket_code_verify(&req->app->cfg->ticket_keyring, typed, &claims) != TICKET_CODE_VALID)
		return nerr_pass(ticket_not_found());
	const char *code = ticket_code_normalise(req->arena, typed);
	bool found;
	NEOERR *err = db_tickets_of_booking(&req->app->db, req->arena, claims.booking_id, b, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	for (int i = 0; found && b->event_id == claims.event_id && i < b->ntickets; i++)
		if (b->tickets[i].ticket_id == claims.ticket_id && strcmp(b->tickets[i].code, code) == 0)
			*ticket = &b->tickets[i];
	return *ticket ? STATUS_OK : nerr_pass(ticket_not_found());
}

static NEOERR *ticket_fill(struct request *req, HDF *hdf, const char *prefix,
			   const struct eticket_booking *b, const struct eticket *t)
{
	struct qr q;
	NEOERR *err = qr_encode(req->arena, t->code, &q);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct qr_svg_parts svg;
	qr_svg_parts(req->arena, &q, &svg);
	hdf_set_valuef(hdf, "%s.Code=%s", prefix, t->code);
	hdf_set_valuef(hdf, "%s.CodeDisplay=%s", prefix, ticket_code_display(req->arena, t->code));
	hdf_set_valuef(hdf, "%s.Seat=%s", prefix, eticket_seat_line(req->arena, t));
	hdf_set_valuef(hdf, "%s.Holder=%s", prefix, eticket_holder(b, t));
	hdf_set_valuef(hdf, "%s.Price=%s", prefix, format_money(req->arena, t->price_cents, b->currency));
	hdf_set_valuef(hdf, "%s.Qr.Size=%d", prefix, svg.size);
	hdf_set_valuef(hdf, "%s.Qr.Pixels=%d", prefix, svg.size * TICKET_QR_MODULE_PX);
	hdf_set_valuef(hdf, "%s.Qr.Path=%s", prefix, svg.path);
	if (t->checked_in_at)
		hdf_set_valuef(hdf, "%s.CheckedIn=%s UTC%s%s", prefix, t->checked_in_at,
			       t->checked_in_door ? ", " : "", t->checked_in_door ? t->checked_in_door : "");
	return STATUS_OK;
}

static void ticket_fill_event(struct request *req, HDF *hdf, const struct eticket_booking *b)
{
	eticket_fill_event(req->arena, hdf, b);
	hdf_set_value(hdf, "Booking.Code", b->booking_code);
	if (b->void_tickets)
		hdf_set_value(hdf, "Booking.Void", strcmp(b->event_status, "cancelled") == 0
			      ? "This event was cancelled: the ticket is void."
			      : "This booking was refunded or cancelled: the ticket is void.");
}

/* A PDF answer; `disposition_name` is the file a browser saves it as. */
static void ticket_send_pdf(struct request *req, const unsigned char *pdf, size_t len, const char *name)
{
	buf_reset(&req->resp.body);
	buf_append(&req->resp.body, (const char *)pdf, len);
	req->resp.status = 200;
	req->resp.content_type = "application/pdf";
	http_set_header(req, "Content-Disposition", arena_printf(req->arena, "inline; filename=\"%s\"", name));
}

NEOERR *ticket_page(struct request *req)
{
	struct eticket_booking b;
	const struct eticket *t;
	NEOERR *err = ticket_load(req, http_capture(req, "code"), &b, &t);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	ticket_fill_event(req, hdf, &b);
	err = ticket_fill(req, hdf, "Ticket", &b, t);
	if (err != STATUS_OK)
		return nerr_pass(err);
	hdf_set_value(hdf, "Page.Title", arena_printf(req->arena, "Ticket · %s", b.event_name));
	return nerr_pass(render_page(req, "tickets/ticket.cs"));
}

NEOERR *ticket_pdf_page(struct request *req)
{
	struct eticket_booking b;
	const struct eticket *t;
	NEOERR *err = ticket_load(req, http_capture(req, "code"), &b, &t);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const unsigned char *pdf;
	size_t len;
	err = eticket_pdf(req->app->cfg, req->arena, &b, t->ticket_id, &pdf, &len);
	if (err != STATUS_OK)
		return nerr_pass(err);
	ticket_send_pdf(req, pdf, len, arena_printf(req->arena, "ticket-%s-%lld.pdf", b.booking_code,
						    t->ticket_id));
	return STATUS_OK;
}

/* The booking of /bookings/{id}/tickets… whose `key` is right, with its tickets. */
static NEOERR *booking_tickets_load(struct request *req, struct eticket_booking *b)
{
	char *end = NULL;
	const char *id_text = http_capture(req, "id");
	long long id = strtoll(id_text, &end, 10);
	bool found = false;
	if (*end == '\0' && id > 0 &&
	    link_key_check(req->app->cfg->secret_key, "booking-tickets", id, http_query(req, "key"))) {
		NEOERR *err = db_tickets_of_booking(&req->app->db, req->arena, id, b, &found);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	if (!found || b->ntickets == 0)
		return nerr_raise(ERR_NOT_FOUND, "There are no such tickets, or the link is incomplete.");
	return STATUS_OK;
}

NEOERR *booking_tickets_page(struct request *req)
{
	struct eticket_booking b;
	NEOERR *err = booking_tickets_load(req, &b);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	ticket_fill_event(req, hdf, &b);
	for (int i = 0; err == STATUS_OK && i < b.ntickets; i++)
		err = ticket_fill(req, hdf, arena_printf(req->arena, "Tickets.%d", i), &b, &b.tickets[i]);
	if (err != STATUS_OK)
		return nerr_pass(err);
	hdf_set_valuef(hdf, "Booking.Id=%lld", b.booking_id);
	hdf_set_value(hdf, "Booking.Key", http_query(req, "key"));
	hdf_set_value(hdf, "Page.Title", arena_printf(req->arena, "Tickets · %s", b.event_name));
	return nerr_pass(render_page(req, "tickets/booking.cs"));
}

NEOERR *booking_tickets_pdf(struct request *req)
{
	struct eticket_booking b;
	NEOERR *err = booking_tickets_load(req, &b);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const unsigned char *pdf;
	size_t len;
	err = eticket_pdf(req->app->cfg, req->arena, &b, 0, &pdf, &len);
	if (err == STATUS_OK)
		ticket_send_pdf(req, pdf, len, arena_printf(req->arena, "tickets-%s.pdf", b.booking_code));
	return nerr_pass(err);
}
