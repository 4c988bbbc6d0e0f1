/* eticket: the words printed on a ticket come from here alone, so the page, the mail and the
 * PDF can never describe one seat in two ways. */
#include <string.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/format.h"
#include "db/db_tickets.h"
#include "tickets/eticket.h"
#include "tickets/ticket_pdf.h"

const char *eticket_seat_line(struct arena *a, const struct eticket *t)
{
	if (t->standing || t->row == NULL)
		return arena_printf(a, "Standing · %s", t->section);
	return arena_printf(a, "%s · Row %s · Seat %d", t->section, t->row, t->seat);
}

const char *eticket_when_line(struct arena *a, const struct eticket_booking *b)
{
	struct event_time when;
	format_event_time(a, b->starts_local, b->utc_offset_minutes, b->venue_timezone, &when);
	return arena_printf(a, "%s, %s · %s", when.date, when.time, when.zone);
}

const char *eticket_holder(const struct eticket_booking *b, const struct eticket *t)
{
	if (t->holder_name && *t->holder_name)
		return t->holder_name;
	return b->buyer_name ? b->buyer_name : "";
}

void eticket_fill_event(struct arena *a, HDF *hdf, const struct eticket_booking *b)
{
	struct event_time when;
	format_event_time(a, b->starts_local, b->utc_offset_minutes, b->venue_timezone, &when);
	hdf_set_valuef(hdf, "Event.Id=%lld", b->event_id);
	hdf_set_value(hdf, "Event.Name", b->event_name);
	hdf_set_value(hdf, "Event.When", eticket_when_line(a, b));
	hdf_set_value(hdf, "Event.Date", when.iso);
	hdf_set_value(hdf, "Event.Day", when.date);
	hdf_set_value(hdf, "Event.Time", when.time);
	hdf_set_value(hdf, "Event.Zone", when.zone);
	hdf_set_value(hdf, "Event.Venue", b->venue_name);
	hdf_set_value(hdf, "Event.Address", b->venue_address);
	hdf_set_value(hdf, "Event.City", b->venue_city);
}

NEOERR *eticket_pdf(const struct config *cfg, struct arena *a, const struct eticket_booking *b,
		    long long only_ticket_id, const unsigned char **pdf, size_t *len)
{
	struct ticket_pdf_item *items = arena_zalloc(a, sizeof *items * (size_t)(b->ntickets + 1));
	int n = 0;
	const char *when = eticket_when_line(a, b);
	const char *where = arena_printf(a, "%s, %s", b->venue_address, b->venue_city);
	for (int i = 0; i < b->ntickets; i++) {
		const struct eticket *t = &b->tickets[i];
		if (only_ticket_id && t->ticket_id != only_ticket_id)
			continue;
		items[n++] = (struct ticket_pdf_item){
			.event_name = b->event_name,
			.starts_local = when,
			.venue_name = b->venue_name,
			.venue_address = where,
			.seat = eticket_seat_line(a, t),
			.holder_name = eticket_holder(b, t),
			.booking_code = b->booking_code,
			.price = format_money(a, t->price_cents, b->currency),
			.code = t->code,
			.void_ticket = b->void_tickets,
		};
	}
	if (n == 0)
		return nerr_raise(NERR_ASSERT, "booking %lld has no ticket %lld", b->booking_id, only_ticket_id);
	return nerr_pass(ticket_pdf_render(a, cfg->site_name, cfg->ticket_font_dir, items, n, pdf, len));
}
