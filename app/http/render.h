/* render: HTML through ClearSilver (HTML-escaping every var: by default) and JSON through json-c,
 * into the response buffer. The one place that turns errors into pages. */
#ifndef BOXOFFICE_RENDER_H
#define BOXOFFICE_RENDER_H
#include <ClearSilver.h>

struct request;
struct json_object;

/* The request's data set, created on first use with Config.VarEscapeMode = html. */
HDF *render_hdf(struct request *req);
/* Render templates/<name> inside templates/layout.cs with status 200 (or resp.status if set).
 * The page template defines the macro page_body(); layout.cs calls it. */
NEOERR *render_page(struct request *req, const char *name);
/* Serialize obj as the JSON response body (takes ownership of obj). */
void render_json(struct request *req, int status, struct json_object *obj);
/* An error response: the HTML error page in the layout, or {"error":{"code","message"}}. */
void render_error(struct request *req, int status, const char *message);

/* Render a standalone template string/file against an HDF (used by tests and render_page). */
NEOERR *render_template_file(HDF *hdf, const char *template_dir, const char *const *files,
			     int nfiles, STRING *out);

#endif
