/* render: pages through ClearSilver with HTML escaping on for every var:, JSON through json-c,
 * and the one error page. Output goes to the response buffer; the dispatcher sends it last. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/errors.h"
#include "core/template.h"
#include "http/app.h"
#include "db/db_sessions.h"
#include "http/http.h"
#include "http/render.h"
#include "http/status.h"

static void render_hdf_release(void *hdf)
{
	HDF *h = hdf;
	hdf_destroy(&h);
}

HDF *render_hdf(struct request *req)
{
	if (req->hdf)
		return req->hdf;
	HDF *hdf = NULL;
	NEOERR *err = hdf_init(&hdf);
	if (err != STATUS_OK) {
		/* Only allocation can fail here; treat like xmalloc. */
		nerr_log_error(err);
		abort();
	}
	arena_on_destroy(req->arena, render_hdf_release, hdf);
	/* Must be set before cs_init: every var: is HTML-escaped unless a template opts out. */
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	if (req->app && req->app->cfg) {
		const struct config *cfg = req->app->cfg;
		hdf_set_value(hdf, "hdf.loadpaths.0", cfg->template_dir);
		hdf_set_value(hdf, "Site.Name", cfg->site_name);
		hdf_set_value(hdf, "Site.URL", cfg->site_url);
	}
	if (req->path)
		hdf_set_value(hdf, "Request.Path", req->path);
	if (req->request_id)
		hdf_set_value(hdf, "Request.Id", req->request_id);
	req->hdf = hdf;
	return hdf;
}

NEOERR *render_template_file(HDF *hdf, const char *template_dir, const char *const *files,
			     int nfiles, STRING *out)
{
	return nerr_pass(template_render(hdf, template_dir, files, nfiles, TEMPLATE_HTML, out));
}

NEOERR *render_page(struct request *req, const char *name)
{
	HDF *hdf = render_hdf(req);
	/* The page's forms carry the token http_csrf_token() issued for this request, if any; a
	 * signed-in person's pages always do (the header's sign-out form). */
	if (req->user) {
		hdf_set_value(hdf, "User.Email", req->user->email);
		hdf_set_value(hdf, "User.Name", req->user->name);
		hdf_set_value(hdf, "User.Role", req->user->role);
		http_csrf_token(req);
	}
	if (req->csrf_token)
		hdf_set_value(hdf, "CSRF.Token", req->csrf_token);
	const char *files[] = { name, "layout.cs" };
	STRING out;
	string_init(&out);
	NEOERR *err = render_template_file(hdf, NULL, files, 2, &out);
	if (err != STATUS_OK) {
		string_clear(&out);
		return nerr_pass_ctx(err, "rendering %s", name);
	}
	buf_reset(&req->resp.body);
	buf_append(&req->resp.body, out.buf ? out.buf : "", (size_t)out.len);
	string_clear(&out);
	if (req->resp.status == 0)
		req->resp.status = 200;
	req->resp.content_type = "text/html; charset=utf-8";
	return STATUS_OK;
}

void render_json(struct request *req, int status, struct json_object *obj)
{
	size_t len = 0;
	const char *s = json_object_to_json_string_length(
		obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	buf_reset(&req->resp.body);
	buf_append(&req->resp.body, s, len);
	json_object_put(obj);
	req->resp.status = status;
	req->resp.content_type = "application/json; charset=utf-8";
}

/* Last resort when even the error template fails: fixed text, nothing from the request. */
static void render_error_fallback(struct request *req, int status)
{
	buf_reset(&req->resp.body);
	buf_printf(&req->resp.body,
		   "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head>"
		   "<body><h1>%s</h1><p>Please try again later.</p></body></html>\n",
		   status_title(status), status_title(status));
	req->resp.content_type = "text/html; charset=utf-8";
}

void render_error(struct request *req, int status, const char *message)
{
	req->resp.status = status;
	if (message == NULL || *message == '\0')
		message = status_title(status);
	if (http_is_api(req)) {
		struct json_object *error = json_object_new_object();
		json_object_object_add(error, "code", json_object_new_string(status_api_code(status)));
		json_object_object_add(error, "message", json_object_new_string(message));
		if (req->request_id)
			json_object_object_add(error, "requestId", json_object_new_string(req->request_id));
		struct json_object *body = json_object_new_object();
		json_object_object_add(body, "error", error);
		render_json(req, status, body);
		return;
	}
	HDF *hdf = render_hdf(req);
	hdf_set_int_value(hdf, "Error.Status", status);
	hdf_set_value(hdf, "Error.Title", status_title(status));
	hdf_set_value(hdf, "Error.Message", message);
	hdf_set_value(hdf, "Page.Title", status_title(status));
	NEOERR *err = render_page(req, "error.cs");
	if (err != STATUS_OK) {
		errors_log_and_free(err, req->request_id);
		render_error_fallback(req, status);
	}
	req->resp.status = status;
}
