/* events: the event listing pages (HTML and JSON). */
#ifndef BOXOFFICE_EVENTS_H
#define BOXOFFICE_EVENTS_H
#include <ClearSilver.h>

struct request;

#define EVENTS_PAGE_SIZE 20

NEOERR *events_list_page(struct request *req);
NEOERR *events_list_api(struct request *req);

#endif
