/* session: who is signed in. The cookie holds 256 random bits from libsodium; MariaDB keeps
 * only their BLAKE2b hash (db_sessions), so neither a backup nor a log line opens a session.
 * The dispatcher loads the session of every request that carries the cookie; a sign-in, a
 * sign-out and a password change replace or end it here. */
#ifndef BOXOFFICE_SESSION_H
#define BOXOFFICE_SESSION_H
#include <stdbool.h>
#include <ClearSilver.h>

struct config;
struct request;

/* The cookie's name: on an https site with the __Host- prefix, which browsers accept only with
 * Secure, Path=/ and no Domain, so no other host (a sibling subdomain) can plant or shadow it
 * (the CSRF cookie does the same: http_csrf_cookie_name). */
const char *session_cookie_name(const struct config *cfg);
/* "; Secure" on an https site, else "". */
const char *session_cookie_secure(const struct config *cfg);

/* Look up the request's session cookie, if any, and set req->user. A cookie naming no live
 * session is ignored (the visitor is anonymous). */
NEOERR *session_load(struct request *req);
/* Sign `user_id` in: a fresh id (never the one the browser came with, so an id planted before
 * sign-in is worthless after it), its cookie, and the old session, if any, ended. */
NEOERR *session_start(struct request *req, long long user_id);
/* Sign out: the session's row goes and the cookie is cleared. */
NEOERR *session_end(struct request *req);

#endif
