/* event_common: the one way the parts every view of an event shares — its venue, its category,
 * its bill of performers (struct event_venue and friends, db_events.h) — are written out as JSON
 * and HDF, so listings, search and the event page agree. */
#ifndef BOXOFFICE_EVENT_COMMON_H
#define BOXOFFICE_EVENT_COMMON_H
#include <ClearSilver.h>
#include "db/db_events.h"

struct arena;
struct json_object;

/* The event page's venue object has "address" on its own; the listings' (events, search) never
 * had it, and adding it would change what their clients receive. */
enum event_venue_json_shape { EVENT_VENUE_JSON_LISTING, EVENT_VENUE_JSON_WITH_ADDRESS };

/* The API's "venue" object ({venueId, name, location, [address,] city, capacity, timezone}). */
struct json_object *event_venue_json(struct arena *a, const struct event_venue *v,
				     enum event_venue_json_shape shape);
/* The API's "performers" array, in billing order. */
struct json_object *event_performers_json(const char *const *performers, int n);

/* Category and CategorySlug under `node`. */
void event_category_hdf(HDF *node, const struct event_category *c);
/* Performers.0, Performers.1, ... under `node`. */
void event_performers_hdf(HDF *node, const char *const *performers, int n);

#endif
