/* account_signin: signing in and out. A wrong address and a wrong password get the same words
 * and cost the same hash, so the form says nothing about who has an account. */
#include <string.h>
#include "account/account_form.h"
#include "account/account_signin.h"
#include "account/account_throttle.h"
#include "core/arena.h"
#include "db/db.h"
#include "db/db_accounts.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "http/session.h"

#define SIGNIN_WRONG "That email address and password do not match an account."

NEOERR *account_check_password(struct request *req, const char *email, const char *password,
			       struct account *acct, bool *ok, long long *wait)
{
	*ok = false;
	NEOERR *err = account_throttle_wait(req, email, wait);
	if (err != STATUS_OK || *wait > 0)
		return nerr_pass(err);
	bool found;
	err = db_account_by_email(&req->app->db, req->arena, email, acct, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct password_cost cost = password_cost_of(req->app->cfg);
	if (found && acct->password_hash)
		*ok = password_verify(&cost, acct->password_hash, password);
	else
		password_burn(&cost, password);
	if (!*ok)
		return nerr_pass(account_throttle_failed(req, email));
	err = account_throttle_cleared(req, email);
	if (err == STATUS_OK && password_needs_rehash(&cost, acct->password_hash)) {
		char hash[PASSWORD_HASH_MAX];
		if (password_hash(&cost, password, hash))
			err = db_account_set_password(&req->app->db, acct->user_id, hash);
	}
	return nerr_pass(err);
}

NEOERR *account_signin_page(struct request *req)
{
	const char *next = account_safe_next(http_query(req, "next"));
	if (req->user)
		return nerr_pass(account_redirect(req, next));
	hdf_set_value(render_hdf(req), "Form.Next", next);
	return nerr_pass(account_render(req, "signin", "Sign in"));
}

NEOERR *account_signin_submit(struct request *req)
{
	const char *email = account_field(req, "email", "Email");
	const char *password = http_form(req, "password");
	const char *next = account_safe_next(http_form(req, "next"));
	hdf_set_value(render_hdf(req), "Form.Next", next);
	const char *problem = account_email_problem(email);
	if (problem)
		account_field_error(req, "Email", problem);
	if (password == NULL || *password == '\0')
		account_field_error(req, "Password", "Please type your password.");
	else if (strlen(password) > PASSWORD_MAX_BYTES)
		account_field_error(req, "Password", SIGNIN_WRONG);
	if (account_form_has_errors(req))
		return nerr_pass(account_render(req, "signin", "Sign in"));
	struct account acct;
	bool ok;
	long long wait;
	NEOERR *err = account_check_password(req, email, password, &acct, &ok, &wait);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (wait > 0) {
		account_throttle_refuse(req, wait);
		return nerr_pass(account_render(req, "signin", "Sign in"));
	}
	if (!ok) {
		req->resp.status = 401;
		http_set_header(req, "WWW-Authenticate", "Cookie realm=\"boxoffice\"");
		account_field_error(req, "Password", SIGNIN_WRONG);
		return nerr_pass(account_render(req, "signin", "Sign in"));
	}
	/* Guest bookings made under the address since the last sign-in become the account's:
	 * only once the address is proven to be the account owner's. */
	if (acct.verified)
		err = db_account_attach_bookings(&req->app->db, acct.user_id, acct.email);
	if (err == STATUS_OK)
		err = session_start(req, acct.user_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(account_redirect(req, next));
}

NEOERR *account_signout(struct request *req)
{
	NEOERR *err = session_end(req);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(account_redirect(req, "/"));
}
