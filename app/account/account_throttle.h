/* account_throttle: the app's own brake on password guessing, beside nginx's rate limits.
 * Failed password checks are counted per account (the address typed, whether or not it has
 * an account, so the brake says nothing about who has one) and per client address; past
 * Accounts.SigninFailures in the window, that key waits, doubling with each further failure.
 * No worker sleeps: a waiting key is answered 429 with Retry-After at once. */
#ifndef BOXOFFICE_ACCOUNT_THROTTLE_H
#define BOXOFFICE_ACCOUNT_THROTTLE_H
#include <ClearSilver.h>

struct request;

/* Seconds until `email` may be tried from this client (0: now). */
NEOERR *account_throttle_wait(struct request *req, const char *email, long long *seconds);
NEOERR *account_throttle_failed(struct request *req, const char *email);
/* A right password: the account's count starts again (the address's stays). */
NEOERR *account_throttle_cleared(struct request *req, const char *email);
/* The 429 answer: Retry-After, and the message beside the form's password. */
void account_throttle_refuse(struct request *req, long long seconds);

#endif
