/* dispatch: one request's life — read it from FastCGI, route it, enforce the route's flags,
 * run the handler, turn errors into pages, and send the buffered response. */
#ifndef BOXOFFICE_DISPATCH_H
#define BOXOFFICE_DISPATCH_H
#include <fcgiapp.h>

struct app;
struct request;

/* Serve one accepted FastCGI request completely, finishing it (FCGX_Finish_r), then run any
 * work deferred until after the response (a page cache rebuild). */
void dispatch_fcgi(struct app *app, FCGX_Request *fr);
/* The FastCGI-independent core: route + flags + handler + errors, filling req->resp.
 * req must have arena, app, method, path, query_string, body/content_type set. */
void dispatch_handle(struct request *req);

#endif
