/* db_hold_change: the SQL for changing the seats of a pending hold — one transaction that
 * keeps the seats the shopper keeps, releases the ones dropped and takes the new ones, or
 * changes nothing at all. Lock order as in db_bookings.c: the booking row, then tickets by
 * primary key in ascending ticket_id order, then standing places with SKIP LOCKED. */
#ifndef BOXOFFICE_DB_HOLD_CHANGE_H
#define BOXOFFICE_DB_HOLD_CHANGE_H
#include <stdbool.h>
#include <ClearSilver.h>
#include "db/db_bookings.h"

struct arena;
struct db;

/* The new selection, complete: seats kept or added, and the wanted number of places per
 * standing area (an area not listed, or listed with 0, keeps none). */
struct hold_change_request {
	long long booking_id;
	long long event_id;
	const long long *seat_ids;                 /* sorted and distinct */
	int nseat_ids;
	const struct standing_request *standing;   /* distinct sections */
	int nstanding;
	int max_tickets;                           /* the per-booking limit, for the new total */
};

enum hold_change_outcome {
	CHANGE_OK,
	CHANGE_TAKEN,        /* a new seat is someone else's, or a standing area has too few left */
	CHANGE_INVALID,      /* a ticket that does not exist, of another event, not a seat ... */
	CHANGE_ENDED,        /* the hold is no longer pending, or has expired */
	CHANGE_PAYING,       /* a payment attempt is in flight: the total must not move */
	CHANGE_NOT_ON_SALE,  /* the event stopped selling (cancelled, started) */
};

struct hold_change_result {
	enum hold_change_outcome outcome;
	const char *message;             /* for anything but CHANGE_OK */
	struct held_ticket *taken;       /* CHANGE_TAKEN: the requested seats someone else has */
	int ntaken;
	long long total_cents;           /* CHANGE_OK: the booking's new total and count */
	int ticket_count;
};

/* Change the hold in one transaction (READ COMMITTED). On any outcome but CHANGE_OK nothing
 * was changed. Deadlocks and lock waits come back as NERR_LOCK, to be retried by the caller. */
NEOERR *db_hold_change(struct db *db, struct arena *a, const struct hold_change_request *rq,
		       struct hold_change_result *out);

/* One ticket a hold has now, for drawing the change page. */
struct held_place {
	long long ticket_id;
	long long section_id;
	bool standing;                   /* a standing place (no seat) */
};

/* The tickets a pending booking holds, in ticket_id order (a plain read, no locks). */
NEOERR *db_hold_change_held(struct db *db, struct arena *a, long long booking_id,
			    struct held_place **out, int *n);

#endif
