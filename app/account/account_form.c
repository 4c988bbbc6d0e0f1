/* account_form: the account pages' common ground. */
#include <stdlib.h>
#include <string.h>
#include "account/account_form.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/contact.h"
#include "core/link_key.h"
#include "db/db_accounts.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"

const char *account_field(struct request *req, const char *field, const char *hdf_name)
{
	const char *v = http_form(req, field);
	if (v && hdf_name)
		hdf_set_value(render_hdf(req), arena_printf(req->arena, "Form.%s", hdf_name), v);
	return v;
}

void account_field_error(struct request *req, const char *hdf_name, const char *message)
{
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, arena_printf(req->arena, "Errors.%s", hdf_name), message);
	hdf_set_int_value(hdf, "Errors.Any", 1);
}

bool account_form_has_errors(struct request *req)
{
	return hdf_get_int_value(render_hdf(req), "Errors.Any", 0) != 0;
}

const char *account_email_problem(const char *email)
{
	if (email == NULL || *email == '\0')
		return "Please type your email address.";
	if (strlen(email) > CONTACT_EMAIL_MAX)
		return "That email address is too long (254 characters at most).";
	if (!contact_email_valid(email))
		return "That is not an email address: it should look like name@example.com.";
	return NULL;
}

const char *account_name_problem(const char *name)
{
	switch (contact_name_check(name ? name : "")) {
	case CONTACT_NAME_EMPTY:
		return "Please type your name.";
	case CONTACT_NAME_TOO_LONG:
		return "That name is too long (200 characters at most).";
	case CONTACT_NAME_CONTROL:
		return "A name must not have line breaks, tabs or control characters.";
	case CONTACT_NAME_OK:
		break;
	}
	return NULL;
}

const char *account_safe_next(const char *next)
{
	/* "//evil.example" and "/\evil.example" are other sites to a browser; a control byte or
	 * a backslash anywhere has no place in our own paths either. */
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 2000)
		return "/account/bookings";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p < 0x21 || *p == 0x7f || *p == '\\')
			return "/account/bookings";
	return next;
}

NEOERR *account_render(struct request *req, const char *page, const char *title)
{
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Page.Title", title);
	if (req->resp.status == 0 && account_form_has_errors(req))
		req->resp.status = 422;
	http_csrf_token(req);
	return nerr_pass(render_page(req, arena_printf(req->arena, "account/%s.cs", page)));
}

NEOERR *account_redirect(struct request *req, const char *location)
{
	req->resp.status = 303;
	http_set_header(req, "Location", location);
	return STATUS_OK;
}

/* Each purpose keys its links apart: a reset link's key opens no verification. */
long long account_link_token_id(struct request *req, const char *purpose, const char *token)
{
	return link_key_token_id(req->app->cfg->secret_key,
				 arena_printf(req->arena, ACCOUNT_LINK_PREFIX "%s", purpose), token);
}

long long account_user_id(const struct request *req)
{
	return req->user ? req->user->user_id : 0;
}
