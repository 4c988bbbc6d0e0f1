/* csrf: tokens bound to a per-browser cookie. The cookie holds a random id; forms carry
 * HMAC(secret, id), so a page on another site can neither read nor forge the pair. */
#ifndef BOXOFFICE_CSRF_H
#define BOXOFFICE_CSRF_H
#include <stdbool.h>

struct arena;

#define CSRF_COOKIE "bo_csrf"
#define CSRF_FIELD  "csrf_token"

/* A fresh random cookie value (hex). */
char *csrf_new_cookie(struct arena *a);
/* The token for forms, derived from the cookie value and the secret key. */
char *csrf_token_for(struct arena *a, const char *secret, const char *cookie);
/* Constant-time check of a submitted token. */
bool csrf_verify(const char *secret, const char *cookie, const char *token);
/* Cookie values we issued look like 64 hex chars; anything else is replaced. */
bool csrf_cookie_well_formed(const char *cookie);

#endif
