/* booking: the booking protocol end to end — hold (retried on lock conflicts), pay outside
 * any transaction, confirm (or refund a charge whose hold was lost) — shared by the JSON API
 * and the HTML checkout. */
#ifndef BOXOFFICE_BOOKING_H
#define BOXOFFICE_BOOKING_H
#include <ClearSilver.h>
#include "db/db_bookings.h"

struct arena;
struct config;
struct payment_provider;

#define BOOKING_LOCK_RETRIES 5

/* After try number `attempt` of a booking transaction: true when it lost a lock race
 * (deadlock, lock wait timeout) and may go again — a jittered back-off of 5-40 ms has been
 * slept; false when *err is the answer: STATUS_OK, another error, or, once
 * BOOKING_LOCK_RETRIES tries are spent, an ERR_UNAVAILABLE (503 with Retry-After) saying
 * `busy` (with `busy` NULL, the last lock error itself). */
bool booking_should_retry(NEOERR **err, int attempt, const char *busy);

/* Hold, retrying deadlocks and lock-wait timeouts with jitter; after the last try an
 * ERR_UNAVAILABLE (503 with Retry-After). */
NEOERR *booking_hold(struct db *db, struct arena *a, const struct hold_request *rq,
		     struct hold_result *out);

enum booking_paid { BOOKING_CONFIRMED, BOOKING_DECLINED, BOOKING_LOST, BOOKING_BAD_METHOD,
		    BOOKING_IN_PROGRESS, BOOKING_NOT_PAYABLE, BOOKING_CHANGED };

struct booking_payment {
	enum booking_paid outcome;
	const char *message;
};

/* What is being paid for: a fresh hold, or a booking reloaded by the checkout page. */
struct booking_charge {
	long long booking_id;
	long long event_id;
	const char *booking_code;
	long long total_cents;
	const char *currency;
	struct buyer buyer;          /* optional: recorded with the payment attempt */
	/* Held by this very request (the API), with its payment attempt recorded in the hold
	 * transaction (hold_request.payment_provider): nobody else knows its token yet, so no
	 * other attempt can race this one and the claim transaction is skipped. 0 otherwise. */
	long long held_payment_id;
};

/* Start a payment attempt of `provider` for the booking (db_payments_claim, lock conflicts
 * retried): CLAIM_OK with *payment_id, or why not in *message, for the shopper. */
NEOERR *booking_claim(struct db *db, const struct booking_charge *c, const char *provider,
		      const char *payment_method, long long *payment_id, enum payment_claim *claim,
		      const char **message);

/* Charge the held booking and confirm it. A decline releases the hold at once when
 * `release_on_decline` (the API), or leaves it for another try (the checkout page); a charge
 * that succeeds after the hold was lost is refunded. */
NEOERR *booking_pay(const struct config *cfg, struct db *db, struct arena *a,
		    const struct booking_charge *what, const struct payment_provider *provider,
		    const char *payment_method, bool release_on_decline, struct booking_payment *out);

/* What became of money that moved. */
enum booking_settled {
	SETTLED_CONFIRMED,
	SETTLED_REVIVED,     /* paid after the hold ran out; its seats were free and are sold */
	SETTLED_ALREADY,     /* confirmed by this payment before */
	SETTLED_REFUNDED,    /* the seats were gone, or another payment had paid: given back */
	SETTLED_REPLAY,      /* the webhook event had been handled before */
};

/* What a settled payment was for. */
struct booking_paid_charge {
	long long payment_id;
	long long booking_id;
	long long amount_cents;
	const char *currency;
	const char *provider_ref;        /* the charge at the gateway */
	const struct payment_event_record *event;   /* the webhook that told us, or NULL */
};

/* Money moved for an attempt: confirm its booking (the one confirm transaction, whoever calls
 * first), or give the money back when the seats are gone or another payment had paid. A
 * refund that fails leaves the payment "succeeded" for the sweep's orphan pass to retry. */
NEOERR *booking_settle_paid(const struct config *cfg, struct db *db, struct arena *a,
			    const struct payment_provider *provider, const struct booking_paid_charge *paid,
			    enum booking_settled *out);

/* Confirm a paid booking (db_bookings_confirm), retrying lock conflicts and a lost connection
 * harder than a hold: money has moved. */
NEOERR *booking_confirm(struct db *db, struct arena *a, long long booking_id,
			       const struct confirm_payment *paid, enum confirm_outcome *out);
struct confirm_payment;

/* Give back `amount_cents` of payment `payment_id` (charge `provider_ref` at `provider`) once
 * per `key`: recorded in refunds before the gateway is asked, so asking twice refunds once. */
NEOERR *booking_refund(const struct config *cfg, struct db *db, struct arena *a,
		       const struct payment_provider *provider, long long payment_id, long long booking_id,
		       const char *provider_ref, long long amount_cents, const char *currency,
		       const char *key, const char *reason);

/* The idempotency key of payment attempt `payment_id`: a network retry of this attempt (or
 * its replay by the sweep) is one charge, while a new attempt after a decline (another card)
 * is a new charge. */
const char *booking_charge_key(struct arena *a, long long booking_id, long long payment_id);

#endif
