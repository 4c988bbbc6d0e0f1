/* db_accounts: the SQL of accounts (table users), the single-use links mailed to them
 * (account_tokens, with their outbox rows) and the throttle on failed sign-ins
 * (signin_failures). Addresses compare case-insensitively (the columns' collation). */
#ifndef BOXOFFICE_DB_ACCOUNTS_H
#define BOXOFFICE_DB_ACCOUNTS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

/* The outbox kinds of account mails (templates/mail/<kind>.cs). */
#define OUTBOX_ACCOUNT_VERIFY   "account_verify"    /* verify a new account's address */
#define OUTBOX_ACCOUNT_EXISTS   "account_exists"    /* someone signed up with a taken address */
#define OUTBOX_EMAIL_CHANGE     "email_change"      /* verify a new address */
#define OUTBOX_PASSWORD_RESET   "password_reset"

struct account {
	long long user_id;
	const char *email;
	const char *name;
	const char *role;                /* "customer", "organizer" or "admin" */
	const char *password_hash;       /* NULL: none set, so no sign-in by password */
	bool verified;
};

/* A live (not deleted) account by address or id. */
NEOERR *db_account_by_email(struct db *db, struct arena *a, const char *email, struct account *out,
			    bool *found);
NEOERR *db_account_by_id(struct db *db, struct arena *a, long long user_id, struct account *out,
			 bool *found);
/* A new account; *taken (and nothing written) when the address has one already. */
NEOERR *db_account_create(struct db *db, const char *email, const char *name, const char *password_hash,
			  const char *role, bool verified, long long *user_id, bool *taken);
NEOERR *db_account_set_password(struct db *db, long long user_id, const char *password_hash);
NEOERR *db_account_set_role(struct db *db, long long user_id, const char *role);
/* The address is proven: set it (a changed address) and mark it verified. *taken when another
 * account has it by now (nothing written). */
NEOERR *db_account_set_verified_email(struct db *db, long long user_id, const char *email, bool *taken);
/* Guest bookings under the account's verified address become the account's. */
NEOERR *db_account_attach_bookings(struct db *db, long long user_id, const char *email);
/* Delete an account at its owner's request, inside the caller's transaction: the users row is
 * kept (bookings point at it) but its address, name and password go; the buyer's name,
 * address and number go from its bookings, whose amounts and seats stay for the organizer's
 * books; its sessions and links end and its unsent mails are dropped. */
NEOERR *db_account_erase(struct db *db, struct arena *a, long long user_id);

/* A mailed link's row. The link's token is link_key_token(Secrets.Key,
 * ACCOUNT_LINK_PREFIX "<purpose>", token_id): nothing secret is stored. */
#define ACCOUNT_LINK_PREFIX "account-"
struct account_token {
	long long token_id;
	long long user_id;
	const char *purpose;             /* "verify", "email_change" or "reset" */
	const char *email;               /* where it was sent */
	bool used;
	bool expired;
};
/* A new link for `purpose`, valid `minutes`, and its mail (`kind` to `email`) in the outbox,
 * inside the caller's transaction. Earlier unused links of the same purpose are voided. */
NEOERR *db_account_token_issue(struct db *db, struct arena *a, long long user_id, const char *purpose,
			       const char *email, int minutes, const char *kind, long long *token_id);
/* The link's row; `lock` reads it FOR UPDATE (inside a transaction), so two clicks use it once. */
NEOERR *db_account_token_load(struct db *db, struct arena *a, long long token_id, bool lock,
			      struct account_token *out, bool *found);
NEOERR *db_account_token_use(struct db *db, long long token_id);
/* Whether an outbox message's link can still be used (the notifier drops it otherwise). */
NEOERR *db_account_token_live(struct db *db, struct arena *a, long long token_id, bool *live);

/* A mail with no link (OUTBOX_ACCOUNT_EXISTS), at most one per address and hour. */
NEOERR *db_account_notice(struct db *db, struct arena *a, const char *kind, long long user_id,
			  const char *email);

/* Failed sign-ins, per key (scope "account" or "address", the key a 32-byte hash). */
struct signin_limits {
	int failures;                    /* allowed in the window before a wait */
	int window_minutes;
	int lock_max_seconds;
};
/* Seconds this key must still wait (0: none). */
NEOERR *db_signin_wait(struct db *db, struct arena *a, const char *scope, const unsigned char key[32],
		       long long *seconds);
NEOERR *db_signin_failed(struct db *db, const char *scope, const unsigned char key[32],
			 const struct signin_limits *limits);
NEOERR *db_signin_cleared(struct db *db, const char *scope, const unsigned char key[32]);

#endif
