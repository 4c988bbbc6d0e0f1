/* app: what a worker process owns for its whole life — configuration, its one MariaDB
 * connection and its one memcached client — shared by every request it serves. */
#ifndef BOXOFFICE_APP_H
#define BOXOFFICE_APP_H
#include "cache/cache.h"
#include "core/config.h"
#include "db/db.h"

struct app {
	struct config *cfg;
	struct db db;
	struct cache cache;
	unsigned long requests_served;
};

#endif
