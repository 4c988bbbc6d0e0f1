/* checkin: the door — GET/POST /admin/events/{id}/checkin for a person with a scanner (a USB
 * scanner types the code and Enter) and POST /api/v1/checkin for scanner apps. A code's
 * signature is checked first, with no query, so a forgery costs nothing; a real one is
 * admitted in one atomic update (db_tickets_check_in), so two doors admit it once.
 * The page opens for the event's organizer (or an admin) signed in — another organizer gets a
 * 404, as on every page of theirs — or for a door device unlocked by the site's
 * Tickets.CheckinSecret: typed once on the page (a cookie then remembers it). Scanner apps
 * send the secret as a Bearer token. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <json-c/json.h>
#include "admin/checkin.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/format.h"
#include "core/link_key.h"
#include "core/ticket_code.h"
#include "core/utf8.h"
#include "db/db_sessions.h"
#include "db/db_tickets.h"
#include "admin/admin_access.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"

#define CHECKIN_COOKIE "bo_checkin"
#define CHECKIN_DOOR_MAX 64
/* events.event_id is an INT UNSIGNED, as is a ticket code's event field: a larger id names no
 * event, and would not even fit the record of the scan. */
#define CHECKIN_EVENT_ID_MAX 4294967295LL

/* The cookie a door keeps once the secret was typed: derived from the secret, so a new
 * secret locks every door out again. */
static const char *checkin_cookie_value(struct request *req)
{
	return link_key(req->arena, req->app->cfg->checkin_secret, "checkin-door", 0);
}

static bool checkin_configured(const struct request *req)
{
	return req->app->cfg->checkin_secret && *req->app->cfg->checkin_secret;
}

static bool checkin_secret_matches(const struct request *req, const char *given)
{
	const char *secret = req->app->cfg->checkin_secret;
	size_t len = strlen(secret);
	return given && strlen(given) == len && sodium_memcmp(given, secret, len) == 0;
}

static bool checkin_unlocked(struct request *req)
{
	const char *cookie = http_cookie(req, CHECKIN_COOKIE);
	return checkin_configured(req) && cookie &&
	       link_key_check(req->app->cfg->checkin_secret, "checkin-door", 0, cookie);
}

/* Whether this request may work the door of `event_id`: its organizer signed in (anyone else
 * signed in as an organizer is told there is no such event), or a device unlocked by the secret. */
static NEOERR *checkin_open(struct request *req, long long event_id, bool *open)
{
	if (req->user && strcmp(req->user->role, "customer") != 0) {
		NEOERR *err = admin_may_run_event(req, event_id, open);
		if (err == STATUS_OK && !*open)
			err = nerr_raise(ERR_NOT_FOUND, "There is no such event among yours.");
		return nerr_pass(err);
	}
	*open = checkin_unlocked(req);
	return STATUS_OK;
}

static NEOERR *checkin_event_id(struct request *req, long long *event_id)
{
	char *end = NULL;
	const char *text = http_capture(req, "id");
	*event_id = strtoll(text, &end, 10);
	if (*end != '\0' || *event_id <= 0 || *event_id > CHECKIN_EVENT_ID_MAX)
		return nerr_raise(ERR_NOT_FOUND, "There is no such event.");
	return STATUS_OK;
}

static const char *checkin_message(struct arena *a, const struct checkin_result *r)
{
	switch (r->verdict) {
	case CHECKIN_ADMITTED:
		return arena_printf(a, "Admitted: %s, %s.", r->label, r->holder ? r->holder : "");
	case CHECKIN_ALREADY_USED:
		return arena_printf(a, "Already used at %s UTC, door %s (%s).", r->used_at,
				    r->used_door ? r->used_door : "?", r->label);
	case CHECKIN_VOID:
		return "Void: this ticket was refunded or cancelled, or never issued.";
	case CHECKIN_WRONG_EVENT:
		return "Wrong event: this ticket is for another event.";
	case CHECKIN_FORGED:
		return "Forged: this code was not issued by us.";
	case CHECKIN_MALFORMED:
		return "Not a ticket code: scan or type the code under the QR code.";
	}
	return "";
}

/* The one check both doors use; every scan is recorded. */
static NEOERR *checkin_scan(struct request *req, long long event_id, const char *typed, const char *door,
			    struct checkin_result *r)
{
	memset(r, 0, sizeof *r);
	struct ticket_claims claims = { 0 };
	enum ticket_verdict v = ticket_code_verify(&req->app->cfg->ticket_keyring, typed, &claims);
	NEOERR *err = STATUS_OK;
	if (v == TICKET_CODE_MALFORMED)
		r->verdict = CHECKIN_MALFORMED;
	else if (v == TICKET_CODE_FORGED)
		r->verdict = CHECKIN_FORGED;
	else if (claims.event_id != event_id)
		r->verdict = CHECKIN_WRONG_EVENT;
	else
		err = db_tickets_check_in(&req->app->db, req->arena, event_id, claims.booking_id,
					  claims.ticket_id, ticket_code_normalise(req->arena, typed), door, r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(db_tickets_record_scan(&req->app->db, event_id, typed, door, r->verdict,
						claims.booking_id, claims.ticket_id));
}

/* A door's name as typed: printable, short, "Main" when none. */
static const char *checkin_door(struct request *req, const char *typed)
{
	if (typed == NULL || *typed == '\0')
		return "Main";
	char *door = arena_strndup(req->arena, typed, utf8_prefix(typed, CHECKIN_DOOR_MAX));
	for (char *p = door; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return door;
}

static NEOERR *checkin_render(struct request *req, long long event_id)
{
	struct checkin_progress p;
	bool found;
	NEOERR *err = db_tickets_progress(&req->app->db, req->arena, event_id, &p, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found)
		return nerr_raise(ERR_NOT_FOUND, "There is no such event.");
	struct event_time when;
	format_event_time(req->arena, p.starts_local, p.utc_offset_minutes, p.venue_timezone, &when);
	HDF *hdf = render_hdf(req);
	hdf_set_valuef(hdf, "Event.Id=%lld", event_id);
	hdf_set_value(hdf, "Event.Name", p.event_name);
	hdf_set_value(hdf, "Event.Day", when.date);
	hdf_set_value(hdf, "Event.Time", when.time);
	if (strcmp(p.event_status, "cancelled") == 0)
		hdf_set_int_value(hdf, "Event.Cancelled", 1);
	hdf_set_valuef(hdf, "Checkin.Admitted=%lld", p.admitted);
	hdf_set_valuef(hdf, "Checkin.Issued=%lld", p.issued);
	hdf_set_value(hdf, "Page.Title", arena_printf(req->arena, "Check-in · %s", p.event_name));
	http_csrf_token(req);
	return nerr_pass(render_page(req, "admin/checkin.cs"));
}

static NEOERR *checkin_locked_out(struct request *req, long long event_id, int status, const char *error)
{
	/* Without a door secret, only the organizer can open it: sign in first. */
	if (!checkin_configured(req)) {
		req->resp.status = 303;
		http_set_header(req, "Location", arena_printf(req->arena, "/account/signin?next=/admin/events/%lld/checkin",
							     event_id));
		return STATUS_OK;
	}
	HDF *hdf = render_hdf(req);
	hdf_set_valuef(hdf, "Event.Id=%lld", event_id);
	hdf_set_int_value(hdf, "Checkin.Locked", 1);
	if (error)
		hdf_set_value(hdf, "Checkin.Error", error);
	hdf_set_value(hdf, "Page.Title", "Check-in");
	req->resp.status = status;
	http_csrf_token(req);
	return nerr_pass(render_page(req, "admin/checkin.cs"));
}

NEOERR *checkin_page(struct request *req)
{
	long long event_id;
	NEOERR *err = checkin_event_id(req, &event_id);
	bool open = false;
	if (err == STATUS_OK)
		err = checkin_open(req, event_id, &open);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!open)
		return nerr_pass(checkin_locked_out(req, event_id, 200, NULL));
	hdf_set_value(render_hdf(req), "Form.Door", checkin_door(req, http_query(req, "door")));
	return nerr_pass(checkin_render(req, event_id));
}

NEOERR *checkin_submit(struct request *req)
{
	long long event_id;
	NEOERR *err = checkin_event_id(req, &event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *secret = http_form(req, "secret");
	if (secret) {
		if (!checkin_configured(req) || !checkin_secret_matches(req, secret))
			return nerr_pass(checkin_locked_out(req, event_id, 403, "That is not the check-in "
							    "secret of this site."));
		http_set_header(req, "Set-Cookie", arena_printf(req->arena, "%s=%s; Path=/admin; HttpOnly; "
								 "SameSite=Strict%s", CHECKIN_COOKIE,
								 checkin_cookie_value(req),
								 strcmp(req->scheme, "https") == 0 ? "; Secure" : ""));
		req->resp.status = 303;
		http_set_header(req, "Location", arena_printf(req->arena, "/admin/events/%lld/checkin", event_id));
		return STATUS_OK;
	}
	bool open = false;
	err = checkin_open(req, event_id, &open);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!open)
		return nerr_pass(checkin_locked_out(req, event_id, 403, "Type the check-in secret first."));
	const char *door = checkin_door(req, http_form(req, "door"));
	const char *code = http_form(req, "code");
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Form.Door", door);
	if (code == NULL || *code == '\0') {
		hdf_set_value(hdf, "Checkin.Result", "malformed");
		hdf_set_value(hdf, "Checkin.Message", "Scan or type a ticket code.");
		req->resp.status = 400;
		return nerr_pass(checkin_render(req, event_id));
	}
	struct checkin_result r;
	err = checkin_scan(req, event_id, code, door, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	hdf_set_value(hdf, "Checkin.Result", db_tickets_verdict_name(r.verdict));
	hdf_set_value(hdf, "Checkin.Message", checkin_message(req->arena, &r));
	return nerr_pass(checkin_render(req, event_id));
}

/* The API's statuses: 200 admitted, 409 already used, 422 a ticket that does not open this
 * door (void, wrong event, forged), 400 not a code at all. */
static int checkin_api_status(enum checkin_verdict v)
{
	switch (v) {
	case CHECKIN_ADMITTED: return 200;
	case CHECKIN_ALREADY_USED: return 409;
	case CHECKIN_MALFORMED: return 400;
	case CHECKIN_VOID:
	case CHECKIN_WRONG_EVENT:
	case CHECKIN_FORGED: break;
	}
	return 422;
}

NEOERR *checkin_api(struct request *req)
{
	const char *auth = req->authorization;
	if (!checkin_configured(req))
		return nerr_raise(ERR_NOT_FOUND, "Check-in is not set up on this site.");
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0 || !checkin_secret_matches(req, auth + 7)) {
		/* The scheme's name is case-insensitive (RFC 9110, 11.1); a 401 names the scheme
		 * that would do (11.6.1). */
		http_set_header(req, "WWW-Authenticate", "Bearer realm=\"checkin\"");
		return nerr_raise(ERR_UNAUTHORIZED, "Send the site's check-in secret as "
				  "'Authorization: Bearer <secret>'.");
	}
	struct json_object *body = req->json, *v;
	if (body == NULL || !json_object_is_type(body, json_type_object))
		return nerr_raise(ERR_BAD_REQUEST, "Send a JSON object with eventId, code and door.");
	if (!json_object_object_get_ex(body, "eventId", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1 || json_object_get_int64(v) > CHECKIN_EVENT_ID_MAX)
		return nerr_raise(ERR_BAD_REQUEST, "Field 'eventId' must be a positive integer.");
	long long event_id = json_object_get_int64(v);
	if (!json_object_object_get_ex(body, "code", &v) || !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0 || json_object_get_string_len(v) > 200)
		return nerr_raise(ERR_BAD_REQUEST, "Field 'code' must be the ticket's code (a string).");
	const char *code = json_object_get_string(v);
	const char *door = NULL;
	if (json_object_object_get_ex(body, "door", &v) && !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_string))
			return nerr_raise(ERR_BAD_REQUEST, "Field 'door' must be a string.");
		door = json_object_get_string(v);
	}
	struct checkin_result r;
	NEOERR *err = checkin_scan(req, event_id, code, checkin_door(req, door), &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "result", json_object_new_string(db_tickets_verdict_name(r.verdict)));
	json_object_object_add(o, "message", json_object_new_string(checkin_message(req->arena, &r)));
	json_object_object_add(o, "eventId", json_object_new_int64(event_id));
	if (r.label)
		json_object_object_add(o, "seat", json_object_new_string(r.label));
	if (r.holder)
		json_object_object_add(o, "holder", json_object_new_string(r.holder));
	if (r.booking_code)
		json_object_object_add(o, "bookingCode", json_object_new_string(r.booking_code));
	if (r.used_at) {
		json_object_object_add(o, "checkedInAt", json_object_new_string(
			arena_printf(req->arena, "%.10sT%sZ", r.used_at, r.used_at + 11)));
		json_object_object_add(o, "door", json_object_new_string(r.used_door ? r.used_door : ""));
	}
	/* The count the page shows under its verdict, after this scan. */
	struct checkin_progress p;
	bool found;
	err = db_tickets_progress(&req->app->db, req->arena, event_id, &p, &found);
	if (err != STATUS_OK) {
		json_object_put(o);
		return nerr_pass(err);
	}
	if (found) {
		struct json_object *progress = json_object_new_object();
		json_object_object_add(progress, "admitted", json_object_new_int64(p.admitted));
		json_object_object_add(progress, "sold", json_object_new_int64(p.issued));
		json_object_object_add(o, "progress", progress);
	}
	render_json(req, checkin_api_status(r.verdict), o);
	return STATUS_OK;
}
