/* bookings_api: POST /api/v1/bookings (hold, pay, confirm in one call) and
 * GET /api/v1/bookings/{id} for the holder of the booking's access token. */
#ifndef BOXOFFICE_BOOKINGS_API_H
#define BOXOFFICE_BOOKINGS_API_H
#include <ClearSilver.h>

struct request;

NEOERR *bookings_api_create(struct request *req);
NEOERR *bookings_api_show(struct request *req);

#endif
