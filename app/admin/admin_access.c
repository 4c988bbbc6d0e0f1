/* admin_access: ownership, checked on the id before anything about the object is read. */
#include <stdlib.h>
#include <string.h>
#include "admin/admin_access.h"
#include "core/errors.h"
#include "db/db_organizer.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"

/* events.event_id is an INT UNSIGNED: a larger id names no event. */
#define ADMIN_EVENT_ID_MAX 4294967295LL

long long admin_scope(const struct request *req)
{
	return req->user && strcmp(req->user->role, "admin") != 0 ? req->user->user_id : 0;
}

NEOERR *admin_may_run_event(struct request *req, long long event_id, bool *may)
{
	*may = false;
	if (req->user == NULL || strcmp(req->user->role, "customer") == 0)
		return STATUS_OK;
	bool found;
	long long owner;
	NEOERR *err = db_event_owner(&req->app->db, event_id, &found, &owner);
	if (err != STATUS_OK)
		return nerr_pass(err);
	long long scope = admin_scope(req);
	*may = found && (scope == 0 || owner == scope);
	return STATUS_OK;
}

NEOERR *admin_event_of_path(struct request *req, long long *event_id)
{
	const char *text = http_capture(req, "id");
	char *end = NULL;
	*event_id = text ? strtoll(text, &end, 10) : 0;
	bool may = false;
	if (end && *end == '\0' && *event_id > 0 && *event_id <= ADMIN_EVENT_ID_MAX) {
		NEOERR *err = admin_may_run_event(req, *event_id, &may);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	if (!may)
		return nerr_raise(ERR_NOT_FOUND, "There is no such event among yours.");
	return STATUS_OK;
}
