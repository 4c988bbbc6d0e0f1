/* params: validation of request parameters shared by pages and the API. A bad value is a
 * 400 naming the parameter and what is allowed, never a silently ignored filter. */
#ifndef BOXOFFICE_PARAMS_H
#define BOXOFFICE_PARAMS_H
#include <ClearSilver.h>

struct request;

#define PARAMS_MAX_PAGE 100000

/* Optional integer query parameter in [min, max]; *out keeps def when absent or empty. */
NEOERR *params_int(struct request *req, const char *name, long long min, long long max,
		   long long def, long long *out);
/* The `page` parameter (1..PARAMS_MAX_PAGE, default 1). */
NEOERR *params_page(struct request *req, int *page);

#endif
