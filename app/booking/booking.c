/* booking: orchestration of hold → pay → confirm. Lock conflicts are retried here with a
 * bounded, jittered back-off; the gateway is called with no transaction open. What the sweep
 * settles afterwards is in booking_sweep.c. */
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/log.h"
#include "payments/payments.h"

static void booking_backoff(int attempt)
{
	/* 5-20 ms, doubling: long enough for the winner to commit, short for a shopper. */
	unsigned int base = 5000u << (attempt < 3 ? attempt : 2);
	usleep(base + randombytes_uniform(base));
}

bool booking_should_retry(NEOERR **err, int attempt, const char *busy)
{
	if (*err == STATUS_OK || !nerr_match(*err, NERR_LOCK))
		return false;
	if (attempt + 1 >= BOOKING_LOCK_RETRIES) {
		if (busy) {
			nerr_ignore(err);
			*err = nerr_raise(ERR_UNAVAILABLE, "%s", busy);
		}
		return false;
	}
	nerr_ignore(err);
	booking_backoff(attempt);
	return true;
}

NEOERR *booking_hold(struct db *db, struct arena *a, const struct hold_request *rq,
		     struct hold_result *out)
{
	NEOERR *err;
	for (int attempt = 0;; attempt++) {
		err = db_bookings_hold(db, a, rq, out);
		if (!booking_should_retry(&err, attempt, "So many people are booking right now that "
					  "we could not hold your seats. Please try again in a moment."))
			return nerr_pass(err);
	}
}

NEOERR *booking_confirm(struct db *db, struct arena *a, long long booking_id,
			       const struct confirm_payment *paid, enum confirm_outcome *out)
{
	for (int attempt = 0;; attempt++) {
		NEOERR *err = db_bookings_confirm(db, a, booking_id, paid, out);
		if (err == STATUS_OK || attempt + 1 >= BOOKING_LOCK_RETRIES * 2 ||
		    !(nerr_match(err, NERR_LOCK) || nerr_match(err, ERR_UNAVAILABLE)))
			return nerr_pass(err);
		/* Money has moved: keep trying a little harder than for a hold, including
		 * across a lost database connection. */
		nerr_ignore(&err);
		booking_backoff(attempt);
	}
}

const char *booking_charge_key(struct arena *a, long long booking_id, long long payment_id)
{
	return arena_printf(a, "booking-%lld-payment-%lld", booking_id, payment_id);
}

NEOERR *booking_pay(struct db *db, struct arena *a, const struct booking_charge *held,
		    const struct payment_provider *provider, const char *payment_method,
		    bool release_on_decline, struct booking_payment *out)
{
	long long event_id = held->event_id;
	memset(out, 0, sizeof *out);
	long long payment_id = held->held_payment_id;
	enum payment_claim claim = CLAIM_NOT_PAYABLE;
	NEOERR *err = STATUS_OK;
	if (payment_id > 0) {
		claim = CLAIM_OK;
	} else {
		for (int attempt = 0;; attempt++) {
			err = db_payments_claim(db, held->booking_id, event_id, provider->name,
						payment_method,
						held->total_cents, held->currency, held->buyer_name,
						held->buyer_email, &payment_id, &claim);
			if (!booking_should_retry(&err, attempt, NULL))
				break;
		}
	}
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (claim) {
	case CLAIM_OK:
		break;
	case CLAIM_IN_PROGRESS:
		out->outcome = BOOKING_IN_PROGRESS;
		out->message = "A payment for this booking is already being processed.";
		return STATUS_OK;
	case CLAIM_NOT_PAYABLE:
		out->outcome = BOOKING_NOT_PAYABLE;
		out->message = "This booking can no longer be paid.";
		return STATUS_OK;
	case CLAIM_CHANGED:
		out->outcome = BOOKING_CHANGED;
		out->message = "Your seats changed (in another window?) since this page was shown. "
			       "Nothing was charged: check the seats and total, then pay again.";
		return STATUS_OK;
	}
	struct payment_charge charge = {
		.amount_cents = held->total_cents,
		.currency = held->currency,
		.payment_method = payment_method,
		.idempotency_key = booking_charge_key(a, held->booking_id, payment_id),
		.description = arena_printf(a, "Booking %s", held->booking_code),
	};
	struct payment_result paid;
	err = provider->charge(a, &charge, &paid);
	if (err != STATUS_OK) {
		/* We do not know whether money moved: keep the hold (it expires by itself) and
		 * leave the payment pending for reconciliation. */
		return nerr_pass(err);
	}
	if (paid.outcome != PAYMENT_SUCCEEDED) {
		out->outcome = paid.outcome == PAYMENT_DECLINED ? BOOKING_DECLINED : BOOKING_BAD_METHOD;
		out->message = paid.message;
		err = db_payments_finish(db, payment_id, "declined", paid.provider_ref, paid.message);
		if (err == STATUS_OK && release_on_decline)
			err = db_bookings_release(db, held->booking_id, "failed");
		return nerr_pass(err);
	}
	/* The success is recorded in the confirm transaction (one commit, not two). */
	struct confirm_payment record = { payment_id, paid.provider_ref };
	enum confirm_outcome confirmed;
	err = booking_confirm(db, a, held->booking_id, &record, &confirmed);
	if (err != STATUS_OK) {
		/* Still record that money moved, so the sweep refunds it if the hold then expires
		 * unconfirmed (db_payments_orphans). */
		NEOERR *rec = db_payments_finish(db, payment_id, "succeeded", paid.provider_ref, NULL);
		log_error("booking %lld: paid (%s) but not confirmed yet%s; the hold keeps the seats",
			  held->booking_id, paid.provider_ref,
			  rec == STATUS_OK ? "" : ", and recording the payment failed too");
		nerr_ignore(&rec);
		return nerr_pass(err);
	}
	if (confirmed == CONFIRM_LOST) {
		err = provider->refund(a, paid.provider_ref, held->total_cents,
				       arena_printf(a, "booking-%lld-refund", held->booking_id));
		if (err == STATUS_OK)
			err = db_payments_finish(db, payment_id, "refunded", paid.provider_ref,
						 "hold lost before payment completed");
		out->outcome = BOOKING_LOST;
		out->message = "Your seats were released before the payment completed; "
			       "the charge has been refunded.";
		return nerr_pass(err);
	}
	out->outcome = BOOKING_CONFIRMED;
	return STATUS_OK;
}
