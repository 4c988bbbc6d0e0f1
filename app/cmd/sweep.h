/* sweep: releases the seat holds of pending bookings whose time ran out, and marks those
 * bookings expired; run by `boxoffice sweep` and periodically by the pool master. */
#ifndef BOXOFFICE_SWEEP_H
#define BOXOFFICE_SWEEP_H

struct db;

#define SWEEP_DEFAULT_GRACE 30

/* Expire every pending booking whose expires_at is more than grace_seconds in the past and
 * put its still-reserved tickets back on sale, in batches of one transaction each. Safe to
 * run beside itself and beside live bookings (bookings being worked on are skipped and
 * picked up next time). Returns 0 and the number of tickets released in *released_out
 * (may be NULL), or -1 after logging the error. */
int sweep_run_once(struct db *db, int grace_seconds, long *released_out);

#endif
