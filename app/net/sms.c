/* sms: Twilio's Messages resource — POST /2010-04-01/Accounts/{AccountSid}/Messages.json with
 * To, From and Body — answered 201 with the message's sid, or an error object whose code says
 * whether the number itself is the problem. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/url.h"
#include "net/http_client.h"
#include "net/sms.h"

/* Twilio's error codes that no retry can change: the number is invalid (21211), not a mobile
 * (21614), not allowed (21408, 21610 unsubscribed), the body is empty or too long (21602,
 * 21617). Anything else — 401, 429, 5xx, no answer — may pass later. */
static bool twilio_permanent(long code)
{
	static const long CODES[] = { 21211, 21408, 21602, 21610, 21614, 21617 };
	for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++)
		if (code == CODES[i])
			return true;
	return false;
}

static const char *twilio_field(struct json_object *o, const char *name)
{
	struct json_object *v;
	return json_object_object_get_ex(o, name, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : NULL;
}

static NEOERR *twilio_send(const struct config *cfg, struct arena *a, const char *to, const char *body,
			   struct sms_outcome *out)
{
	memset(out, 0, sizeof *out);
	const char *form = arena_printf(a, "To=%s&From=%s&Body=%s", url_encode(a, to),
					url_encode(a, cfg->sms_from), url_encode(a, body));
	struct http_client_request rq = {
		.method = "POST",
		.url = arena_printf(a, "%s/2010-04-01/Accounts/%s/Messages.json", cfg->sms_base_url,
				    url_encode(a, cfg->sms_account_sid)),
		.content_type = "application/x-www-form-urlencoded",
		.body = form,
		.body_len = strlen(form),
		.basic_auth = arena_printf(a, "%s:%s", cfg->sms_account_sid, cfg->sms_auth_token),
		.connect_timeout_ms = 3000,
		.timeout_ms = 10000,
	};
	struct http_client_response resp;
	NEOERR *err = http_client_send(a, &rq, &resp);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->status = resp.status;
	if (resp.status == 0) {
		out->detail = arena_printf(a, "no answer from the SMS provider: %s", resp.error);
		return STATUS_OK;
	}
	struct json_object *o = json_tokener_parse(resp.body);
	const char *sid = o ? twilio_field(o, "sid") : NULL;
	if ((resp.status == 200 || resp.status == 201) && sid) {
		out->sent = true;
		out->detail = arena_strdup(a, sid);
	} else {
		struct json_object *code;
		long twilio = o && json_object_object_get_ex(o, "code", &code) ? (long)json_object_get_int64(code) : 0;
		const char *message = o ? twilio_field(o, "message") : NULL;
		out->permanent = resp.status >= 400 && resp.status < 500 && twilio_permanent(twilio);
		out->detail = arena_printf(a, "SMS provider answered %ld (code %ld): %.200s", resp.status,
					   twilio, message ? message : "no message");
	}
	json_object_put(o);
	return STATUS_OK;
}

static const struct sms_provider TWILIO = { "twilio", twilio_send };

const struct sms_provider *sms_provider(const struct config *cfg)
{
	return strcmp(cfg->sms_provider, "twilio") == 0 ? &TWILIO : NULL;
}
