/* account_bookings: the page and the API say the same, from one query. Links open the booking
 * page as its signed-in owner (no access token needed) and the e-tickets by their mailed key. */
#include <string.h>
#include <json-c/json.h>
#include "account/account_bookings.h"
#include "account/account_form.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/format.h"
#include "core/link_key.h"
#include "db/db_account_bookings.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"

static const char *bookings_status_words(const char *status)
{
	if (strcmp(status, "confirmed") == 0)
		return "Paid";
	if (strcmp(status, "pending") == 0)
		return "Held, not paid yet";
	if (strcmp(status, "refunded") == 0)
		return "Refunded";
	return "Cancelled";
}

static const char *bookings_tickets_key(struct request *req, const struct account_booking *b)
{
	return link_key(req->arena, req->app->cfg->secret_key, "booking-tickets", b->booking_id);
}

static void bookings_fill(struct request *req, HDF *node, const struct account_booking *b)
{
	struct event_time when;
	format_event_time(req->arena, b->starts_local, b->utc_offset_minutes, b->venue_timezone, &when);
	hdf_set_valuef(node, "Id=%lld", b->booking_id);
	hdf_set_value(node, "Code", b->booking_code);
	hdf_set_value(node, "Status", b->status);
	hdf_set_value(node, "StatusWords", bookings_status_words(b->status));
	hdf_set_value(node, "Total", format_money(req->arena, b->total_cents, b->currency));
	hdf_set_valuef(node, "Tickets=%d", b->ntickets);
	hdf_set_value(node, "Seats", b->seats);
	hdf_set_valuef(node, "Event.Id=%lld", b->event_id);
	hdf_set_value(node, "Event.Name", b->event_name);
	hdf_set_value(node, "Event.Date", when.iso);
	hdf_set_value(node, "Event.Day", when.date);
	hdf_set_value(node, "Event.Time", when.time);
	hdf_set_value(node, "Event.Venue", b->venue_name);
	hdf_set_value(node, "Event.City", b->venue_city);
	if (strcmp(b->event_status, "cancelled") == 0)
		hdf_set_int_value(node, "Event.Cancelled", 1);
	if (strcmp(b->status, "confirmed") == 0)
		hdf_set_value(node, "TicketsKey", bookings_tickets_key(req, b));
}

NEOERR *account_bookings_page(struct request *req)
{
	struct account_booking *list;
	int n;
	NEOERR *err = db_account_bookings(&req->app->db, req->arena, req->user->user_id, &list, &n);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	int upcoming = 0, past = 0;
	for (int i = 0; i < n; i++) {
		HDF *node;
		const char *where = list[i].upcoming ? "Upcoming" : "Past";
		err = hdf_get_node(hdf, arena_printf(req->arena, "%s.%d", where,
						     list[i].upcoming ? upcoming++ : past++), &node);
		if (err != STATUS_OK)
			return nerr_pass(err);
		bookings_fill(req, node, &list[i]);
	}
	if (http_query(req, "verified"))
		hdf_set_value(hdf, "Account.Note", "Your email address is verified. Bookings made under it "
			      "are listed here.");
	if (!req->user->verified)
		hdf_set_int_value(hdf, "Account.Unverified", 1);
	return nerr_pass(account_render(req, "bookings", "My bookings"));
}

static struct json_object *bookings_json(struct request *req, const struct account_booking *b)
{
	struct event_time when;
	format_event_time(req->arena, b->starts_local, b->utc_offset_minutes, b->venue_timezone, &when);
	struct json_object *o = json_object_new_object(), *e = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_int64(b->booking_id));
	json_object_object_add(o, "bookingCode", json_object_new_string(b->booking_code));
	json_object_object_add(o, "status", json_object_new_string(b->status));
	json_object_object_add(o, "totalCents", json_object_new_int64(b->total_cents));
	json_object_object_add(o, "currency", json_object_new_string(b->currency));
	json_object_object_add(o, "createdAt", json_object_new_string(b->created_at));
	json_object_object_add(o, "ticketCount", json_object_new_int(b->ntickets));
	json_object_object_add(o, "seats", json_object_new_string(b->seats));
	json_object_object_add(o, "upcoming", json_object_new_boolean(b->upcoming));
	json_object_object_add(e, "eventId", json_object_new_int64(b->event_id));
	json_object_object_add(e, "name", json_object_new_string(b->event_name));
	json_object_object_add(e, "status", json_object_new_string(b->event_status));
	json_object_object_add(e, "startsAt", json_object_new_string(when.iso));
	json_object_object_add(e, "venue", json_object_new_string(b->venue_name));
	json_object_object_add(e, "city", json_object_new_string(b->venue_city));
	json_object_object_add(o, "event", e);
	json_object_object_add(o, "bookingUrl",
			       json_object_new_string(arena_printf(req->arena, "/bookings/%lld", b->booking_id)));
	if (strcmp(b->status, "confirmed") == 0) {
		const char *key = bookings_tickets_key(req, b);
		json_object_object_add(o, "ticketsUrl", json_object_new_string(
			arena_printf(req->arena, "/bookings/%lld/tickets?key=%s", b->booking_id, key)));
		json_object_object_add(o, "ticketsPdfUrl", json_object_new_string(
			arena_printf(req->arena, "/bookings/%lld/tickets.pdf?key=%s", b->booking_id, key)));
	}
	return o;
}

NEOERR *account_bookings_api(struct request *req)
{
	struct account_booking *list;
	int n;
	NEOERR *err = db_account_bookings(&req->app->db, req->arena, req->user->user_id, &list, &n);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
	for (int i = 0; i < n; i++)
		json_object_array_add(arr, bookings_json(req, &list[i]));
	json_object_object_add(root, "bookings", arr);
	render_json(req, 200, root);
	return STATUS_OK;
}
