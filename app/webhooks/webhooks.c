/* webhooks: one handler for every gateway; the provider verifies and reads its own events, and
 * booking_checkout_event gives each its effect once. A failure of ours answers 5xx, so the
 * gateway delivers again later — safe, since a replay finds its event recorded. */
#include <json-c/json.h>
#include "booking/booking_checkout.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "payments/payments.h"
#include "webhooks/webhooks.h"

static const char *webhooks_header(const void *ctx, const char *name)
{
	return http_header(ctx, name);
}

static NEOERR *webhooks_handle(struct request *req, const char *name)
{
	const struct payment_provider *provider = payments_provider(name);
	if (provider == NULL || provider->webhook_parse == NULL || !payments_enabled(req->app->cfg, name))
		return nerr_raise(ERR_NOT_FOUND, "This site takes no %s webhooks.", name);
	struct payment_webhook in = { req->body ? req->body : "", req->body_len, webhooks_header, req };
	struct payment_event ev;
	NEOERR *err = provider->webhook_parse(req->app->cfg, req->arena, &in, &ev);
	if (nerr_match(err, ERR_BAD_REQUEST)) {
		/* Not from the gateway, altered, or too old: say why, change nothing. */
		log_info("%s webhook refused: %s", name, errors_message(err));
		return nerr_pass(err);
	}
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *outcome = "noted";
	err = booking_checkout_event(req->app->cfg, &req->app->db, req->arena, provider, &ev, &outcome);
	if (err != STATUS_OK)
		return nerr_pass_ctx(err, "%s webhook %s (%s)", name, ev.id, ev.type);
	log_info("%s webhook %s (%s): %s", name, ev.id, ev.type, outcome);
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "received", json_object_new_boolean(1));
	json_object_object_add(body, "outcome", json_object_new_string(outcome));
	render_json(req, 200, body);
	return STATUS_OK;
}

NEOERR *webhooks_stripe(struct request *req)
{
	return nerr_pass(webhooks_handle(req, "stripe"));
}

NEOERR *webhooks_paypal(struct request *req)
{
	return nerr_pass(webhooks_handle(req, "paypal"));
}
