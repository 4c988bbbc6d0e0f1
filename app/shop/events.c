/* events: GET /events (HTML) and GET /api/v1/events (JSON) list upcoming published events
 * with the browse filters. Both read the same struct event_page, so they always agree, and
 * both are served through the page cache (keyed by the canonical filters). */
#include <stdio.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/errors.h"
#include "core/format.h"
#include "db/db_events.h"
#include "http/app.h"
#include "http/http.h"
#include "http/page_cache.h"
#include "http/render.h"
#include "shop/event_common.h"
#include "shop/event_filters.h"
#include "shop/events.h"

/* The listing shows catalogue data only (no seat availability), and the catalogue generation
 * in the key makes an edit visible on the next request; what time alone changes is the
 * "upcoming" cut (starts_at >= now), so an event that has just begun may stay listed up to
 * 10 s longer — its own page and the booking path go by the clock. 10 s instead of 1 s keeps
 * a broad listing from being rebuilt every second per filter by a worker shoppers wait on. */
#define EVENTS_FRESH_MS 10000

void events_summary_hdf(struct request *req, HDF *node, const struct event_summary *ev)
{
	struct event_time when;
	format_event_time(req->arena, ev->starts_at_local, ev->utc_offset_minutes,
			  ev->venue.timezone, &when);
	hdf_set_valuef(node, "Id=%lld", ev->event_id);
	hdf_set_value(node, "Name", ev->name);
	hdf_set_value(node, "Date", when.iso);
	hdf_set_value(node, "Day", when.date);
	hdf_set_value(node, "Time", when.time);
	hdf_set_value(node, "Zone", when.zone);
	event_category_hdf(node, &ev->category);
	hdf_set_value(node, "Venue", ev->venue.name);
	hdf_set_value(node, "City", ev->venue.city);
	if (ev->from_price_cents >= 0)
		hdf_set_value(node, "FromPrice", format_money(req->arena, ev->from_price_cents, ev->currency));
	event_performers_hdf(node, ev->performers, ev->nperformers);
}

void events_pagination_hdf(HDF *hdf, const struct event_page *page)
{
	hdf_set_int_value(hdf, "Page.Number", page->page);
	hdf_set_int_value(hdf, "Page.Count", page->count);
	hdf_set_valuef(hdf, "Page.Total=%lld", page->total);
	if (page->page > 1)
		hdf_set_int_value(hdf, "Page.Prev", page->page - 1);
	if ((long long)page->page * page->page_size < page->total)
		hdf_set_int_value(hdf, "Page.Next", page->page + 1);
}

struct json_object *events_summary_json(struct request *req, const struct event_summary *ev)
{
	struct event_time when;
	format_event_time(req->arena, ev->starts_at_local, ev->utc_offset_minutes,
			  ev->venue.timezone, &when);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "eventId", json_object_new_int64(ev->event_id));
	json_object_object_add(o, "name", json_object_new_string(ev->name));
	json_object_object_add(o, "date", json_object_new_string(when.iso));
	json_object_object_add(o, "category", json_object_new_string(ev->category.slug));
	json_object_object_add(o, "venue",
			       event_venue_json(req->arena, &ev->venue, EVENT_VENUE_JSON_LISTING));
	json_object_object_add(o, "performers",
			       event_performers_json(ev->performers, ev->nperformers));
	if (ev->from_price_cents >= 0)
		json_object_object_add(o, "fromPriceCents", json_object_new_int64(ev->from_price_cents));
	json_object_object_add(o, "currency", json_object_new_string(ev->currency));
	return o;
}

static NEOERR *events_build_page(struct request *req, void *ctx)
{
	const struct event_filters *f = ctx;
	struct event_page page;
	NEOERR *err = db_events_list(&req->app->db, req->arena, f, &page);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	err = event_filters_to_hdf(req, f, false);
	if (err != STATUS_OK)
		return nerr_pass(err);
	hdf_set_value(hdf, "Page.Title", "Upcoming events");
	for (int i = 0; i < page.count; i++) {
		HDF *node;
		hdf_get_node(hdf, arena_printf(req->arena, "Events.%d", i), &node);
		events_summary_hdf(req, node, &page.events[i]);
	}
	events_pagination_hdf(hdf, &page);
	return nerr_pass(render_page(req, "events/list.cs"));
}

/* A rejected filter: the list page again, with the message, the form as the user filled it
 * in, and status 400. */
static NEOERR *events_page_rejected(struct request *req, NEOERR *why)
{
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Page.Title", "Upcoming events");
	hdf_set_value(hdf, "Filters.Error", errors_message(why));
	nerr_ignore(&why);
	struct event_filters none = { .page = 1, .page_size = EVENT_FILTERS_PAGE_SIZE };
	NEOERR *err = event_filters_to_hdf(req, &none, true);
	if (err != STATUS_OK)
		return nerr_pass(err);
	req->resp.status = 400;
	return nerr_pass(render_page(req, "events/list.cs"));
}

NEOERR *events_list_page(struct request *req)
{
	struct event_filters f;
	NEOERR *err = event_filters_parse(req, false, &f);
	if (err != STATUS_OK) {
		if (errors_http_status(err) != 400)
			return nerr_pass(err);
		return events_page_rejected(req, err);
	}
	/* The path is part of the key: "/" and "/events" show the same events, but the layout
	 * marks the Events link as the current page only on the latter. */
	const char *key = page_cache_key(req, "events:html", arena_printf(req->arena, "%s|%s|%d",
						req->path, event_filters_query(req, &f), f.page));
	return nerr_pass(page_cache_serve(req, key, EVENTS_FRESH_MS, events_build_page, &f, sizeof f));
}

static NEOERR *events_build_api(struct request *req, void *ctx)
{
	const struct event_filters *f = ctx;
	struct event_page page;
	NEOERR *err = db_events_list(&req->app->db, req->arena, f, &page);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *list = json_object_new_array();
	for (int i = 0; i < page.count; i++)
		json_object_array_add(list, events_summary_json(req, &page.events[i]));
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "events", list);
	json_object_object_add(body, "page", json_object_new_int(page.page));
	json_object_object_add(body, "pageSize", json_object_new_int(page.page_size));
	json_object_object_add(body, "total", json_object_new_int64(page.total));
	render_json(req, 200, body);
	return STATUS_OK;
}

NEOERR *events_list_api(struct request *req)
{
	struct event_filters f;
	NEOERR *err = event_filters_parse(req, false, &f);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *key = page_cache_key(req, "events:api", arena_printf(req->arena, "%s|%d",
						event_filters_query(req, &f), f.page));
	return nerr_pass(page_cache_serve(req, key, EVENTS_FRESH_MS, events_build_api, &f, sizeof f));
}
