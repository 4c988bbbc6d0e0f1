/* db_bookings: the SQL of the booking protocol (docs/design.md) — hold, confirm, release — each
 * one transaction. Row locks are always taken tickets-first in ticket_id order. Deadlocks
 * and lock waits come back as NERR_LOCK for booking.c to retry; nothing here talks to a
 * payment gateway (never hold a row lock across a network call). */
#ifndef BOXOFFICE_DB_BOOKINGS_H
#define BOXOFFICE_DB_BOOKINGS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

#define BOOKING_MAX_TICKETS_HARD 64   /* sanity bound; the configured limit is lower */

struct standing_request {
	long long section_id;
	int quantity;
};

/* An attendee the buyer named for one ticket of a hold; their e-ticket carries the name, and
 * an address gets the ticket mailed on its own (Notify.AttendeeMails). */
struct ticket_holder {
	long long ticket_id;
	const char *name;                /* or NULL */
	const char *email;               /* or NULL; checked by contact_email_valid */
};

/* Who pays and who is told, recorded with the booking (all optional at hold time). */
struct buyer {
	const char *name;
	const char *email;               /* checked by contact_email_valid */
	const char *phone;               /* E.164 (contact_phone_e164), or NULL */
	const struct ticket_holder *holders;
	int nholders;
	long long user_id;               /* the signed-in buyer's account (My bookings), or 0 */
};

struct hold_request {
	long long event_id;
	const long long *ticket_ids;     /* specific tickets (seats), sorted and distinct */
	int nticket_ids;
	const struct standing_request *standing;
	int nstanding;
	int hold_seconds;
	struct buyer buyer;
	const char *idempotency_key;     /* optional */
	/* Optional: record a pending payment attempt of the total with this provider in the
	 * hold transaction itself (the API charges at once: one commit fewer per booking). */
	const char *payment_provider;
	const char *payment_method;      /* its tokenised method, kept for reconciliation */
};

enum hold_outcome { HOLD_OK, HOLD_UNAVAILABLE, HOLD_INVALID };

struct held_ticket {
	long long ticket_id;
	long long price_cents;
	const char *label;               /* "Stalls B-12" */
};

struct hold_result {
	enum hold_outcome outcome;
	const char *message;             /* why, for HOLD_UNAVAILABLE / HOLD_INVALID */
	long long booking_id;
	const char *booking_code;
	const char *access_token;        /* plaintext, only now; the database keeps a hash */
	const char *expires_at;          /* UTC "YYYY-MM-DD HH:MM:SS" */
	const char *currency;
	long long total_cents;
	struct held_ticket *tickets;
	int ntickets;
	struct held_ticket *unavailable; /* the requested tickets someone else has */
	int nunavailable;
	long long payment_id;            /* the attempt recorded when rq->payment_provider */
};

NEOERR *db_bookings_hold(struct db *db, struct arena *a, const struct hold_request *rq,
			 struct hold_result *out);

enum confirm_outcome {
	CONFIRM_OK,
	CONFIRM_REVIVED,     /* paid after the hold ran out, and its very seats were still free:
			      * taken again and sold */
	CONFIRM_ALREADY,     /* this payment had confirmed it before: nothing to do */
	CONFIRM_DUPLICATE,   /* another payment confirmed it: the caller refunds this one */
	CONFIRM_LOST,        /* the hold is gone and its seats are not all free: refund */
	CONFIRM_REPLAY,      /* the webhook event was recorded before: nothing was done */
};

/* A webhook event, recorded in the transaction of its effect (payment_events): a second
 * delivery finds its row and changes nothing. */
struct payment_event_record {
	const char *provider;
	const char *event_id;
	const char *type;
	const char *outcome;             /* what it did, for the record: "confirmed", ... */
};

/* The charge that paid for a booking, recorded as succeeded in the confirm transaction. */
struct confirm_payment {
	long long payment_id;
	const char *provider_ref;
	const struct payment_event_record *event;   /* the webhook that told us, or NULL */
};

/* Paid: tickets sold, booking confirmed, e-ticket items issued, and the payment attempt
 * `paid` (when not NULL) marked succeeded — all in one transaction that locks the payment
 * row, then the booking, then its tickets, so whichever of the webhook, the return page and
 * the sweep comes first confirms and the others find CONFIRM_ALREADY. A hold that ran out is
 * taken again when every one of its seats is still free (CONFIRM_REVIVED); when not
 * (CONFIRM_LOST) the booking is failed, what it still held released, the payment still marked
 * succeeded, and the caller must refund. */
NEOERR *db_bookings_confirm(struct db *db, struct arena *a, long long booking_id,
			    const struct confirm_payment *paid, enum confirm_outcome *out);
/* Record a webhook event inside the transaction that is open: false in *fresh when it had
 * been recorded before (a replay). */
NEOERR *db_payment_event_insert(struct db *db, const struct payment_event_record *e,
				long long payment_id, bool *fresh);

/* Release a pending booking's seats now (declined payment, shopper gave up), telling the
 * buyer why with the outbox message `notice` (OUTBOX_PAYMENT_FAILED, ...), or not at all
 * when NULL (the shopper is looking at the answer). */
NEOERR *db_bookings_release(struct db *db, long long booking_id, const char *new_status,
			    const char *notice);
/* The same inside a transaction the caller has open: lock the booking, then its tickets.
 * *released false when it was not pending (nothing changed). */
NEOERR *db_bookings_release_locked(struct db *db, struct arena *a, long long booking_id,
				   const char *new_status, const char *notice, bool *released);

struct booking_view {
	long long booking_id;
	long long event_id;
	const char *booking_code;
	const char *status;
	long long total_cents;
	const char *currency;
	const char *expires_at;          /* UTC, NULL once confirmed */
	const char *created_at;
	const char *buyer_name;
	const char *buyer_email;
	int seconds_left;                /* of the hold; <= 0 once it has run out */
	const char *event_name;
	const char *venue_name;
	const char *venue_city;
	const char *venue_timezone;
	const char *starts_at_local;     /* venue-local "YYYY-MM-DD HH:MM:SS" */
	int utc_offset_minutes;
	bool late_payment;               /* confirmed by a payment that came after the hold ran out */
	struct held_ticket *tickets;
	int ntickets;
	const char **ticket_codes;       /* per ticket when confirmed, else NULL entries */
};

/* A booking by id, only if `token` is its access token or `owner_user_id` (> 0) its
 * account's; *found false otherwise. */
NEOERR *db_bookings_load(struct db *db, struct arena *a, long long booking_id,
			 const char *token, long long owner_user_id, struct booking_view *out, bool *found);

/* sha256(token) as stored in bookings.access_token_hash. */
void db_bookings_token_hash(const char *token, unsigned char hash[32]);



/* Standing places of a standing area of the event, up to `want` of them: free ones first, then
 * those of expired holds other than `own_booking`'s (0: none), all FOR UPDATE SKIP LOCKED, so
 * buyers never queue for interchangeable rows. Fills out[0..*got) (room for `want`); *section
 * is the area's name, or NULL when the section is not a standing area of the event. */
NEOERR *db_standing_take(struct db *db, struct arena *a, long long event_id, long long section_id,
			 int want, long long own_booking, struct held_ticket *out, int *got,
			 const char **section);
/* What to tell a shopper who asked for more standing places than `got` were left. */
const char *db_standing_shortfall(struct arena *a, int got, const char *section);

/* Whether a payment for the booking is in flight: one succeeded, or one began less than two
 * minutes ago (older pending attempts are a dead worker's, settled by the sweep). While one
 * is, the booking's total must not move and no second attempt may start. */
NEOERR *db_payments_in_flight(struct db *db, long long booking_id, bool *in_flight);

enum payment_claim { CLAIM_OK, CLAIM_IN_PROGRESS, CLAIM_NOT_PAYABLE, CLAIM_CHANGED };

/* Start a payment attempt under the booking's row lock, so one booking has at most one
 * attempt in flight (double-clicked "Pay" buttons charge once). Records the buyer's details
 * (and the ticket holders they named, replacing any named before) in the same transaction
 * when `buyer` has a name. CLAIM_NOT_PAYABLE: the booking is no longer pending;
 * CLAIM_CHANGED: its total is no longer `amount_cents` (the seats were changed meanwhile). */
NEOERR *db_payments_claim(struct db *db, long long booking_id, long long event_id,
			  const char *provider, const char *payment_method,
			  long long amount_cents, const char *currency,
			  const struct buyer *buyer, long long *payment_id, enum payment_claim *claim);
NEOERR *db_payments_finish(struct db *db, long long payment_id, const char *status,
			   const char *provider_ref, const char *failure);

/* Charges that succeeded for bookings that then ended unconfirmed (a worker died between
 * charge and confirm, and the sweep expired the hold), settled for over a minute. */
struct orphan_payment {
	long long payment_id;
	long long booking_id;
	const char *provider;
	const char *provider_ref;
	long long amount_cents;
	const char *currency;
};
NEOERR *db_payments_orphans(struct db *db, struct arena *a, struct orphan_payment **out, int *n);

#endif
