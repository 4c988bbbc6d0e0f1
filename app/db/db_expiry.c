/* db_expiry: the SQL of booking protocol step 4 — pending bookings whose hold ran out are
 * expired and their tickets put back on sale, a batch per transaction. */
#include <string.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_expiry.h"
#include "db/db_outbox.h"

/* A result's first column (ids: digits only, from the server) as a JSON array, bound as
 * one parameter and opened with JSON_TABLE, so one prepared statement serves any batch. */
static const char *expiry_id_list(struct arena *a, const struct db_result *r)
{
	size_t size = 3;
	for (int i = 0; i < r->nrows; i++)
		size += strlen(db_cell(r, i, 0)) + 1;
	char *json = arena_alloc(a, size);
	size_t n = 0;
	json[n++] = '[';
	for (int i = 0; i < r->nrows; i++) {
		const char *id = db_cell(r, i, 0);
		if (i > 0)
			json[n++] = ',';
		memcpy(json + n, id, strlen(id));
		n += strlen(id);
	}
	json[n++] = ']';
	json[n] = '\0';
	return json;
}

/* The tickets of a locked batch of bookings: lock them in ticket_id order (the order every
 * booking transaction locks tickets in), put those still held for these bookings back on
 * sale, and expire the bookings.
 *
 * InnoDB locks rows in the order it reads them, whatever the ORDER BY says, so the tickets
 * are first listed without locks and then locked through a sorted id list that JSON_TABLE
 * yields in array order. STRAIGHT_JOIN and FORCE INDEX keep every statement reading from the
 * id list by key: a plan from the other end would scan (and wait on) every reserved ticket or
 * pending booking of the site. */
static NEOERR *expiry_release(struct db *db, struct arena *a, const struct db_result *bookings,
			     long *expired, long *released)
{
	struct db_result tickets, result;
	const char *booking_ids = expiry_id_list(a, bookings);
	NEOERR *err = db_exec(db, a, &tickets,
		"SELECT t.ticket_id "
		"FROM JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS b "
		"STRAIGHT_JOIN tickets t FORCE INDEX (idx_tickets_booking) ON t.booking_id = b.booking_id "
		"ORDER BY t.ticket_id",
		"s", booking_ids);
	if (err == STATUS_OK && tickets.nrows > 0)
		err = db_exec(db, a, NULL,
			"SELECT t.ticket_id "
			"FROM JSON_TABLE(?, '$[*]' COLUMNS (ticket_id BIGINT UNSIGNED PATH '$')) AS j "
			"STRAIGHT_JOIN tickets t FORCE INDEX (PRIMARY) ON t.ticket_id = j.ticket_id "
			"FOR UPDATE",
			"s", expiry_id_list(a, &tickets));
	/* Only tickets still reserved by that booking: one that changed hands meanwhile
	 * belongs to someone else now. They are written down first, so a payment that lands
	 * after the hold ran out can take the very same seats again if they are still free. */
	if (err == STATUS_OK && tickets.nrows > 0)
		err = db_exec(db, a, NULL,
			"INSERT IGNORE INTO booking_released_tickets (booking_id, ticket_id) "
			"SELECT t.booking_id, t.ticket_id "
			"FROM JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS b "
			"STRAIGHT_JOIN tickets t FORCE INDEX (idx_tickets_booking) ON t.booking_id = b.booking_id "
			"WHERE t.status = 'reserved'",
			"s", booking_ids);
	if (err == STATUS_OK)
		err = db_exec(db, a, &result,
			"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS b "
			"STRAIGHT_JOIN tickets t FORCE INDEX (idx_tickets_booking) "
			"  ON t.booking_id = b.booking_id "
			"SET t.status = 'available', t.booking_id = NULL, t.hold_expires_at = NULL "
			"WHERE t.status = 'reserved'",
			"s", booking_ids);
	if (err == STATUS_OK)
		*released += (long)result.affected_rows;
	if (err == STATUS_OK)
		err = db_exec(db, a, &result,
			"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS b "
			"STRAIGHT_JOIN bookings bk FORCE INDEX (PRIMARY) ON bk.booking_id = b.booking_id "
			"SET bk.payment_status = 'expired', bk.updated_at = UTC_TIMESTAMP() "
			"WHERE bk.payment_status = 'pending'",
			"s", booking_ids);
	if (err == STATUS_OK)
		*expired += (long)result.affected_rows;
	/* Buyers who had given their address at checkout are told their hold ran out. */
	if (err == STATUS_OK && result.affected_rows > 0)
		err = db_outbox_for_bookings(db, a, OUTBOX_HOLD_EXPIRED, booking_ids, 0, false);
	return nerr_pass(err);
}

NEOERR *db_expiry_batch(struct db *db, int grace, int *found, long *expired, long *released)
{
	struct arena *a = arena_new();
	struct db_result bookings;
	*found = 0;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_exec(db, a, &bookings,
			      "SELECT booking_id FROM bookings "
			      "WHERE payment_status = 'pending' "
			      "  AND expires_at < UTC_TIMESTAMP() - INTERVAL ? SECOND "
			      "ORDER BY expires_at LIMIT ? "
			      "FOR UPDATE SKIP LOCKED",
			      "ii", (long long)grace, (long long)DB_EXPIRY_BATCH);
	if (err == STATUS_OK && bookings.nrows > 0) {
		*found = bookings.nrows;
		err = expiry_release(db, a, &bookings, expired, released);
	}
	err = db_end(db, err);
	arena_destroy(a);
	return nerr_pass(err);
}
