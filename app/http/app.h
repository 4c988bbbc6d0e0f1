/* app: what a worker process owns for its whole life — configuration, the route table, its one
 * MariaDB connection and its one memcached client — shared by every request it serves. */
#ifndef BOXOFFICE_APP_H
#define BOXOFFICE_APP_H
#include "cache/cache.h"
#include <stddef.h>
#include "core/config.h"
#include "db/db.h"

struct route;

struct app {
	struct config *cfg;
	/* The site's route table (cmd/routes.c), handed down by whoever runs the worker, so the
	 * dispatcher never names the pages above it. */
	const struct route *routes;
	size_t nroutes;
	struct db db;
	struct cache cache;
	unsigned long requests_served;
	char *html_headers;        /* the security headers of every HTML answer (dispatch.c) */
};

#endif
