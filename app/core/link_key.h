/* link_key: the key in a link we mail or text (a booking's tickets page and its PDF), made
 * from Secrets.Key so nothing needs storing: HMAC of what the link opens, 128 bits, URL-safe.
 * The access token of the booking stays a secret shown once; these links open tickets only. */
#ifndef BOXOFFICE_LINK_KEY_H
#define BOXOFFICE_LINK_KEY_H
#include <stdbool.h>

struct arena;

/* The key of link `purpose` ("booking-tickets") for record `id`. */
const char *link_key(struct arena *a, const char *secret, const char *purpose, long long id);
/* Whether `key` is that key (compared in constant time). */
bool link_key_check(const char *secret, const char *purpose, long long id, const char *key);

/* A link that names its record itself (an account's mailed links): "<id>.<key>". */
const char *link_key_token(struct arena *a, const char *secret, const char *purpose, long long id);
/* The record a token names if its key is right for `purpose`, else 0. */
long long link_key_token_id(const char *secret, const char *purpose, const char *token);

#endif
