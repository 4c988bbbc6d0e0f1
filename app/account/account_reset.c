/* account_reset: the page that asks for a link answers the same words at once whatever the
 * address, and only then (after the response is with nginx) looks the address up and writes
 * the link's mail, so neither the words nor the time taken say whether it has an account.
 * Setting the new password uses the link once, ends every session of the account, and signs
 * this browser in with a new one. */
#include <string.h>
#include "account/account_form.h"
#include "account/account_reset.h"
#include "account/account_throttle.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "db/db.h"
#include "db/db_accounts.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "http/session.h"

NEOERR *account_reset_page(struct request *req)
{
	return nerr_pass(account_render(req, "reset", "Reset your password"));
}

/* The link and its mail, for an address that has an account. */
static NEOERR *reset_issue(struct request *req, const char *email)
{
	struct db *db = &req->app->db;
	struct account acct;
	bool found;
	NEOERR *err = db_account_by_email(db, req->arena, email, &acct, &found);
	if (err != STATUS_OK || !found)
		return nerr_pass(err);
	long long token_id;
	err = db_begin(db);
	if (err == STATUS_OK)
		err = db_account_token_issue(db, req->arena, acct.user_id, "reset", acct.email,
					     req->app->cfg->reset_link_minutes, OUTBOX_PASSWORD_RESET, &token_id);
	return nerr_pass(db_end(db, err));
}

static void reset_issue_after_response(struct request *req, void *ctx)
{
	NEOERR *err = reset_issue(req, ctx);
	if (err != STATUS_OK)
		errors_log_and_free(err, req->request_id);
}

NEOERR *account_reset_request(struct request *req)
{
	const char *email = account_field(req, "email", "Email");
	const char *problem = account_email_problem(email);
	if (problem) {
		account_field_error(req, "Email", problem);
		return nerr_pass(account_render(req, "reset", "Reset your password"));
	}
	if (req->can_defer && req->after_response == NULL) {
		req->after_response = reset_issue_after_response;
		req->after_response_ctx = arena_strdup(req->arena, email);
	} else {
		NEOERR *err = reset_issue(req, email);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Sent.Email", email);
	hdf_set_int_value(hdf, "Sent.Reset", 1);
	return nerr_pass(account_render(req, "check_mail", "Check your mail"));
}

/* The link of the path: its key, then its row (locked when `lock`). NULL when it can be used;
 * otherwise why not, for a 410. */
static const char *reset_link(struct request *req, bool lock, struct account_token *t, NEOERR **err)
{
	long long id = account_link_token_id(req, "reset", http_capture(req, "token"));
	bool found = false;
	*err = id ? db_account_token_load(&req->app->db, req->arena, id, lock, t, &found) : STATUS_OK;
	if (*err != STATUS_OK)
		return NULL;
	if (!found || strcmp(t->purpose, "reset") != 0)
		return "This link is not valid: check that it was copied whole from the mail.";
	if (t->used)
		return "This link was already used. If you still cannot sign in, ask for a new one.";
	if (t->expired)
		return "This link has expired. Please ask for a new one.";
	return NULL;
}

static NEOERR *reset_form(struct request *req)
{
	hdf_set_value(render_hdf(req), "Reset.Token", http_capture(req, "token"));
	return nerr_pass(account_render(req, "reset_set", "Choose a new password"));
}

static NEOERR *reset_gone(struct request *req, const char *why)
{
	hdf_set_value(render_hdf(req), "Reset.Gone", why);
	req->resp.status = 410;
	return nerr_pass(account_render(req, "reset", "Reset your password"));
}

NEOERR *account_reset_link_page(struct request *req)
{
	struct account_token t;
	NEOERR *err;
	const char *why = reset_link(req, false, &t, &err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(why ? reset_gone(req, why) : reset_form(req));
}

NEOERR *account_reset_submit(struct request *req)
{
	struct account_token t;
	NEOERR *err;
	const char *why = reset_link(req, false, &t, &err);
	if (err != STATUS_OK || why)
		return nerr_pass(err != STATUS_OK ? err : reset_gone(req, why));
	const char *password = http_form(req, "password");
	const char *problem = password_problem(password ? password : "", t.email);
	if (problem) {
		account_field_error(req, "Password", problem);
		return nerr_pass(reset_form(req));
	}
	char hash[PASSWORD_HASH_MAX];
	struct password_cost cost = password_cost_of(req->app->cfg);
	if (!password_hash(&cost, password, hash))
		return nerr_raise(NERR_NOMEM, "hashing a password");
	struct db *db = &req->app->db;
	err = db_begin(db);
	if (err == STATUS_OK) {
		why = reset_link(req, true, &t, &err);
		if (err == STATUS_OK && why == NULL) {
			err = db_account_set_password(db, t.user_id, hash);
			if (err == STATUS_OK)
				err = db_account_token_use(db, t.token_id);
			if (err == STATUS_OK)
				err = db_sessions_end_all(db, t.user_id, NULL);
		}
	}
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (why)
		return nerr_pass(reset_gone(req, why));
	/* The owner of the address proved it: the wrong guesses before no longer count. */
	err = account_throttle_cleared(req, t.email);
	if (err == STATUS_OK)
		err = session_start(req, t.user_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(account_redirect(req, "/account?changed=password"));
}
