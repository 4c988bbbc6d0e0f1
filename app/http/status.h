/* status: the one table of HTTP statuses — the status line's reason phrase, the error page's
 * title and the JSON error body's code — that the dispatcher and render read. */
#ifndef BOXOFFICE_STATUS_H
#define BOXOFFICE_STATUS_H

/* "Not Found" for 404: the reason phrase sent after the code in the Status header. */
const char *status_reason(int code);
/* "Page not found" for 404: the error page's title, and its message when none is given. */
const char *status_title(int code);
/* "not_found" for 404: {"error":{"code":...}} in API answers. */
const char *status_api_code(int code);

#endif
