/* admission: load shedding for the booking endpoints during an on-sale. nginx stamps each
 * request with the time it handed it to the pool (REQUEST_START = $msec); a request that
 * waited longer than Booking.MaxQueueMs for a free worker is answered at once with a 503
 * and Retry-After instead of being booked late, so a crowd bigger than the database can
 * serve gets quick "try again" answers rather than a queue that grows without bound. */
#ifndef BOXOFFICE_ADMISSION_H
#define BOXOFFICE_ADMISSION_H
#include <stdbool.h>
#include <time.h>
#include <ClearSilver.h>

struct request;

/* Milliseconds between `stamp` ("1700000000.123", nginx's $msec) and `now`; -1 when the stamp
 * is missing or malformed, 0 when it is in the future (clocks step). */
long admission_queued_ms(const char *stamp, const struct timespec *now);

/* STATUS_OK when the request may go on; an ERR_UNAVAILABLE saying so (and a Retry-After
 * header on the response) when it queued too long. Never sheds when MaxQueueMs is 0. */
NEOERR *admission_check(struct request *req);

#endif
