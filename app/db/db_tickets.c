/* db_tickets: e-tickets are rows of booking_items; what they say comes from the booking, the
 * event, the venue and the seat at the time it is read, so a moved event prints its new time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/utf8.h"
#include "db/db.h"
#include "db/db_events.h"
#include "db/db_tickets.h"

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

static const char SQL_BOOKING[] =
	"SELECT b.booking_id, b.event_id, b.booking_code, b.payment_status, b.buyer_name,"
	" b.buyer_email, b.buyer_phone, b.total_price_cents, b.currency, b.late_payment,"
	" e.name, e.status, " SQL_EVENT_LOCAL_START ", " SQL_EVENT_UTC_OFFSET ","
	" UNIX_TIMESTAMP(e.starts_at), v.name, v.address, v.city, v.timezone"
	" FROM bookings b JOIN events e ON e.event_id = b.event_id"
	" JOIN venues v ON v.venue_id = e.venue_id WHERE b.booking_id = ?";
static const char SQL_ITEMS[] =
	"SELECT i.ticket_id, i.ticket_code, s.name, s.kind = 'standing', vs.row_label,"
	" COALESCE(vs.seat_number, 0), t.seat_label, i.price_cents, i.holder_name, i.holder_email,"
	" DATE_FORMAT(i.checked_in_at, '%Y-%m-%d %H:%i:%s'), i.checked_in_door"
	" FROM booking_items i JOIN tickets t ON t.ticket_id = i.ticket_id"
	" JOIN venue_sections s ON s.section_id = t.section_id"
	" LEFT JOIN venue_seats vs ON vs.seat_id = t.seat_id"
	" WHERE i.booking_id = ? ORDER BY i.ticket_id";

NEOERR *db_tickets_of_booking(struct db *db, struct arena *a, long long booking_id,
			      struct eticket_booking *out, bool *found)
{
	memset(out, 0, sizeof *out);
	*found = false;
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_BOOKING, "i", booking_id);
	if (err != STATUS_OK || r.nrows == 0)
		return nerr_pass(err);
	out->booking_id = ll(db_cell(&r, 0, 0));
	out->event_id = ll(db_cell(&r, 0, 1));
	out->booking_code = db_cell(&r, 0, 2);
	out->status = db_cell(&r, 0, 3);
	out->buyer_name = db_cell(&r, 0, 4);
	out->buyer_email = db_cell(&r, 0, 5);
	out->buyer_phone = db_cell(&r, 0, 6);
	out->total_cents = ll(db_cell(&r, 0, 7));
	out->currency = db_cell(&r, 0, 8);
	out->late_payment = ll(db_cell(&r, 0, 9)) == 1;
	out->event_name = db_cell(&r, 0, 10);
	out->event_status = db_cell(&r, 0, 11);
	out->starts_local = db_cell(&r, 0, 12);
	out->utc_offset_minutes = (int)ll(db_cell(&r, 0, 13));
	out->starts_epoch = ll(db_cell(&r, 0, 14));
	out->venue_name = db_cell(&r, 0, 15);
	out->venue_address = db_cell(&r, 0, 16);
	out->venue_city = db_cell(&r, 0, 17);
	out->venue_timezone = db_cell(&r, 0, 18);
	out->void_tickets = strcmp(out->status, "confirmed") != 0 ||
			    strcmp(out->event_status, "cancelled") == 0;
	*found = true;
	err = db_exec(db, a, &r, SQL_ITEMS, "i", booking_id);
	if (err != STATUS_OK || r.nrows == 0)
		return nerr_pass(err);
	out->tickets = arena_zalloc(a, sizeof *out->tickets * (size_t)r.nrows);
	for (int i = 0; i < r.nrows; i++)
		out->tickets[i] = (struct eticket){
			.ticket_id = ll(db_cell(&r, i, 0)),
			.code = db_cell(&r, i, 1),
			.section = db_cell(&r, i, 2),
			.standing = ll(db_cell(&r, i, 3)) == 1,
			.row = db_cell(&r, i, 4),
			.seat = (int)ll(db_cell(&r, i, 5)),
			.label = db_cell(&r, i, 6),
			.price_cents = ll(db_cell(&r, i, 7)),
			.holder_name = db_cell(&r, i, 8),
			.holder_email = db_cell(&r, i, 9),
			.checked_in_at = db_cell(&r, i, 10),
			.checked_in_door = db_cell(&r, i, 11),
		};
	out->ntickets = r.nrows;
	return STATUS_OK;
}

const char *db_tickets_verdict_name(enum checkin_verdict v)
{
	switch (v) {
	case CHECKIN_ADMITTED: return "admitted";
	case CHECKIN_ALREADY_USED: return "already_used";
	case CHECKIN_VOID: return "void";
	case CHECKIN_WRONG_EVENT: return "wrong_event";
	case CHECKIN_FORGED: return "forged";
	case CHECKIN_MALFORMED: return "malformed";
	}
	return "malformed";
}

/* The one statement that admits: the row lock makes a second door's identical UPDATE wait,
 * then find checked_in_at set and change nothing. */
static const char SQL_ADMIT[] =
	"UPDATE booking_items i JOIN bookings b ON b.booking_id = i.booking_id"
	" JOIN events e ON e.event_id = i.event_id"
	" SET i.checked_in_at = UTC_TIMESTAMP(), i.checked_in_door = ?"
	" WHERE i.booking_id = ? AND i.ticket_id = ? AND i.event_id = ? AND i.ticket_code = ?"
	"   AND i.checked_in_at IS NULL AND b.payment_status = 'confirmed' AND e.status <> 'cancelled'";
static const char SQL_WHY_NOT[] =
	"SELECT DATE_FORMAT(i.checked_in_at, '%Y-%m-%d %H:%i:%s'), i.checked_in_door,"
	" b.payment_status = 'confirmed' AND e.status <> 'cancelled', t.seat_label,"
	" COALESCE(i.holder_name, b.buyer_name), b.booking_code"
	" FROM booking_items i JOIN bookings b ON b.booking_id = i.booking_id"
	" JOIN events e ON e.event_id = i.event_id JOIN tickets t ON t.ticket_id = i.ticket_id"
	" WHERE i.booking_id = ? AND i.ticket_id = ? AND i.event_id = ? AND i.ticket_code = ?";

NEOERR *db_tickets_check_in(struct db *db, struct arena *a, long long event_id, long long booking_id,
			    long long ticket_id, const char *code, const char *door,
			    struct checkin_result *out)
{
	memset(out, 0, sizeof *out);
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_ADMIT, "siiis", door, booking_id, ticket_id, event_id, code);
	if (err != STATUS_OK)
		return nerr_pass(err);
	bool admitted = r.affected_rows == 1;
	err = db_exec(db, a, &r, SQL_WHY_NOT, "iiis", booking_id, ticket_id, event_id, code);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.nrows == 0) {
		out->verdict = CHECKIN_VOID;     /* signed, but never issued: a hold that failed */
		return STATUS_OK;
	}
	out->label = db_cell(&r, 0, 3);
	out->holder = db_cell(&r, 0, 4);
	out->booking_code = db_cell(&r, 0, 5);
	if (admitted)
		out->verdict = CHECKIN_ADMITTED;
	else if (ll(db_cell(&r, 0, 2)) != 1)
		out->verdict = CHECKIN_VOID;
	else {
		out->verdict = CHECKIN_ALREADY_USED;
		out->used_at = db_cell(&r, 0, 0);
		out->used_door = db_cell(&r, 0, 1);
	}
	return STATUS_OK;
}

NEOERR *db_tickets_record_scan(struct db *db, long long event_id, const char *typed, const char *door,
			       enum checkin_verdict verdict, long long booking_id, long long ticket_id)
{
	char code[81];      /* the column's 80, cut between characters */
	typed = typed ? typed : "";
	snprintf(code, sizeof code, "%.*s", (int)utf8_prefix(typed, sizeof code - 1), typed);
	return nerr_pass(db_exec(db, NULL, NULL,
				 "INSERT INTO checkin_scans (event_id, code, verdict, door, booking_id, ticket_id)"
				 " VALUES (?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0))", "isssii", event_id, code,
				 db_tickets_verdict_name(verdict), door, booking_id, ticket_id));
}

static const char SQL_PROGRESS[] =
	"SELECT e.name, e.status, " SQL_EVENT_LOCAL_START ", " SQL_EVENT_UTC_OFFSET ", v.timezone,"
	" (SELECT COUNT(*) FROM booking_items i JOIN bookings b ON b.booking_id = i.booking_id"
	"  WHERE i.event_id = e.event_id AND b.payment_status = 'confirmed'),"
	" (SELECT COUNT(*) FROM booking_items i JOIN bookings b ON b.booking_id = i.booking_id"
	"  WHERE i.event_id = e.event_id AND b.payment_status = 'confirmed'"
	"    AND i.checked_in_at IS NOT NULL)"
	" FROM events e JOIN venues v ON v.venue_id = e.venue_id WHERE e.event_id = ?";

NEOERR *db_tickets_progress(struct db *db, struct arena *a, long long event_id,
			    struct checkin_progress *out, bool *found)
{
	memset(out, 0, sizeof *out);
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_PROGRESS, "i", event_id);
	*found = err == STATUS_OK && r.nrows == 1;
	if (!*found)
		return nerr_pass(err);
	out->event_name = db_cell(&r, 0, 0);
	out->event_status = db_cell(&r, 0, 1);
	out->starts_local = db_cell(&r, 0, 2);
	out->utc_offset_minutes = (int)ll(db_cell(&r, 0, 3));
	out->venue_timezone = db_cell(&r, 0, 4);
	out->issued = ll(db_cell(&r, 0, 5));
	out->admitted = ll(db_cell(&r, 0, 6));
	return STATUS_OK;
}
