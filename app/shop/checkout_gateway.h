/* checkout_gateway: a hold paid on the gateway's own page — the redirect there from the
 * checkout form, and the two ways back: GET /checkout/{id}/return (paid, we hope: the
 * gateway's own record decides) and GET /checkout/{id}/cancel (given up: the seats go back). */
#ifndef BOXOFFICE_CHECKOUT_GATEWAY_H
#define BOXOFFICE_CHECKOUT_GATEWAY_H
#include <ClearSilver.h>

struct request;
struct booking_view;
struct booking_charge;
struct payment_provider;

/* The checkout form chose `provider`'s page: open it and send the shopper there (303). */
NEOERR *checkout_gateway_pay(struct request *req, const struct booking_view *v,
			     const struct booking_charge *what, const struct payment_provider *provider);
NEOERR *checkout_return(struct request *req);
NEOERR *checkout_cancel(struct request *req);

#endif
