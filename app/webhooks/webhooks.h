/* webhooks: POST /payments/webhook/stripe and /payments/webhook/paypal — what the gateways tell
 * us by themselves. A delivery is verified (the raw bytes and their signature), its event
 * recorded with its effect, and answered 2xx at once; one that is not genuine gets a 400 and
 * changes nothing. Never shed, never cached, no CSRF: the signature is the proof. */
#ifndef BOXOFFICE_WEBHOOKS_H
#define BOXOFFICE_WEBHOOKS_H
#include <ClearSilver.h>

struct request;

NEOERR *webhooks_stripe(struct request *req);
NEOERR *webhooks_paypal(struct request *req);

#endif
