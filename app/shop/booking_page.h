/* booking_page: GET /bookings/{id}?token=..., where a paid checkout lands. */
#ifndef BOXOFFICE_BOOKING_PAGE_H
#define BOXOFFICE_BOOKING_PAGE_H
#include <ClearSilver.h>

struct request;

NEOERR *booking_page_show(struct request *req);

#endif
