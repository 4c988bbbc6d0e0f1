/* password: what accounts do with passwords — Argon2id hashes through libsodium, checked in
 * constant time and at the same cost whether or not the account exists — and the policy a new
 * password must meet. Nothing here logs or returns a password. */
#ifndef BOXOFFICE_PASSWORD_H
#define BOXOFFICE_PASSWORD_H
#include <stdbool.h>
#include <stddef.h>

/* Argon2id cost, from the config (Accounts.PasswordOps / Accounts.PasswordMemKiB). */
struct password_cost {
	unsigned long long ops;
	size_t mem_bytes;
};

/* OWASP's minimum for Argon2id is m=19 MiB, t=2, p=1 (or m=46 MiB, t=1): costs below it are
 * raised to it. libsodium's crypto_pwhash_str is Argon2id with p=1. Every function below
 * raises the cost it is given this way too, so no configuration can hash under the floor. */
struct password_cost password_cost_at_least_owasp(struct password_cost c);
struct config;
/* The configured cost (Accounts.PasswordOps, Accounts.PasswordMemKiB), at least OWASP's. */
struct password_cost password_cost_of(const struct config *cfg);

#define PASSWORD_HASH_MAX 128   /* >= crypto_pwhash_STRBYTES */
/* Hash into out (a NUL-terminated "$argon2id$v=19$m=...,t=...,p=1$..." string); false if
 * libsodium fails (out of memory). */
bool password_hash(const struct password_cost *c, const char *password, char out[PASSWORD_HASH_MAX]);
/* Constant-time verify against a stored hash; a NULL/empty/malformed stored hash is false, but
 * still costs one hash of the same cost (see password_burn) so a missing account takes as long. */
bool password_verify(const struct password_cost *c, const char *stored_hash, const char *password);
/* Spend the same time as a verify, for an email with no account (no enumeration by timing). */
void password_burn(const struct password_cost *c, const char *password);
/* Whether a hash was made with other parameters than c (rehash on sign-in); true for anything
 * that is not an Argon2id hash. */
bool password_needs_rehash(const struct password_cost *c, const char *stored_hash);

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 256
/* The policy: NULL when acceptable, else a message for the user beside the field.
 * At least PASSWORD_MIN_CHARS (12) Unicode characters, at most PASSWORD_MAX_BYTES (256)
 * bytes, valid UTF-8 (core/utf8.h), not in the shipped list of common passwords
 * (case-insensitive, ASCII folding), not the email address or its local part (email may be
 * NULL: none yet), not one character repeated. A NULL password is too short. Messages never
 * echo the password. */
const char *password_problem(const char *password, const char *email);

#endif
