/* checkout_hold: the seat map's form, where a checkout begins. */
#ifndef BOXOFFICE_CHECKOUT_HOLD_H
#define BOXOFFICE_CHECKOUT_HOLD_H
#include <ClearSilver.h>

struct request;

/* POST /events/{id}/hold (ticketId=..., standing_<sectionId>=N): hold and 303 to the
 * checkout page, or the event page again saying what went wrong. */
NEOERR *checkout_hold(struct request *req);

#endif
