/* search: keyword search over events (HTML and JSON). */
#ifndef BOXOFFICE_SEARCH_H
#define BOXOFFICE_SEARCH_H
#include <ClearSilver.h>

struct request;

NEOERR *search_page(struct request *req);
NEOERR *search_api(struct request *req);

#endif
