/* db_bookings: hold, confirm and release, each one MariaDB transaction (READ COMMITTED).
 * Tickets are locked first, by primary key in ascending ticket_id order, so two overlapping
 * selections wait for each other instead of deadlocking; standing places are taken with
 * SKIP LOCKED so buyers never queue behind each other for interchangeable rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysqld_error.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/ticket_code.h"
#include "db/db.h"
#include "db/db_bookings.h"
#include "db/db_events.h"
#include "db/db_outbox.h"
#include "db/sql_builder.h"

#define CODE_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   /* no 0/O, 1/I */

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

void db_bookings_token_hash(const char *token, unsigned char hash[32])
{
	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
}

static const char *random_code(struct arena *a, int len)
{
	char *code = arena_alloc(a, (size_t)len + 1);
	for (int i = 0; i < len; i++)
		code[i] = CODE_ALPHABET[randombytes_uniform(sizeof CODE_ALPHABET - 1)];
	code[len] = '\0';
	return code;
}

static const char *random_token(struct arena *a)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	char *out = arena_alloc(a, sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			  raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static NEOERR *hold_fail(struct db *db, struct hold_result *out, enum hold_outcome outcome,
			 const char *message)
{
	db_rollback(db);
	out->outcome = outcome;
	out->message = message;
	return STATUS_OK;
}

/* Lock the requested tickets in ticket_id order; sort them into held / unavailable. */
static NEOERR *hold_lock_seats(struct db *db, struct arena *a, const struct hold_request *rq,
			       struct hold_result *out, bool *invalid)
{
	struct sql_builder *sb = sql_new(a);
	sql_add(sb, "SELECT ticket_id, event_id, status,"
		    " (status = 'reserved' AND hold_expires_at < UTC_TIMESTAMP()), price_cents, seat_label"
		    " FROM tickets FORCE INDEX (PRIMARY) WHERE ticket_id IN (");
	for (int i = 0; i < rq->nticket_ids; i++) {
		sql_add(sb, i ? ",?" : "?");
		sql_int(sb, rq->ticket_ids[i]);
	}
	sql_add(sb, ") ORDER BY ticket_id FOR UPDATE");
	struct db_result r;
	NEOERR *err = sql_exec(sb, db, a, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*invalid = false;
	if (r.nrows != rq->nticket_ids) {
		out->message = "Some of these tickets do not exist.";
		*invalid = true;
		return STATUS_OK;
	}
	for (int i = 0; i < r.nrows; i++) {
		struct held_ticket t = { ll(db_cell(&r, i, 0)), ll(db_cell(&r, i, 4)), db_cell(&r, i, 5) };
		if (ll(db_cell(&r, i, 1)) != rq->event_id) {
			out->message = arena_printf(a, "Ticket %lld is not a ticket for event %lld.",
						    t.ticket_id, rq->event_id);
			*invalid = true;
			return STATUS_OK;
		}
		bool free = strcmp(db_cell(&r, i, 2), "available") == 0 || ll(db_cell(&r, i, 3)) == 1;
		if (free)
			out->tickets[out->ntickets++] = t;
		else
			out->unavailable[out->nunavailable++] = t;
	}
	return STATUS_OK;
}

static const char SQL_STANDING_FREE[] =
	"SELECT ticket_id, price_cents, seat_label FROM tickets"
	" WHERE event_id = ? AND section_id = ? AND status = 'available'"
	" ORDER BY ticket_id LIMIT ? FOR UPDATE SKIP LOCKED";
/* Never the places of `own_booking` (a hold growing its own standing quantity). */
static const char SQL_STANDING_EXPIRED[] =
	"SELECT ticket_id, price_cents, seat_label FROM tickets"
	" WHERE event_id = ? AND section_id = ? AND status = 'reserved'"
	"   AND hold_expires_at < UTC_TIMESTAMP() AND NOT (booking_id <=> ?)"
	" ORDER BY ticket_id LIMIT ? FOR UPDATE SKIP LOCKED";
static const char SQL_SECTION_OF_EVENT[] =
	"SELECT s.kind, s.name FROM venue_sections s JOIN events e ON e.venue_id = s.venue_id"
	" WHERE e.event_id = ? AND s.section_id = ?";

NEOERR *db_standing_take(struct db *db, struct arena *a, long long event_id, long long section_id,
			 int want, long long own_booking, struct held_ticket *out, int *got,
			 const char **section)
{
	*got = 0;
	*section = NULL;
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_SECTION_OF_EVENT, "ii", event_id, section_id);
	if (err != STATUS_OK || r.nrows == 0 || strcmp(db_cell(&r, 0, 0), "standing") != 0)
		return nerr_pass(err);
	*section = db_cell(&r, 0, 1);
	for (int q = 0; q < 2 && *got < want; q++) {
		long long need = want - *got;
		err = q == 0 ? db_exec(db, a, &r, SQL_STANDING_FREE, "iii", event_id, section_id, need)
			     : db_exec(db, a, &r, SQL_STANDING_EXPIRED, "iiii", event_id, section_id,
				       own_booking, need);
		if (err != STATUS_OK)
			return nerr_pass(err);
		for (int i = 0; i < r.nrows; i++)
			out[(*got)++] = (struct held_ticket){
				ll(db_cell(&r, i, 0)), ll(db_cell(&r, i, 1)), db_cell(&r, i, 2) };
	}
	return STATUS_OK;
}

const char *db_standing_shortfall(struct arena *a, int got, const char *section)
{
	return got ? arena_printf(a, "Only %d place%s left in %s right now.", got,
				  got == 1 ? " is" : "s are", section)
		   : arena_printf(a, "%s is sold out right now.", section);
}

static NEOERR *hold_take_standing(struct db *db, struct arena *a, const struct hold_request *rq,
				  const struct standing_request *st, struct hold_result *out,
				  enum hold_outcome *fail)
{
	int got = 0;
	const char *section;
	NEOERR *err = db_standing_take(db, a, rq->event_id, st->section_id, st->quantity, 0,
				       out->tickets + out->ntickets, &got, &section);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->ntickets += got;
	if (section == NULL) {
		*fail = HOLD_INVALID;
		out->message = arena_printf(a, "Section %lld is not a standing area of event %lld.",
					    st->section_id, rq->event_id);
	} else if (got < st->quantity) {
		*fail = HOLD_UNAVAILABLE;
		out->message = db_standing_shortfall(a, got, section);
	}
	return STATUS_OK;
}

/* The hold's expiry is fixed here, before the transaction, so the booking row and its tickets
 * get the same value without reading it back. */
static const char SQL_EVENT_ON_SALE[] =
	"SELECT currency, status = 'published' AND starts_at > UTC_TIMESTAMP(),"
	" DATE_FORMAT(UTC_TIMESTAMP() + INTERVAL ? SECOND, '%Y-%m-%d %H:%i:%s') FROM events"
	" WHERE event_id = ?";
static const char SQL_INSERT_BOOKING[] =
	"INSERT INTO bookings (event_id, booking_code, access_token_hash, buyer_name, buyer_email,"
	" buyer_phone, total_price_cents, ticket_count, currency, payment_status, expires_at,"
	" idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)";
static const char SQL_PAYMENT_START[] =
	"INSERT INTO payments (booking_id, event_id, provider, payment_method, amount_cents, currency)"
	" VALUES (?, ?, ?, ?, ?, ?)";

static const char SQL_CLEAR_HOLDERS[] = "DELETE FROM booking_holders WHERE booking_id = ?";
/* Only tickets the booking holds: a holder named for someone else's seat is dropped. */
static const char SQL_ADD_HOLDER[] =
	"INSERT INTO booking_holders (booking_id, ticket_id, holder_name, holder_email)"
	" SELECT ?, ticket_id, ?, ? FROM tickets WHERE ticket_id = ? AND booking_id = ?";

/* The ticket holders the buyer named, in place of any named before (a second try at Pay). */
static NEOERR *db_bookings_set_holders(struct db *db, struct arena *a, long long booking_id,
				       const struct buyer *buyer)
{
	NEOERR *err = db_exec(db, a, NULL, SQL_CLEAR_HOLDERS, "i", booking_id);
	for (int i = 0; err == STATUS_OK && i < buyer->nholders; i++) {
		const struct ticket_holder *h = &buyer->holders[i];
		if (h->name || h->email)
			err = db_exec(db, a, NULL, SQL_ADD_HOLDER, "issii", booking_id, h->name, h->email,
				      h->ticket_id, booking_id);
	}
	return nerr_pass(err);
}

static NEOERR *hold_record(struct db *db, struct arena *a, const struct hold_request *rq,
			   struct hold_result *out)
{
	out->booking_code = random_code(a, 10);
	out->access_token = random_token(a);
	unsigned char hash[32];
	db_bookings_token_hash(out->access_token, hash);
	for (int i = 0; i < out->ntickets; i++)
		out->total_cents += out->tickets[i].price_cents;
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_INSERT_BOOKING, "isbsssiisss", rq->event_id,
			      out->booking_code, (const char *)hash, sizeof hash, rq->buyer.name,
			      rq->buyer.email, rq->buyer.phone, out->total_cents, (long long)out->ntickets,
			      out->currency, out->expires_at, rq->idempotency_key);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->booking_id = (long long)r.insert_id;
	if (rq->payment_provider) {
		err = db_exec(db, a, &r, SQL_PAYMENT_START, "iissis", out->booking_id, rq->event_id,
			      rq->payment_provider, rq->payment_method, out->total_cents, out->currency);
		if (err != STATUS_OK)
			return nerr_pass(err);
		out->payment_id = (long long)r.insert_id;
	}
	struct sql_builder *sb = sql_new(a);
	sql_add(sb, "UPDATE tickets SET status = 'reserved', booking_id = ?, hold_expires_at = ?"
		    " WHERE ticket_id IN (");
	sql_int(sb, out->booking_id);
	sql_str(sb, out->expires_at);
	for (int i = 0; i < out->ntickets; i++) {
		sql_add(sb, i ? ",?" : "?");
		sql_int(sb, out->tickets[i].ticket_id);
	}
	sql_add(sb, ")");
	err = sql_exec(sb, db, a, &r);
	/* After the tickets are this booking's: a holder goes only onto a ticket it holds. */
	if (err == STATUS_OK && rq->buyer.nholders > 0)
		err = db_bookings_set_holders(db, a, out->booking_id, &rq->buyer);
	return nerr_pass(err);
}

/* Inside the hold's transaction: take every requested ticket, or refuse (rolled back). */
static NEOERR *hold_locked(struct db *db, struct arena *a, const struct hold_request *rq,
			   struct hold_result *out)
{
	NEOERR *err;
	if (rq->nticket_ids > 0) {
		bool invalid = false;
		err = hold_lock_seats(db, a, rq, out, &invalid);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (invalid)
			return hold_fail(db, out, HOLD_INVALID, out->message);
		if (out->nunavailable > 0) {
			struct buf names = { 0 };
			for (int i = 0; i < out->nunavailable; i++)
				buf_printf(&names, "%s%s", i ? ", " : "", out->unavailable[i].label);
			const char *message = arena_printf(a, "%s just taken: %s.",
				out->nunavailable == 1 ? "This seat was" : "These seats were", names.data);
			buf_free(&names);
			return hold_fail(db, out, HOLD_UNAVAILABLE, message);
		}
	}
	for (int i = 0; i < rq->nstanding; i++) {
		enum hold_outcome fail = HOLD_OK;
		err = hold_take_standing(db, a, rq, &rq->standing[i], out, &fail);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (fail != HOLD_OK)
			return hold_fail(db, out, fail, out->message);
	}
	if (out->ntickets == 0)
		return hold_fail(db, out, HOLD_INVALID, "Choose at least one ticket.");
	out->outcome = HOLD_OK;      /* read by the caller only once the commit succeeded */
	return nerr_pass(hold_record(db, a, rq, out));
}

NEOERR *db_bookings_hold(struct db *db, struct arena *a, const struct hold_request *rq,
			 struct hold_result *out)
{
	memset(out, 0, sizeof *out);
	int capacity = rq->nticket_ids;
	for (int i = 0; i < rq->nstanding; i++)
		capacity += rq->standing[i].quantity;
	out->tickets = arena_zalloc(a, sizeof(struct held_ticket) * (size_t)(capacity + 1));
	out->unavailable = arena_zalloc(a, sizeof(struct held_ticket) * (size_t)(rq->nticket_ids + 1));

	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_EVENT_ON_SALE, "ii", (long long)rq->hold_seconds,
			      rq->event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.nrows == 0) {
		out->outcome = HOLD_INVALID;
		out->message = "There is no such event.";
		return STATUS_OK;
	}
	if (ll(db_cell(&r, 0, 1)) != 1) {
		out->outcome = HOLD_UNAVAILABLE;
		out->message = "Tickets for this event are not on sale.";
		return STATUS_OK;
	}
	out->currency = db_cell(&r, 0, 0);
	out->expires_at = db_cell(&r, 0, 2);

	err = db_begin(db);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(db_end(db, hold_locked(db, a, rq, out)));
}

static const char SQL_LOCK_BOOKING[] =
	"SELECT payment_status, total_price_cents, ticket_count FROM bookings"
	" WHERE booking_id = ? FOR UPDATE";
static const char SQL_LOCK_BOOKING_TICKETS[] =
	"SELECT ticket_id, status, price_cents, event_id FROM tickets WHERE booking_id = ?"
	" ORDER BY ticket_id FOR UPDATE";
static const char SQL_SELL_TICKETS[] =
	"UPDATE tickets SET status = 'sold', hold_expires_at = NULL"
	" WHERE booking_id = ? AND status = 'reserved'";
static const char SQL_BOOKING_STATUS[] =
	"UPDATE bookings SET payment_status = ?, updated_at = UTC_TIMESTAMP(),"
	" expires_at = IF(? = 'confirmed', NULL, expires_at) WHERE booking_id = ?";
static const char SQL_RELEASE_TICKETS[] =
	"UPDATE tickets SET status = 'available', booking_id = NULL, hold_expires_at = NULL"
	" WHERE booking_id = ? AND status = 'reserved'";
static const char SQL_PAYMENT_FINISH[] =
	"UPDATE payments SET status = ?, provider_ref = ?, failure = ?, updated_at = UTC_TIMESTAMP()"
	" WHERE payment_id = ?";

/* The attendees the buyer named at checkout, to go onto their e-tickets. */
static const char SQL_HOLDERS[] =
	"SELECT ticket_id, holder_name, holder_email FROM booking_holders WHERE booking_id = ?";

/* Rows per INSERT of e-tickets: 7 parameters each, within SQL_BUILDER_MAX_PARAMS. */
#define ITEMS_PER_INSERT 9

/* The holder named for ticket `id`: its row of `h`, or -1. */
static int confirm_holder(const struct db_result *h, const char *id)
{
	for (int i = 0; i < h->nrows; i++)
		if (strcmp(db_cell(h, i, 0), id) == 0)
			return i;
	return -1;
}

/* One e-ticket per sold ticket, with its holder when the buyer named one: one statement for up
 * to ITEMS_PER_INSERT tickets. Each code is signed over the event, the booking and the seat
 * (core/ticket_code.h), so the door can tell a forgery without asking the database.
 * *holder_mails counts the holders given an email address. */
static NEOERR *confirm_issue_items(struct db *db, struct arena *a, long long booking_id,
				   const struct db_result *t, int *holder_mails)
{
	struct db_result h;
	*holder_mails = 0;
	NEOERR *err = db_exec(db, a, &h, SQL_HOLDERS, "i", booking_id);
	for (int from = 0; err == STATUS_OK && from < t->nrows; from += ITEMS_PER_INSERT) {
		int to = from + ITEMS_PER_INSERT < t->nrows ? from + ITEMS_PER_INSERT : t->nrows;
		struct sql_builder *sb = sql_new(a);
		sql_add(sb, "INSERT INTO booking_items (booking_id, event_id, ticket_id, price_cents,"
			    " ticket_code, holder_name, holder_email) VALUES ");
		for (int i = from; i < to; i++) {
			const char *code = ticket_code_sign(&db->cfg->ticket_keyring, a, ll(db_cell(t, i, 3)),
							    booking_id, ll(db_cell(t, i, 0)));
			if (code == NULL)
				return nerr_raise(NERR_ASSERT, "ticket %s of booking %lld: ids too large to sign",
						  db_cell(t, i, 0), booking_id);
			int holder = confirm_holder(&h, db_cell(t, i, 0));
			sql_add(sb, i > from ? ",(?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?)");
			sql_int(sb, booking_id);
			sql_int(sb, ll(db_cell(t, i, 3)));
			sql_int(sb, ll(db_cell(t, i, 0)));
			sql_int(sb, ll(db_cell(t, i, 2)));
			sql_str(sb, code);
			sql_str(sb, holder >= 0 ? db_cell(&h, holder, 1) : NULL);
			sql_str(sb, holder >= 0 ? db_cell(&h, holder, 2) : NULL);
			*holder_mails += holder >= 0 && db_cell(&h, holder, 2) != NULL;
		}
		err = sql_exec(sb, db, a, NULL);
	}
	return nerr_pass(err);
}

static const char SQL_EVENT_INSERT[] =
	"INSERT INTO payment_events (provider, event_id, event_type, payment_id, outcome)"
	" VALUES (?, ?, ?, ?, ?)";

NEOERR *db_payment_event_insert(struct db *db, const struct payment_event_record *e,
				long long payment_id, bool *fresh)
{
	*fresh = true;
	NEOERR *err = db_exec(db, NULL, NULL, SQL_EVENT_INSERT, "sssis", e->provider, e->event_id,
			      e->type, payment_id, e->outcome);
	if (err != STATUS_OK && db_errno(db) == ER_DUP_ENTRY) {
		nerr_ignore(&err);
		*fresh = false;
	}
	return nerr_pass(err);
}

static const char SQL_LOCK_PAYMENT[] =
	"SELECT status FROM payments WHERE payment_id = ? FOR UPDATE";
/* The seats a hold that ran out had: those it still holds, and those the sweep gave back. */
static const char SQL_HOLD_SEATS[] =
	"SELECT ticket_id FROM tickets WHERE booking_id = ? AND status = 'reserved'"
	" UNION SELECT ticket_id FROM booking_released_tickets WHERE booking_id = ?"
	" ORDER BY ticket_id";
static const char SQL_RETAKE_TICKET[] =
	"UPDATE tickets SET status = 'reserved', booking_id = ?, hold_expires_at = UTC_TIMESTAMP()"
	" WHERE ticket_id = ?";

/* A payment that landed after its hold ran out: take the hold's very seats again, each in
 * ticket_id order, if every one is free — available, or held by a hold that has itself run
 * out, as a new hold would take it — and together they still cost the booking's total. */
static NEOERR *confirm_retake(struct db *db, struct arena *a, long long booking_id,
			      long long count, long long total, bool *taken)
{
	*taken = false;
	struct db_result ids, t;
	NEOERR *err = db_exec(db, a, &ids, SQL_HOLD_SEATS, "ii", booking_id, booking_id);
	if (err != STATUS_OK || ids.nrows == 0 || ids.nrows != count)
		return nerr_pass(err);
	struct sql_builder *sb = sql_new(a);
	sql_add(sb, "SELECT ticket_id, status, price_cents, booking_id <=> ?,"
		    " hold_expires_at < UTC_TIMESTAMP() FROM tickets WHERE ticket_id IN (");
	sql_int(sb, booking_id);
	long long cents = 0;
	for (int i = 0; i < ids.nrows && i < SQL_BUILDER_MAX_PARAMS - 2; i++) {
		sql_add(sb, i ? ",?" : "?");
		sql_int(sb, ll(db_cell(&ids, i, 0)));
	}
	sql_add(sb, ") ORDER BY ticket_id FOR UPDATE");
	err = sql_exec(sb, db, a, &t);
	if (err != STATUS_OK || t.nrows != ids.nrows)
		return nerr_pass(err);
	for (int i = 0; i < t.nrows; i++) {
		const char *status = db_cell(&t, i, 1);
		bool free_now = strcmp(status, "available") == 0 ||
				(strcmp(status, "reserved") == 0 &&
				 (ll(db_cell(&t, i, 3)) == 1 || ll(db_cell(&t, i, 4)) == 1));
		if (!free_now)
			return STATUS_OK;
		cents += ll(db_cell(&t, i, 2));
	}
	if (cents != total)
		return STATUS_OK;
	for (int i = 0; err == STATUS_OK && i < t.nrows; i++)
		err = db_exec(db, a, NULL, SQL_RETAKE_TICKET, "ii", booking_id, ll(db_cell(&t, i, 0)));
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL, "DELETE FROM booking_released_tickets WHERE booking_id = ?",
			      "i", booking_id);
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL, "UPDATE bookings SET late_payment = 1 WHERE booking_id = ?",
			      "i", booking_id);
	*taken = err == STATUS_OK;
	return nerr_pass(err);
}

/* Inside the confirm transaction: the event and the payment on record, then sold and issued,
 * or found lost (released). *out is read by the caller only once the commit succeeded. */
static NEOERR *confirm_locked(struct db *db, struct arena *a, long long booking_id,
			      const struct confirm_payment *paid, enum confirm_outcome *out)
{
	NEOERR *err;
	bool paid_before = false;
	/* The payment row first, before the booking and its tickets: nothing else locks an
	 * existing payment row and then waits for a booking, so this cannot deadlock, and the
	 * money that moved is on record whatever the booking turns out to be. */
	if (paid) {
		if (paid->event) {
			bool fresh;
			err = db_payment_event_insert(db, paid->event, paid->payment_id, &fresh);
			if (err != STATUS_OK || !fresh) {
				*out = CONFIRM_REPLAY;
				return nerr_pass(err);
			}
		}
		struct db_result p;
		err = db_exec(db, a, &p, SQL_LOCK_PAYMENT, "i", paid->payment_id);
		if (err != STATUS_OK)
			return nerr_pass(err);
		paid_before = p.nrows && strcmp(db_cell(&p, 0, 0), "succeeded") == 0;
		err = db_exec(db, a, NULL, SQL_PAYMENT_FINISH, "sssi", "succeeded", paid->provider_ref,
			      NULL, paid->payment_id);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	struct db_result b, t;
	err = db_exec(db, a, &b, SQL_LOCK_BOOKING, "i", booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *status = b.nrows ? db_cell(&b, 0, 0) : "missing";
	if (strcmp(status, "confirmed") == 0) {
		/* Confirmed by this very payment before (the commit keeps the event's record), or
		 * by another one, whose money stays: this one goes back. */
		*out = paid && !paid_before ? CONFIRM_DUPLICATE : CONFIRM_ALREADY;
		return STATUS_OK;
	}
	err = db_exec(db, a, &t, SQL_LOCK_BOOKING_TICKETS, "i", booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	bool intact = strcmp(status, "pending") == 0 && t.nrows > 0;
	long long held_cents = 0;
	for (int i = 0; intact && i < t.nrows; i++) {
		intact = strcmp(db_cell(&t, i, 1), "reserved") == 0;
		held_cents += ll(db_cell(&t, i, 2));
	}
	/* A hold past its expiry can lose some of its seats to a new buyer (the hold transaction
	 * takes expired seats) and keep the others: it then holds fewer tickets than it counts,
	 * and usually less money than its total (not for free seats, hence the count). */
	long long count = b.nrows ? ll(db_cell(&b, 0, 2)) : 0, total = b.nrows ? ll(db_cell(&b, 0, 1)) : 0;
	if (intact && (t.nrows != count || held_cents != total))
		intact = false;
	*out = CONFIRM_OK;
	if (!intact && paid && (strcmp(status, "pending") == 0 || strcmp(status, "expired") == 0)) {
		bool taken = false;
		err = confirm_retake(db, a, booking_id, count, total, &taken);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (taken) {
			err = db_exec(db, a, &t, SQL_LOCK_BOOKING_TICKETS, "i", booking_id);
			if (err != STATUS_OK)
				return nerr_pass(err);
			intact = true;
			*out = CONFIRM_REVIVED;
		}
	}
	if (!intact) {
		/* Paid too late: some seat went to someone else. Nothing is sold; what is still
		 * ours goes back on sale, and the caller refunds. */
		*out = CONFIRM_LOST;
		err = db_exec(db, a, NULL, SQL_RELEASE_TICKETS, "i", booking_id);
		/* A hold still pending failed now; one that had ended (expired, released) says so. */
		if (err == STATUS_OK && strcmp(status, "pending") == 0)
			err = db_exec(db, a, NULL, SQL_BOOKING_STATUS, "ssi", "failed", "failed", booking_id);
		return nerr_pass(err);
	}
	int holder_mails = 0;
	err = db_exec(db, a, NULL, SQL_SELL_TICKETS, "i", booking_id);
	if (err == STATUS_OK)
		err = confirm_issue_items(db, a, booking_id, &t, &holder_mails);
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL, SQL_BOOKING_STATUS, "ssi", "confirmed", "confirmed", booking_id);
	/* The confirmation and the e-tickets leave through the outbox, written here so that they
	 * exist exactly when the sale does. */
	if (err == STATUS_OK)
		err = db_outbox_for_booking(db, a, OUTBOX_BOOKING_CONFIRMED, booking_id, 0, NULL, true);
	if (err == STATUS_OK && holder_mails > 0)
		err = db_outbox_for_holders(db, booking_id);
	return nerr_pass(err);
}

NEOERR *db_bookings_confirm(struct db *db, struct arena *a, long long booking_id,
			    const struct confirm_payment *paid, enum confirm_outcome *out)
{
	NEOERR *err = db_begin(db);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(db_end(db, confirm_locked(db, a, booking_id, paid, out)));
}

NEOERR *db_bookings_release_locked(struct db *db, struct arena *a, long long booking_id,
				   const char *new_status, const char *notice, bool *released)
{
	struct db_result b;
	*released = false;
	NEOERR *err = db_exec(db, a, &b, SQL_LOCK_BOOKING, "i", booking_id);
	if (err != STATUS_OK || b.nrows == 0 || strcmp(db_cell(&b, 0, 0), "pending") != 0)
		return nerr_pass(err);
	err = db_exec(db, a, NULL, SQL_LOCK_BOOKING_TICKETS, "i", booking_id);
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL, SQL_RELEASE_TICKETS, "i", booking_id);
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL, SQL_BOOKING_STATUS, "ssi", new_status, new_status, booking_id);
	if (err == STATUS_OK && notice)
		err = db_outbox_for_booking(db, a, notice, booking_id, 0, NULL, false);
	*released = err == STATUS_OK;
	return nerr_pass(err);
}

NEOERR *db_bookings_release(struct db *db, long long booking_id, const char *new_status,
			    const char *notice)
{
	struct arena *a = arena_new();
	bool released;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_end(db, db_bookings_release_locked(db, a, booking_id, new_status, notice,
							    &released));
	arena_destroy(a);
	return nerr_pass(err);
}

static const char SQL_LOAD_BOOKING[] =
	"SELECT b.booking_id, b.event_id, b.booking_code, b.payment_status, b.total_price_cents,"
	" b.currency, DATE_FORMAT(b.expires_at, '%Y-%m-%dT%H:%i:%sZ'),"
	" DATE_FORMAT(b.created_at, '%Y-%m-%dT%H:%i:%sZ'), b.buyer_name, b.buyer_email,"
	" COALESCE(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), b.expires_at), 0),"
	" e.name, v.name, v.city, v.timezone, " SQL_EVENT_LOCAL_START ", " SQL_EVENT_UTC_OFFSET ","
	" b.late_payment"
	" FROM bookings b JOIN events e ON e.event_id = b.event_id JOIN venues v ON v.venue_id = e.venue_id"
	" WHERE b.booking_id = ? AND (b.access_token_hash = ? OR (? > 0 AND b.user_id = ?))";
/* A booking paid while signed in is the account's (a guest's joins it once its address is verified). */
static const char SQL_SET_BUYER[] =
	"UPDATE bookings SET buyer_name = ?, buyer_email = ?, buyer_phone = ?,"
	" user_id = COALESCE(user_id, NULLIF(?, 0)), updated_at = UTC_TIMESTAMP() WHERE booking_id = ?";
/* The tickets a booking holds now, or (once it has ended) the ones it was issued. */
static const char SQL_LOAD_TICKETS[] =
	"SELECT t.ticket_id, t.price_cents, t.seat_label, i.ticket_code FROM tickets t"
	" LEFT JOIN booking_items i ON i.ticket_id = t.ticket_id AND i.booking_id = ?"
	" WHERE t.booking_id = ? ORDER BY t.ticket_id";

NEOERR *db_bookings_load(struct db *db, struct arena *a, long long booking_id,
			 const char *token, long long owner_user_id, struct booking_view *out, bool *found)
{
	memset(out, 0, sizeof *out);
	*found = false;
	if ((token == NULL || *token == '\0') && owner_user_id <= 0)
		return STATUS_OK;
	/* No token: a hash no token has (all zero bytes is sha256 of nothing we issue). */
	unsigned char hash[32] = { 0 };
	if (token && *token)
		db_bookings_token_hash(token, hash);
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_LOAD_BOOKING, "ibii", booking_id, (const char *)hash, sizeof hash,
			      owner_user_id, owner_user_id);
	if (err != STATUS_OK || r.nrows == 0)
		return nerr_pass(err);
	*found = true;
	out->booking_id = ll(db_cell(&r, 0, 0));
	out->event_id = ll(db_cell(&r, 0, 1));
	out->booking_code = db_cell(&r, 0, 2);
	out->status = db_cell(&r, 0, 3);
	out->total_cents = ll(db_cell(&r, 0, 4));
	out->currency = db_cell(&r, 0, 5);
	out->expires_at = db_cell(&r, 0, 6);
	out->created_at = db_cell(&r, 0, 7);
	out->buyer_name = db_cell(&r, 0, 8);
	out->buyer_email = db_cell(&r, 0, 9);
	out->seconds_left = (int)ll(db_cell(&r, 0, 10));
	out->event_name = db_cell(&r, 0, 11);
	out->venue_name = db_cell(&r, 0, 12);
	out->venue_city = db_cell(&r, 0, 13);
	out->venue_timezone = db_cell(&r, 0, 14);
	out->starts_at_local = db_cell(&r, 0, 15);
	out->utc_offset_minutes = (int)ll(db_cell(&r, 0, 16));
	out->late_payment = ll(db_cell(&r, 0, 17)) == 1;
	err = db_exec(db, a, &r, SQL_LOAD_TICKETS, "ii", booking_id, booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->ntickets = r.nrows;
	out->tickets = arena_zalloc(a, sizeof(struct held_ticket) * (size_t)(r.nrows + 1));
	out->ticket_codes = arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		out->tickets[i] = (struct held_ticket){ ll(db_cell(&r, i, 0)), ll(db_cell(&r, i, 1)),
							db_cell(&r, i, 2) };
		out->ticket_codes[i] = db_cell(&r, i, 3);
	}
	return STATUS_OK;
}

/* A direct charge still 'pending' after two minutes belongs to a worker that died mid-charge;
 * it no longer blocks a new one (charges are idempotent per attempt). A hosted checkout is in
 * flight as long as the gateway may still take its payment. */
static const char SQL_PAYMENT_IN_FLIGHT[] =
	"SELECT COUNT(*) FROM payments WHERE booking_id = ? AND (status = 'succeeded'"
	" OR (status = 'pending' AND (created_at > UTC_TIMESTAMP() - INTERVAL 120 SECOND"
	"     OR checkout_expires_at > UTC_TIMESTAMP())))";

NEOERR *db_payments_in_flight(struct db *db, long long booking_id, bool *in_flight)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_PAYMENT_IN_FLIGHT, "i", booking_id);
	*in_flight = err == STATUS_OK && ll(db_cell(&r, 0, 0)) > 0;
	arena_destroy(a);
	return nerr_pass(err);
}

/* Inside the claim's transaction, under the booking's row lock. A refusal writes nothing. */
static NEOERR *claim_locked(struct db *db, struct arena *a, long long booking_id, long long event_id,
			    const char *provider, const char *payment_method,
			    long long amount_cents, const char *currency,
			    const struct buyer *buyer, long long *payment_id, enum payment_claim *claim)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_LOCK_BOOKING, "i", booking_id);
	if (err != STATUS_OK || r.nrows == 0 || strcmp(db_cell(&r, 0, 0), "pending") != 0)
		return nerr_pass(err);
	if (ll(db_cell(&r, 0, 1)) != amount_cents) {
		*claim = CLAIM_CHANGED;
		return STATUS_OK;
	}
	bool in_flight = false;
	err = db_payments_in_flight(db, booking_id, &in_flight);
	if (err != STATUS_OK || in_flight) {
		*claim = CLAIM_IN_PROGRESS;
		return nerr_pass(err);
	}
	if (buyer && buyer->name)
		err = db_exec(db, a, NULL, SQL_SET_BUYER, "sssii", buyer->name, buyer->email, buyer->phone,
			      buyer->user_id, booking_id);
	if (err == STATUS_OK && buyer && buyer->name)
		err = db_bookings_set_holders(db, a, booking_id, buyer);
	if (err == STATUS_OK)
		err = db_exec(db, a, &r, SQL_PAYMENT_START, "iissis", booking_id, event_id, provider,
			      payment_method, amount_cents, currency);
	if (err == STATUS_OK) {
		*payment_id = (long long)r.insert_id;
		*claim = CLAIM_OK;
	}
	return nerr_pass(err);
}

NEOERR *db_payments_claim(struct db *db, long long booking_id, long long event_id,
			  const char *provider, const char *payment_method,
			  long long amount_cents, const char *currency,
			  const struct buyer *buyer, long long *payment_id, enum payment_claim *claim)
{
	struct arena *a = arena_new();
	*claim = CLAIM_NOT_PAYABLE;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_end(db, claim_locked(db, a, booking_id, event_id, provider, payment_method,
					      amount_cents, currency, buyer, payment_id, claim));
	if (err != STATUS_OK)
		*claim = CLAIM_NOT_PAYABLE;
	arena_destroy(a);
	return nerr_pass(err);
}

NEOERR *db_payments_finish(struct db *db, long long payment_id, const char *status,
			   const char *provider_ref, const char *failure)
{
	return nerr_pass(db_exec(db, NULL, NULL, SQL_PAYMENT_FINISH, "sssi", status, provider_ref,
				 failure, payment_id));
}

static const char SQL_ORPHAN_PAYMENTS[] =
	"SELECT p.payment_id, p.booking_id, p.provider, p.provider_ref, p.amount_cents, p.currency"
	" FROM payments p JOIN bookings b ON b.booking_id = p.booking_id"
	" WHERE p.status = 'succeeded' AND b.payment_status IN ('expired', 'failed', 'cancelled')"
	"   AND p.updated_at < UTC_TIMESTAMP() - INTERVAL 60 SECOND"
	" ORDER BY p.payment_id LIMIT 100";

NEOERR *db_payments_orphans(struct db *db, struct arena *a, struct orphan_payment **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_ORPHAN_PAYMENTS, "");
	if (err != STATUS_OK)
		return nerr_pass(err);
	*n = r.nrows;
	*out = arena_zalloc(a, sizeof(struct orphan_payment) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (struct orphan_payment){ ll(db_cell(&r, i, 0)), ll(db_cell(&r, i, 1)),
			db_cell(&r, i, 2), db_cell(&r, i, 3), ll(db_cell(&r, i, 4)), db_cell(&r, i, 5) };
	return STATUS_OK;
}
