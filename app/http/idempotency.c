/* idempotency: one row per (scope, key) holding the request's hash and, once answered, its
 * response. A claim left unanswered for a minute (a worker died mid-request) can be taken
 * over by a retry. */
#include <stdlib.h>
#include <string.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <sodium.h>
#include "core/errors.h"
#include "http/app.h"
#include "http/http.h"
#include "http/idempotency.h"

static const char SQL_CLAIM[] =
	"INSERT INTO idempotency_keys (scope, idempotency_key, request_hash) VALUES (?, ?, ?)";
static const char SQL_LOOKUP[] =
	"SELECT request_hash, status, response, created_at < UTC_TIMESTAMP() - INTERVAL 60 SECOND"
	" FROM idempotency_keys WHERE scope = ? AND idempotency_key = ?";
static const char SQL_TAKE_OVER[] =
	"UPDATE idempotency_keys SET created_at = UTC_TIMESTAMP()"
	" WHERE scope = ? AND idempotency_key = ? AND status = 0"
	"   AND created_at < UTC_TIMESTAMP() - INTERVAL 60 SECOND";
static const char SQL_STORE[] =
	"UPDATE idempotency_keys SET status = ?, response = ? WHERE scope = ? AND idempotency_key = ?";
static const char SQL_FORGET[] =
	"DELETE FROM idempotency_keys WHERE scope = ? AND idempotency_key = ? AND status = 0";

static void request_hash(const struct request *req, unsigned char out[32])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)req->method, strlen(req->method) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)req->path, strlen(req->path) + 1);
	if (req->body_len)
		crypto_hash_sha256_update(&st, (const unsigned char *)req->body, req->body_len);
	crypto_hash_sha256_final(&st, out);
}

static bool key_well_formed(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n > IDEMPOTENCY_MAX_KEY)
		return false;
	for (const char *p = key; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return false;
	return true;
}

NEOERR *idempotency_begin(struct request *req, const char *scope, enum idempotency_state *state)
{
	*state = IDEMPOTENCY_NEW;
	const char *key = req->idempotency_key;
	if (key == NULL)
		return STATUS_OK;
	if (!key_well_formed(key))
		return nerr_raise(ERR_BAD_REQUEST, "The Idempotency-Key header must be 1 to %d printable "
				  "ASCII characters.", IDEMPOTENCY_MAX_KEY);
	unsigned char hash[32];
	request_hash(req, hash);
	struct db *db = &req->app->db;
	NEOERR *err = db_exec(db, req->arena, NULL, SQL_CLAIM, "ssb", scope, key, (const char *)hash,
			      sizeof hash);
	if (err == STATUS_OK)
		return STATUS_OK;
	if (db_errno(db) != ER_DUP_ENTRY)
		return nerr_pass(err);
	nerr_ignore(&err);
	struct db_result r;
	err = db_exec(db, req->arena, &r, SQL_LOOKUP, "ss", scope, key);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.nrows == 0)
		return nerr_raise(ERR_CONFLICT, "A request with this Idempotency-Key is being processed; retry shortly.");
	if (r.lengths[0] != sizeof hash || memcmp(db_cell(&r, 0, 0), hash, sizeof hash) != 0)
		return nerr_raise(ERR_UNPROCESSABLE, "This Idempotency-Key was already used for a different request.");
	int status = atoi(db_cell(&r, 0, 1));
	if (status == 0) {
		struct db_result u;
		if (atoi(db_cell(&r, 0, 3)) == 1 &&
		    db_exec(db, req->arena, &u, SQL_TAKE_OVER, "ss", scope, key) == STATUS_OK &&
		    u.affected_rows == 1)
			return STATUS_OK;   /* the first request died; this retry takes over */
		return nerr_raise(ERR_CONFLICT, "A request with this Idempotency-Key is being processed; retry shortly.");
	}
	const char *body = db_cell(&r, 0, 2);
	req->resp.status = status;
	req->resp.content_type = "application/json; charset=utf-8";
	buf_reset(&req->resp.body);
	buf_puts(&req->resp.body, body ? body : "");
	http_set_header(req, "Idempotent-Replayed", "true");
	*state = IDEMPOTENCY_REPLAYED;
	return STATUS_OK;
}

void idempotency_end(struct request *req, const char *scope)
{
	const char *key = req->idempotency_key;
	if (key == NULL || !key_well_formed(key))
		return;
	struct db *db = &req->app->db;
	NEOERR *err;
	if (req->resp.status >= 500)
		err = db_exec(db, NULL, NULL, SQL_FORGET, "ss", scope, key);
	else
		err = db_exec(db, NULL, NULL, SQL_STORE, "isss", (long long)req->resp.status,
			      req->resp.body.data ? req->resp.body.data : "", scope, key);
	if (err != STATUS_OK)
		errors_log_and_free(err, req->request_id);
}
