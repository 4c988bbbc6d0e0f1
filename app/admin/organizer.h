/* organizer: the organizer's own pages — GET /admin (their events), and the attendees of one
 * of them, GET /admin/events/{id}/attendees and GET /api/v1/admin/events/{id}/attendees. The
 * back office (venues, events, sales, refunds) grows from here. */
#ifndef BOXOFFICE_ORGANIZER_H
#define BOXOFFICE_ORGANIZER_H
#include <ClearSilver.h>

struct request;

NEOERR *organizer_home(struct request *req);
NEOERR *organizer_attendees_page(struct request *req);
NEOERR *organizer_attendees_api(struct request *req);

#endif
