/* event_filters: the browse filters shared by /events and /search (HTML and JSON) —
 * category, startDate, endDate, location, venue, sort, page, pageSize — read from the query
 * string and validated once (into db_events.h's struct event_filters, which the SQL layer turns
 * into conditions), and written back as form values and pagination links. */
#ifndef BOXOFFICE_EVENT_FILTERS_H
#define BOXOFFICE_EVENT_FILTERS_H
#include <stdbool.h>
#include <ClearSilver.h>
#include "db/db_events.h"

struct arena;
struct request;

#define EVENT_FILTERS_PAGE_SIZE 20
#define EVENT_FILTERS_MAX_PAGE_SIZE 100
#define EVENT_FILTERS_MAX_PAGE 10000
#define EVENT_FILTERS_MAX_LOCATION 100

/* Read and check the filters from the query string. Any bad value is an ERR_BAD_REQUEST
 * naming the parameter and what is allowed. `relevance_ok` allows sort=relevance (search). */
NEOERR *event_filters_parse(struct request *req, bool relevance_ok, struct event_filters *f);
/* The filters as a canonical query string without page (for links and cache keys),
 * e.g. "category=concerts&location=Berlin"; "" when none are set. */
const char *event_filters_query(struct request *req, const struct event_filters *f);
/* Form state and navigation (Filters.*, Categories.*, Cities.*) for the templates. Uses the
 * raw query values when `raw` so a rejected form comes back as the user typed it. */
NEOERR *event_filters_to_hdf(struct request *req, const struct event_filters *f, bool raw);

#endif
