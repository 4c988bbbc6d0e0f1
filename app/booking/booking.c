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
#include "db/db_outbox.h"
#include "db/db_payments.h"
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

NEOERR *booking_refund(const struct config *cfg, struct db *db, struct arena *a,
		       const struct payment_provider *provider, long long payment_id, long long booking_id,
		       const char *provider_ref, long long amount_cents, const char *currency,
		       const char *key, const char *reason)
{
	struct refund_record r;
	bool fresh;
	NEOERR *err = db_refunds_begin(db, a, payment_id, booking_id, amount_cents, key, reason, &r, &fresh);
	if (err != STATUS_OK || strcmp(r.status, "succeeded") == 0)
		return nerr_pass(err);                /* given back already under this key */
	struct payment_refund done;
	err = provider->refund(cfg, a, provider_ref, r.amount_cents, currency, key, &done);
	if (err != STATUS_OK)
		return nerr_pass(err);                /* still pending: the same key asks again */
	return nerr_pass(db_refunds_finish(db, r.refund_id, true, done.provider_ref));
}

NEOERR *booking_settle_paid(const struct config *cfg, struct db *db, struct arena *a,
			    const struct payment_provider *provider, const struct booking_paid_charge *paid,
			    enum booking_settled *out)
{
	struct confirm_payment record = { paid->payment_id, paid->provider_ref, paid->event };
	enum confirm_outcome confirmed;
	NEOERR *err = booking_confirm(db, a, paid->booking_id, &record, &confirmed);
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (confirmed) {
	case CONFIRM_OK:
		*out = SETTLED_CONFIRMED;
		return STATUS_OK;
	case CONFIRM_REVIVED:
		*out = SETTLED_REVIVED;
		return STATUS_OK;
	case CONFIRM_ALREADY:
		*out = SETTLED_ALREADY;
		return STATUS_OK;
	case CONFIRM_REPLAY:
		*out = SETTLED_REPLAY;
		return STATUS_OK;
	case CONFIRM_LOST:
	case CONFIRM_DUPLICATE:
		break;
	}
	*out = SETTLED_REFUNDED;
	const char *why = confirmed == CONFIRM_LOST ? REFUND_REASON_HOLD_LOST
						    : "booking already paid by another attempt";
	err = booking_refund(cfg, db, a, provider, paid->payment_id, paid->booking_id, paid->provider_ref,
			     paid->amount_cents, paid->currency,
			     arena_printf(a, "payment-%lld-refund", paid->payment_id), why);
	if (err == STATUS_OK)
		err = db_payments_finish(db, paid->payment_id, "refunded", paid->provider_ref, why);
	return nerr_pass(err);
}

NEOERR *booking_claim(struct db *db, const struct booking_charge *c, const char *provider,
		      const char *payment_method, long long *payment_id, enum payment_claim *claim,
		      const char **message)
{
	NEOERR *err;
	*message = NULL;
	for (int attempt = 0;; attempt++) {
		err = db_payments_claim(db, c->booking_id, c->event_id, provider, payment_method,
					c->total_cents, c->currency, &c->buyer,
					payment_id, claim);
		if (!booking_should_retry(&err, attempt, NULL))
			break;
	}
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (*claim) {
	case CLAIM_OK:
		break;
	case CLAIM_IN_PROGRESS:
		*message = "A payment for this booking is already being processed.";
		break;
	case CLAIM_NOT_PAYABLE:
		*message = "This booking can no longer be paid.";
		break;
	case CLAIM_CHANGED:
		*message = "Your seats changed (in another window?) since this page was shown. "
			   "Nothing was charged: check the seats and total, then pay again.";
		break;
	}
	return STATUS_OK;
}

NEOERR *booking_pay(const struct config *cfg, struct db *db, struct arena *a,
		    const struct booking_charge *held, const struct payment_provider *provider,
		    const char *payment_method, bool release_on_decline, struct booking_payment *out)
{
	memset(out, 0, sizeof *out);
	long long payment_id = held->held_payment_id;
	enum payment_claim claim = CLAIM_OK;
	NEOERR *err = STATUS_OK;
	if (payment_id == 0)
		err = booking_claim(db, held, provider->name, payment_method, &payment_id, &claim, &out->message);
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (claim) {
	case CLAIM_OK:
		break;
	case CLAIM_IN_PROGRESS:
		out->outcome = BOOKING_IN_PROGRESS;
		return STATUS_OK;
	case CLAIM_NOT_PAYABLE:
		out->outcome = BOOKING_NOT_PAYABLE;
		return STATUS_OK;
	case CLAIM_CHANGED:
		out->outcome = BOOKING_CHANGED;
		return STATUS_OK;
	}
	const char *key = booking_charge_key(a, held->booking_id, payment_id);
	struct payment_charge charge = {
		.amount_cents = held->total_cents,
		.currency = held->currency,
		.payment_method = payment_method,
		.idempotency_key = key,
		.attempt = key,
		.description = arena_printf(a, "Booking %s", held->booking_code),
	};
	struct payment_result paid;
	err = provider->charge(cfg, a, &charge, &paid);
	if (nerr_match(err, ERR_BUSY)) {
		/* Never sent: nothing moved. Close the attempt; the API gives the seats back too,
		 * so a crowd turned away does not sit on them for the length of a hold. */
		NEOERR *closed = db_payments_finish(db, payment_id, "failed", NULL, "not sent: payment calls busy");
		if (closed == STATUS_OK && release_on_decline)
			closed = db_bookings_release(db, held->booking_id, "failed", NULL);
		nerr_ignore(&closed);
		return nerr_pass(err);
	}
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
			err = db_bookings_release(db, held->booking_id, "failed", OUTBOX_PAYMENT_FAILED);
		return nerr_pass(err);
	}
	/* The success is recorded in the confirm transaction (one commit, not two). */
	struct booking_paid_charge money = { payment_id, held->booking_id, held->total_cents,
					     held->currency, paid.provider_ref, NULL };
	enum booking_settled settled;
	err = booking_settle_paid(cfg, db, a, provider, &money, &settled);
	if (err != STATUS_OK) {
		/* Still record that money moved, so the sweep refunds it if the hold then expires
		 * unconfirmed (db_payments_orphans). */
		NEOERR *rec = db_payments_finish(db, payment_id, "succeeded", paid.provider_ref, NULL);
		log_error("booking %lld: paid (%s) but not settled yet%s; the hold keeps the seats",
			  held->booking_id, paid.provider_ref,
			  rec == STATUS_OK ? "" : ", and recording the payment failed too");
		nerr_ignore(&rec);
		return nerr_pass(err);
	}
	if (settled == SETTLED_REFUNDED) {
		out->outcome = BOOKING_LOST;
		out->message = "Your seats were released before the payment completed; "
			       "the charge has been refunded.";
		return STATUS_OK;
	}
	out->outcome = BOOKING_CONFIRMED;
	return STATUS_OK;
}
