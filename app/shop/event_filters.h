/* event_filters: the browse filters shared by /events and /search (HTML and JSON) —
 * category, startDate, endDate, location, venue, sort, page, pageSize — validated once,
 * turned into SQL conditions, form values and pagination links. */
#ifndef BOXOFFICE_EVENT_FILTERS_H
#define BOXOFFICE_EVENT_FILTERS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct request;
struct sql_builder;

#define EVENT_FILTERS_PAGE_SIZE 20
#define EVENT_FILTERS_MAX_PAGE_SIZE 100
#define EVENT_FILTERS_MAX_PAGE 10000
#define EVENT_FILTERS_MAX_LOCATION 100

enum event_sort { EVENT_SORT_DATE, EVENT_SORT_POPULARITY, EVENT_SORT_RELEVANCE };

struct event_filters {
	const char *category;      /* a known slug, or NULL */
	long long category_id;
	const char *start_date;    /* "YYYY-MM-DD" (venue-local date), or NULL */
	const char *end_date;
	const char *location;      /* part of a city or venue name, or NULL */
	long long venue_id;        /* 0 = any */
	enum event_sort sort;
	int page;
	int page_size;
};

/* Read and check the filters from the query string. Any bad value is an ERR_BAD_REQUEST
 * naming the parameter and what is allowed. `relevance_ok` allows sort=relevance (search). */
NEOERR *event_filters_parse(struct request *req, bool relevance_ok, struct event_filters *f);
/* Append " AND ..." conditions over events e / venues v, with their parameters. Always
 * restricts to published events that have not started. */
void event_filters_where(const struct event_filters *f, struct arena *a, struct sql_builder *sb);
/* The filters as a canonical query string without page (for links and cache keys),
 * e.g. "category=concerts&location=Berlin"; "" when none are set. */
const char *event_filters_query(struct request *req, const struct event_filters *f);
/* Form state and navigation (Filters.*, Categories.*, Cities.*) for the templates. Uses the
 * raw query values when `raw` so a rejected form comes back as the user typed it. */
NEOERR *event_filters_to_hdf(struct request *req, const struct event_filters *f, bool raw);

#endif
