/* routes: the site's one route table — every page and API endpoint, with the flags the
 * dispatcher enforces — in the top room, because it names the handlers of every feature. */
#ifndef BOXOFFICE_ROUTES_H
#define BOXOFFICE_ROUTES_H
#include <stddef.h>
#include "http/router.h"

extern const struct route ROUTES[];
extern const size_t ROUTES_COUNT;

#endif
