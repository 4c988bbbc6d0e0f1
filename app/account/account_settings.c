/* account_settings: every change here asks for the current password first (a browser left
 * signed in is not enough to take the account over), through the same throttled check as
 * signing in. */
#include <string.h>
#include <strings.h>
#include "account/account_form.h"
#include "account/account_settings.h"
#include "account/account_signin.h"
#include "account/account_throttle.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"
#include "db/db_accounts.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "http/session.h"

static NEOERR *settings_render(struct request *req)
{
	HDF *hdf = render_hdf(req);
	const struct session_user *u = req->user;
	hdf_set_value(hdf, "Account.Email", u->email);
	hdf_set_value(hdf, "Account.Name", u->name);
	hdf_set_value(hdf, "Account.Role", u->role);
	if (u->verified)
		hdf_set_int_value(hdf, "Account.Verified", 1);
	const char *changed = http_query(req, "changed");
	if (changed && strcmp(changed, "password") == 0)
		hdf_set_value(hdf, "Account.Note", "Your password was changed. Every other browser signed "
			      "in to your account was signed out.");
	return nerr_pass(account_render(req, "settings", "Your account"));
}

NEOERR *account_settings_page(struct request *req)
{
	return nerr_pass(settings_render(req));
}

/* The current password, typed in the form's `field`; *ok false with the message beside
 * `hdf_name` (or the 429) set when it is wrong. */
static NEOERR *settings_password_ok(struct request *req, const char *field, const char *hdf_name, bool *ok)
{
	const char *password = http_form(req, field);
	struct account acct;
	long long wait;
	NEOERR *err = account_check_password(req, req->user->email, password ? password : "", &acct, ok, &wait);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (wait > 0)
		account_throttle_refuse(req, wait);
	else if (!*ok) {
		req->resp.status = 401;
		account_field_error(req, hdf_name, "That is not your current password.");
	}
	return STATUS_OK;
}

NEOERR *account_password_change(struct request *req)
{
	bool ok;
	NEOERR *err = settings_password_ok(req, "current_password", "CurrentPassword", &ok);
	if (err != STATUS_OK || !ok)
		return nerr_pass(err != STATUS_OK ? err : settings_render(req));
	const char *fresh = http_form(req, "new_password");
	const char *problem = password_problem(fresh ? fresh : "", req->user->email);
	if (problem) {
		account_field_error(req, "NewPassword", problem);
		return nerr_pass(settings_render(req));
	}
	char hash[PASSWORD_HASH_MAX];
	struct password_cost cost = password_cost_of(req->app->cfg);
	if (!password_hash(&cost, fresh, hash))
		return nerr_raise(NERR_NOMEM, "hashing a password");
	long long user_id = req->user->user_id;
	struct db *db = &req->app->db;
	err = db_begin(db);
	if (err == STATUS_OK)
		err = db_account_set_password(db, user_id, hash);
	if (err == STATUS_OK)
		err = db_sessions_end_all(db, user_id, NULL);
	err = db_end(db, err);
	/* This browser's session ended with the others: it gets a new one, and a new id. */
	req->user = NULL;
	if (err == STATUS_OK)
		err = session_start(req, user_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(account_redirect(req, "/account?changed=password"));
}

NEOERR *account_email_change(struct request *req)
{
	const char *email = account_field(req, "email", "NewEmail");
	const char *problem = account_email_problem(email);
	if (problem == NULL && strcasecmp(email, req->user->email) == 0)
		problem = "That is the address your account has already.";
	if (problem) {
		account_field_error(req, "NewEmail", problem);
		return nerr_pass(settings_render(req));
	}
	bool ok;
	NEOERR *err = settings_password_ok(req, "password", "EmailPassword", &ok);
	if (err != STATUS_OK || !ok)
		return nerr_pass(err != STATUS_OK ? err : settings_render(req));
	/* The link goes to the new address whether or not another account has it, so the answer
	 * says nothing about that; using it would then be refused. */
	struct db *db = &req->app->db;
	long long token_id;
	err = db_begin(db);
	if (err == STATUS_OK)
		err = db_account_token_issue(db, req->arena, req->user->user_id, "email_change", email,
					     req->app->cfg->verify_link_hours * 60, OUTBOX_EMAIL_CHANGE, &token_id);
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Sent.Email", email);
	hdf_set_int_value(hdf, "Sent.Change", 1);
	return nerr_pass(account_render(req, "check_mail", "Check your mail"));
}

NEOERR *account_verify_again(struct request *req)
{
	if (req->user->verified)
		return nerr_pass(account_redirect(req, "/account"));
	struct db *db = &req->app->db;
	long long token_id;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_account_token_issue(db, req->arena, req->user->user_id, "verify", req->user->email,
					     req->app->cfg->verify_link_hours * 60, OUTBOX_ACCOUNT_VERIFY, &token_id);
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	hdf_set_value(render_hdf(req), "Sent.Email", req->user->email);
	return nerr_pass(account_render(req, "check_mail", "Check your mail"));
}

NEOERR *account_delete(struct request *req)
{
	const char *confirm = http_form(req, "confirm");
	if (confirm == NULL || strcmp(confirm, "yes") != 0) {
		account_field_error(req, "Confirm", "Tick the box to say you want your account deleted.");
		return nerr_pass(settings_render(req));
	}
	bool ok;
	NEOERR *err = settings_password_ok(req, "password", "DeletePassword", &ok);
	if (err != STATUS_OK || !ok)
		return nerr_pass(err != STATUS_OK ? err : settings_render(req));
	struct db *db = &req->app->db;
	err = db_begin(db);
	if (err == STATUS_OK)
		err = db_account_erase(db, req->arena, req->user->user_id);
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* The session row went with the account; the cookie goes now. */
	req->user = NULL;
	err = session_end(req);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(account_render(req, "deleted", "Account deleted"));
}
