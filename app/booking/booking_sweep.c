/* booking_sweep: what is settled after the fact — payment attempts a dead worker left pending,
 * holds that ran out (booking protocol step 4) and charges whose booking ended unconfirmed —
 * for `boxoffice sweep` and the pool master's periodic sweep. */
#include <string.h>
#include "booking/booking.h"
#include "booking/booking_checkout.h"
#include "booking/booking_sweep.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/config.h"
#include "db/db_expiry.h"
#include "db/db_payments.h"
#include "db/db_sessions.h"
#include "payments/payments.h"

NEOERR *booking_settle_orphans(const struct config *cfg, struct db *db, long *refunded, long *confirmed)
{
	struct arena *a = arena_new();
	struct orphan_payment *orphans;
	int n = 0;
	*refunded = *confirmed = 0;
	NEOERR *err = db_payments_orphans(db, a, &orphans, &n);
	for (int i = 0; err == STATUS_OK && i < n; i++) {
		const struct orphan_payment *o = &orphans[i];
		const struct payment_provider *provider = payments_provider(o->provider);
		if (provider == NULL) {
			log_error("payment %lld: unknown provider '%s'; cannot refund", o->payment_id, o->provider);
			continue;
		}
		/* A hold that merely ran out gets its very seats back if they are still free; else
		 * (or for a booking given up) the money goes back. */
		struct booking_paid_charge money = { o->payment_id, o->booking_id, o->amount_cents,
						     o->currency, o->provider_ref, NULL };
		enum booking_settled settled;
		err = booking_settle_paid(cfg, db, a, provider, &money, &settled);
		if (err != STATUS_OK)
			break;
		if (settled == SETTLED_REFUNDED) {
			log_info("refunded payment %lld of booking %lld (not confirmed in time)",
				 o->payment_id, o->booking_id);
			(*refunded)++;
		} else {
			log_info("payment %lld of booking %lld came after its hold ran out: the same seats "
				 "were free, booking confirmed", o->payment_id, o->booking_id);
			(*confirmed)++;
		}
	}
	arena_destroy(a);
	return nerr_pass(err);
}

/* An attempt is not decided yet: ask again in a later sweep. */
#define UNDECIDED NULL

/* A direct charge whose worker died mid-charge: what the gateway's record says of it. */
static NEOERR *reconcile_charge(const struct config *cfg, struct db *db, struct arena *a,
				const struct payment_provider *provider, const struct payment_record *p,
				const char **what)
{
	if (provider->charge_lookup == NULL || p->payment_method == NULL) {
		*what = "cannot be looked up (no payment method recorded): check it by hand";
		return nerr_pass(db_payments_finish(db, p->payment_id, "failed", NULL,
						    "worker died mid-charge; not replayable"));
	}
	const char *key = booking_charge_key(a, p->booking_id, p->payment_id);
	struct payment_charge charge = {
		.amount_cents = p->amount_cents, .currency = p->currency,
		.payment_method = p->payment_method, .idempotency_key = key, .attempt = key,
		.description = arena_printf(a, "Booking %s", p->booking_code),
	};
	struct payment_result paid;
	bool found = false;
	NEOERR *err = provider->charge_lookup(cfg, a, &charge, &paid, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);             /* unreachable or undecided: next sweep */
	if (!found) {
		/* Nothing at the gateway: the call never got there. Its search may lag behind a
		 * charge by a little, so only an old attempt is given up. */
		if (p->age_seconds < 600) {
			*what = UNDECIDED;
			return nerr_pass(db_payments_touch(db, p->payment_id));
		}
		*what = "never reached the gateway: nothing was charged";
		return nerr_pass(db_payments_finish(db, p->payment_id, "failed", NULL,
						    "worker died before the gateway had the charge"));
	}
	if (paid.outcome != PAYMENT_SUCCEEDED) {
		*what = "was declined";
		return nerr_pass(db_payments_finish(db, p->payment_id, "declined", paid.provider_ref,
						    paid.message));
	}
	struct booking_paid_charge money = { p->payment_id, p->booking_id, p->amount_cents, p->currency,
					     paid.provider_ref, NULL };
	enum booking_settled settled;
	err = booking_settle_paid(cfg, db, a, provider, &money, &settled);
	*what = settled == SETTLED_REFUNDED ? "had succeeded for a booking that ended: refunded"
	      : settled == SETTLED_REVIVED ? "had succeeded after the hold ran out: the same seats were free, booking confirmed"
					   : "had succeeded: booking confirmed";
	return nerr_pass(err);
}

/* A hosted checkout whose webhook may have been lost, or whose shopper never came back. */
static NEOERR *reconcile_checkout(const struct config *cfg, struct db *db, struct arena *a,
				  const struct payment_record *p, const char **what)
{
	if (p->session_id == NULL) {
		/* The gateway's answer was lost before the checkout was recorded: nobody was sent
		 * there, so nobody can have paid. */
		*what = "never opened at the gateway: closed";
		bool replay;
		return nerr_pass(db_payments_unpaid(db, a, p->payment_id, "failed",
						    "the checkout was never opened", UNPAID_KEEP_HOLD,
						    NULL, &replay));
	}
	enum checkout_result result;
	const char *message;
	NEOERR *err = booking_checkout_settle(cfg, db, a, p, &result, &message);
	if (err != STATUS_OK)
		return nerr_pass(err);
	static const char *const WHAT[] = {
		[RESULT_CONFIRMED] = "had been paid: booking confirmed",
		[RESULT_REVIVED] = "had been paid after the hold ran out: the same seats were free, booking confirmed",
		[RESULT_REFUNDED] = "had been paid for a booking that ended: refunded",
		[RESULT_PROCESSING] = NULL,
		[RESULT_OPEN] = NULL,
		[RESULT_FAILED] = "had failed: the hold was released",
		[RESULT_EXPIRED] = "lapsed unpaid: the hold was released",
	};
	*what = WHAT[result];
	if (*what == UNDECIDED)
		return nerr_pass(db_payments_touch(db, p->payment_id));
	return STATUS_OK;
}

NEOERR *booking_reconcile_pending(const struct config *cfg, struct db *db, long *settled)
{
	struct arena *a = arena_new();
	struct payment_record *pending;
	int n = 0;
	*settled = 0;
	NEOERR *first = db_payments_unsettled(db, a, 100, &pending, &n);
	for (int i = 0; first == STATUS_OK && i < n; i++) {
		const struct payment_record *p = &pending[i];
		const struct payment_provider *provider = payments_provider(p->provider);
		const char *what = UNDECIDED;
		NEOERR *err;
		if (provider == NULL) {
			what = "cannot be looked up (unknown provider): check it by hand";
			err = db_payments_finish(db, p->payment_id, "failed", NULL, "unknown provider");
		} else if (p->session_id || (p->payment_method && strcmp(p->payment_method, "checkout") == 0)) {
			err = reconcile_checkout(cfg, db, a, p, &what);
		} else {
			err = reconcile_charge(cfg, db, a, provider, p, &what);
		}
		if (err != STATUS_OK) {
			/* One gateway not answering must not stop the others: the next sweep asks again. */
			log_error("payment %lld of booking %lld: %s", p->payment_id, p->booking_id,
				  errors_message(err));
			NEOERR *touch = db_payments_touch(db, p->payment_id);
			nerr_ignore(&touch);
			nerr_ignore(&err);
			continue;
		}
		if (what != UNDECIDED) {
			log_info("payment %lld of booking %lld, left pending, %s", p->payment_id, p->booking_id, what);
			(*settled)++;
		}
	}
	arena_destroy(a);
	return nerr_pass(first);
}

/* Expire every overdue hold, a batch per transaction, each retried on lock conflicts. */
static NEOERR *booking_sweep_expire(struct db *db, int grace, long *expired, long *released)
{
	for (;;) {
		int found = 0;
		long batch_expired, batch_released;
		NEOERR *err;
		for (int attempt = 0;; attempt++) {
			batch_expired = batch_released = 0;
			err = db_expiry_batch(db, grace, &found, &batch_expired, &batch_released);
			if (!booking_should_retry(&err, attempt, NULL))
				break;
		}
		if (err != STATUS_OK)
			return nerr_pass(err);
		*expired += batch_expired;
		*released += batch_released;
		if (found < DB_EXPIRY_BATCH)
			return STATUS_OK;
	}
}

/* Keep the first failure for the caller; log any later one (the passes go on regardless). */
static void booking_sweep_keep(NEOERR **first, NEOERR *err, const char *pass)
{
	if (err == STATUS_OK)
		return;
	if (*first == STATUS_OK) {
		*first = nerr_pass_ctx(err, "%s", pass);
		return;
	}
	log_error("%s failed: %s", pass, errors_message(err));
	nerr_ignore(&err);
}

NEOERR *booking_sweep(const struct config *cfg, struct db *db, int grace_seconds,
		      struct booking_sweep_counts *out)
{
	memset(out, 0, sizeof *out);
	NEOERR *first = STATUS_OK;
	/* First the attempts a dead worker left pending: a paid hold is confirmed, not expired. */
	booking_sweep_keep(&first, booking_reconcile_pending(cfg, db, &out->settled),
			   "settling pending payments");
	/* Then the holds, even when the gateway is unreachable: seats must go back on sale. */
	booking_sweep_keep(&first, booking_sweep_expire(db, grace_seconds, &out->expired, &out->released),
			   "expiring holds");
	/* A charge that went through for a booking that then ended unconfirmed (its worker died
	 * in between): its seats again if they are free, else the money back. */
	long late = 0;
	booking_sweep_keep(&first, booking_settle_orphans(cfg, db, &out->refunded, &late),
			   "settling payments of ended bookings");
	out->settled += late;
	/* The one other thing that ends with time: sessions nobody used within their timeouts
	 * (they are refused when looked up anyway; this keeps the table small). */
	booking_sweep_keep(&first, db_sessions_purge(db, cfg->session_idle_minutes, &out->sessions_ended),
			   "deleting ended sessions");
	return first;
}
