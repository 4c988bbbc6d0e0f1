/* checkin: the door's check-in page and the scanner apps' API. */
#ifndef BOXOFFICE_CHECKIN_H
#define BOXOFFICE_CHECKIN_H
#include <ClearSilver.h>

struct request;

NEOERR *checkin_page(struct request *req);     /* GET /admin/events/{id}/checkin */
NEOERR *checkin_submit(struct request *req);   /* POST /admin/events/{id}/checkin */
NEOERR *checkin_api(struct request *req);      /* POST /api/v1/checkin */

#endif
