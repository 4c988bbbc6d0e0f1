/* event_page: GET /events/{id}, /api/v1/events/{eventId}, /api/v1/events/{eventId}/tickets
 * (placeholder until the event page room lands). */
#include "errors.h"
#include "event_page.h"

NEOERR *event_show_page(struct request *req)
{
	(void)req;
	return nerr_raise(ERR_NOT_FOUND, "There is no such event.");
}

NEOERR *event_show_api(struct request *req)
{
	(void)req;
	return nerr_raise(ERR_NOT_FOUND, "There is no such event.");
}

NEOERR *event_tickets_api(struct request *req)
{
	(void)req;
	return nerr_raise(ERR_NOT_FOUND, "There is no such event.");
}
