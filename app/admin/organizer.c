/* organizer: lists scoped to the signed-in organizer (admin_access.c). */
#include <json-c/json.h>
#include "admin/admin_access.h"
#include "admin/organizer.h"
#include "core/arena.h"
#include "core/format.h"
#include "db/db_organizer.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"

NEOERR *organizer_home(struct request *req)
{
	struct organizer_event *list;
	int n;
	NEOERR *err = db_organizer_events(&req->app->db, req->arena, admin_scope(req), &list, &n);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	for (int i = 0; i < n; i++) {
		struct event_time when;
		format_event_time(req->arena, list[i].starts_local, list[i].utc_offset_minutes,
				  list[i].venue_timezone, &when);
		hdf_set_valuef(hdf, "Events.%d.Id=%lld", i, list[i].event_id);
		hdf_set_valuef(hdf, "Events.%d.Name=%s", i, list[i].name);
		hdf_set_valuef(hdf, "Events.%d.Status=%s", i, list[i].status);
		hdf_set_valuef(hdf, "Events.%d.Day=%s", i, when.date);
		hdf_set_valuef(hdf, "Events.%d.Time=%s", i, when.time);
		hdf_set_valuef(hdf, "Events.%d.Venue=%s", i, list[i].venue_name);
		hdf_set_valuef(hdf, "Events.%d.Sold=%lld", i, list[i].sold);
		hdf_set_valuef(hdf, "Events.%d.Admitted=%lld", i, list[i].admitted);
	}
	hdf_set_value(hdf, "Page.Title", "Your events");
	return nerr_pass(render_page(req, "admin/home.cs"));
}

/* The attendees of the path's event, once it is known to be the user's. */
static NEOERR *organizer_attendees(struct request *req, long long *event_id, struct attendee **list, int *n)
{
	NEOERR *err = admin_event_of_path(req, event_id);
	if (err == STATUS_OK)
		err = db_event_attendees(&req->app->db, req->arena, *event_id, list, n);
	return nerr_pass(err);
}

NEOERR *organizer_attendees_page(struct request *req)
{
	long long event_id;
	struct attendee *list;
	int n;
	NEOERR *err = organizer_attendees(req, &event_id, &list, &n);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	hdf_set_valuef(hdf, "Event.Id=%lld", event_id);
	for (int i = 0; i < n; i++) {
		hdf_set_valuef(hdf, "Attendees.%d.Code=%s", i, list[i].booking_code);
		hdf_set_valuef(hdf, "Attendees.%d.Buyer=%s", i, list[i].buyer_name ? list[i].buyer_name : "");
		hdf_set_valuef(hdf, "Attendees.%d.Email=%s", i, list[i].buyer_email ? list[i].buyer_email : "");
		hdf_set_valuef(hdf, "Attendees.%d.Holder=%s", i, list[i].holder_name ? list[i].holder_name : "");
		hdf_set_valuef(hdf, "Attendees.%d.Seat=%s", i, list[i].seat_label);
		if (list[i].checked_in_at)
			hdf_set_valuef(hdf, "Attendees.%d.CheckedIn=%s", i, list[i].checked_in_at);
	}
	hdf_set_value(hdf, "Page.Title", "Attendees");
	return nerr_pass(render_page(req, "admin/attendees.cs"));
}

static struct json_object *json_string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

NEOERR *organizer_attendees_api(struct request *req)
{
	long long event_id;
	struct attendee *list;
	int n;
	NEOERR *err = organizer_attendees(req, &event_id, &list, &n);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
	for (int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "bookingCode", json_object_new_string(list[i].booking_code));
		json_object_object_add(o, "buyerName", json_string_or_null(list[i].buyer_name));
		json_object_object_add(o, "buyerEmail", json_string_or_null(list[i].buyer_email));
		json_object_object_add(o, "holderName", json_string_or_null(list[i].holder_name));
		json_object_object_add(o, "seat", json_object_new_string(list[i].seat_label));
		json_object_object_add(o, "checkedInAt", json_string_or_null(list[i].checked_in_at));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "eventId", json_object_new_int64(event_id));
	json_object_object_add(root, "attendees", arr);
	render_json(req, 200, root);
	return STATUS_OK;
}
