/* params: parsing and range-checking of query parameters, with messages meant for users. */
#include <errno.h>
#include <stdlib.h>
#include "core/errors.h"
#include "http/http.h"
#include "http/params.h"

NEOERR *params_int(struct request *req, const char *name, long long min, long long max,
		   long long def, long long *out)
{
	*out = def;
	const char *s = http_query(req, name);
	if (s == NULL || *s == '\0')
		return STATUS_OK;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return nerr_raise(ERR_BAD_REQUEST, "Parameter '%s' must be a whole number from %lld to %lld.",
				  name, min, max);
	*out = v;
	return STATUS_OK;
}

NEOERR *params_page(struct request *req, int *page)
{
	long long v;
	NEOERR *err = params_int(req, "page", 1, PARAMS_MAX_PAGE, 1, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*page = (int)v;
	return STATUS_OK;
}
