/* event_page: one event — its page with the seat map, its JSON, and its ticket inventory. */
#ifndef BOXOFFICE_EVENT_PAGE_H
#define BOXOFFICE_EVENT_PAGE_H
#include <ClearSilver.h>

struct request;

NEOERR *event_show_page(struct request *req);
NEOERR *event_show_api(struct request *req);
NEOERR *event_tickets_api(struct request *req);
/* The event page for one shopper: seats pre-ticked and a message (a hold that failed),
 * with the given status. Never cached. */
NEOERR *event_page_with_selection(struct request *req, long long event_id, int status,
				  const char *message, const long long *selected, int nselected);

#endif
