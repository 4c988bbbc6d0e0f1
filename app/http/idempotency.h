/* idempotency: Idempotency-Key for POSTs. The first request with a key claims it; a retry
 * with the same key and body gets the stored response; the same key with another body is
 * refused (422). */
#ifndef BOXOFFICE_IDEMPOTENCY_H
#define BOXOFFICE_IDEMPOTENCY_H
#include <stdbool.h>
#include <ClearSilver.h>

struct request;

#define IDEMPOTENCY_MAX_KEY 255

enum idempotency_state { IDEMPOTENCY_NEW, IDEMPOTENCY_REPLAYED };

/* Claim the request's key for `scope`. IDEMPOTENCY_REPLAYED: the stored response is already
 * in req->resp. Errors: 422 (key reused with another body), 409 (first request still
 * running), 400 (malformed key). Without a key: IDEMPOTENCY_NEW, nothing stored. */
NEOERR *idempotency_begin(struct request *req, const char *scope, enum idempotency_state *state);
/* Store req->resp for the key (definitive answers), or forget the key (transient ones,
 * status >= 500) so a retry runs again. No-op without a key. */
void idempotency_end(struct request *req, const char *scope);

#endif
