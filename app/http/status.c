/* status: every status the application sends, in one table. A code that is missing gets
 * generic words, so a new status never breaks a response, only reads less well. */
#include <stddef.h>
#include "http/status.h"

static const struct {
	int code;
	const char *reason;
	const char *title;       /* NULL: not shown as an error page of its own (generic title) */
	const char *api_code;    /* NULL: the generic "error" */
} STATUSES[] = {
	{ 200, "OK", NULL, NULL },
	{ 201, "Created", NULL, NULL },
	{ 204, "No Content", NULL, NULL },
	{ 301, "Moved Permanently", NULL, NULL },
	{ 302, "Found", NULL, NULL },
	{ 303, "See Other", NULL, NULL },
	{ 304, "Not Modified", NULL, NULL },
	{ 400, "Bad Request", "Bad request", "bad_request" },
	{ 401, "Unauthorized", "Not signed in", "unauthorized" },
	{ 402, "Payment Required", NULL, NULL },
	{ 403, "Forbidden", "Forbidden", "forbidden" },
	{ 404, "Not Found", "Page not found", "not_found" },
	{ 405, "Method Not Allowed", "Method not allowed", "method_not_allowed" },
	{ 409, "Conflict", "Conflict", "conflict" },
	{ 410, "Gone", "Link no longer valid", "gone" },
	{ 413, "Payload Too Large", "Request too large", "payload_too_large" },
	{ 422, "Unprocessable Entity", "Cannot process this request", "unprocessable" },
	{ 429, "Too Many Requests", "Too many requests", "too_many_requests" },
	{ 500, "Internal Server Error", NULL, "internal_error" },
	{ 503, "Service Unavailable", "Temporarily unavailable", "unavailable" },
};
#define NSTATUSES (sizeof STATUSES / sizeof STATUSES[0])

static int status_find(int code)
{
	for (size_t i = 0; i < NSTATUSES; i++)
		if (STATUSES[i].code == code)
			return (int)i;
	return -1;
}

const char *status_reason(int code)
{
	int i = status_find(code);
	if (i >= 0)
		return STATUSES[i].reason;
	/* Not listed: the words of its class (RFC 9110, 15), never "OK" for an error. */
	if (code >= 500)
		return "Server Error";
	if (code >= 400)
		return "Client Error";
	if (code >= 300)
		return "Redirect";
	return "OK";
}

const char *status_title(int code)
{
	int i = status_find(code);
	return i >= 0 && STATUSES[i].title ? STATUSES[i].title : "Something went wrong";
}

const char *status_api_code(int code)
{
	int i = status_find(code);
	return i >= 0 && STATUSES[i].api_code ? STATUSES[i].api_code : "error";
}
