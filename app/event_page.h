/* event_page: one event — its page with the seat map, its JSON, and its ticket inventory. */
#ifndef BOXOFFICE_EVENT_PAGE_H
#define BOXOFFICE_EVENT_PAGE_H
#include <ClearSilver.h>

struct request;

NEOERR *event_show_page(struct request *req);
NEOERR *event_show_api(struct request *req);
NEOERR *event_tickets_api(struct request *req);

#endif
