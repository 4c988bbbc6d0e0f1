/* account_signin: GET/POST /account/signin and POST /account/signout. */
#ifndef BOXOFFICE_ACCOUNT_SIGNIN_H
#define BOXOFFICE_ACCOUNT_SIGNIN_H
#include <stdbool.h>
#include <ClearSilver.h>

struct request;
struct account;

NEOERR *account_signin_page(struct request *req);
NEOERR *account_signin_submit(struct request *req);
NEOERR *account_signout(struct request *req);

/* The one password check of every page that asks for one (sign-in, confirming an address,
 * changing the password or address, deleting the account): throttled, the same cost whether
 * or not `email` has an account, rehashed when the cost has changed. *ok says whether it
 * matched; *wait > 0 when the throttle refused to check (the 429 is then set up). `found`
 * and `acct` return the account when it matched. */
NEOERR *account_check_password(struct request *req, const char *email, const char *password,
			       struct account *acct, bool *ok, long long *wait);

#endif
