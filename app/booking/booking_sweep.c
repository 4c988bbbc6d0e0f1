/* booking_sweep: what is settled after the fact — payment attempts a dead worker left pending,
 * holds that ran out (booking protocol step 4) and charges whose booking ended unconfirmed —
 * for `boxoffice sweep` and the pool master's periodic sweep. */
#include <string.h>
#include "booking/booking.h"
#include "booking/booking_sweep.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/log.h"
#include "db/db_expiry.h"
#include "payments/payments.h"

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

NEOERR *booking_sweep(struct db *db, int grace_seconds, struct booking_sweep_counts *out)
{
	memset(out, 0, sizeof *out);
	NEOERR *first = STATUS_OK;
	/* First the attempts a dead worker left pending: a paid hold is confirmed, not expired. */
	booking_sweep_keep(&first, booking_reconcile_pending(db, &out->settled),
			   "settling pending payments");
	/* Then the holds, even when the gateway is unreachable: seats must go back on sale. */
	booking_sweep_keep(&first, booking_sweep_expire(db, grace_seconds, &out->expired, &out->released),
			   "expiring holds");
	/* A charge that went through for a booking that then expired unconfirmed (its worker
	 * died in between) is money without seats: give it back. */
	booking_sweep_keep(&first, booking_refund_orphans(db, &out->refunded),
			   "refunding orphaned payments");
	return first;
}
