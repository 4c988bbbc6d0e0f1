/* events: the event listing pages (HTML and JSON), and the per-event pieces that search
 * results reuse so every list of events looks and serialises the same way. */
#ifndef BOXOFFICE_EVENTS_H
#define BOXOFFICE_EVENTS_H
#include <ClearSilver.h>

struct request;
struct json_object;
struct event_summary;
struct event_page;

NEOERR *events_list_page(struct request *req);
NEOERR *events_list_api(struct request *req);

/* One event as the API's JSON object / as HDF under `node` (Id, Name, Date, ...). */
struct json_object *events_summary_json(struct request *req, const struct event_summary *ev);
void events_summary_hdf(struct request *req, HDF *node, const struct event_summary *ev);
/* Page.* (Number, Total, Prev, Next) for a page of results. */
void events_pagination_hdf(HDF *hdf, const struct event_page *page);

#endif
