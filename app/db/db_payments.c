/* db_payments: payment attempts at the gateways. Lock order as everywhere in the booking
 * code: a payment row, then its booking, then the booking's tickets in ticket_id order. */
#include <stdlib.h>
#include <string.h>
#include <mysqld_error.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_bookings.h"
#include "db/db_outbox.h"
#include "db/db_payments.h"

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

#define PAYMENT_COLUMNS \
	"p.payment_id, p.booking_id, p.event_id, p.provider, p.status, p.provider_ref, p.session_id," \
	" p.checkout_url, p.payment_method, p.amount_cents, p.refunded_cents, p.currency," \
	" COALESCE(p.checkout_expires_at > UTC_TIMESTAMP(), 0)," \
	" TIMESTAMPDIFF(SECOND, p.created_at, UTC_TIMESTAMP()), b.booking_code, b.payment_status," \
	" b.total_price_cents" \
	" FROM payments p JOIN bookings b ON b.booking_id = p.booking_id"

static void payment_from_row(const struct db_result *r, int i, struct payment_record *out)
{
	*out = (struct payment_record){
		.payment_id = ll(db_cell(r, i, 0)),
		.booking_id = ll(db_cell(r, i, 1)),
		.event_id = ll(db_cell(r, i, 2)),
		.provider = db_cell(r, i, 3),
		.status = db_cell(r, i, 4),
		.provider_ref = db_cell(r, i, 5),
		.session_id = db_cell(r, i, 6),
		.checkout_url = db_cell(r, i, 7),
		.payment_method = db_cell(r, i, 8),
		.amount_cents = ll(db_cell(r, i, 9)),
		.refunded_cents = ll(db_cell(r, i, 10)),
		.currency = db_cell(r, i, 11),
		.checkout_open = ll(db_cell(r, i, 12)) == 1,
		.age_seconds = (int)ll(db_cell(r, i, 13)),
		.booking_code = db_cell(r, i, 14),
		.booking_status = db_cell(r, i, 15),
		.booking_total_cents = ll(db_cell(r, i, 16)),
	};
}

static NEOERR *payment_one(struct db *db, struct arena *a, const char *sql, const char *types,
			   const char *s1, const char *s2, long long id, struct payment_record *out,
			   bool *found)
{
	struct db_result r;
	NEOERR *err = types[0] == 'i' ? db_exec(db, a, &r, sql, types, id)
				      : db_exec(db, a, &r, sql, types, s1, s2);
	*found = err == STATUS_OK && r.nrows > 0;
	if (*found)
		payment_from_row(&r, 0, out);
	else
		memset(out, 0, sizeof *out);
	return nerr_pass(err);
}

NEOERR *db_payments_get(struct db *db, struct arena *a, long long payment_id,
			struct payment_record *out, bool *found)
{
	return nerr_pass(payment_one(db, a, "SELECT " PAYMENT_COLUMNS " WHERE p.payment_id = ?", "i",
				     NULL, NULL, payment_id, out, found));
}

NEOERR *db_payments_by_session(struct db *db, struct arena *a, const char *provider,
			       const char *session_id, struct payment_record *out, bool *found)
{
	return nerr_pass(payment_one(db, a, "SELECT " PAYMENT_COLUMNS
				     " WHERE p.provider = ? AND p.session_id = ?", "ss",
				     provider, session_id, 0, out, found));
}

NEOERR *db_payments_by_ref(struct db *db, struct arena *a, const char *provider,
			   const char *provider_ref, struct payment_record *out, bool *found)
{
	return nerr_pass(payment_one(db, a, "SELECT " PAYMENT_COLUMNS
				     " WHERE p.provider = ? AND p.provider_ref = ?", "ss",
				     provider, provider_ref, 0, out, found));
}

NEOERR *db_payments_latest_checkout(struct db *db, struct arena *a, long long booking_id,
				    struct payment_record *out, bool *found)
{
	return nerr_pass(payment_one(db, a, "SELECT " PAYMENT_COLUMNS
				     " WHERE p.booking_id = ? AND p.session_id IS NOT NULL"
				     " ORDER BY p.payment_id DESC LIMIT 1", "i",
				     NULL, NULL, booking_id, out, found));
}

static const char SQL_LOCK_PAYMENT[] =
	"SELECT status, booking_id, failure FROM payments WHERE payment_id = ? FOR UPDATE";
static const char SQL_LOCK_HOLD[] =
	"SELECT payment_status, ticket_count FROM bookings WHERE booking_id = ? FOR UPDATE";
static const char SQL_LOCK_HELD_TICKETS[] =
	"SELECT ticket_id FROM tickets WHERE booking_id = ? AND status = 'reserved'"
	" ORDER BY ticket_id FOR UPDATE";
static const char SQL_CHECKOUT_OPENED[] =
	"UPDATE payments SET session_id = ?, checkout_url = ?, checkout_expires_at = ?,"
	" updated_at = UTC_TIMESTAMP() WHERE payment_id = ?";
/* Never shorter: a hold that already lasts longer keeps its time. */
static const char SQL_EXTEND_BOOKING[] =
	"UPDATE bookings SET expires_at = GREATEST(expires_at, ?), updated_at = UTC_TIMESTAMP()"
	" WHERE booking_id = ?";
static const char SQL_EXTEND_TICKETS[] =
	"UPDATE tickets SET hold_expires_at = GREATEST(hold_expires_at, ?)"
	" WHERE booking_id = ? AND status = 'reserved'";
static const char SQL_PAYMENT_STATUS[] =
	"UPDATE payments SET status = ?, failure = ?, updated_at = UTC_TIMESTAMP()"
	" WHERE payment_id = ? AND status = 'pending'";

static NEOERR *checkout_opened_locked(struct db *db, struct arena *a, long long payment_id,
				      long long booking_id, const char *session_id, const char *url,
				      const char *until, bool *held)
{
	struct db_result p, b, t;
	NEOERR *err = db_exec(db, a, &p, SQL_LOCK_PAYMENT, "i", payment_id);
	if (err == STATUS_OK)
		err = db_exec(db, a, &b, SQL_LOCK_HOLD, "i", booking_id);
	if (err == STATUS_OK)
		err = db_exec(db, a, &t, SQL_LOCK_HELD_TICKETS, "i", booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* The session is recorded either way, so a late payment through it is recognised. */
	err = db_exec(db, a, NULL, SQL_CHECKOUT_OPENED, "sssi", session_id, url, until, payment_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*held = p.nrows && strcmp(db_cell(&p, 0, 0), "pending") == 0 && b.nrows &&
		strcmp(db_cell(&b, 0, 0), "pending") == 0 && t.nrows == ll(db_cell(&b, 0, 1));
	if (!*held)
		return nerr_pass(db_exec(db, a, NULL, SQL_PAYMENT_STATUS, "ssi", "failed",
					 "the hold ended before the checkout opened", payment_id));
	err = db_exec(db, a, NULL, SQL_EXTEND_BOOKING, "si", until, booking_id);
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL, SQL_EXTEND_TICKETS, "si", until, booking_id);
	return nerr_pass(err);
}

NEOERR *db_payments_checkout_opened(struct db *db, struct arena *a, long long payment_id,
				    long long booking_id, const char *session_id, const char *url,
				    const char *until, bool *held)
{
	*held = false;
	NEOERR *err = db_begin(db);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(db_end(db, checkout_opened_locked(db, a, payment_id, booking_id, session_id,
							   url, until, held)));
}

static const char *unpaid_notice(enum unpaid_hold hold)
{
	switch (hold) {
	case UNPAID_RELEASE_EXPIRED: return OUTBOX_HOLD_EXPIRED;
	case UNPAID_RELEASE_DECLINED: return OUTBOX_PAYMENT_FAILED;
	case UNPAID_KEEP_HOLD:
	case UNPAID_RELEASE_QUIETLY: break;
	}
	return NULL;
}

static NEOERR *unpaid_locked(struct db *db, struct arena *a, long long payment_id, const char *status,
			     const char *failure, enum unpaid_hold hold,
			     const struct payment_event_record *event, bool *replay)
{
	NEOERR *err;
	if (event) {
		bool fresh;
		err = db_payment_event_insert(db, event, payment_id, &fresh);
		if (err != STATUS_OK || !fresh) {
			*replay = err == STATUS_OK;
			return nerr_pass(err);
		}
	}
	struct db_result p;
	err = db_exec(db, a, &p, SQL_LOCK_PAYMENT, "i", payment_id);
	if (err != STATUS_OK || p.nrows == 0 || strcmp(db_cell(&p, 0, 0), "pending") != 0)
		return nerr_pass(err);   /* settled already: a success is never undone here */
	/* The shopper gave up on this checkout, and whoever reports its session closed first (the
	 * gateway's webhook, or the shopper's own request) reports their cancel. */
	const char *marked = db_cell(&p, 0, 2);
	if (hold == UNPAID_RELEASE_EXPIRED && marked && strcmp(marked, PAYMENT_GIVEN_UP) == 0) {
		hold = UNPAID_RELEASE_QUIETLY;
		failure = PAYMENT_GIVEN_UP;
	}
	err = db_exec(db, a, NULL, SQL_PAYMENT_STATUS, "ssi", status, failure, payment_id);
	bool released;
	if (err == STATUS_OK && hold != UNPAID_KEEP_HOLD)
		err = db_bookings_release_locked(db, a, ll(db_cell(&p, 0, 1)), "failed", unpaid_notice(hold),
						 &released);
	return nerr_pass(err);
}

NEOERR *db_payments_unpaid(struct db *db, struct arena *a, long long payment_id, const char *status,
			   const char *failure, enum unpaid_hold hold,
			   const struct payment_event_record *event, bool *replay)
{
	*replay = false;
	NEOERR *err = db_begin(db);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(db_end(db, unpaid_locked(db, a, payment_id, status, failure, hold, event,
						  replay)));
}

NEOERR *db_payments_giving_up(struct db *db, long long payment_id)
{
	return nerr_pass(db_exec(db, NULL, NULL,
				 "UPDATE payments SET failure = ? WHERE payment_id = ? AND status = 'pending'",
				 "si", PAYMENT_GIVEN_UP, payment_id));
}

NEOERR *db_payments_note_event(struct db *db, const struct payment_event_record *event,
			       long long payment_id, bool *replay)
{
	bool fresh = true;
	NEOERR *err = db_payment_event_insert(db, event, payment_id, &fresh);
	*replay = err == STATUS_OK && !fresh;
	return nerr_pass(err);
}

static const char SQL_REFUNDED_TOTAL[] =
	"UPDATE payments SET refunded_cents = GREATEST(refunded_cents, LEAST(?, amount_cents)),"
	" updated_at = UTC_TIMESTAMP() WHERE payment_id = ?";

NEOERR *db_payments_refunded(struct db *db, long long payment_id, long long refunded_cents,
			     const struct payment_event_record *event, bool *replay)
{
	*replay = false;
	NEOERR *err = db_begin(db);
	bool fresh = true;
	if (err == STATUS_OK && event)
		err = db_payment_event_insert(db, event, payment_id, &fresh);
	if (err == STATUS_OK && fresh)
		err = db_exec(db, NULL, NULL, SQL_REFUNDED_TOTAL, "ii", refunded_cents, payment_id);
	*replay = err == STATUS_OK && !fresh;
	return nerr_pass(db_end(db, err));
}

NEOERR *db_payments_touch(struct db *db, long long payment_id)
{
	return nerr_pass(db_exec(db, NULL, NULL,
				 "UPDATE payments SET updated_at = UTC_TIMESTAMP() WHERE payment_id = ?",
				 "i", payment_id));
}

NEOERR *db_payments_unsettled(struct db *db, struct arena *a, int limit,
			      struct payment_record **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT " PAYMENT_COLUMNS
			      " WHERE p.status = 'pending' AND (p.created_at < UTC_TIMESTAMP() - INTERVAL"
			      " IF(p.session_id IS NULL AND p.checkout_url IS NULL, 60, 120) SECOND)"
			      " AND p.updated_at < UTC_TIMESTAMP() - INTERVAL 10 SECOND"
			      " ORDER BY p.updated_at, p.payment_id LIMIT ?", "i", (long long)limit);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*n = r.nrows;
	*out = arena_zalloc(a, sizeof(struct payment_record) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		payment_from_row(&r, i, &(*out)[i]);
	return STATUS_OK;
}

NEOERR *db_payments_stuck(struct db *db, struct arena *a, int min_age, struct payment_record **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT " PAYMENT_COLUMNS
			      " WHERE p.status = 'pending' AND p.created_at < UTC_TIMESTAMP() - INTERVAL ? SECOND"
			      " ORDER BY p.payment_id LIMIT 1000", "i", (long long)min_age);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*n = r.nrows;
	*out = arena_zalloc(a, sizeof(struct payment_record) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		payment_from_row(&r, i, &(*out)[i]);
	return STATUS_OK;
}

NEOERR *db_payments_succeeded(struct db *db, struct arena *a, long long booking_id,
			      struct payment_record *out, bool *found)
{
	return nerr_pass(payment_one(db, a, "SELECT " PAYMENT_COLUMNS
				     " WHERE p.booking_id = ? AND p.status = 'succeeded'"
				     " ORDER BY p.payment_id DESC LIMIT 1", "i", NULL, NULL, booking_id, out, found));
}

static const char SQL_REFUND_INSERT[] =
	"INSERT INTO refunds (payment_id, booking_id, amount_cents, idempotency_key, reason)"
	" VALUES (?, ?, ?, ?, ?)";
static const char SQL_REFUND_BY_KEY[] =
	"SELECT refund_id, payment_id, amount_cents, status, provider_ref FROM refunds"
	" WHERE idempotency_key = ?";

NEOERR *db_refunds_begin(struct db *db, struct arena *a, long long payment_id, long long booking_id,
			 long long amount_cents, const char *key, const char *reason,
			 struct refund_record *out, bool *fresh)
{
	memset(out, 0, sizeof *out);
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_REFUND_INSERT, "iiiss", payment_id, booking_id,
			      amount_cents, key, reason);
	*fresh = err == STATUS_OK;
	if (err == STATUS_OK) {
		*out = (struct refund_record){ (long long)r.insert_id, payment_id, amount_cents, "pending", NULL };
		return STATUS_OK;
	}
	if (db_errno(db) != ER_DUP_ENTRY)
		return nerr_pass(err);
	nerr_ignore(&err);
	err = db_exec(db, a, &r, SQL_REFUND_BY_KEY, "s", key);
	if (err == STATUS_OK && r.nrows == 0)
		err = nerr_raise(NERR_ASSERT, "refund %s vanished", key);
	if (err == STATUS_OK)
		*out = (struct refund_record){ ll(db_cell(&r, 0, 0)), ll(db_cell(&r, 0, 1)),
					       ll(db_cell(&r, 0, 2)), db_cell(&r, 0, 3), db_cell(&r, 0, 4) };
	return nerr_pass(err);
}

NEOERR *db_refunds_finish(struct db *db, long long refund_id, bool succeeded, const char *provider_ref)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_exec(db, a, &r, "SELECT payment_id, amount_cents, status, booking_id, reason"
			      " FROM refunds WHERE refund_id = ? FOR UPDATE", "i", refund_id);
	/* The payment's refunded total is a total, never a running sum: the sum of its refunds
	 * that succeeded here, or what the gateway's charge.refunded said, whichever is more.
	 * (Adding each refund's amount would count one twice when its webhook lands first.) */
	if (err == STATUS_OK && r.nrows && strcmp(db_cell(&r, 0, 2), "pending") == 0) {
		err = db_exec(db, a, NULL, "UPDATE refunds SET status = ?, provider_ref = ?,"
			      " updated_at = UTC_TIMESTAMP() WHERE refund_id = ?", "ssi",
			      succeeded ? "succeeded" : "failed", provider_ref, refund_id);
		if (err == STATUS_OK && succeeded)
			err = db_exec(db, a, NULL, "UPDATE payments SET refunded_cents = GREATEST(refunded_cents,"
				      " LEAST(amount_cents, (SELECT COALESCE(SUM(f.amount_cents), 0) FROM refunds f"
				      " WHERE f.payment_id = ? AND f.status = 'succeeded'))), updated_at = UTC_TIMESTAMP()"
				      " WHERE payment_id = ?", "ii", ll(db_cell(&r, 0, 0)), ll(db_cell(&r, 0, 0)));
		const char *reason = db_cell(&r, 0, 4);
		const char *notice = reason && strcmp(reason, REFUND_REASON_HOLD_LOST) == 0
					     ? OUTBOX_LATE_PAYMENT_REFUNDED : OUTBOX_REFUND_ISSUED;
		if (err == STATUS_OK && succeeded)
			err = db_outbox_for_booking(db, a, notice, ll(db_cell(&r, 0, 3)), refund_id,
						    arena_printf(a, "{\"amountCents\":%lld}",
								 ll(db_cell(&r, 0, 1))),
						    false);
	}
	err = db_end(db, err);
	arena_destroy(a);
	return nerr_pass(err);
}
