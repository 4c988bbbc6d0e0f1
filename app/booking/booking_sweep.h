/* booking_sweep: settling after the fact what no shopper's request will — stale payment
 * attempts, holds that ran out, charges without seats. Run by `boxoffice sweep` and by the
 * pool master every Server.SweepInterval. Safe beside live bookings and beside another sweep. */
#ifndef BOXOFFICE_BOOKING_SWEEP_H
#define BOXOFFICE_BOOKING_SWEEP_H
#include <ClearSilver.h>

struct db;

/* How long past expires_at a hold survives, so a payment that completes just after the
 * deadline still finds its seats. */
#define BOOKING_SWEEP_DEFAULT_GRACE 30

struct booking_sweep_counts {
	long settled;                /* pending payment attempts settled */
	long expired;                /* bookings expired */
	long released;               /* their tickets put back on sale */
	long refunded;               /* charges refunded */
};

/* Settle payment attempts left pending by a worker that died mid-charge (see
 * db_payments_stale_pending): replay each charge under its idempotency key, then confirm the
 * booking if the money moved and the hold is intact, refund it if not, or record the decline.
 * Run before holds are expired, so a paid hold is confirmed rather than lost. */
NEOERR *booking_reconcile_pending(struct db *db, long *settled);

/* Refund charges whose booking ended unconfirmed (see db_payments_orphans); refunds are
 * idempotent per payment, so running it twice refunds once. */
NEOERR *booking_refund_orphans(struct db *db, long *refunded);

/* The whole sweep: settle pending payments, expire holds more than `grace_seconds` overdue,
 * refund orphaned charges — in that order, each pass running even when an earlier one failed
 * (an unreachable gateway must not keep seats off sale). Returns the first failure; later
 * ones are logged. */
NEOERR *booking_sweep(struct db *db, int grace_seconds, struct booking_sweep_counts *out);

#endif
