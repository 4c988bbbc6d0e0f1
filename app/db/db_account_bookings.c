/* db_account_bookings: one statement, read through idx_bookings_user_created. */
#include <stdlib.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_account_bookings.h"
#include "db/db_events.h"

/* The seats: the issued tickets once a booking was confirmed, the held ones before. */
static const char SQL_LIST[] =
	"SELECT b.booking_id, b.booking_code, b.payment_status, b.total_price_cents, b.currency,"
	" DATE_FORMAT(b.created_at, '%Y-%m-%dT%H:%i:%sZ'), e.event_id, e.name, e.status, "
	SQL_EVENT_LOCAL_START ", " SQL_EVENT_UTC_OFFSET ", v.name, v.city, v.timezone,"
	" e.starts_at > UTC_TIMESTAMP(),"
	" COALESCE((SELECT COUNT(*) FROM booking_items i WHERE i.booking_id = b.booking_id), 0),"
	" COALESCE((SELECT GROUP_CONCAT(t.seat_label ORDER BY t.ticket_id SEPARATOR ', ')"
	"           FROM booking_items i JOIN tickets t ON t.ticket_id = i.ticket_id"
	"           WHERE i.booking_id = b.booking_id),"
	"          (SELECT GROUP_CONCAT(t.seat_label ORDER BY t.ticket_id SEPARATOR ', ')"
	"           FROM tickets t WHERE t.booking_id = b.booking_id), ''),"
	" (SELECT COUNT(*) FROM tickets t WHERE t.booking_id = b.booking_id)"
	" FROM (SELECT * FROM bookings WHERE user_id = ? ORDER BY created_at DESC LIMIT 200) b"
	" JOIN events e ON e.event_id = b.event_id JOIN venues v ON v.venue_id = e.venue_id"
	" WHERE b.payment_status IN ('confirmed', 'cancelled', 'refunded')"
	"    OR (b.payment_status = 'pending' AND b.expires_at > UTC_TIMESTAMP())"
	" ORDER BY e.starts_at > UTC_TIMESTAMP() DESC,"
	"  IF(e.starts_at > UTC_TIMESTAMP(), e.starts_at, NULL), e.starts_at DESC, b.booking_id DESC";

_Static_assert(ACCOUNT_BOOKINGS_MAX == 200, "the LIMIT in SQL_LIST says 200");

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

NEOERR *db_account_bookings(struct db *db, struct arena *a, long long user_id,
			    struct account_booking **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_LIST, "i", user_id);
	*out = NULL;
	*n = 0;
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct account_booking *list = arena_zalloc(a, sizeof *list * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		struct account_booking *b = &list[i];
		b->booking_id = ll(db_cell(&r, i, 0));
		b->booking_code = db_cell(&r, i, 1);
		b->status = db_cell(&r, i, 2);
		b->total_cents = ll(db_cell(&r, i, 3));
		b->currency = db_cell(&r, i, 4);
		b->created_at = db_cell(&r, i, 5);
		b->event_id = ll(db_cell(&r, i, 6));
		b->event_name = db_cell(&r, i, 7);
		b->event_status = db_cell(&r, i, 8);
		b->starts_local = db_cell(&r, i, 9);
		b->utc_offset_minutes = (int)ll(db_cell(&r, i, 10));
		b->venue_name = db_cell(&r, i, 11);
		b->venue_city = db_cell(&r, i, 12);
		b->venue_timezone = db_cell(&r, i, 13);
		b->upcoming = ll(db_cell(&r, i, 14)) == 1;
		b->ntickets = (int)(ll(db_cell(&r, i, 15)) ? ll(db_cell(&r, i, 15)) : ll(db_cell(&r, i, 17)));
		b->seats = db_cell(&r, i, 16);
	}
	*out = list;
	*n = r.nrows;
	return STATUS_OK;
}
