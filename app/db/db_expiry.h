/* db_expiry: expiring overdue holds (booking protocol step 4), run by the sweep. */
#ifndef BOXOFFICE_DB_EXPIRY_H
#define BOXOFFICE_DB_EXPIRY_H
#include <ClearSilver.h>

struct db;

/* Bookings per transaction: short transactions keep the time other bookers wait on us small. */
#define DB_EXPIRY_BATCH 200

/* One transaction: lock up to DB_EXPIRY_BATCH bookings still pending `grace` seconds past
 * their expires_at, put the tickets they still hold back on sale and mark them expired.
 * SKIP LOCKED passes over bookings another transaction is confirming (or another sweep is
 * expiring); if they are still pending afterwards, the next batch takes them. *found is how
 * many bookings the batch locked (fewer than DB_EXPIRY_BATCH: none are left); *expired and
 * *released grow by what it changed. Lock conflicts come back as NERR_LOCK. */
NEOERR *db_expiry_batch(struct db *db, int grace, int *found, long *expired, long *released);

#endif
