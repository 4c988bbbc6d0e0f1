/* account_signup: a new account, and its address proven by a mailed link.
 *
 * Signing up never says whether the address had an account: both ways the page says "check
 * your mail" after the same password hash; the new address gets its verification link, a
 * taken one a note saying someone tried (and how to sign in or reset). Nobody is signed in by
 * signing up. Opening the link asks for the account's password before it verifies anything:
 * whoever created an account under someone else's address cannot have that person verify it
 * (and so collect their bookings) by a click on a mail they did not expect. */
#include <string.h>
#include "account/account_form.h"
#include "account/account_signin.h"
#include "account/account_signup.h"
#include "account/account_throttle.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "db/db.h"
#include "db/db_accounts.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "http/session.h"

NEOERR *account_signup_page(struct request *req)
{
	if (req->user)
		return nerr_pass(account_redirect(req, "/account"));
	return nerr_pass(account_render(req, "signup", "Create an account"));
}

static void signup_check(struct request *req, const char **email, const char **name, const char **password)
{
	*email = account_field(req, "email", "Email");
	*name = account_field(req, "name", "Name");
	*password = http_form(req, "password");
	const char *problem = account_email_problem(*email);
	if (problem)
		account_field_error(req, "Email", problem);
	if ((problem = account_name_problem(*name)) != NULL)
		account_field_error(req, "Name", problem);
	if ((problem = password_problem(*password ? *password : "", *email)) != NULL)
		account_field_error(req, "Password", problem);
}

NEOERR *account_signup_submit(struct request *req)
{
	const char *email, *name, *password;
	signup_check(req, &email, &name, &password);
	if (account_form_has_errors(req))
		return nerr_pass(account_render(req, "signup", "Create an account"));
	const struct config *cfg = req->app->cfg;
	struct password_cost cost = password_cost_of(cfg);
	char hash[PASSWORD_HASH_MAX];
	if (!password_hash(&cost, password, hash))
		return nerr_raise(NERR_NOMEM, "hashing a password");
	struct db *db = &req->app->db;
	long long user_id = 0, token_id;
	bool taken = false;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_account_create(db, email, name, hash, "customer", false, &user_id, &taken);
	if (err == STATUS_OK && !taken)
		err = db_account_token_issue(db, req->arena, user_id, "verify", email, cfg->verify_link_hours * 60,
					     OUTBOX_ACCOUNT_VERIFY, &token_id);
	if (err == STATUS_OK && taken) {
		struct account acct;
		bool found;
		err = db_account_by_email(db, req->arena, email, &acct, &found);
		if (err == STATUS_OK && found)
			err = db_account_notice(db, req->arena, OUTBOX_ACCOUNT_EXISTS, acct.user_id, acct.email);
	}
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	hdf_set_value(render_hdf(req), "Sent.Email", email);
	return nerr_pass(account_render(req, "check_mail", "Check your mail"));
}

/* The token of the path, checked for its key and then its row; a bad key, a used or lapsed
 * link is a 410 with words saying which, and what to do. */
static NEOERR *verify_token(struct request *req, bool lock, struct account_token *t)
{
	const char *text = http_capture(req, "token");
	long long id = account_link_token_id(req, "verify", text);
	bool email_change = false;
	if (id == 0) {
		id = account_link_token_id(req, "email_change", text);
		email_change = id != 0;
	}
	bool found = false;
	if (id) {
		NEOERR *err = db_account_token_load(&req->app->db, req->arena, id, lock, t, &found);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	if (!found || strcmp(t->purpose, email_change ? "email_change" : "verify") != 0) {
		req->resp.status = 410;
		return nerr_raise(ERR_NOT_FOUND, "This link is not valid: check that it was copied whole "
				  "from the mail.");
	}
	if (t->used || t->expired) {
		req->resp.status = 410;
		return nerr_raise(ERR_NOT_FOUND, t->used
			? "This link was already used. If your address is not verified yet, sign in and "
			  "ask for a new link from your account page."
			: "This link has expired. Sign in and ask for a new one from your account page.");
	}
	return STATUS_OK;
}

/* A 410 raised by verify_token: the error page with its status kept (ERR_NOT_FOUND would
 * otherwise be a 404). */
static NEOERR *verify_gone(struct request *req, NEOERR *err)
{
	if (req->resp.status != 410)
		return err;
	render_error(req, 410, errors_message(err));
	nerr_ignore(&err);
	return STATUS_OK;
}

static NEOERR *verify_form(struct request *req, const struct account_token *t)
{
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Verify.Email", t->email);
	hdf_set_value(hdf, "Verify.Token", http_capture(req, "token"));
	if (strcmp(t->purpose, "email_change") == 0)
		hdf_set_int_value(hdf, "Verify.Change", 1);
	return nerr_pass(account_render(req, "verify", "Confirm your email address"));
}

NEOERR *account_verify_page(struct request *req)
{
	struct account_token t;
	NEOERR *err = verify_token(req, false, &t);
	if (err != STATUS_OK)
		return nerr_pass(verify_gone(req, err));
	return nerr_pass(verify_form(req, &t));
}

/* In one transaction, with the link's row locked (two clicks verify once): the address is
 * set and verified, the link used, the guest bookings under it attached. */
static NEOERR *verify_apply(struct request *req, const struct account_token *t, bool *taken)
{
	struct db *db = &req->app->db;
	NEOERR *err = db_account_set_verified_email(db, t->user_id, t->email, taken);
	if (err == STATUS_OK && !*taken)
		err = db_account_token_use(db, t->token_id);
	if (err == STATUS_OK && !*taken)
		err = db_account_attach_bookings(db, t->user_id, t->email);
	/* A changed address is a change of who the account is: other browsers sign in again. */
	if (err == STATUS_OK && !*taken && strcmp(t->purpose, "email_change") == 0)
		err = db_sessions_end_all(db, t->user_id, NULL);
	return nerr_pass(err);
}

NEOERR *account_verify_submit(struct request *req)
{
	struct account_token t;
	NEOERR *err = verify_token(req, false, &t);
	if (err != STATUS_OK)
		return nerr_pass(verify_gone(req, err));
	struct account acct;
	bool found;
	err = db_account_by_id(&req->app->db, req->arena, t.user_id, &acct, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found) {
		render_error(req, 410, "The account this link was for no longer exists.");
		return STATUS_OK;
	}
	const char *password = http_form(req, "password");
	bool ok;
	long long wait;
	err = account_check_password(req, acct.email, password ? password : "", &acct, &ok, &wait);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (wait > 0 || !ok) {
		if (wait > 0)
			account_throttle_refuse(req, wait);
		else {
			req->resp.status = 401;
			account_field_error(req, "Password", "That is not the password of this account.");
		}
		return nerr_pass(verify_form(req, &t));
	}
	bool taken = false;
	struct db *db = &req->app->db;
	err = db_begin(db);
	if (err == STATUS_OK)
		err = verify_token(req, true, &t);
	if (err == STATUS_OK)
		err = verify_apply(req, &t, &taken);
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(verify_gone(req, err));
	if (taken) {
		render_error(req, 409, "That address belongs to another account by now, so it cannot be "
				       "yours as well.");
		return STATUS_OK;
	}
	err = session_start(req, t.user_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(account_redirect(req, "/account/bookings?verified=1"));
}
