/* admin_access: the ownership check every organizer page makes as it loads an object by id.
 * The dispatcher has already checked the role (the route's `role`); this checks that the
 * object is the signed-in organizer's (an admin's is every object). Anything else — another
 * organizer's event, or no such event — is the same 404, so ids say nothing about others. */
#ifndef BOXOFFICE_ADMIN_ACCESS_H
#define BOXOFFICE_ADMIN_ACCESS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct request;

/* The event of the path's {id} when the signed-in user may run it; a 404 otherwise. */
NEOERR *admin_event_of_path(struct request *req, long long *event_id);
/* Whether the signed-in user may run `event_id` (no error when not). */
NEOERR *admin_may_run_event(struct request *req, long long event_id, bool *may);
/* The organizer whose objects the user sees: their own id, or 0 (every one) for an admin. */
long long admin_scope(const struct request *req);

#endif
