/* account_reset: a forgotten password — GET/POST /account/reset asks for the link,
 * GET/POST /account/reset/{token} sets a new password with it. */
#ifndef BOXOFFICE_ACCOUNT_RESET_H
#define BOXOFFICE_ACCOUNT_RESET_H
#include <ClearSilver.h>

struct request;

NEOERR *account_reset_page(struct request *req);
NEOERR *account_reset_request(struct request *req);
NEOERR *account_reset_link_page(struct request *req);
NEOERR *account_reset_submit(struct request *req);

#endif
