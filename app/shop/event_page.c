/* event_page: one event — GET /events/{id} (the page with its seat map), GET /api/v1/events/{eventId}
 * and GET /api/v1/events/{eventId}/tickets. All three are whole responses in the page cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/errors.h"
#include "core/format.h"
#include "core/ids.h"
#include "db/db_bookings.h"
#include "db/db_event_detail.h"
#include "http/app.h"
#include "http/http.h"
#include "http/page_cache.h"
#include "http/parse.h"
#include "http/render.h"
#include "shop/event_common.h"
#include "shop/event_page.h"
#include "shop/seatmap.h"

/* Availability must never be more than ~2 s stale: a cached copy is fresh for 0.5 s (nginx's
 * micro-cache adds its 1-2 s in front); a stale one is served only while one worker rebuilds
 * it after its own response (page_cache.c), and is marked so that nginx does not keep it. */
#define EVENT_FRESH_MS 500

static const char NO_SUCH_EVENT[] =
	"There is no such event. It may have been taken off sale, or the link may be mistyped.";

/* What all three responses are built from. */
struct event_view {
	long long event_id;
	struct event_detail ev;
	struct event_section *sections;
	int nsections;
	struct event_time when;
	bool on_sale;
	const char *status_filter;   /* tickets API: the validated ?status=, or NULL */
};

/* The path's id as an event id: plain digits, 1..EVENT_ID_MAX; anything else is a page that
 * does not exist. Checked before any cache key is made from it. */
static NEOERR *event_id_from_path(struct request *req, const char *capture, long long *id)
{
	const char *s = http_capture(req, capture);
	size_t len = s ? strlen(s) : 0;
	if (len == 0 || len > 10 || strspn(s, "0123456789") != len)
		return nerr_raise(ERR_NOT_FOUND, "%s", NO_SUCH_EVENT);
	long long v = 0;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (v < 1 || v > EVENT_ID_MAX)
		return nerr_raise(ERR_NOT_FOUND, "%s", NO_SUCH_EVENT);
	*id = v;
	return STATUS_OK;
}

static NEOERR *event_load(struct request *req, struct event_view *v)
{
	struct db *db = &req->app->db;
	bool found;
	NEOERR *err = db_event_detail(db, req->arena, v->event_id, &v->ev, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found)
		return nerr_raise(ERR_NOT_FOUND, "%s", NO_SUCH_EVENT);
	err = db_event_sections(db, req->arena, v->event_id, &v->sections, &v->nsections);
	if (err != STATUS_OK)
		return nerr_pass(err);
	format_event_time(req->arena, v->ev.starts_at_local, v->ev.utc_offset_minutes,
			  v->ev.venue.timezone, &v->when);
	v->on_sale = !v->ev.cancelled && !v->ev.started;
	return STATUS_OK;
}

/* ---- the HTML page -------------------------------------------------------------------- */

static void event_fill_hdf(struct request *req, HDF *hdf, const struct event_view *v)
{
	const struct event_detail *ev = &v->ev;
	HDF *node;
	hdf_set_value(hdf, "Page.Title", ev->name);
	hdf_get_node(hdf, "Event", &node);
	hdf_set_valuef(node, "Id=%lld", ev->event_id);
	hdf_set_value(node, "Name", ev->name);
	hdf_set_value(node, "Description", ev->description);
	hdf_set_int_value(node, "Cancelled", ev->cancelled);
	hdf_set_int_value(node, "Started", ev->started);
	hdf_set_int_value(node, "OnSale", v->on_sale);
	hdf_set_value(node, "Iso", v->when.iso);
	hdf_set_value(node, "Date", v->when.date);
	hdf_set_value(node, "Time", v->when.time);
	hdf_set_value(node, "Zone", v->when.zone);
	event_category_hdf(node, &ev->category);
	/* Venue.* here, flat Venue/City in the listings: each template reads its own shape. */
	hdf_set_value(node, "Venue.Name", ev->venue.name);
	hdf_set_value(node, "Venue.Address", ev->venue.address);
	hdf_set_value(node, "Venue.City", ev->venue.city);
	hdf_set_valuef(node, "Venue.Capacity=%lld", ev->venue.capacity);
	event_performers_hdf(node, ev->performers, ev->nperformers);
	long long available = 0;
	for (int i = 0; i < v->nsections; i++) {
		const struct event_section *s = &v->sections[i];
		char prefix[32];
		snprintf(prefix, sizeof prefix, "Sections.%d", i);
		HDF *sn;
		hdf_get_node(node, prefix, &sn);
		hdf_set_value(sn, "Name", s->name);
		hdf_set_value(sn, "Kind", s->standing ? "standing" : "seated");
		hdf_set_value(sn, "Price", format_money(req->arena, s->price_cents, s->currency));
		hdf_set_valuef(sn, "Available=%lld", s->available);
		hdf_set_valuef(sn, "Capacity=%lld", s->capacity);
		available += s->available;
	}
	hdf_set_valuef(node, "Available=%lld", available);
}

static NEOERR *event_page_build(struct request *req, void *ctx)
{
	struct event_view *v = ctx;
	NEOERR *err = event_load(req, v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	if (v->on_sale) {
		/* Only a sale needs the seats: one query for all of them, with their status. */
		struct event_ticket *seats;
		int nseats;
		err = db_event_seats(&req->app->db, req->arena, v->event_id, v->sections,
				     v->nsections, &seats, &nseats);
		if (err != STATUS_OK)
			return nerr_pass(err);
		db_event_recount(v->sections, v->nsections, seats, nseats, true);
		err = seatmap_fill_hdf(hdf, req->arena, v->sections, v->nsections, seats, nseats);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	event_fill_hdf(req, hdf, v);
	return nerr_pass(render_page(req, "events/show.cs"));
}

NEOERR *event_page_with_selection(struct request *req, long long event_id, int status,
				  const char *message, const long long *selected, int nselected)
{
	struct event_view v = { .event_id = event_id };
	HDF *hdf = render_hdf(req);
	if (message)
		hdf_set_value(hdf, "Hold.Error", message);
	for (int i = 0; i < nselected; i++)
		hdf_set_valuef(hdf, "Selected.%lld=1", selected[i]);
	/* Personal (ticked seats, a message): built for this request only, never cached. */
	NEOERR *err = event_page_build(req, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	req->resp.status = status;
	if (!http_has_header(req, "Cache-Control"))   /* a no-store route has it already */
		http_set_header(req, "Cache-Control", "no-store");
	return STATUS_OK;
}

NEOERR *event_page_fill_for_hold(struct request *req, long long event_id,
				 const struct event_hold_view *hv, bool *on_sale)
{
	struct event_view v = { .event_id = event_id };
	NEOERR *err = event_load(req, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	*on_sale = v.on_sale;
	if (v.on_sale) {
		struct event_ticket *seats;
		int nseats;
		err = db_event_seats(&req->app->db, req->arena, v.event_id, v.sections, v.nsections,
				     &seats, &nseats);
		if (err != STATUS_OK)
			return nerr_pass(err);
		/* Held by this very shopper: theirs to keep or give up, so free to them. */
		for (int i = 0; i < nseats; i++)
			if (seats[i].status == TICKET_RESERVED &&
			    ids_contain(hv->held, hv->nheld, seats[i].ticket_id))
				seats[i].status = TICKET_AVAILABLE;
		db_event_recount(v.sections, v.nsections, seats, nseats, true);
		for (int k = 0; k < hv->nheld_standing; k++)
			for (int i = 0; i < v.nsections; i++)
				if (v.sections[i].standing &&
				    v.sections[i].section_id == hv->held_standing[k].section_id) {
					v.sections[i].available += hv->held_standing[k].quantity;
					v.sections[i].reserved -= hv->held_standing[k].quantity;
				}
		for (int i = 0; i < hv->nselected; i++)
			hdf_set_valuef(hdf, "Selected.%lld=1", hv->selected[i]);
		for (int i = 0; i < hv->nstanding; i++)
			hdf_set_valuef(hdf, "SelectedStanding.%lld=%d", hv->standing[i].section_id,
				       hv->standing[i].quantity);
		err = seatmap_fill_hdf(hdf, req->arena, v.sections, v.nsections, seats, nseats);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	event_fill_hdf(req, hdf, &v);
	return STATUS_OK;
}

/* ?selected=<ticketId>... pre-ticks seats (the way back from a failed hold). */
static int event_selected_ids(struct request *req, long long **out)
{
	int n = param_count(req->query, "selected");
	long long *ids = arena_alloc(req->arena, sizeof(long long) * (size_t)(n + 1));
	int k = 0;
	for (const struct param *p = req->query; p; p = p->next) {
		char *end = NULL;
		long long id = strtoll(p->value, &end, 10);
		if (strcmp(p->key, "selected") == 0 && *p->value && *end == '\0' && id > 0 && k < 64)
			ids[k++] = id;
	}
	*out = ids;
	return k;
}

NEOERR *event_show_page(struct request *req)
{
	struct event_view v = { 0 };
	NEOERR *err = event_id_from_path(req, "id", &v.event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	long long *selected;
	int nselected = event_selected_ids(req, &selected);
	if (nselected > 0)
		return nerr_pass(event_page_with_selection(req, v.event_id, 200, NULL, selected, nselected));
	const char *key = arena_printf(req->arena, "ev:%lld:page", v.event_id);
	return nerr_pass(page_cache_serve(req, key, EVENT_FRESH_MS, event_page_build, &v, sizeof v));
}

/* ---- GET /api/v1/events/{eventId} -------------------------------------------------- */

static struct json_object *json_str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *event_section_counts_json(const struct event_section *s)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "sectionId", json_object_new_int64(s->section_id));
	json_object_object_add(o, "name", json_str(s->name));
	json_object_object_add(o, "kind", json_str(s->standing ? "standing" : "seated"));
	json_object_object_add(o, "capacity", json_object_new_int64(s->capacity));
	json_object_object_add(o, "available", json_object_new_int64(s->available));
	json_object_object_add(o, "reserved", json_object_new_int64(s->reserved));
	json_object_object_add(o, "sold", json_object_new_int64(s->sold));
	return o;
}

static NEOERR *event_api_build(struct request *req, void *ctx)
{
	struct event_view *v = ctx;
	NEOERR *err = event_load(req, v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const struct event_detail *ev = &v->ev;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "eventId", json_object_new_int64(ev->event_id));
	json_object_object_add(o, "name", json_str(ev->name));
	json_object_object_add(o, "date", json_str(v->when.iso));
	json_object_object_add(o, "category", json_str(ev->category.slug));
	json_object_object_add(o, "categoryName", json_str(ev->category.name));
	json_object_object_add(o, "description", json_str(ev->description));
	json_object_object_add(o, "status", json_str(ev->cancelled ? "cancelled" : "published"));
	json_object_object_add(o, "onSale", json_object_new_boolean(v->on_sale));
	json_object_object_add(o, "currency", json_str(ev->currency));
	json_object_object_add(o, "venue",
			       event_venue_json(req->arena, &ev->venue, EVENT_VENUE_JSON_WITH_ADDRESS));
	json_object_object_add(o, "performers",
			       event_performers_json(ev->performers, ev->nperformers));
	struct json_object *tiers = json_object_new_array();
	struct json_object *sections = json_object_new_array();
	for (int i = 0; i < v->nsections; i++) {
		const struct event_section *s = &v->sections[i];
		struct json_object *tier = json_object_new_object();
		json_object_object_add(tier, "sectionId", json_object_new_int64(s->section_id));
		json_object_object_add(tier, "name", json_str(s->tier_name));
		json_object_object_add(tier, "priceCents", json_object_new_int64(s->price_cents));
		json_object_object_add(tier, "currency", json_str(s->currency));
		json_object_array_add(tiers, tier);
		json_object_array_add(sections, event_section_counts_json(s));
	}
	json_object_object_add(o, "priceTiers", tiers);
	json_object_object_add(o, "sections", sections);
	render_json(req, 200, o);
	return STATUS_OK;
}

NEOERR *event_show_api(struct request *req)
{
	struct event_view v = { 0 };
	NEOERR *err = event_id_from_path(req, "eventId", &v.event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *key = arena_printf(req->arena, "ev:%lld:api", v.event_id);
	return nerr_pass(page_cache_serve(req, key, EVENT_FRESH_MS, event_api_build, &v, sizeof v));
}

/* ---- GET /api/v1/events/{eventId}/tickets ------------------------------------------ */

/* "B-12" for a seat, "Standing" for a standing place. */
static const char *ticket_seat_label(struct arena *a, const struct event_ticket *t)
{
	if (t->row_label == NULL)
		return "Standing";
	return arena_printf(a, "%s-%d", t->row_label, t->seat_number);
}

static struct json_object *ticket_json(struct arena *a, const struct event_view *v,
				       const struct event_ticket *t)
{
	const struct event_section *s = t->section >= 0 ? &v->sections[t->section] : NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ticketId", json_object_new_int64(t->ticket_id));
	json_object_object_add(o, "sectionId", s ? json_object_new_int64(s->section_id) : NULL);
	json_object_object_add(o, "section", s ? json_str(s->name) : NULL);
	json_object_object_add(o, "seatNumber", json_str(ticket_seat_label(a, t)));
	json_object_object_add(o, "row", t->row_label ? json_str(t->row_label) : NULL);
	json_object_object_add(o, "seat", t->row_label ? json_object_new_int(t->seat_number) : NULL);
	json_object_object_add(o, "priceCents", json_object_new_int64(t->price_cents));
	json_object_object_add(o, "currency", json_str(s ? s->currency : v->ev.currency));
	json_object_object_add(o, "status", json_str(ticket_status_name(t->status)));
	return o;
}

static NEOERR *event_tickets_build(struct request *req, void *ctx)
{
	struct event_view *v = ctx;
	NEOERR *err = event_load(req, v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct event_ticket *tickets;
	int ntickets;
	err = db_event_tickets(&req->app->db, req->arena, v->event_id, v->sections, v->nsections,
			       &tickets, &ntickets);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* Counts from the very list below, so the two always agree. */
	db_event_recount(v->sections, v->nsections, tickets, ntickets, false);
	enum ticket_status want = TICKET_AVAILABLE;
	bool filtered = v->status_filter && ticket_status_parse(v->status_filter, &want);

	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "eventId", json_object_new_int64(v->event_id));
	json_object_object_add(o, "onSale", json_object_new_boolean(v->on_sale));
	struct json_object *sections = json_object_new_array();
	for (int i = 0; i < v->nsections; i++) {
		const struct event_section *s = &v->sections[i];
		struct json_object *so = event_section_counts_json(s);
		json_object_object_add(so, "priceCents", json_object_new_int64(s->price_cents));
		json_object_object_add(so, "currency", json_str(s->currency));
		json_object_array_add(sections, so);
	}
	json_object_object_add(o, "sections", sections);
	struct json_object *list = json_object_new_array_ext(!filtered && ntickets > 0 ? ntickets : 16);
	for (int i = 0; i < ntickets; i++)
		if (!filtered || tickets[i].status == want)
			json_object_array_add(list, ticket_json(req->arena, v, &tickets[i]));
	json_object_object_add(o, "tickets", list);
	render_json(req, 200, o);
	return STATUS_OK;
}

NEOERR *event_tickets_api(struct request *req)
{
	struct event_view v = { 0 };
	NEOERR *err = event_id_from_path(req, "eventId", &v.event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *status = http_query(req, "status");
	enum ticket_status parsed;
	if (status && *status && !ticket_status_parse(status, &parsed))
		return nerr_raise(ERR_BAD_REQUEST,
				  "Parameter 'status' must be one of available, reserved or sold.");
	v.status_filter = status && *status ? status : NULL;
	const char *key = v.status_filter
		? arena_printf(req->arena, "ev:%lld:tickets:%s", v.event_id, v.status_filter)
		: arena_printf(req->arena, "ev:%lld:tickets", v.event_id);
	return nerr_pass(page_cache_serve(req, key, EVENT_FRESH_MS, event_tickets_build, &v, sizeof v));
}
