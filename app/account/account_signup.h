/* account_signup: GET/POST /account/signup, and the link that proves an address,
 * GET/POST /account/verify/{token} (a new account's, or a changed address's). */
#ifndef BOXOFFICE_ACCOUNT_SIGNUP_H
#define BOXOFFICE_ACCOUNT_SIGNUP_H
#include <ClearSilver.h>

struct request;

NEOERR *account_signup_page(struct request *req);
NEOERR *account_signup_submit(struct request *req);
NEOERR *account_verify_page(struct request *req);
NEOERR *account_verify_submit(struct request *req);

#endif
