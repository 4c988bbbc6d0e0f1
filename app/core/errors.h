/* errors: the NEOERR types that mean "the user's request was wrong", mapped to HTTP statuses.
 * Any other NEOERR reaching the dispatcher is a bug: logged with a request id, answered 500. */
#ifndef BOXOFFICE_ERRORS_H
#define BOXOFFICE_ERRORS_H
#include <ClearSilver.h>

extern NERR_TYPE ERR_BAD_REQUEST;      /* 400 */
extern NERR_TYPE ERR_UNAUTHORIZED;     /* 401 */
extern NERR_TYPE ERR_FORBIDDEN;        /* 403 */
extern NERR_TYPE ERR_NOT_FOUND;        /* 404 */
extern NERR_TYPE ERR_CONFLICT;         /* 409 */
extern NERR_TYPE ERR_TOO_LARGE;        /* 413 */
extern NERR_TYPE ERR_UNPROCESSABLE;    /* 422 */
extern NERR_TYPE ERR_UNAVAILABLE;      /* 503 */
/* 503 too, but the call was never made: nothing happened, so nothing needs settling. */
extern NERR_TYPE ERR_BUSY;

/* Register the types once per process (idempotent). */
NEOERR *errors_init(void);
/* HTTP status for an error chain: the user-error type it matches, else 500. */
int errors_http_status(NEOERR *err);
/* The innermost non-empty description: the message raised for the user. */
const char *errors_message(NEOERR *err);
/* Log the full traceback (for bugs) and free the error. */
void errors_log_and_free(NEOERR *err, const char *request_id);

#endif
