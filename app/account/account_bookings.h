/* account_bookings: My bookings — GET /account/bookings and GET /api/v1/me/bookings. */
#ifndef BOXOFFICE_ACCOUNT_BOOKINGS_H
#define BOXOFFICE_ACCOUNT_BOOKINGS_H
#include <ClearSilver.h>

struct request;

NEOERR *account_bookings_page(struct request *req);
NEOERR *account_bookings_api(struct request *req);

#endif
