/* search: GET /search and GET /api/v1/search (placeholder until the search room lands). */
#include "errors.h"
#include "search.h"

NEOERR *search_page(struct request *req)
{
	(void)req;
	return nerr_raise(ERR_NOT_FOUND, "Search is not available yet.");
}

NEOERR *search_api(struct request *req)
{
	(void)req;
	return nerr_raise(ERR_NOT_FOUND, "Search is not available yet.");
}
