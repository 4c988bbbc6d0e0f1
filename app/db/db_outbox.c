/* db_outbox: messages are written by the transactions of their facts and leave through
 * claims. A claim is a short transaction of its own; nothing is sent while a row is locked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "db/db.h"
#include "db/db_outbox.h"

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

/* Mail and SMS of one fact, one row per channel the booking has a contact for. Booking ids
 * come as a JSON array opened with JSON_TABLE, so the expiry batch and a single booking share
 * one prepared statement, read by primary key. */
static const char SQL_FOR_BOOKINGS[] =
	"INSERT INTO outbox (kind, channel, recipient, booking_id, event_id, ref_id, payload, dedupe_key)"
	" SELECT ?, c.channel, IF(c.channel = 'email', b.buyer_email, b.buyer_phone), b.booking_id,"
	"        b.event_id, NULLIF(?, 0), ?, CONCAT(?, ':', b.booking_id, ':', c.channel, ':', ?)"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS j"
	" STRAIGHT_JOIN bookings b FORCE INDEX (PRIMARY) ON b.booking_id = j.booking_id"
	" JOIN (SELECT 'email' AS channel UNION ALL SELECT 'sms') c"
	" WHERE (c.channel = 'email' OR ? = 1)"
	"   AND COALESCE(IF(c.channel = 'email', b.buyer_email, b.buyer_phone), '') <> ''"
	" ON DUPLICATE KEY UPDATE outbox_id = outbox_id";

static NEOERR *outbox_for_bookings(struct db *db, struct arena *a, const char *kind,
				   const char *booking_ids, long long ref_id, const char *payload, bool sms)
{
	return nerr_pass(db_exec(db, a, NULL, SQL_FOR_BOOKINGS, "sissisi", kind, ref_id, payload, kind,
				 ref_id, booking_ids, (long long)sms));
}

NEOERR *db_outbox_for_bookings(struct db *db, struct arena *a, const char *kind,
			       const char *booking_ids, long long ref_id, bool sms)
{
	return nerr_pass(outbox_for_bookings(db, a, kind, booking_ids, ref_id, NULL, sms));
}

NEOERR *db_outbox_for_booking(struct db *db, struct arena *a, const char *kind, long long booking_id,
			      long long ref_id, const char *payload, bool sms)
{
	char ids[32];
	snprintf(ids, sizeof ids, "[%lld]", booking_id);
	return nerr_pass(outbox_for_bookings(db, a, kind, ids, ref_id, payload, sms));
}

static const char SQL_FOR_HOLDERS[] =
	"INSERT INTO outbox (kind, channel, recipient, booking_id, event_id, ticket_id, dedupe_key)"
	" SELECT '" OUTBOX_TICKET_ISSUED "', 'email', i.holder_email, i.booking_id, i.event_id, i.ticket_id,"
	"        CONCAT('" OUTBOX_TICKET_ISSUED ":', i.booking_id, ':', i.ticket_id)"
	" FROM booking_items i JOIN bookings b ON b.booking_id = i.booking_id"
	" WHERE i.booking_id = ? AND COALESCE(i.holder_email, '') <> ''"
	"   AND i.holder_email <> COALESCE(b.buyer_email, '')"
	" ON DUPLICATE KEY UPDATE outbox_id = outbox_id";

NEOERR *db_outbox_for_holders(struct db *db, long long booking_id)
{
	if (db->cfg && !db->cfg->notify_attendee_mails)
		return STATUS_OK;
	return nerr_pass(db_exec(db, NULL, NULL, SQL_FOR_HOLDERS, "i", booking_id));
}

/* --- the notifier's side ---------------------------------------------------------------- */

/* The (state, due_at) index gives due rows oldest first; SKIP LOCKED passes over the rows
 * another sender is claiming this very moment instead of waiting for its commit. */
static const char SQL_CLAIM_DUE[] =
	"SELECT outbox_id FROM outbox FORCE INDEX (idx_outbox_due)"
	" WHERE state = 'queued' AND due_at <= UTC_TIMESTAMP(3)"
	" ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED";
static const char SQL_CLAIM_LEASE[] =
	"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (outbox_id BIGINT UNSIGNED PATH '$')) AS j"
	" STRAIGHT_JOIN outbox o FORCE INDEX (PRIMARY) ON o.outbox_id = j.outbox_id"
	" SET o.due_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND, o.attempts = o.attempts + 1,"
	" o.claimed_by = ?";
static const char SQL_CLAIMED[] =
	"SELECT o.outbox_id, o.kind, o.channel, o.recipient, COALESCE(o.booking_id, 0),"
	" COALESCE(o.event_id, 0), COALESCE(o.ticket_id, 0), COALESCE(o.ref_id, 0), o.payload,"
	" o.attempts, TIMESTAMPDIFF(SECOND, o.created_at, UTC_TIMESTAMP(3)),"
	" UNIX_TIMESTAMP(o.created_at)"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (outbox_id BIGINT UNSIGNED PATH '$')) AS j"
	" STRAIGHT_JOIN outbox o FORCE INDEX (PRIMARY) ON o.outbox_id = j.outbox_id"
	" ORDER BY o.outbox_id";

/* The ids of a result's first column (digits only, from the server) as a JSON array. */
static const char *claim_id_list(struct arena *a, const struct db_result *r)
{
	struct buf b = { 0 };
	buf_append(&b, "[", 1);
	for (int i = 0; i < r->nrows; i++)
		buf_printf(&b, i ? ",%s" : "%s", db_cell(r, i, 0));
	buf_append(&b, "]", 1);
	const char *json = arena_strdup(a, b.data);
	buf_free(&b);
	return json;
}

static NEOERR *claim_locked(struct db *db, struct arena *a, const char *claimer, int limit,
			    int lease_seconds, struct db_result *claimed)
{
	struct db_result due;
	claimed->nrows = 0;
	NEOERR *err = db_exec(db, a, &due, SQL_CLAIM_DUE, "i", (long long)limit);
	if (err != STATUS_OK || due.nrows == 0)
		return nerr_pass(err);
	const char *ids = claim_id_list(a, &due);
	err = db_exec(db, a, NULL, SQL_CLAIM_LEASE, "sis", ids, (long long)lease_seconds, claimer);
	if (err == STATUS_OK)
		err = db_exec(db, a, claimed, SQL_CLAIMED, "s", ids);
	return nerr_pass(err);
}

NEOERR *db_outbox_claim(struct db *db, struct arena *a, const char *claimer, int limit,
			int lease_seconds, struct outbox_message **out, int *n)
{
	struct db_result r;
	*out = NULL;
	*n = 0;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_end(db, claim_locked(db, a, claimer, limit, lease_seconds, &r));
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct outbox_message *m = arena_zalloc(a, sizeof *m * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		m[i].outbox_id = ll(db_cell(&r, i, 0));
		m[i].kind = db_cell(&r, i, 1);
		m[i].channel = db_cell(&r, i, 2);
		m[i].recipient = db_cell(&r, i, 3);
		m[i].booking_id = ll(db_cell(&r, i, 4));
		m[i].event_id = ll(db_cell(&r, i, 5));
		m[i].ticket_id = ll(db_cell(&r, i, 6));
		m[i].ref_id = ll(db_cell(&r, i, 7));
		m[i].payload = db_cell(&r, i, 8);
		m[i].attempts = (int)ll(db_cell(&r, i, 9));
		m[i].age_seconds = ll(db_cell(&r, i, 10));
		m[i].created_epoch = ll(db_cell(&r, i, 11));
	}
	*out = m;
	*n = r.nrows;
	return STATUS_OK;
}

/* Sent is final whoever says it: a sender whose lease ran out mid-send may still be the one
 * that delivered. */
static const char SQL_SENT[] =
	"UPDATE outbox SET state = 'sent', sent_at = UTC_TIMESTAMP(3), provider_ref = ?,"
	" last_error = NULL, claimed_by = NULL WHERE outbox_id = ? AND state = 'queued'";
static const char SQL_RETRY[] =
	"UPDATE outbox SET due_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND, last_error = ?,"
	" claimed_by = NULL WHERE outbox_id = ? AND claimed_by = ? AND state = 'queued'";
static const char SQL_GIVE_UP[] =
	"UPDATE outbox SET state = 'failed', last_error = ?, claimed_by = NULL"
	" WHERE outbox_id = ? AND claimed_by = ? AND state = 'queued'";

NEOERR *db_outbox_sent(struct db *db, long long outbox_id, const char *provider_ref)
{
	char ref[256];
	snprintf(ref, sizeof ref, "%s", provider_ref ? provider_ref : "");
	return nerr_pass(db_exec(db, NULL, NULL, SQL_SENT, "si", ref, outbox_id));
}

NEOERR *db_outbox_failed(struct db *db, long long outbox_id, const char *claimer, const char *error,
			 long long retry_ms)
{
	char why[501];
	snprintf(why, sizeof why, "%s", error ? error : "");
	if (retry_ms < 0)
		return nerr_pass(db_exec(db, NULL, NULL, SQL_GIVE_UP, "sis", why, outbox_id, claimer));
	return nerr_pass(db_exec(db, NULL, NULL, SQL_RETRY, "isis", retry_ms * 1000, why, outbox_id,
				 claimer));
}

/* A claim's lease runs from the claim, but its messages go one after another: the last of a
 * batch sent to a slow server would go out after its lease ran out, while another sender
 * claims and sends it too. So each message's lease starts again just before it is tried,
 * and a message whose claim is no longer this one (taken over, or recorded) is not tried.
 * Read back rather than counted: the UPDATE changes nothing when it falls in the claim's own
 * millisecond, and the connection reports changed rows, not matched ones. */
static const char SQL_RENEW[] =
	"UPDATE outbox SET due_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
	" WHERE outbox_id = ? AND claimed_by = ? AND state = 'queued'";
static const char SQL_HELD[] =
	"SELECT COUNT(*) FROM outbox WHERE outbox_id = ? AND claimed_by = ? AND state = 'queued'";

NEOERR *db_outbox_renew(struct db *db, struct arena *a, long long outbox_id, const char *claimer,
			int lease_seconds, bool *held)
{
	struct db_result r;
	*held = false;
	NEOERR *err = db_exec(db, NULL, NULL, SQL_RENEW, "iis", (long long)lease_seconds, outbox_id,
			      claimer);
	if (err == STATUS_OK)
		err = db_exec(db, a, &r, SQL_HELD, "is", outbox_id, claimer);
	if (err == STATUS_OK)
		*held = r.nrows == 1 && ll(db_cell(&r, 0, 0)) == 1;
	return nerr_pass(err);
}

NEOERR *db_outbox_unclaim(struct db *db, long long outbox_id, const char *claimer)
{
	return nerr_pass(db_exec(db, NULL, NULL,
				 "UPDATE outbox SET due_at = UTC_TIMESTAMP(3), attempts = attempts - 1,"
				 " claimed_by = NULL WHERE outbox_id = ? AND claimed_by = ? AND state = 'queued'",
				 "is", outbox_id, claimer));
}

static const char SQL_LIST[] =
	"SELECT outbox_id, kind, channel, recipient, COALESCE(booking_id, 0), attempts,"
	" COALESCE(last_error, ''), DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')"
	" FROM outbox WHERE state = ? ORDER BY outbox_id DESC LIMIT ?";

NEOERR *db_outbox_list(struct db *db, struct arena *a, const char *state, int limit,
		       struct outbox_listing **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_LIST, "si", state, (long long)limit);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct outbox_listing *l = arena_zalloc(a, sizeof *l * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		l[i] = (struct outbox_listing){
			.outbox_id = ll(db_cell(&r, i, 0)), .kind = db_cell(&r, i, 1),
			.channel = db_cell(&r, i, 2), .recipient = db_cell(&r, i, 3),
			.booking_id = ll(db_cell(&r, i, 4)), .attempts = (int)ll(db_cell(&r, i, 5)),
			.last_error = db_cell(&r, i, 6), .created_at = db_cell(&r, i, 7),
		};
	*out = l;
	*n = r.nrows;
	return STATUS_OK;
}

static const char SQL_REQUEUE[] =
	"UPDATE outbox SET state = 'queued', due_at = UTC_TIMESTAMP(3), claimed_by = NULL"
	" WHERE outbox_id = ? AND state = 'failed'";

NEOERR *db_outbox_requeue(struct db *db, long long outbox_id, bool *found)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_REQUEUE, "i", outbox_id);
	*found = err == STATUS_OK && r.affected_rows == 1;
	arena_destroy(a);
	return nerr_pass(err);
}
