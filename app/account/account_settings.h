/* account_settings: GET /account and its forms — change the password
 * (POST /account/password), the address (POST /account/email, re-verified), send the
 * verification link again (POST /account/verify-again), delete the account
 * (POST /account/delete). */
#ifndef BOXOFFICE_ACCOUNT_SETTINGS_H
#define BOXOFFICE_ACCOUNT_SETTINGS_H
#include <ClearSilver.h>

struct request;

NEOERR *account_settings_page(struct request *req);
NEOERR *account_password_change(struct request *req);
NEOERR *account_email_change(struct request *req);
NEOERR *account_verify_again(struct request *req);
NEOERR *account_delete(struct request *req);

#endif
