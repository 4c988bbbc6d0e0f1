/* booking: orchestration of hold → pay → confirm. Lock conflicts are retried here with a
 * bounded, jittered back-off; the gateway is called with no transaction open. */
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/app.h"
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

NEOERR *booking_hold(struct app *app, struct arena *a, const struct hold_request *rq,
		     struct hold_result *out)
{
	NEOERR *err;
	for (int attempt = 0;; attempt++) {
		err = db_bookings_hold(&app->db, a, rq, out);
		if (!booking_should_retry(&err, attempt, "So many people are booking right now that "
					  "we could not hold your seats. Please try again in a moment."))
			return nerr_pass(err);
	}
}

static NEOERR *booking_confirm(struct db *db, struct arena *a, long long booking_id,
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

/* One key per attempt: a network retry of this attempt (or its replay by the sweep) is one
 * charge, while a new attempt after a decline (another card) is a new charge. */
static const char *booking_charge_key(struct arena *a, long long booking_id, long long payment_id)
{
	return arena_printf(a, "booking-%lld-payment-%lld", booking_id, payment_id);
}

NEOERR *booking_pay(struct app *app, struct arena *a, const struct booking_charge *held,
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
			err = db_payments_claim(&app->db, held->booking_id, event_id, provider->name,
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
		err = db_payments_finish(&app->db, payment_id, "declined", paid.provider_ref, paid.message);
		if (err == STATUS_OK && release_on_decline)
			err = db_bookings_release(&app->db, held->booking_id, "failed");
		return nerr_pass(err);
	}
	/* The success is recorded in the confirm transaction (one commit, not two). */
	struct confirm_payment record = { payment_id, paid.provider_ref };
	enum confirm_outcome confirmed;
	err = booking_confirm(&app->db, a, held->booking_id, &record, &confirmed);
	if (err != STATUS_OK) {
		/* Still record that money moved, so the sweep refunds it if the hold then expires
		 * unconfirmed (db_payments_orphans). */
		NEOERR *rec = db_payments_finish(&app->db, payment_id, "succeeded", paid.provider_ref, NULL);
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
			err = db_payments_finish(&app->db, payment_id, "refunded", paid.provider_ref,
						 "hold lost before payment completed");
		out->outcome = BOOKING_LOST;
		out->message = "Your seats were released before the payment completed; "
			       "the charge has been refunded.";
		return nerr_pass(err);
	}
	out->outcome = BOOKING_CONFIRMED;
	return STATUS_OK;
}

NEOERR *booking_refund_orphans(struct db *db, long *refunded)
{
	struct arena *a = arena_new();
	struct orphan_payment *orphans;
	int n = 0;
	*refunded = 0;
	NEOERR *err = db_payments_orphans(db, a, &orphans, &n);
	for (int i = 0; err == STATUS_OK && i < n; i++) {
		const struct payment_provider *provider = payments_provider(orphans[i].provider);
		if (provider == NULL) {
			log_error("payment %lld: unknown provider '%s'; cannot refund", orphans[i].payment_id,
				  orphans[i].provider);
			continue;
		}
		err = provider->refund(a, orphans[i].provider_ref, orphans[i].amount_cents,
				       arena_printf(a, "payment-%lld-refund", orphans[i].payment_id));
		if (err == STATUS_OK)
			err = db_payments_finish(db, orphans[i].payment_id, "refunded", orphans[i].provider_ref,
						 "booking ended before it was confirmed");
		if (err == STATUS_OK) {
			log_info("refunded payment %lld of booking %lld (not confirmed in time)",
				 orphans[i].payment_id, orphans[i].booking_id);
			(*refunded)++;
		}
	}
	arena_destroy(a);
	return nerr_pass(err);
}

/* One stale attempt: replay its charge under the same idempotency key (the provider answers
 * what happened to the original, charging nothing twice), then finish what its worker did
 * not — confirm the booking if the money moved and the hold is intact, else give it back. */
static NEOERR *booking_reconcile_one(struct db *db, struct arena *a, const struct pending_payment *p,
				     const char **what)
{
	const struct payment_provider *provider = payments_provider(p->provider);
	if (provider == NULL || p->payment_method == NULL) {
		*what = "cannot be replayed (unknown provider or no payment method recorded): check it by hand";
		return nerr_pass(db_payments_finish(db, p->payment_id, "failed", NULL,
						    "worker died mid-charge; not replayable"));
	}
	struct payment_charge charge = {
		.amount_cents = p->amount_cents,
		.currency = p->currency,
		.payment_method = p->payment_method,
		.idempotency_key = booking_charge_key(a, p->booking_id, p->payment_id),
		.description = arena_printf(a, "Booking %s", p->booking_code),
	};
	struct payment_result paid;
	NEOERR *err = provider->charge(a, &charge, &paid);
	if (err != STATUS_OK)
		return nerr_pass(err);             /* the provider is unreachable: next sweep */
	if (paid.outcome != PAYMENT_SUCCEEDED) {
		*what = "was declined";
		return nerr_pass(db_payments_finish(db, p->payment_id, "declined", paid.provider_ref,
						    paid.message));
	}
	enum confirm_outcome confirmed = CONFIRM_LOST;
	if (strcmp(p->booking_status, "pending") == 0 || strcmp(p->booking_status, "confirmed") == 0) {
		struct confirm_payment record = { p->payment_id, paid.provider_ref };
		err = booking_confirm(db, a, p->booking_id, &record, &confirmed);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (confirmed == CONFIRM_OK) {
			*what = "had succeeded: booking confirmed";
			return STATUS_OK;
		}
	} else {
		err = db_payments_finish(db, p->payment_id, "succeeded", paid.provider_ref, NULL);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	/* Paid, but the hold is gone (or another attempt paid for it): give the money back. */
	err = provider->refund(a, paid.provider_ref, p->amount_cents,
			       arena_printf(a, "payment-%lld-refund", p->payment_id));
	if (err == STATUS_OK)
		err = db_payments_finish(db, p->payment_id, "refunded", paid.provider_ref,
					 confirmed == CONFIRM_ALREADY ? "booking already paid by another attempt"
								      : "booking ended before the payment was settled");
	*what = "had succeeded for a booking that ended: refunded";
	return nerr_pass(err);
}

NEOERR *booking_reconcile_pending(struct db *db, long *settled)
{
	struct arena *a = arena_new();
	struct pending_payment *pending;
	int n = 0;
	*settled = 0;
	NEOERR *err = db_payments_stale_pending(db, a, &pending, &n);
	for (int i = 0; err == STATUS_OK && i < n; i++) {
		const char *what = "";
		err = booking_reconcile_one(db, a, &pending[i], &what);
		if (err == STATUS_OK) {
			log_info("payment %lld of booking %lld, left pending by a worker that died, %s",
				 pending[i].payment_id, pending[i].booking_id, what);
			(*settled)++;
		}
	}
	arena_destroy(a);
	return nerr_pass(err);
}
