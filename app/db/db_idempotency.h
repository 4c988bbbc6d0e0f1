/* db_idempotency: the SQL of Idempotency-Key (table idempotency_keys) — one row per
 * (scope, key) holding the request's hash and, once answered, its response. */
#ifndef BOXOFFICE_DB_IDEMPOTENCY_H
#define BOXOFFICE_DB_IDEMPOTENCY_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

/* The row that already holds a key. */
struct db_idempotency_row {
	bool found;                  /* false: it was forgotten a moment ago */
	bool same_request;           /* its request hash is the one that asked */
	int status;                  /* the stored response's status; 0 while still being answered */
	const char *response;        /* the stored body (status > 0) */
};

/* Claim (scope, key) for the request whose hash is `hash`. *claimed is true when this request
 * now owns the key: a new key, or one whose first request (the same request) was claimed over
 * a minute ago and never answered (its worker died), taken over. Otherwise *row says what
 * holds it. */
NEOERR *db_idempotency_claim(struct db *db, struct arena *a, const char *scope, const char *key,
			     const unsigned char hash[32], bool *claimed, struct db_idempotency_row *row);
/* Keep the answer for retries. */
NEOERR *db_idempotency_store(struct db *db, const char *scope, const char *key, int status,
			     const char *response);
/* Drop an unanswered claim (the answer was transient), so a retry runs again. */
NEOERR *db_idempotency_forget(struct db *db, const char *scope, const char *key);

#endif
