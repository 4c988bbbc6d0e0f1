/* event_common: the venue, category and performers of an event as the API's JSON and as HDF,
 * written once for the listings, search results and the event page. */
#include <stdio.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "shop/event_common.h"

/* The columns are NOT NULL, but json-c cannot take a NULL string: never hand it one. */
static struct json_object *event_json_str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

struct json_object *event_venue_json(struct arena *a, const struct event_venue *v,
				     enum event_venue_json_shape shape)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "venueId", json_object_new_int64(v->id));
	json_object_object_add(o, "name", event_json_str(v->name));
	json_object_object_add(o, "location",
			       event_json_str(arena_printf(a, "%s, %s", v->address, v->city)));
	/* Between location and city, where the event page has always sent it (json-c keeps
	 * insertion order). */
	if (shape == EVENT_VENUE_JSON_WITH_ADDRESS)
		json_object_object_add(o, "address", event_json_str(v->address));
	json_object_object_add(o, "city", event_json_str(v->city));
	json_object_object_add(o, "capacity", json_object_new_int64(v->capacity));
	json_object_object_add(o, "timezone", event_json_str(v->timezone));
	return o;
}

struct json_object *event_performers_json(const char *const *performers, int n)
{
	struct json_object *list = json_object_new_array();
	for (int k = 0; k < n; k++)
		json_object_array_add(list, event_json_str(performers[k]));
	return list;
}

void event_category_hdf(HDF *node, const struct event_category *c)
{
	hdf_set_value(node, "Category", c->name);
	hdf_set_value(node, "CategorySlug", c->slug);
}

void event_performers_hdf(HDF *node, const char *const *performers, int n)
{
	for (int k = 0; k < n; k++) {
		char name[32];
		snprintf(name, sizeof name, "Performers.%d", k);
		hdf_set_value(node, name, performers[k]);
	}
}
