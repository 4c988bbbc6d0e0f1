/* account_throttle: keys are keyed BLAKE2b hashes (Secrets.Key), so the table lists neither
 * the addresses people typed nor where they came from. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "account/account_form.h"
#include "account/account_throttle.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db_accounts.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"

static void throttle_key(const struct request *req, const char *scope, const char *text, unsigned char out[32])
{
	unsigned char key[crypto_generichash_KEYBYTES];
	const char *secret = req->app->cfg->secret_key ? req->app->cfg->secret_key : "";
	crypto_generichash(key, sizeof key, (const unsigned char *)secret, strlen(secret),
			   (const unsigned char *)"boxoffice-signin", 16);
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, sizeof key, 32);
	crypto_generichash_update(&st, (const unsigned char *)scope, strlen(scope) + 1);
	/* Addresses compare without case, as the users table does. */
	for (const char *p = text ? text : ""; *p; p++) {
		unsigned char c = (unsigned char)tolower((unsigned char)*p);
		crypto_generichash_update(&st, &c, 1);
	}
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(key, sizeof key);
}

static struct signin_limits throttle_limits(const struct config *cfg, int failures)
{
	return (struct signin_limits){ failures, cfg->signin_window_minutes, cfg->signin_lock_max_seconds };
}

NEOERR *account_throttle_wait(struct request *req, const char *email, long long *seconds)
{
	unsigned char account[32], address[32];
	throttle_key(req, "account", email, account);
	throttle_key(req, "address", req->remote_addr, address);
	long long a = 0, b = 0;
	NEOERR *err = db_signin_wait(&req->app->db, req->arena, "account", account, &a);
	if (err == STATUS_OK)
		err = db_signin_wait(&req->app->db, req->arena, "address", address, &b);
	*seconds = a > b ? a : b;
	return nerr_pass(err);
}

NEOERR *account_throttle_failed(struct request *req, const char *email)
{
	unsigned char account[32], address[32];
	throttle_key(req, "account", email, account);
	throttle_key(req, "address", req->remote_addr, address);
	const struct config *cfg = req->app->cfg;
	struct signin_limits per_account = throttle_limits(cfg, cfg->signin_failures);
	struct signin_limits per_address = throttle_limits(cfg, cfg->signin_address_failures);
	NEOERR *err = db_signin_failed(&req->app->db, "account", account, &per_account);
	if (err == STATUS_OK)
		err = db_signin_failed(&req->app->db, "address", address, &per_address);
	return nerr_pass(err);
}

NEOERR *account_throttle_cleared(struct request *req, const char *email)
{
	unsigned char account[32];
	throttle_key(req, "account", email, account);
	return nerr_pass(db_signin_cleared(&req->app->db, "account", account));
}

void account_throttle_refuse(struct request *req, long long seconds)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", seconds);
	http_set_header(req, "Retry-After", s);
	req->resp.status = 429;
	account_field_error(req, "Password", arena_printf(req->arena, "Too many wrong passwords: please wait "
				 "%lld second%s before trying again.", seconds, seconds == 1 ? "" : "s"));
}
