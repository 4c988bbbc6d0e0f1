/* db_organizer: reads for the organizer's pages; every one is scoped by the caller's owner
 * check (admin/admin_access.c) before it runs. */
#include <stdlib.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_events.h"
#include "db/db_organizer.h"

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

NEOERR *db_event_owner(struct db *db, long long event_id, bool *found, long long *organizer_id)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT COALESCE(organizer_id, 0) FROM events WHERE event_id = ?",
			      "i", event_id);
	*found = err == STATUS_OK && r.nrows > 0;
	*organizer_id = *found ? ll(db_cell(&r, 0, 0)) : 0;
	arena_destroy(a);
	return nerr_pass(err);
}

static const char SQL_EVENTS[] =
	"SELECT e.event_id, e.name, e.status, " SQL_EVENT_LOCAL_START ", " SQL_EVENT_UTC_OFFSET ","
	" v.timezone, v.name,"
	" (SELECT COUNT(*) FROM booking_items i JOIN bookings b ON b.booking_id = i.booking_id"
	"  WHERE i.event_id = e.event_id AND b.payment_status = 'confirmed'),"
	" (SELECT COUNT(*) FROM booking_items i WHERE i.event_id = e.event_id AND i.checked_in_at IS NOT NULL)"
	" FROM events e JOIN venues v ON v.venue_id = e.venue_id"
	" WHERE (? = 0 OR e.organizer_id = ?) ORDER BY e.starts_at, e.event_id LIMIT 500";

NEOERR *db_organizer_events(struct db *db, struct arena *a, long long organizer_id,
			    struct organizer_event **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_EVENTS, "ii", organizer_id, organizer_id);
	*n = 0;
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct organizer_event *list = arena_zalloc(a, sizeof *list * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		list[i] = (struct organizer_event){
			.event_id = ll(db_cell(&r, i, 0)),
			.name = db_cell(&r, i, 1),
			.status = db_cell(&r, i, 2),
			.starts_local = db_cell(&r, i, 3),
			.utc_offset_minutes = (int)ll(db_cell(&r, i, 4)),
			.venue_timezone = db_cell(&r, i, 5),
			.venue_name = db_cell(&r, i, 6),
			.sold = ll(db_cell(&r, i, 7)),
			.admitted = ll(db_cell(&r, i, 8)),
		};
	}
	*out = list;
	*n = r.nrows;
	return STATUS_OK;
}

static const char SQL_ATTENDEES[] =
	"SELECT b.booking_code, b.buyer_name, b.buyer_email, i.holder_name, t.seat_label,"
	" DATE_FORMAT(i.checked_in_at, '%Y-%m-%d %H:%i:%s')"
	" FROM booking_items i JOIN bookings b ON b.booking_id = i.booking_id"
	" JOIN tickets t ON t.ticket_id = i.ticket_id"
	" WHERE i.event_id = ? AND b.payment_status = 'confirmed'"
	" ORDER BY b.booking_id, i.ticket_id LIMIT 50000";

NEOERR *db_event_attendees(struct db *db, struct arena *a, long long event_id,
			   struct attendee **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_ATTENDEES, "i", event_id);
	*n = 0;
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct attendee *list = arena_zalloc(a, sizeof *list * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		list[i] = (struct attendee){ db_cell(&r, i, 0), db_cell(&r, i, 1), db_cell(&r, i, 2),
					     db_cell(&r, i, 3), db_cell(&r, i, 4), db_cell(&r, i, 5) };
	*out = list;
	*n = r.nrows;
	return STATUS_OK;
}
