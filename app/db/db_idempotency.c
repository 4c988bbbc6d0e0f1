/* db_idempotency: claims, replays and take-overs of Idempotency-Keys. A claim left unanswered
 * for a minute (a worker died mid-request) can be taken over by a retry of the same request. */
#include <stdlib.h>
#include <string.h>
#include <mysqld_error.h>
#include "db/db.h"
#include "db/db_idempotency.h"

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

NEOERR *db_idempotency_claim(struct db *db, struct arena *a, const char *scope, const char *key,
			     const unsigned char hash[32], bool *claimed, struct db_idempotency_row *row)
{
	memset(row, 0, sizeof *row);
	*claimed = false;
	NEOERR *err = db_exec(db, a, NULL, SQL_CLAIM, "ssb", scope, key, (const char *)hash, (size_t)32);
	if (err == STATUS_OK) {
		*claimed = true;
		return STATUS_OK;
	}
	if (db_errno(db) != ER_DUP_ENTRY)
		return nerr_pass(err);
	nerr_ignore(&err);
	struct db_result r;
	err = db_exec(db, a, &r, SQL_LOOKUP, "ss", scope, key);
	if (err != STATUS_OK || r.nrows == 0)
		return nerr_pass(err);
	row->found = true;
	row->same_request = r.lengths[0] == 32 && memcmp(db_cell(&r, 0, 0), hash, 32) == 0;
	row->status = atoi(db_cell(&r, 0, 1));
	row->response = db_cell(&r, 0, 2);
	bool stale = atoi(db_cell(&r, 0, 3)) == 1;
	if (row->same_request && row->status == 0 && stale) {
		struct db_result u;
		err = db_exec(db, a, &u, SQL_TAKE_OVER, "ss", scope, key);
		/* Not taken over (another retry won, or the update failed): the caller answers
		 * "still being processed", and the next retry tries again. */
		*claimed = err == STATUS_OK && u.affected_rows == 1;
		nerr_ignore(&err);
	}
	return STATUS_OK;
}

NEOERR *db_idempotency_store(struct db *db, const char *scope, const char *key, int status,
			     const char *response)
{
	return nerr_pass(db_exec(db, NULL, NULL, SQL_STORE, "isss", (long long)status, response,
				 scope, key));
}

NEOERR *db_idempotency_forget(struct db *db, const char *scope, const char *key)
{
	return nerr_pass(db_exec(db, NULL, NULL, SQL_FORGET, "ss", scope, key));
}
