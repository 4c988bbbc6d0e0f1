/* events: GET /events (HTML) and GET /api/v1/events (JSON) list the upcoming published
 * events from MariaDB. Both read the same struct event_page, so they always agree. */
#include <stdio.h>
#include <json-c/json.h>
#include "app.h"
#include "arena.h"
#include "db_events.h"
#include "events.h"
#include "format.h"
#include "http.h"
#include "params.h"
#include "render.h"

static NEOERR *events_load(struct request *req, struct event_page *page)
{
	int n;
	NEOERR *err = params_page(req, &n);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(db_events_upcoming(&req->app->db, req->arena, n, EVENTS_PAGE_SIZE, page));
}

static void events_fill_hdf(struct request *req, HDF *hdf, const struct event_page *page)
{
	for (int i = 0; i < page->count; i++) {
		const struct event_summary *ev = &page->events[i];
		char prefix[32];
		snprintf(prefix, sizeof prefix, "Events.%d", i);
		HDF *node;
		hdf_get_node(hdf, prefix, &node);
		hdf_set_valuef(node, "Id=%lld", ev->event_id);
		hdf_set_value(node, "Name", ev->name);
		hdf_set_value(node, "Date", ev->starts_at_utc);
		hdf_set_value(node, "Category", ev->category_name);
		hdf_set_value(node, "CategorySlug", ev->category_slug);
		hdf_set_value(node, "Venue", ev->venue_name);
		hdf_set_value(node, "City", ev->venue_city);
		if (ev->from_price_cents >= 0)
			hdf_set_value(node, "FromPrice",
				      format_money(req->arena, ev->from_price_cents, ev->currency));
		for (int k = 0; k < ev->nperformers; k++)
			hdf_set_valuef(node, "Performers.%d=%s", k, ev->performers[k]);
	}
	hdf_set_int_value(hdf, "Page.Number", page->page);
	hdf_set_int_value(hdf, "Page.Count", page->count);
	hdf_set_valuef(hdf, "Page.Total=%lld", page->total);
	if (page->page > 1)
		hdf_set_int_value(hdf, "Page.Prev", page->page - 1);
	if ((long long)page->page * page->page_size < page->total)
		hdf_set_int_value(hdf, "Page.Next", page->page + 1);
}

NEOERR *events_list_page(struct request *req)
{
	struct event_page page;
	NEOERR *err = events_load(req, &page);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Page.Title", "Upcoming events");
	events_fill_hdf(req, hdf, &page);
	return nerr_pass(render_page(req, "events/list.cs"));
}

static struct json_object *event_summary_json(const struct event_summary *ev)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "eventId", json_object_new_int64(ev->event_id));
	json_object_object_add(o, "name", json_object_new_string(ev->name));
	json_object_object_add(o, "date", json_object_new_string(ev->starts_at_utc));
	json_object_object_add(o, "category", json_object_new_string(ev->category_slug));
	struct json_object *venue = json_object_new_object();
	json_object_object_add(venue, "venueId", json_object_new_int64(ev->venue_id));
	json_object_object_add(venue, "name", json_object_new_string(ev->venue_name));
	char location[512];
	snprintf(location, sizeof location, "%s, %s", ev->venue_address, ev->venue_city);
	json_object_object_add(venue, "location", json_object_new_string(location));
	json_object_object_add(venue, "city", json_object_new_string(ev->venue_city));
	json_object_object_add(venue, "capacity", json_object_new_int64(ev->venue_capacity));
	json_object_object_add(o, "venue", venue);
	struct json_object *performers = json_object_new_array();
	for (int k = 0; k < ev->nperformers; k++)
		json_object_array_add(performers, json_object_new_string(ev->performers[k]));
	json_object_object_add(o, "performers", performers);
	if (ev->from_price_cents >= 0)
		json_object_object_add(o, "fromPriceCents", json_object_new_int64(ev->from_price_cents));
	json_object_object_add(o, "currency", json_object_new_string(ev->currency));
	return o;
}

NEOERR *events_list_api(struct request *req)
{
	struct event_page page;
	NEOERR *err = events_load(req, &page);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *list = json_object_new_array();
	for (int i = 0; i < page.count; i++)
		json_object_array_add(list, event_summary_json(&page.events[i]));
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "events", list);
	json_object_object_add(body, "page", json_object_new_int(page.page));
	json_object_object_add(body, "pageSize", json_object_new_int(page.page_size));
	json_object_object_add(body, "total", json_object_new_int64(page.total));
	render_json(req, 200, body);
	return STATUS_OK;
}
