/* errors: user-error NEOERR types and their HTTP statuses.
 * Handlers raise these with a message meant for the user; anything else is a bug (500). */
#include <string.h>
#include "core/errors.h"
#include "core/log.h"

NERR_TYPE ERR_BAD_REQUEST = -1;
NERR_TYPE ERR_UNAUTHORIZED = -1;
NERR_TYPE ERR_FORBIDDEN = -1;
NERR_TYPE ERR_NOT_FOUND = -1;
NERR_TYPE ERR_CONFLICT = -1;
NERR_TYPE ERR_TOO_LARGE = -1;
NERR_TYPE ERR_UNPROCESSABLE = -1;
NERR_TYPE ERR_UNAVAILABLE = -1;
NERR_TYPE ERR_BUSY = -1;

static const struct {
	NERR_TYPE *type;
	const char *name;
	int status;
} ERROR_TYPES[] = {
	{ &ERR_BAD_REQUEST, "BadRequest", 400 },
	{ &ERR_UNAUTHORIZED, "Unauthorized", 401 },
	{ &ERR_FORBIDDEN, "Forbidden", 403 },
	{ &ERR_NOT_FOUND, "NotFound", 404 },
	{ &ERR_CONFLICT, "Conflict", 409 },
	{ &ERR_TOO_LARGE, "TooLarge", 413 },
	{ &ERR_UNPROCESSABLE, "Unprocessable", 422 },
	{ &ERR_UNAVAILABLE, "Unavailable", 503 },
	{ &ERR_BUSY, "Busy", 503 },
};
#define NERROR_TYPES (sizeof ERROR_TYPES / sizeof ERROR_TYPES[0])

NEOERR *errors_init(void)
{
	static int done;
	if (done)
		return STATUS_OK;
	NEOERR *err = nerr_init();
	if (err != STATUS_OK)
		return nerr_pass(err);
	for (size_t i = 0; i < NERROR_TYPES; i++) {
		err = nerr_register(ERROR_TYPES[i].type, ERROR_TYPES[i].name);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	done = 1;
	return STATUS_OK;
}

int errors_http_status(NEOERR *err)
{
	for (size_t i = 0; i < NERROR_TYPES; i++)
		if (nerr_match(err, *ERROR_TYPES[i].type))
			return ERROR_TYPES[i].status;
	return 500;
}

const char *errors_message(NEOERR *err)
{
	const char *msg = "";
	for (NEOERR *e = err; e != NULL && e != INTERNAL_ERR; e = e->next)
		if (e->desc[0] != '\0')
			msg = e->desc;
	return msg;
}

void errors_log_and_free(NEOERR *err, const char *request_id)
{
	STRING trace;
	string_init(&trace);
	nerr_error_traceback(err, &trace);
	log_error("request %s failed: %s", request_id ? request_id : "-",
		  trace.buf ? trace.buf : "(no traceback)");
	string_clear(&trace);
	nerr_ignore(&err);
}
