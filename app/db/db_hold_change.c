/* db_hold_change: a pending hold's new selection in one MariaDB transaction (READ COMMITTED).
 * Locks: the booking row FOR UPDATE, then the union of the tickets it holds and the seats it
 * asks for, by primary key in ascending ticket_id order, then standing places SKIP LOCKED.
 *
 * Why this cannot deadlock with the other booking transactions (db_bookings.c, sweep.c):
 * whoever locks a booking row (confirm, release, a payment claim, this) locks it before any
 * ticket, so whoever waits for a booking row holds no ticket; a hold locks no existing booking
 * and the sweep takes bookings SKIP LOCKED. Tickets are taken by all of them in ascending
 * ticket_id order, standing places SKIP LOCKED (never waiting), and payments are only read
 * here. So every wait for a ticket is for a higher one than the waiter holds: no cycle. A
 * wait can still time out behind a slow transaction (1205): NERR_LOCK, retried by the caller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/ids.h"
#include "db/db.h"
#include "db/db_hold_change.h"

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

/* Ids (numbers, never input text) as one JSON array parameter, opened with JSON_TABLE: one
 * prepared statement serves any number of tickets (as in sweep.c). */
static const char *id_list_json(struct arena *a, const long long *ids, int n)
{
	struct buf b = { 0 };
	buf_puts(&b, "[");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", ids[i]);
	buf_puts(&b, "]");
	const char *json = arena_strdup(a, b.data);
	buf_free(&b);
	return json;
}

static const char SQL_CHANGE_EVENT_ON_SALE[] =
	"SELECT status = 'published' AND starts_at > UTC_TIMESTAMP() FROM events WHERE event_id = ?";
static const char SQL_CHANGE_LOCK_BOOKING[] =
	"SELECT payment_status, event_id, expires_at > UTC_TIMESTAMP(),"
	" DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s') FROM bookings WHERE booking_id = ? FOR UPDATE";
/* Unlocked: only a transaction holding the booking row (this one) adds tickets to a booking;
 * one taken away meanwhile (an expired hold) shows once the rows are locked. */
static const char SQL_CHANGE_HELD_IDS[] =
	"SELECT ticket_id FROM tickets WHERE booking_id = ? ORDER BY ticket_id";
/* InnoDB locks rows in the order it reads them: STRAIGHT_JOIN from the sorted id list and the
 * primary key make that ascending ticket_id order, as hold_lock_seats does with FORCE INDEX. */
static const char SQL_CHANGE_LOCK_TICKETS[] =
	"SELECT t.ticket_id, t.event_id, t.section_id, t.seat_id IS NULL, t.status, t.booking_id,"
	" t.status = 'reserved' AND t.hold_expires_at < UTC_TIMESTAMP(), t.price_cents, t.seat_label"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (ticket_id BIGINT UNSIGNED PATH '$')) AS j"
	" STRAIGHT_JOIN tickets t FORCE INDEX (PRIMARY) ON t.ticket_id = j.ticket_id"
	" FOR UPDATE";
static const char SQL_CHANGE_RELEASE[] =
	"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (ticket_id BIGINT UNSIGNED PATH '$')) AS j"
	" STRAIGHT_JOIN tickets t FORCE INDEX (PRIMARY) ON t.ticket_id = j.ticket_id"
	" SET t.status = 'available', t.booking_id = NULL, t.hold_expires_at = NULL"
	" WHERE t.booking_id = ?";
static const char SQL_CHANGE_RESERVE[] =
	"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (ticket_id BIGINT UNSIGNED PATH '$')) AS j"
	" STRAIGHT_JOIN tickets t FORCE INDEX (PRIMARY) ON t.ticket_id = j.ticket_id"
	" SET t.status = 'reserved', t.booking_id = ?, t.hold_expires_at = ?";
static const char SQL_CHANGE_TOTALS[] =
	"UPDATE bookings SET total_price_cents = ?, ticket_count = ?, updated_at = UTC_TIMESTAMP()"
	" WHERE booking_id = ?";
static const char SQL_CHANGE_HELD_PLACES[] =
	"SELECT ticket_id, section_id, seat_id IS NULL FROM tickets"
	" WHERE booking_id = ? AND status = 'reserved' ORDER BY ticket_id";

static const char HOLD_ENDED[] =
	"Your hold has expired and the seats went back on sale. You can choose seats again.";

/* A locked ticket row of SQL_CHANGE_LOCK_TICKETS. */
struct locked_ticket {
	long long ticket_id, event_id, section_id, booking_id, price_cents;
	bool standing;
	bool free;                       /* available, or held by an expired hold */
	bool reserved;
	const char *label;
};

static int compare_locked(const void *a, const void *b)
{
	return ids_compare(&((const struct locked_ticket *)a)->ticket_id,
			   &((const struct locked_ticket *)b)->ticket_id);
}

static const struct locked_ticket *locked_find(const struct locked_ticket *rows, int n, long long id)
{
	struct locked_ticket key = { .ticket_id = id };
	return bsearch(&key, rows, (size_t)n, sizeof *rows, compare_locked);
}

/* The transaction's working set: what to release, what to reserve, and the new total. */
struct change_plan {
	long long *release;
	int nrelease;
	long long *reserve;
	int nreserve;
	long long total_cents;
	int count;
};

static NEOERR *change_fail(struct db *db, struct hold_change_result *out,
			   enum hold_change_outcome outcome, const char *message)
{
	if (db->in_transaction)
		db_rollback(db);
	out->outcome = outcome;
	out->message = message;
	return STATUS_OK;
}

/* The held tickets plus the requested seats, locked; *rows sorted by ticket_id. */
static NEOERR *change_lock_tickets(struct db *db, struct arena *a, const struct hold_change_request *rq,
				   const struct db_result *held, struct locked_ticket **rows, int *nrows)
{
	long long *ids = arena_alloc(a, sizeof(long long) * (size_t)(held->nrows + rq->nseat_ids + 1));
	int n = 0;
	for (int i = 0; i < held->nrows; i++)
		ids[n++] = ll(db_cell(held, i, 0));
	for (int i = 0; i < rq->nseat_ids; i++)
		ids[n++] = rq->seat_ids[i];
	int distinct = ids_sort_distinct(ids, n);
	*rows = arena_zalloc(a, sizeof(struct locked_ticket) * (size_t)(distinct + 1));
	*nrows = 0;
	if (distinct == 0)
		return STATUS_OK;
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_CHANGE_LOCK_TICKETS, "s", id_list_json(a, ids, distinct));
	if (err != STATUS_OK)
		return nerr_pass(err);
	for (int i = 0; i < r.nrows; i++)
		(*rows)[i] = (struct locked_ticket){
			.ticket_id = ll(db_cell(&r, i, 0)), .event_id = ll(db_cell(&r, i, 1)),
			.section_id = ll(db_cell(&r, i, 2)), .standing = ll(db_cell(&r, i, 3)) == 1,
			.reserved = strcmp(db_cell(&r, i, 4), "reserved") == 0,
			.booking_id = ll(db_cell(&r, i, 5)),
			.free = strcmp(db_cell(&r, i, 4), "available") == 0 || ll(db_cell(&r, i, 6)) == 1,
			.price_cents = ll(db_cell(&r, i, 7)), .label = db_cell(&r, i, 8),
		};
	*nrows = r.nrows;
	qsort(*rows, (size_t)*nrows, sizeof **rows, compare_locked);
	return STATUS_OK;
}

/* Seats: keep what is held and asked for, release what is held and not asked for, and note
 * the new ones — all of which must be free, or nothing changes. */
static void change_plan_seats(struct arena *a, const struct hold_change_request *rq,
			      const long long *held, int nheld, const struct locked_ticket *rows, int nrows,
			      struct change_plan *plan, struct hold_change_result *out)
{
	for (int i = 0; i < rq->nseat_ids; i++) {
		const struct locked_ticket *t = locked_find(rows, nrows, rq->seat_ids[i]);
		if (t == NULL) {
			out->outcome = CHANGE_INVALID;
			out->message = "Some of these tickets do not exist.";
			return;
		}
		if (t->event_id != rq->event_id) {
			out->outcome = CHANGE_INVALID;
			out->message = arena_printf(a, "Ticket %lld is not a ticket for this event.", t->ticket_id);
			return;
		}
		if (t->standing) {
			out->outcome = CHANGE_INVALID;
			out->message = arena_printf(a, "Ticket %lld is a standing place: choose standing "
						    "places by number, not by ticket.", t->ticket_id);
			return;
		}
		if (ids_contain(held, nheld, t->ticket_id)) {
			plan->total_cents += t->price_cents;
			plan->count++;
		} else if (t->free) {
			plan->reserve[plan->nreserve++] = t->ticket_id;
			plan->total_cents += t->price_cents;
			plan->count++;
		} else {
			out->taken[out->ntaken++] = (struct held_ticket){ t->ticket_id, t->price_cents, t->label };
		}
	}
	for (int i = 0; i < nheld; i++) {
		const struct locked_ticket *t = locked_find(rows, nrows, held[i]);
		if (t && !t->standing && !ids_contain(rq->seat_ids, rq->nseat_ids, t->ticket_id))
			plan->release[plan->nrelease++] = t->ticket_id;
	}
}

static const struct standing_request *change_wanted(const struct hold_change_request *rq,
						    long long section_id)
{
	for (int i = 0; i < rq->nstanding; i++)
		if (rq->standing[i].section_id == section_id)
			return &rq->standing[i];
	return NULL;
}

/* One standing area: keep up to the wanted number of the places held there (the lowest
 * ticket_ids), release the rest, or take more as a hold does. */
static NEOERR *change_plan_standing(struct db *db, struct arena *a, const struct hold_change_request *rq,
				    const struct standing_request *want, const long long *held, int nheld,
				    const struct locked_ticket *rows, int nrows,
				    struct change_plan *plan, struct hold_change_result *out)
{
	int have = 0;
	for (int i = 0; i < nheld; i++) {
		const struct locked_ticket *t = locked_find(rows, nrows, held[i]);
		if (t == NULL || !t->standing || t->section_id != want->section_id)
			continue;
		if (have++ < want->quantity) {
			plan->total_cents += t->price_cents;
			plan->count++;
		} else {
			plan->release[plan->nrelease++] = t->ticket_id;   /* the highest ids go */
		}
	}
	/* More wanted than held: taken as a hold takes them (never the booking's own places). */
	int need = want->quantity > have ? want->quantity - have : 0;
	struct held_ticket *more = arena_alloc(a, sizeof *more * (size_t)(need + 1));
	int got = 0;
	const char *section;
	NEOERR *err = db_standing_take(db, a, rq->event_id, want->section_id, need, rq->booking_id,
				       more, &got, &section);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (section == NULL) {
		out->outcome = CHANGE_INVALID;
		out->message = arena_printf(a, "Section %lld is not a standing area of this event.",
					    want->section_id);
		return STATUS_OK;
	}
	for (int i = 0; i < got; i++) {
		plan->reserve[plan->nreserve++] = more[i].ticket_id;
		plan->total_cents += more[i].price_cents;
		plan->count++;
	}
	if (got < need) {
		out->outcome = CHANGE_TAKEN;
		out->message = db_standing_shortfall(a, have + got, section);
	}
	return STATUS_OK;
}

/* Everything after the booking row is locked and checked. */
static NEOERR *change_locked(struct db *db, struct arena *a, const struct hold_change_request *rq,
			     const char *expires_at, struct hold_change_result *out)
{
	struct db_result h;
	NEOERR *err = db_exec(db, a, &h, SQL_CHANGE_HELD_IDS, "i", rq->booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct locked_ticket *rows;
	int nrows;
	err = change_lock_tickets(db, a, rq, &h, &rows, &nrows);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* Every ticket read as ours must still be ours now that it is locked: a hold at its very
	 * last second can lose a ticket to a new buyer. */
	long long *held = arena_alloc(a, sizeof(long long) * (size_t)(h.nrows + 1));
	int nheld = 0;
	for (int i = 0; i < h.nrows; i++) {
		const struct locked_ticket *t = locked_find(rows, nrows, ll(db_cell(&h, i, 0)));
		if (t == NULL || t->booking_id != rq->booking_id || !t->reserved)
			return change_fail(db, out, CHANGE_ENDED, HOLD_ENDED);
		held[nheld++] = t->ticket_id;
	}
	int wanted_standing = 0;
	for (int i = 0; i < rq->nstanding; i++)
		wanted_standing += rq->standing[i].quantity;
	struct change_plan plan = {
		.release = arena_alloc(a, sizeof(long long) * (size_t)(nheld + 1)),
		.reserve = arena_alloc(a, sizeof(long long) * (size_t)(rq->nseat_ids + wanted_standing + 1)),
	};
	out->outcome = CHANGE_OK;
	change_plan_seats(a, rq, held, nheld, rows, nrows, &plan, out);
	if (out->outcome == CHANGE_OK && out->ntaken > 0) {
		struct buf names = { 0 };
		for (int i = 0; i < out->ntaken; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", out->taken[i].label);
		out->outcome = CHANGE_TAKEN;
		out->message = arena_printf(a, "%s just taken: %s.",
			out->ntaken == 1 ? "This seat was" : "These seats were", names.data);
		buf_free(&names);
	}
	for (int i = 0; out->outcome == CHANGE_OK && i < rq->nstanding; i++) {
		err = change_plan_standing(db, a, rq, &rq->standing[i], held, nheld, rows, nrows, &plan, out);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	if (out->outcome != CHANGE_OK)
		return change_fail(db, out, out->outcome, out->message);
	/* Standing places in areas the new selection leaves out all go. */
	for (int i = 0; i < nheld; i++) {
		const struct locked_ticket *t = locked_find(rows, nrows, held[i]);
		if (t->standing && change_wanted(rq, t->section_id) == NULL)
			plan.release[plan.nrelease++] = t->ticket_id;
	}

	struct db_result r;
	if (plan.nrelease > 0) {
		qsort(plan.release, (size_t)plan.nrelease, sizeof *plan.release, ids_compare);
		err = db_exec(db, a, &r, SQL_CHANGE_RELEASE, "si",
			      id_list_json(a, plan.release, plan.nrelease), rq->booking_id);
		if (err == STATUS_OK && r.affected_rows != (unsigned long long)plan.nrelease)
			err = nerr_raise(NERR_ASSERT, "booking %lld: released %llu of %d locked tickets",
					 rq->booking_id, r.affected_rows, plan.nrelease);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	if (plan.nreserve > 0) {
		qsort(plan.reserve, (size_t)plan.nreserve, sizeof *plan.reserve, ids_compare);
		err = db_exec(db, a, &r, SQL_CHANGE_RESERVE, "sis",
			      id_list_json(a, plan.reserve, plan.nreserve), rq->booking_id, expires_at);
		if (err == STATUS_OK && r.affected_rows != (unsigned long long)plan.nreserve)
			err = nerr_raise(NERR_ASSERT, "booking %lld: reserved %llu of %d locked tickets",
					 rq->booking_id, r.affected_rows, plan.nreserve);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	err = db_exec(db, a, NULL, SQL_CHANGE_TOTALS, "iii", plan.total_cents, (long long)plan.count,
		      rq->booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->total_cents = plan.total_cents;
	out->ticket_count = plan.count;
	return STATUS_OK;
}

/* Inside the change's transaction: the booking row locked first, then its tickets. A refusal
 * (change_fail) has rolled back already. */
static NEOERR *change_booking_locked(struct db *db, struct arena *a,
				     const struct hold_change_request *rq,
				     struct hold_change_result *out)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_CHANGE_LOCK_BOOKING, "i", rq->booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.nrows == 0 || ll(db_cell(&r, 0, 1)) != rq->event_id)
		return change_fail(db, out, CHANGE_INVALID, "There is no such booking.");
	if (strcmp(db_cell(&r, 0, 0), "pending") != 0 || ll(db_cell(&r, 0, 2)) != 1)
		return change_fail(db, out, CHANGE_ENDED, HOLD_ENDED);
	const char *expires_at = db_cell(&r, 0, 3);   /* the hold's clock does not restart */
	bool in_flight = false;
	err = db_payments_in_flight(db, rq->booking_id, &in_flight);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (in_flight)
		return change_fail(db, out, CHANGE_PAYING, "A payment for this booking is being "
				   "processed, so its seats cannot be changed now.");
	return nerr_pass(change_locked(db, a, rq, expires_at, out));
}

NEOERR *db_hold_change(struct db *db, struct arena *a, const struct hold_change_request *rq,
		       struct hold_change_result *out)
{
	memset(out, 0, sizeof *out);
	out->taken = arena_zalloc(a, sizeof(struct held_ticket) * (size_t)(rq->nseat_ids + 1));
	/* The new selection is complete, so its size is known before anything is locked (the
	 * form checks this too; here it guards every caller). */
	int count = rq->nseat_ids;
	for (int i = 0; i < rq->nstanding; i++) {
		if (rq->standing[i].quantity < 0)
			return change_fail(db, out, CHANGE_INVALID, "Standing quantities must be whole numbers.");
		count += rq->standing[i].quantity;
	}
	if (count == 0)
		return change_fail(db, out, CHANGE_INVALID, "Choose at least one seat or standing place.");
	if (count > rq->max_tickets || count > BOOKING_MAX_TICKETS_HARD)
		return change_fail(db, out, CHANGE_INVALID, arena_printf(a,
				   "You can book at most %d tickets at once.", rq->max_tickets));
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_CHANGE_EVENT_ON_SALE, "i", rq->event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.nrows == 0 || ll(db_cell(&r, 0, 0)) != 1)
		return change_fail(db, out, CHANGE_NOT_ON_SALE, "Tickets for this event are no longer "
				   "on sale, so these seats cannot be changed.");

	err = db_begin(db);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(db_end(db, change_booking_locked(db, a, rq, out)));
}

NEOERR *db_hold_change_held(struct db *db, struct arena *a, long long booking_id,
			    struct held_place **out, int *n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_CHANGE_HELD_PLACES, "i", booking_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*out = arena_zalloc(a, sizeof(struct held_place) * (size_t)(r.nrows + 1));
	*n = r.nrows;
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (struct held_place){ ll(db_cell(&r, i, 0)), ll(db_cell(&r, i, 1)),
						 ll(db_cell(&r, i, 2)) == 1 };
	return STATUS_OK;
}
