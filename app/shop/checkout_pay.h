/* checkout_pay: the checkout form's Pay button. */
#ifndef BOXOFFICE_CHECKOUT_PAY_H
#define BOXOFFICE_CHECKOUT_PAY_H
#include <ClearSilver.h>

struct request;

/* POST /checkout/{id}/pay (csrf_token, token, name, email, paymentMethod). */
NEOERR *checkout_pay(struct request *req);

#endif
