/* account_form: what every account page shares — the fields' checks with a message for each,
 * the form re-rendered with what was typed (never a password), where to go after signing in,
 * and the keys of mailed links. */
#ifndef BOXOFFICE_ACCOUNT_FORM_H
#define BOXOFFICE_ACCOUNT_FORM_H
#include <stdbool.h>
#include <ClearSilver.h>
#include "core/password.h"

struct config;
struct request;

/* The form's text field `field`, kept for the page under Form.<Name>; NULL when absent. */
const char *account_field(struct request *req, const char *field, const char *hdf_name);
/* A message beside field <Name> (Errors.<Name>); the page's status becomes 422. */
void account_field_error(struct request *req, const char *hdf_name, const char *message);
/* Whether any field got a message. */
bool account_form_has_errors(struct request *req);

/* NULL, or what is wrong with an address / a name as typed. */
const char *account_email_problem(const char *email);
const char *account_name_problem(const char *name);

/* Where to go after signing in: `next` when it is a path of this site ("/…", not "//…" nor
 * "/\…"), else My bookings. */
const char *account_safe_next(const char *next);

/* Render templates/account/<page>.cs with the title; a form with errors answers 422. */
NEOERR *account_render(struct request *req, const char *page, const char *title);
/* A 303 to `location`. */
NEOERR *account_redirect(struct request *req, const char *location);

/* The account_tokens row a mailed link's token names ("<id>.<key>", made by the notifier with
 * link_key_token) if its key is right for `purpose` ("verify", "email_change", "reset"); 0
 * otherwise. */
long long account_link_token_id(struct request *req, const char *purpose, const char *token);

/* The signed-in user's id, or 0. */
long long account_user_id(const struct request *req);

#endif
