/* db_accounts: users, their mailed links and the sign-in throttle. The outbox rows of account
 * mails name the link's row in ref_id and no booking; the notifier makes the link's key. */
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_accounts.h"

static long long ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

#define ACCOUNT_COLUMNS "user_id, email, name, role, password_hash, email_verified_at IS NOT NULL"

static const char SQL_BY_EMAIL[] =
	"SELECT " ACCOUNT_COLUMNS " FROM users WHERE email = ? AND deleted_at IS NULL";
static const char SQL_BY_ID[] =
	"SELECT " ACCOUNT_COLUMNS " FROM users WHERE user_id = ? AND deleted_at IS NULL";

static void account_from_row(const struct db_result *r, struct account *out)
{
	out->user_id = ll(db_cell(r, 0, 0));
	out->email = db_cell(r, 0, 1);
	out->name = db_cell(r, 0, 2);
	out->role = db_cell(r, 0, 3);
	out->password_hash = db_cell(r, 0, 4);
	out->verified = ll(db_cell(r, 0, 5)) == 1;
}

static NEOERR *account_one(struct db *db, struct arena *a, const char *sql, const char *types,
			   const void *key, struct account *out, bool *found)
{
	memset(out, 0, sizeof *out);
	struct db_result r;
	NEOERR *err = types[0] == 's' ? db_exec(db, a, &r, sql, "s", (const char *)key)
				      : db_exec(db, a, &r, sql, "i", *(const long long *)key);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*found = r.nrows > 0;
	if (*found)
		account_from_row(&r, out);
	return STATUS_OK;
}

NEOERR *db_account_by_email(struct db *db, struct arena *a, const char *email, struct account *out,
			    bool *found)
{
	return nerr_pass(account_one(db, a, SQL_BY_EMAIL, "s", email, out, found));
}

NEOERR *db_account_by_id(struct db *db, struct arena *a, long long user_id, struct account *out,
			 bool *found)
{
	return nerr_pass(account_one(db, a, SQL_BY_ID, "i", &user_id, out, found));
}

/* INSERT IGNORE: a taken address (uq_users_email) adds no row and no error. */
static const char SQL_CREATE[] =
	"INSERT IGNORE INTO users (email, name, password_hash, password_changed_at, role, email_verified_at)"
	" VALUES (?, ?, ?, UTC_TIMESTAMP(), ?, IF(? = 1, UTC_TIMESTAMP(), NULL))";

NEOERR *db_account_create(struct db *db, const char *email, const char *name, const char *password_hash,
			  const char *role, bool verified, long long *user_id, bool *taken)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_CREATE, "ssssi", email, name, password_hash, role,
			      (long long)verified);
	if (err == STATUS_OK) {
		*taken = r.affected_rows == 0;
		*user_id = *taken ? 0 : (long long)r.insert_id;
	}
	arena_destroy(a);
	return nerr_pass(err);
}

static const char SQL_SET_PASSWORD[] =
	"UPDATE users SET password_hash = ?, password_changed_at = UTC_TIMESTAMP() WHERE user_id = ?";

NEOERR *db_account_set_password(struct db *db, long long user_id, const char *password_hash)
{
	return nerr_pass(db_exec(db, NULL, NULL, SQL_SET_PASSWORD, "si", password_hash, user_id));
}

NEOERR *db_account_set_role(struct db *db, long long user_id, const char *role)
{
	return nerr_pass(db_exec(db, NULL, NULL, "UPDATE users SET role = ? WHERE user_id = ?", "si",
				 role, user_id));
}

static const char SQL_TAKEN_BY_OTHER[] =
	"SELECT 1 FROM users WHERE email = ? AND user_id <> ? FOR UPDATE";
static const char SQL_SET_VERIFIED[] =
	"UPDATE users SET email = ?, email_verified_at = UTC_TIMESTAMP() WHERE user_id = ?";

NEOERR *db_account_set_verified_email(struct db *db, long long user_id, const char *email, bool *taken)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_TAKEN_BY_OTHER, "si", email, user_id);
	*taken = err == STATUS_OK && r.nrows > 0;
	if (err == STATUS_OK && !*taken)
		err = db_exec(db, a, NULL, SQL_SET_VERIFIED, "si", email, user_id);
	arena_destroy(a);
	return nerr_pass(err);
}

static const char SQL_ATTACH[] =
	"UPDATE bookings SET user_id = ? WHERE user_id IS NULL AND buyer_email = ?";

NEOERR *db_account_attach_bookings(struct db *db, long long user_id, const char *email)
{
	return nerr_pass(db_exec(db, NULL, NULL, SQL_ATTACH, "is", user_id, email));
}

/* The address becomes one that can never be typed (no account can take it back), unique
 * per row as the column demands. */
static const char *const SQL_ERASE[] = {
	"UPDATE users SET email = CONCAT('deleted-', user_id, '@deleted.invalid'), name = '',"
	" password_hash = NULL, email_verified_at = NULL, deleted_at = UTC_TIMESTAMP() WHERE user_id = ?",
	"UPDATE bookings SET buyer_name = NULL, buyer_email = NULL, buyer_phone = NULL,"
	" updated_at = UTC_TIMESTAMP() WHERE user_id = ?",
	"DELETE FROM sessions WHERE user_id = ?",
	"UPDATE account_tokens SET used_at = UTC_TIMESTAMP() WHERE user_id = ? AND used_at IS NULL",
	"DELETE o FROM outbox o JOIN bookings b ON b.booking_id = o.booking_id"
	" WHERE b.user_id = ? AND o.state = 'queued'",
	"DELETE o FROM outbox o JOIN account_tokens t ON t.token_id = o.ref_id"
	" WHERE t.user_id = ? AND o.state = 'queued' AND o.booking_id IS NULL",
};

NEOERR *db_account_erase(struct db *db, struct arena *a, long long user_id)
{
	for (size_t i = 0; i < sizeof SQL_ERASE / sizeof SQL_ERASE[0]; i++) {
		NEOERR *err = db_exec(db, a, NULL, SQL_ERASE[i], "i", user_id);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	return STATUS_OK;
}

static const char SQL_VOID_TOKENS[] =
	"UPDATE account_tokens SET used_at = UTC_TIMESTAMP()"
	" WHERE user_id = ? AND purpose = ? AND used_at IS NULL";
static const char SQL_NEW_TOKEN[] =
	"INSERT INTO account_tokens (user_id, purpose, email, expires_at)"
	" VALUES (?, ?, ?, UTC_TIMESTAMP() + INTERVAL ? MINUTE)";
static const char SQL_TOKEN_MAIL[] =
	"INSERT INTO outbox (kind, channel, recipient, ref_id, dedupe_key)"
	" VALUES (?, 'email', ?, ?, CONCAT(?, ':', ?))";

NEOERR *db_account_token_issue(struct db *db, struct arena *a, long long user_id, const char *purpose,
			       const char *email, int minutes, const char *kind, long long *token_id)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, NULL, SQL_VOID_TOKENS, "is", user_id, purpose);
	if (err == STATUS_OK)
		err = db_exec(db, a, &r, SQL_NEW_TOKEN, "issi", user_id, purpose, email, (long long)minutes);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*token_id = (long long)r.insert_id;
	return nerr_pass(db_exec(db, a, NULL, SQL_TOKEN_MAIL, "ssisi", kind, email, *token_id, kind,
				 *token_id));
}

static const char SQL_TOKEN[] =
	"SELECT token_id, user_id, purpose, email, used_at IS NOT NULL, expires_at <= UTC_TIMESTAMP()"
	" FROM account_tokens WHERE token_id = ?";
static const char SQL_TOKEN_LOCK[] =
	"SELECT token_id, user_id, purpose, email, used_at IS NOT NULL, expires_at <= UTC_TIMESTAMP()"
	" FROM account_tokens WHERE token_id = ? FOR UPDATE";

NEOERR *db_account_token_load(struct db *db, struct arena *a, long long token_id, bool lock,
			      struct account_token *out, bool *found)
{
	memset(out, 0, sizeof *out);
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, lock ? SQL_TOKEN_LOCK : SQL_TOKEN, "i", token_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*found = r.nrows > 0;
	if (!*found)
		return STATUS_OK;
	out->token_id = ll(db_cell(&r, 0, 0));
	out->user_id = ll(db_cell(&r, 0, 1));
	out->purpose = db_cell(&r, 0, 2);
	out->email = db_cell(&r, 0, 3);
	out->used = ll(db_cell(&r, 0, 4)) == 1;
	out->expired = ll(db_cell(&r, 0, 5)) == 1;
	return STATUS_OK;
}

NEOERR *db_account_token_use(struct db *db, long long token_id)
{
	return nerr_pass(db_exec(db, NULL, NULL, "UPDATE account_tokens SET used_at = UTC_TIMESTAMP()"
				 " WHERE token_id = ?", "i", token_id));
}

NEOERR *db_account_token_live(struct db *db, struct arena *a, long long token_id, bool *live)
{
	struct account_token t;
	bool found;
	NEOERR *err = db_account_token_load(db, a, token_id, false, &t, &found);
	*live = err == STATUS_OK && found && !t.used && !t.expired;
	return nerr_pass(err);
}

/* The hour in the key: a second notice within the hour is the same fact, so a script signing
 * up with someone's address again and again sends them one mail an hour at most. */
static const char SQL_NOTICE[] =
	"INSERT INTO outbox (kind, channel, recipient, ref_id, dedupe_key)"
	" VALUES (?, 'email', ?, ?, CONCAT(?, ':', ?, ':', DATE_FORMAT(UTC_TIMESTAMP(), '%Y%m%d%H')))"
	" ON DUPLICATE KEY UPDATE outbox_id = outbox_id";

NEOERR *db_account_notice(struct db *db, struct arena *a, const char *kind, long long user_id,
			  const char *email)
{
	return nerr_pass(db_exec(db, a, NULL, SQL_NOTICE, "ssisi", kind, email, user_id, kind, user_id));
}

static const char SQL_SIGNIN_WAIT[] =
	"SELECT GREATEST(0, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), locked_until)) FROM signin_failures"
	" WHERE scope = ? AND key_hash = ? AND locked_until > UTC_TIMESTAMP()";

NEOERR *db_signin_wait(struct db *db, struct arena *a, const char *scope, const unsigned char key[32],
		       long long *seconds)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_SIGNIN_WAIT, "sb", scope, (const char *)key, (size_t)32);
	*seconds = err == STATUS_OK && r.nrows > 0 ? ll(db_cell(&r, 0, 0)) + 1 : 0;
	return nerr_pass(err);
}

/* A failure past the window starts a new count; past the allowed failures, the key waits 1 s,
 * then 2, 4, ... up to the longest wait. The assignments read left to right, each seeing the
 * columns as the ones before it left them (MariaDB's order for UPDATE). */
static const char SQL_SIGNIN_FAILED[] =
	"INSERT INTO signin_failures (scope, key_hash, failures, window_start) VALUES (?, ?, 1, UTC_TIMESTAMP())"
	" ON DUPLICATE KEY UPDATE"
	" failures = IF(window_start < UTC_TIMESTAMP() - INTERVAL ? MINUTE, 1, failures + 1),"
	" window_start = IF(failures = 1, UTC_TIMESTAMP(), window_start),"
	" locked_until = IF(failures > ?, UTC_TIMESTAMP() + INTERVAL LEAST(?, POW(2, LEAST(failures - ? - 1, 30)))"
	"                   SECOND, NULL)";

NEOERR *db_signin_failed(struct db *db, const char *scope, const unsigned char key[32],
			 const struct signin_limits *limits)
{
	return nerr_pass(db_exec(db, NULL, NULL, SQL_SIGNIN_FAILED, "sbiiii", scope, (const char *)key,
				 (size_t)32, (long long)limits->window_minutes, (long long)limits->failures,
				 (long long)limits->lock_max_seconds, (long long)limits->failures));
}

NEOERR *db_signin_cleared(struct db *db, const char *scope, const unsigned char key[32])
{
	return nerr_pass(db_exec(db, NULL, NULL, "DELETE FROM signin_failures WHERE scope = ? AND key_hash = ?",
				 "sb", scope, (const char *)key, (size_t)32));
}
