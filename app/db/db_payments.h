/* db_payments: the SQL of payment attempts at the gateways — hosted checkouts opened and the
 * hold extended to their end, attempts found by the gateway's ids, attempts that did not pay
 * (with the hold released at once), webhook events recorded with their effect, and refunds.
 * Claiming an attempt and confirming a booking are db_bookings'. */
#ifndef BOXOFFICE_DB_PAYMENTS_H
#define BOXOFFICE_DB_PAYMENTS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;
struct payment_event_record;

/* One attempt, with what the pages and the sweep need of its booking. */
struct payment_record {
	long long payment_id;
	long long booking_id;
	long long event_id;
	const char *provider;
	const char *status;              /* payments.status: pending, succeeded, declined, ... */
	const char *provider_ref;        /* the charge, once known */
	const char *session_id;          /* the hosted checkout, or NULL for a direct charge */
	const char *checkout_url;
	const char *payment_method;      /* the token of a direct charge */
	long long amount_cents;
	long long refunded_cents;
	const char *currency;
	bool checkout_open;              /* the checkout's deadline has not passed */
	int age_seconds;                 /* since the attempt began */
	const char *booking_code;
	const char *booking_status;
	long long booking_total_cents;
};

/* The gateway opened a checkout (`session_id`, the shopper's `url`, open until `until`, UTC
 * "YYYY-MM-DD HH:MM:SS") for attempt `payment_id`: record it and extend the hold to `until`,
 * in one transaction that first checks the hold is whole — still pending and holding all its
 * tickets. *held false: it is not (it ran out meanwhile); the attempt is marked failed and the
 * caller stops the checkout. */
NEOERR *db_payments_checkout_opened(struct db *db, struct arena *a, long long payment_id,
				    long long booking_id, const char *session_id, const char *url,
				    const char *until, bool *held);

/* One attempt, by its id, by the checkout it opened, or by its charge at the gateway. */
NEOERR *db_payments_get(struct db *db, struct arena *a, long long payment_id,
			struct payment_record *out, bool *found);
NEOERR *db_payments_by_session(struct db *db, struct arena *a, const char *provider,
			       const char *session_id, struct payment_record *out, bool *found);
NEOERR *db_payments_by_ref(struct db *db, struct arena *a, const char *provider,
			   const char *provider_ref, struct payment_record *out, bool *found);
/* The booking's newest hosted checkout, whatever became of it. */
NEOERR *db_payments_latest_checkout(struct db *db, struct arena *a, long long booking_id,
				    struct payment_record *out, bool *found);

/* The failure of a hosted checkout the shopper gave up on. It is written on the attempt
 * (still pending) before the session is closed at the gateway, because the gateway tells of
 * that close by webhook (Stripe's checkout.session.expired), which may be handled before the
 * shopper's own request is done: an expiry of a checkout so marked is the shopper's cancel,
 * released quietly, not a hold that ran out. */
#define PAYMENT_GIVEN_UP "given up on the gateway's page"
NEOERR *db_payments_giving_up(struct db *db, long long payment_id);

/* What an attempt that will not pay does to its hold. */
enum unpaid_hold {
	UNPAID_KEEP_HOLD,                /* nobody was sent to pay: the hold stays for another try */
	UNPAID_RELEASE_QUIETLY,          /* the shopper gave up and is looking at the answer */
	UNPAID_RELEASE_EXPIRED,          /* the checkout lapsed: the buyer is told by mail */
	UNPAID_RELEASE_DECLINED,         /* the payment failed: likewise */
};
/* An attempt that will not pay (declined, expired, given up): mark it `status` with why, and
 * as `hold` says put the booking's seats back on sale at once if it is still pending — with
 * `event` (may be NULL) recorded in the same transaction. *replay true: the event had been
 * recorded before and nothing changed. Does nothing to an attempt that succeeded. */
NEOERR *db_payments_unpaid(struct db *db, struct arena *a, long long payment_id, const char *status,
			   const char *failure, enum unpaid_hold hold,
			   const struct payment_event_record *event, bool *replay);
/* An event with no effect of its own (acknowledged, kept against replays). */
NEOERR *db_payments_note_event(struct db *db, const struct payment_event_record *event,
			       long long payment_id, bool *replay);
/* The gateway says `refunded_cents` of the charge have been given back (it only grows). */
NEOERR *db_payments_refunded(struct db *db, long long payment_id, long long refunded_cents,
			     const struct payment_event_record *event, bool *replay);
/* Look at a pending checkout again no sooner than the next sweeps: it goes to the end of the
 * reconciliation's queue. */
NEOERR *db_payments_touch(struct db *db, long long payment_id);

/* Pending attempts worth asking the gateway about, oldest look first: direct charges over a
 * minute old (their worker died mid-charge) and hosted checkouts over two minutes old (a
 * webhook may have been lost), at most `limit`. */
NEOERR *db_payments_unsettled(struct db *db, struct arena *a, int limit,
			      struct payment_record **out, int *n);

/* Every attempt pending for over `min_age` seconds, oldest first: what the sweep could not
 * decide yet, for someone to look at (`boxoffice payments pending`). */
NEOERR *db_payments_stuck(struct db *db, struct arena *a, int min_age, struct payment_record **out, int *n);
/* The newest attempt that succeeded for a booking. */
NEOERR *db_payments_succeeded(struct db *db, struct arena *a, long long booking_id,
			      struct payment_record *out, bool *found);

/* A refund asked for under `key`: a new one (*fresh) or the one asked before under the same key
 * (its row, so the caller carries on where it stopped or reports it). */
struct refund_record {
	long long refund_id;
	long long payment_id;
	long long amount_cents;
	const char *status;              /* pending, succeeded, failed */
	const char *provider_ref;
};
NEOERR *db_refunds_begin(struct db *db, struct arena *a, long long payment_id, long long booking_id,
			 long long amount_cents, const char *key, const char *reason,
			 struct refund_record *out, bool *fresh);
/* Why a payment that confirmed nothing is given back: its booking's buyer is told it came too
 * late (OUTBOX_LATE_PAYMENT_REFUNDED) rather than the plain refund notice. */
#define REFUND_REASON_HOLD_LOST "hold lost before payment completed"
/* The gateway's answer: succeeded (the payment's refunded total becomes at least the sum of
 * its succeeded refunds, and the buyer's notice is written) or failed. */
NEOERR *db_refunds_finish(struct db *db, long long refund_id, bool succeeded, const char *provider_ref);

#endif
