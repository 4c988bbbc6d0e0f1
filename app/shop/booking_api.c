/* booking_api: POST /api/v1/bookings as JSON. Parse → validate → hold → pay → confirm,
 * answering 201 / 409 (which tickets are gone) / 402 (declined) / 400 / 422 / 503, with
 * Idempotency-Key replay. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/contact.h"
#include "core/errors.h"
#include "core/ids.h"
#include "http/admission.h"
#include "http/app.h"
#include "http/http.h"
#include "http/idempotency.h"
#include "http/render.h"
#include "payments/payments.h"
#include "shop/booking_api.h"

#define IDEMPOTENCY_SCOPE "bookings"

struct booking_body {
	long long event_id;
	long long *ticket_ids;
	int nticket_ids;
	struct standing_request *standing;
	int nstanding;
	const struct payment_provider *provider;
	const char *payment_method;
	struct buyer buyer;
};

static NEOERR *field_id(struct json_object *o, const char *name, long long *out)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, name, &v))
		return nerr_raise(ERR_BAD_REQUEST, "Field '%s' is required.", name);
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1)
		return nerr_raise(ERR_BAD_REQUEST, "Field '%s' must be a positive integer.", name);
	*out = json_object_get_int64(v);
	return STATUS_OK;
}

static NEOERR *field_string(struct json_object *o, const char *name, bool required,
			    size_t max, const char **out)
{
	struct json_object *v;
	*out = NULL;
	if (!json_object_object_get_ex(o, name, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return nerr_raise(ERR_BAD_REQUEST, "Field '%s' is required.", name);
		return STATUS_OK;
	}
	if (!json_object_is_type(v, json_type_string))
		return nerr_raise(ERR_BAD_REQUEST, "Field '%s' must be a string.", name);
	if ((size_t)json_object_get_string_len(v) > max || json_object_get_string_len(v) == 0)
		return nerr_raise(ERR_BAD_REQUEST, "Field '%s' must be 1 to %lu characters.", name,
				  (unsigned long)max);
	*out = json_object_get_string(v);
	return STATUS_OK;
}

static NEOERR *parse_ticket_ids(struct request *req, struct json_object *body, struct booking_body *b)
{
	struct json_object *ids;
	if (!json_object_object_get_ex(body, "ticketIds", &ids)) {
		if (json_object_object_get_ex(body, "standing", NULL))
			return STATUS_OK;
		return nerr_raise(ERR_BAD_REQUEST, "Field 'ticketIds' is required.");
	}
	if (!json_object_is_type(ids, json_type_array))
		return nerr_raise(ERR_BAD_REQUEST, "Field 'ticketIds' must be an array of ticket ids.");
	size_t n = json_object_array_length(ids);
	if (n > BOOKING_MAX_TICKETS_HARD)
		return nerr_raise(ERR_UNPROCESSABLE, "At most %d tickets can be booked at once.",
				  req->app->cfg->max_tickets);
	b->ticket_ids = arena_alloc(req->arena, sizeof(long long) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(ids, i);
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1)
			return nerr_raise(ERR_BAD_REQUEST, "Every entry of 'ticketIds' must be a positive integer.");
		b->ticket_ids[i] = json_object_get_int64(v);
	}
	b->nticket_ids = (int)n;
	qsort(b->ticket_ids, n, sizeof(long long), ids_compare);
	for (size_t i = 1; i < n; i++)
		if (b->ticket_ids[i] == b->ticket_ids[i - 1])
			return nerr_raise(ERR_UNPROCESSABLE, "Ticket %lld is listed twice.", b->ticket_ids[i]);
	return STATUS_OK;
}

/* A person's name: 1 to CONTACT_NAME_MAX characters (4 bytes a character at the most). API
 * clients' names keep their control characters, as they always did: what reaches a header, a
 * text, a PDF or a page is cleaned or escaped there (48_notify sends such names); only the
 * checkout form, where a person types, refuses them with a message. */
static NEOERR *field_name(struct json_object *o, const char *name, const char **out)
{
	NEOERR *err = field_string(o, name, false, CONTACT_NAME_MAX * 4, out);
	if (err != STATUS_OK || *out == NULL || contact_name_check(*out) != CONTACT_NAME_TOO_LONG)
		return nerr_pass(err);
	return nerr_raise(ERR_BAD_REQUEST, "Field '%s' must be 1 to %d characters.", name, CONTACT_NAME_MAX);
}

/* attendees: [{ticketId, name, email}] for seats of ticketIds, each ticket's holder. */
static NEOERR *parse_attendees(struct request *req, struct json_object *body, struct booking_body *b)
{
	struct json_object *list;
	if (!json_object_object_get_ex(body, "attendees", &list) || json_object_is_type(list, json_type_null))
		return STATUS_OK;
	if (!json_object_is_type(list, json_type_array) ||
	    json_object_array_length(list) > (size_t)b->nticket_ids)
		return nerr_raise(ERR_BAD_REQUEST, "Field 'attendees' must be an array of {ticketId, name, "
				  "email}, one for each ticket of ticketIds at most.");
	size_t n = json_object_array_length(list);
	struct ticket_holder *h = arena_zalloc(req->arena, sizeof *h * (n + 1));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		if (!json_object_is_type(e, json_type_object))
			return nerr_raise(ERR_BAD_REQUEST, "Each entry of 'attendees' must be an object.");
		NEOERR *err = field_id(e, "ticketId", &h[i].ticket_id);
		if (err == STATUS_OK)
			err = field_name(e, "name", &h[i].name);
		if (err == STATUS_OK)
			err = field_string(e, "email", false, CONTACT_EMAIL_MAX, &h[i].email);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (!bsearch(&h[i].ticket_id, b->ticket_ids, (size_t)b->nticket_ids, sizeof(long long),
			     ids_compare))
			return nerr_raise(ERR_UNPROCESSABLE, "Attendee for ticket %lld, which is not in "
					  "'ticketIds'.", h[i].ticket_id);
		if (h[i].email && !contact_email_valid(h[i].email))
			return nerr_raise(ERR_UNPROCESSABLE, "The email of the attendee for ticket %lld must be "
					  "an email address like name@example.com.", h[i].ticket_id);
		for (size_t j = 0; j < i; j++)
			if (h[j].ticket_id == h[i].ticket_id)
				return nerr_raise(ERR_UNPROCESSABLE, "Ticket %lld has two attendees.",
						  h[i].ticket_id);
	}
	b->buyer.holders = h;
	b->buyer.nholders = (int)n;
	return STATUS_OK;
}

static NEOERR *parse_standing(struct request *req, struct json_object *body, struct booking_body *b)
{
	struct json_object *list;
	if (!json_object_object_get_ex(body, "standing", &list))
		return STATUS_OK;
	if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) > 8)
		return nerr_raise(ERR_BAD_REQUEST, "Field 'standing' must be an array of {sectionId, quantity}.");
	size_t n = json_object_array_length(list);
	b->standing = arena_zalloc(req->arena, sizeof(struct standing_request) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i), *q;
		long long section;
		if (!json_object_is_type(e, json_type_object))
			return nerr_raise(ERR_BAD_REQUEST, "Field 'standing' must be an array of {sectionId, quantity}.");
		NEOERR *err = field_id(e, "sectionId", &section);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (!json_object_object_get_ex(e, "quantity", &q) || !json_object_is_type(q, json_type_int) ||
		    json_object_get_int64(q) < 1 || json_object_get_int64(q) > BOOKING_MAX_TICKETS_HARD)
			return nerr_raise(ERR_BAD_REQUEST, "Each standing 'quantity' must be a positive integer.");
		b->standing[b->nstanding++] = (struct standing_request){ section, (int)json_object_get_int64(q) };
	}
	return STATUS_OK;
}

/* The buyer's contact: optional, but an address or number given must be one we can use. */
static NEOERR *parse_buyer(struct request *req, struct json_object *body, struct booking_body *b)
{
	const char *phone;
	NEOERR *err = field_name(body, "buyerName", &b->buyer.name);
	if (err == STATUS_OK)
		err = field_string(body, "buyerEmail", false, CONTACT_EMAIL_MAX, &b->buyer.email);
	if (err == STATUS_OK)
		err = field_string(body, "buyerPhone", false, 40, &phone);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (b->buyer.email && !contact_email_valid(b->buyer.email))
		return nerr_raise(ERR_UNPROCESSABLE, "Field 'buyerEmail' must be an email address like "
				  "name@example.com.");
	if (phone && (b->buyer.phone = contact_phone_e164(req->arena, phone)) == NULL)
		return nerr_raise(ERR_UNPROCESSABLE, "Field 'buyerPhone' must be a phone number in "
				  "international form, like +353871234567.");
	return nerr_pass(parse_attendees(req, body, b));
}

static NEOERR *parse_body(struct request *req, struct booking_body *b)
{
	memset(b, 0, sizeof *b);
	struct json_object *body = req->json;
	if (body == NULL || !json_object_is_type(body, json_type_object))
		return nerr_raise(ERR_BAD_REQUEST, "Send a JSON object with eventId, ticketIds and paymentInfo "
				  "(Content-Type: application/json).");
	NEOERR *err = field_id(body, "eventId", &b->event_id);
	if (err == STATUS_OK)
		err = parse_ticket_ids(req, body, b);
	if (err == STATUS_OK)
		err = parse_standing(req, body, b);
	if (err != STATUS_OK)
		return nerr_pass(err);
	int total = b->nticket_ids;
	for (int i = 0; i < b->nstanding; i++)
		total += b->standing[i].quantity;
	if (total == 0)
		return nerr_raise(ERR_UNPROCESSABLE, "Choose at least one ticket.");
	if (total > req->app->cfg->max_tickets)
		return nerr_raise(ERR_UNPROCESSABLE, "At most %d tickets can be booked at once.",
				  req->app->cfg->max_tickets);
	struct json_object *pay;
	if (!json_object_object_get_ex(body, "paymentInfo", &pay))
		return nerr_raise(ERR_BAD_REQUEST, "Field 'paymentInfo' is required.");
	if (!json_object_is_type(pay, json_type_object))
		return nerr_raise(ERR_BAD_REQUEST, "Field 'paymentInfo' must be an object with provider and paymentMethod.");
	const char *provider;
	err = field_string(pay, "provider", true, 32, &provider);
	if (err == STATUS_OK)
		err = field_string(pay, "paymentMethod", true, 255, &b->payment_method);
	if (err == STATUS_OK)
		err = parse_buyer(req, body, b);
	if (err != STATUS_OK)
		return nerr_pass(err);
	b->provider = payments_enabled(req->app->cfg, provider) ? payments_provider(provider) : NULL;
	if (b->provider == NULL)
		return nerr_raise(ERR_UNPROCESSABLE, "Unknown payment provider '%.32s'.", provider);
	if (b->provider->charge == NULL)
		return nerr_raise(ERR_UNPROCESSABLE, "Payments through '%s' need the buyer's approval on its "
				  "own page: book on the checkout page instead.", b->provider->name);
	return STATUS_OK;
}

static void error_json(struct request *req, int status, const char *code, const char *message,
		       struct json_object *extra_key_value, const char *extra_key)
{
	struct json_object *error = json_object_new_object();
	json_object_object_add(error, "code", json_object_new_string(code));
	json_object_object_add(error, "message", json_object_new_string(message));
	if (extra_key)
		json_object_object_add(error, extra_key, extra_key_value);
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "error", error);
	render_json(req, status, body);
}

static struct json_object *tickets_json(const struct held_ticket *t, int n)
{
	struct json_object *list = json_object_new_array();
	for (int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "ticketId", json_object_new_int64(t[i].ticket_id));
		json_object_object_add(o, "seatNumber", json_object_new_string(t[i].label));
		json_object_object_add(o, "priceCents", json_object_new_int64(t[i].price_cents));
		json_object_array_add(list, o);
	}
	return list;
}

static struct json_object *ticket_ids_json(const struct held_ticket *t, int n)
{
	struct json_object *ids = json_object_new_array();
	for (int i = 0; i < n; i++)
		json_object_array_add(ids, json_object_new_int64(t[i].ticket_id));
	return ids;
}

static void created_json(struct request *req, const struct booking_body *b, const struct hold_result *h)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_int64(h->booking_id));
	json_object_object_add(o, "bookingCode", json_object_new_string(h->booking_code));
	json_object_object_add(o, "eventId", json_object_new_int64(b->event_id));
	json_object_object_add(o, "ticketIds", ticket_ids_json(h->tickets, h->ntickets));
	json_object_object_add(o, "tickets", tickets_json(h->tickets, h->ntickets));
	json_object_object_add(o, "totalPriceCents", json_object_new_int64(h->total_cents));
	json_object_object_add(o, "currency", json_object_new_string(h->currency));
	json_object_object_add(o, "paymentStatus", json_object_new_string("confirmed"));
	json_object_object_add(o, "accessToken", json_object_new_string(h->access_token));
	json_object_object_add(o, "url", json_object_new_string(
		arena_printf(req->arena, "/api/v1/bookings/%lld", h->booking_id)));
	http_set_header(req, "Location", arena_printf(req->arena, "/api/v1/bookings/%lld", h->booking_id));
	render_json(req, 201, o);
}

static NEOERR *bookings_create(struct request *req, const struct booking_body *b)
{
	struct hold_request rq = {
		.event_id = b->event_id,
		.ticket_ids = b->ticket_ids,
		.nticket_ids = b->nticket_ids,
		.standing = b->standing,
		.nstanding = b->nstanding,
		.hold_seconds = req->app->cfg->hold_seconds,
		.buyer = b->buyer,
		.payment_provider = b->provider->name,
		.payment_method = b->payment_method,
	};
	struct hold_result held;
	NEOERR *err = booking_hold(&req->app->db, req->arena, &rq, &held);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (held.outcome == HOLD_INVALID) {
		error_json(req, 422, "unprocessable", held.message, NULL, NULL);
		return STATUS_OK;
	}
	if (held.outcome == HOLD_UNAVAILABLE) {
		error_json(req, 409, "tickets_unavailable", held.message,
			   ticket_ids_json(held.unavailable, held.nunavailable), "unavailableTicketIds");
		return STATUS_OK;
	}
	struct booking_payment paid;
	/* The buyer was recorded with the hold. */
	struct booking_charge what = { held.booking_id, b->event_id, held.booking_code,
				       held.total_cents, held.currency, { 0 }, held.payment_id };
	err = booking_pay(req->app->cfg, &req->app->db, req->arena, &what, b->provider, b->payment_method,
			  true, &paid);
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (paid.outcome) {
	case BOOKING_CONFIRMED:
		created_json(req, b, &held);
		break;
	case BOOKING_DECLINED:
		error_json(req, 402, "payment_declined", paid.message, NULL, NULL);
		break;
	case BOOKING_BAD_METHOD:
		error_json(req, 422, "unprocessable", paid.message, NULL, NULL);
		break;
	case BOOKING_LOST:
		error_json(req, 409, "hold_lost", paid.message, NULL, NULL);
		break;
	case BOOKING_IN_PROGRESS:
	case BOOKING_NOT_PAYABLE:
	case BOOKING_CHANGED:
		error_json(req, 409, "conflict", paid.message, NULL, NULL);
		break;
	}
	return STATUS_OK;
}

NEOERR *booking_api_create(struct request *req)
{
	NEOERR *err = admission_check(req);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct booking_body b;
	err = parse_body(req, &b);
	if (err != STATUS_OK)
		return nerr_pass(err);
	enum idempotency_state state;
	err = idempotency_begin(req, IDEMPOTENCY_SCOPE, &state);
	if (err != STATUS_OK || state == IDEMPOTENCY_REPLAYED)
		return nerr_pass(err);
	err = bookings_create(req, &b);
	if (err != STATUS_OK) {
		/* A transient failure: let a retry with the same key run again. */
		req->resp.status = 503;
		idempotency_end(req, IDEMPOTENCY_SCOPE);
		req->resp.status = 0;
		return nerr_pass(err);
	}
	idempotency_end(req, IDEMPOTENCY_SCOPE);
	return STATUS_OK;
}

/* The token comes as "Authorization: Bearer <token>" or ?token=. */
static const char *booking_token(struct request *req)
{
	const char *auth = req->authorization;
	if (auth && strncmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	return http_query(req, "token");
}

NEOERR *booking_api_show(struct request *req)
{
	const char *id_text = http_capture(req, "id");
	char *end = NULL;
	long long id = strtoll(id_text, &end, 10);
	if (*end != '\0' || id < 1)
		return nerr_raise(ERR_NOT_FOUND, "There is no such booking.");
	struct booking_view v;
	bool found;
	NEOERR *err = db_bookings_load(&req->app->db, req->arena, id, booking_token(req), 0, &v, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found)
		return nerr_raise(ERR_NOT_FOUND, "There is no such booking.");
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_int64(v.booking_id));
	json_object_object_add(o, "bookingCode", json_object_new_string(v.booking_code));
	json_object_object_add(o, "eventId", json_object_new_int64(v.event_id));
	json_object_object_add(o, "ticketIds", ticket_ids_json(v.tickets, v.ntickets));
	struct json_object *tickets = tickets_json(v.tickets, v.ntickets);
	for (int i = 0; i < v.ntickets; i++)
		if (v.ticket_codes[i])
			json_object_object_add(json_object_array_get_idx(tickets, (size_t)i), "ticketCode",
					       json_object_new_string(v.ticket_codes[i]));
	json_object_object_add(o, "tickets", tickets);
	json_object_object_add(o, "totalPriceCents", json_object_new_int64(v.total_cents));
	json_object_object_add(o, "currency", json_object_new_string(v.currency));
	json_object_object_add(o, "paymentStatus", json_object_new_string(v.status));
	json_object_object_add(o, "createdAt", json_object_new_string(v.created_at));
	if (v.expires_at)
		json_object_object_add(o, "expiresAt", json_object_new_string(v.expires_at));
	render_json(req, 200, o);
	return STATUS_OK;
}
