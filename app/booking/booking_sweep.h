/* booking_sweep: settling after the fact what no shopper's request will — stale payment
 * attempts, holds that ran out, charges without seats. Run by `boxoffice sweep` and by the
 * pool master every Server.SweepInterval. Safe beside live bookings and beside another sweep. */
#ifndef BOXOFFICE_BOOKING_SWEEP_H
#define BOXOFFICE_BOOKING_SWEEP_H
#include <ClearSilver.h>

struct config;
struct db;

/* How long past expires_at a hold survives, so a payment that completes just after the
 * deadline still finds its seats. */
#define BOOKING_SWEEP_DEFAULT_GRACE 30

struct booking_sweep_counts {
	long settled;                /* pending payment attempts settled, late payments confirmed */
	long expired;                /* bookings expired */
	long released;               /* their tickets put back on sale */
	long refunded;               /* charges refunded */
	long long sessions_ended;    /* signed-in sessions past their end, deleted */
};

/* Settle payment attempts still pending (db_payments_unsettled) from the gateway's own record
 * of them: a direct charge whose worker died mid-charge is looked up by the reference it was
 * made with; a hosted checkout whose webhook was lost, or whose shopper never came back, is
 * looked up (and PayPal's captured). Paid with the hold whole (or its seats free again): the
 * booking is confirmed; paid without seats: refunded; declined or lapsed: recorded, and a
 * checkout's hold released. What the gateway cannot decide yet waits for a later sweep. Run
 * before holds are expired, so a paid hold is confirmed rather than lost. */
NEOERR *booking_reconcile_pending(const struct config *cfg, struct db *db, long *settled);

/* Charges that succeeded for bookings that then ended unconfirmed (see db_payments_orphans):
 * a hold that ran out is confirmed after all when its very seats are still free, else (and for
 * a booking given up) the charge is refunded — once per payment, however often it runs. */
NEOERR *booking_settle_orphans(const struct config *cfg, struct db *db, long *refunded, long *confirmed);

/* The whole sweep: settle pending payments, expire holds more than `grace_seconds` overdue,
 * settle (or refund) the charges of ended bookings — in that order, each pass running even when an earlier one failed
 * (an unreachable gateway must not keep seats off sale). Returns the first failure; later
 * ones are logged. */
NEOERR *booking_sweep(const struct config *cfg, struct db *db, int grace_seconds,
		      struct booking_sweep_counts *out);

#endif
