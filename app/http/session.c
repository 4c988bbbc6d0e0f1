/* session: the cookie, its hash and the row behind it. */
#include <string.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/config.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"
#include "http/session.h"

#define SESSION_ID_BYTES 32

static bool session_https(const struct config *cfg)
{
	return strncmp(cfg->site_url, "https:", 6) == 0;
}

const char *session_cookie_name(const struct config *cfg)
{
	return session_https(cfg) ? "__Host-bo_session" : "bo_session";
}

const char *session_cookie_secure(const struct config *cfg)
{
	return session_https(cfg) ? "; Secure" : "";
}

/* The cookie's value is the id in lower-case hex; anything else names no session. */
static bool session_id_from_cookie(const char *cookie, unsigned char id[SESSION_ID_BYTES])
{
	size_t len = 0;
	return cookie && strlen(cookie) == SESSION_ID_BYTES * 2 &&
	       sodium_hex2bin(id, SESSION_ID_BYTES, cookie, SESSION_ID_BYTES * 2, NULL, &len, NULL) == 0 &&
	       len == SESSION_ID_BYTES;
}

static void session_hash_of(const unsigned char id[SESSION_ID_BYTES], unsigned char hash[SESSION_HASH_BYTES])
{
	crypto_generichash(hash, SESSION_HASH_BYTES, id, SESSION_ID_BYTES, NULL, 0);
}

/* Keep the session's hash, and the hex of it that its CSRF tokens are bound to. */
static void session_bind(struct request *req, const unsigned char hash[SESSION_HASH_BYTES])
{
	memcpy(req->session_hash, hash, SESSION_HASH_BYTES);
	char *hex = arena_alloc(req->arena, SESSION_HASH_BYTES * 2 + 1);
	sodium_bin2hex(hex, SESSION_HASH_BYTES * 2 + 1, hash, SESSION_HASH_BYTES);
	req->csrf_binding = hex;
	/* A token made earlier in this request was bound to what came before. */
	req->csrf_token = NULL;
}

NEOERR *session_load(struct request *req)
{
	const struct config *cfg = req->app->cfg;
	unsigned char id[SESSION_ID_BYTES];
	if (!session_id_from_cookie(http_cookie(req, session_cookie_name(cfg)), id))
		return STATUS_OK;
	unsigned char hash[SESSION_HASH_BYTES];
	session_hash_of(id, hash);
	sodium_memzero(id, sizeof id);
	struct session_user *u = arena_zalloc(req->arena, sizeof *u);
	bool found;
	NEOERR *err = db_session_load(&req->app->db, req->arena, hash, cfg->session_idle_minutes, u, &found);
	if (err != STATUS_OK || !found)
		return nerr_pass(err);
	if (u->touch_due) {
		err = db_session_touch(&req->app->db, hash);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	req->user = u;
	session_bind(req, hash);
	return STATUS_OK;
}

static void session_set_cookie(struct request *req, const char *value, bool clear)
{
	const struct config *cfg = req->app->cfg;
	/* Session cookies of the browser (no Max-Age): the server-side timeouts are what count,
	 * and closing the browser ends it on shared computers too. */
	buf_printf(&req->resp.headers, "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Lax%s%s\r\n",
		   session_cookie_name(cfg), value, session_cookie_secure(cfg),
		   clear ? "; Max-Age=0" : "");
}

NEOERR *session_start(struct request *req, long long user_id)
{
	if (req->user) {
		NEOERR *err = db_session_end(&req->app->db, req->session_hash);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	unsigned char id[SESSION_ID_BYTES], hash[SESSION_HASH_BYTES];
	randombytes_buf(id, sizeof id);
	session_hash_of(id, hash);
	NEOERR *err = db_session_create(&req->app->db, hash, user_id, req->app->cfg->session_max_hours);
	if (err != STATUS_OK)
		return nerr_pass(err);
	char hex[SESSION_ID_BYTES * 2 + 1];
	sodium_bin2hex(hex, sizeof hex, id, sizeof id);
	sodium_memzero(id, sizeof id);
	session_set_cookie(req, hex, false);
	sodium_memzero(hex, sizeof hex);
	session_bind(req, hash);
	return STATUS_OK;
}

NEOERR *session_end(struct request *req)
{
	session_set_cookie(req, "", true);
	if (req->user == NULL)
		return STATUS_OK;
	NEOERR *err = db_session_end(&req->app->db, req->session_hash);
	req->user = NULL;
	req->csrf_binding = NULL;
	req->csrf_token = NULL;
	return nerr_pass(err);
}
