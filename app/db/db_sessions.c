/* db_sessions: one row per signed-in browser. Reading it costs one primary-key join per
 * request that carries the cookie; writing it only at sign-in, sign-out and once a minute. */
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_sessions.h"

static const char SQL_CREATE[] =
	"INSERT INTO sessions (session_hash, user_id, expires_at)"
	" VALUES (?, ?, UTC_TIMESTAMP() + INTERVAL ? HOUR)";

NEOERR *db_session_create(struct db *db, const unsigned char hash[SESSION_HASH_BYTES], long long user_id,
			  int max_hours)
{
	return nerr_pass(db_exec(db, NULL, NULL, SQL_CREATE, "bii", (const char *)hash,
				 (size_t)SESSION_HASH_BYTES, user_id, (long long)max_hours));
}

static const char SQL_LOAD[] =
	"SELECT u.user_id, u.email, u.name, u.role, u.email_verified_at IS NOT NULL,"
	" s.last_seen_at < UTC_TIMESTAMP() - INTERVAL 1 MINUTE"
	" FROM sessions s JOIN users u ON u.user_id = s.user_id"
	" WHERE s.session_hash = ? AND s.expires_at > UTC_TIMESTAMP()"
	" AND s.last_seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE AND u.deleted_at IS NULL";

NEOERR *db_session_load(struct db *db, struct arena *a, const unsigned char hash[SESSION_HASH_BYTES],
			int idle_minutes, struct session_user *out, bool *found)
{
	memset(out, 0, sizeof *out);
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_LOAD, "bi", (const char *)hash, (size_t)SESSION_HASH_BYTES,
			      (long long)idle_minutes);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*found = r.nrows > 0;
	if (!*found)
		return STATUS_OK;
	out->user_id = strtoll(db_cell(&r, 0, 0), NULL, 10);
	out->email = db_cell(&r, 0, 1);
	out->name = db_cell(&r, 0, 2);
	out->role = db_cell(&r, 0, 3);
	out->verified = strcmp(db_cell(&r, 0, 4), "1") == 0;
	out->touch_due = strcmp(db_cell(&r, 0, 5), "1") == 0;
	return STATUS_OK;
}

NEOERR *db_session_touch(struct db *db, const unsigned char hash[SESSION_HASH_BYTES])
{
	return nerr_pass(db_exec(db, NULL, NULL, "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP()"
				 " WHERE session_hash = ?", "b", (const char *)hash, (size_t)SESSION_HASH_BYTES));
}

NEOERR *db_session_end(struct db *db, const unsigned char hash[SESSION_HASH_BYTES])
{
	return nerr_pass(db_exec(db, NULL, NULL, "DELETE FROM sessions WHERE session_hash = ?", "b",
				 (const char *)hash, (size_t)SESSION_HASH_BYTES));
}

/* An all-zero hash is no session's (the ids are random), so "keep none" is the same statement. */
NEOERR *db_sessions_end_all(struct db *db, long long user_id, const unsigned char *keep)
{
	static const unsigned char none[SESSION_HASH_BYTES];
	return nerr_pass(db_exec(db, NULL, NULL, "DELETE FROM sessions WHERE user_id = ? AND session_hash <> ?",
				 "ib", user_id, (const char *)(keep ? keep : none), (size_t)SESSION_HASH_BYTES));
}

NEOERR *db_sessions_purge(struct db *db, int idle_minutes, long long *n)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "DELETE FROM sessions WHERE expires_at <= UTC_TIMESTAMP()"
			      " OR last_seen_at <= UTC_TIMESTAMP() - INTERVAL ? MINUTE", "i", (long long)idle_minutes);
	*n = err == STATUS_OK ? (long long)r.affected_rows : 0;
	arena_destroy(a);
	return nerr_pass(err);
}
