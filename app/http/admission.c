/* admission: see admission.h. The queue being measured is the pool's listen backlog: the
 * kernel hands connections to workers in arrival order, so every request that got this far
 * has waited its turn; shedding the ones that waited too long keeps the answer time of the
 * rest bounded. Shed requests have done nothing yet: nothing is held or charged, and an
 * Idempotency-Key is not recorded (the retry runs afresh). */
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "core/errors.h"
#include "http/admission.h"
#include "http/app.h"
#include "http/http.h"

/* The client is told to come back after this long; long enough for the queue to drain a
 * little, short enough that a shopper in an on-sale does not lose their turn for long. */
#define ADMISSION_RETRY_AFTER "1"

long admission_queued_ms(const char *stamp, const struct timespec *now)
{
	if (stamp == NULL || *stamp < '0' || *stamp > '9')
		return -1;
	char *end = NULL;
	long long secs = strtoll(stamp, &end, 10);
	long long ms = 0;
	if (*end == '.') {
		const char *frac = end + 1;
		int digits = 0;
		for (; *frac >= '0' && *frac <= '9'; frac++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*frac - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			ms *= 10;
		end = (char *)frac;
	}
	if (*end != '\0' || secs < 0 || secs > 1LL << 40)
		return -1;
	long long stamped = secs * 1000 + ms;
	long long current = (long long)now->tv_sec * 1000 + now->tv_nsec / 1000000;
	long long waited = current - stamped;
	if (waited < 0)
		return 0;
	return waited > 86400000 ? 86400000 : (long)waited;
}

NEOERR *admission_check(struct request *req)
{
	int limit = req->app ? req->app->cfg->max_queue_ms : 0;
	if (limit <= 0)
		return STATUS_OK;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (admission_queued_ms(req->request_start, &now) <= limit)
		return STATUS_OK;
	http_set_header(req, "Retry-After", ADMISSION_RETRY_AFTER);
	return nerr_raise(ERR_UNAVAILABLE, "So many people are booking right now that your request "
			  "waited too long to be taken. Nothing has been held or charged: please try "
			  "again in a moment.");
}
