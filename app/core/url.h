/* url: percent-encoding for query strings and form bodies — our own links and filter query
 * strings, and the form-encoded requests the payment gateways take. */
#ifndef BOXOFFICE_URL_H
#define BOXOFFICE_URL_H

struct arena;

/* `s` form-urlencoded (application/x-www-form-urlencoded): unreserved bytes kept, space as
 * '+', everything else %XX. */
const char *url_encode(struct arena *a, const char *s);

#endif
