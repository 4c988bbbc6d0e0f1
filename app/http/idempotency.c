/* idempotency: what an Idempotency-Key means for a request — the key checked, the request
 * hashed, a replay answered from the stored response; the rows are db/db_idempotency.c's. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/errors.h"
#include "db/db_idempotency.h"
#include "http/app.h"
#include "http/http.h"
#include "http/idempotency.h"

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
	bool claimed;
	struct db_idempotency_row row;
	NEOERR *err = db_idempotency_claim(&req->app->db, req->arena, scope, key, hash, &claimed, &row);
	if (err != STATUS_OK || claimed)
		return nerr_pass(err);   /* a new key, or the first request died and this retry takes over */
	if (!row.found)
		return nerr_raise(ERR_CONFLICT, "A request with this Idempotency-Key is being processed; retry shortly.");
	if (!row.same_request)
		return nerr_raise(ERR_UNPROCESSABLE, "This Idempotency-Key was already used for a different request.");
	if (row.status == 0)
		return nerr_raise(ERR_CONFLICT, "A request with this Idempotency-Key is being processed; retry shortly.");
	const char *body = row.response;
	req->resp.status = row.status;
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
	NEOERR *err = req->resp.status >= 500
		? db_idempotency_forget(&req->app->db, scope, key)
		: db_idempotency_store(&req->app->db, scope, key, req->resp.status,
				       req->resp.body.data ? req->resp.body.data : "");
	if (err != STATUS_OK)
		errors_log_and_free(err, req->request_id);
}
