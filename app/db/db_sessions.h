/* db_sessions: the SQL of signed-in sessions (table sessions). A row is found by the hash of
 * the cookie's id, never the id itself, so reading the table opens no session. */
#ifndef BOXOFFICE_DB_SESSIONS_H
#define BOXOFFICE_DB_SESSIONS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

#define SESSION_HASH_BYTES 32

/* The signed-in person a live session belongs to. */
struct session_user {
	long long user_id;
	const char *email;
	const char *name;
	const char *role;
	bool verified;
	bool touch_due;                  /* last_seen_at is over a minute old: db_session_touch */
};

NEOERR *db_session_create(struct db *db, const unsigned char hash[SESSION_HASH_BYTES], long long user_id,
			  int max_hours);
/* The session if it is neither past its absolute end nor idle longer than `idle_minutes`, and
 * its account still exists. */
NEOERR *db_session_load(struct db *db, struct arena *a, const unsigned char hash[SESSION_HASH_BYTES],
			int idle_minutes, struct session_user *out, bool *found);
NEOERR *db_session_touch(struct db *db, const unsigned char hash[SESSION_HASH_BYTES]);
NEOERR *db_session_end(struct db *db, const unsigned char hash[SESSION_HASH_BYTES]);
/* Every session of the account but `keep` (NULL: all of them). */
NEOERR *db_sessions_end_all(struct db *db, long long user_id, const unsigned char *keep);
/* Drop sessions past their end or idle (the sweep); *n how many. */
NEOERR *db_sessions_purge(struct db *db, int idle_minutes, long long *n);

#endif
