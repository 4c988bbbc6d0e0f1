/* booking_api: POST /api/v1/bookings (hold, pay, confirm in one call) and
 * GET /api/v1/bookings/{id} for the holder of the booking's access token. */
#ifndef BOXOFFICE_BOOKING_API_H
#define BOXOFFICE_BOOKING_API_H
#include <ClearSilver.h>

struct request;

NEOERR *booking_api_create(struct request *req);
NEOERR *booking_api_show(struct request *req);

#endif
