/* http: small accessors handlers use on a struct request. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "http/app.h"
#include "http/csrf.h"
#include "http/http.h"
#include "http/parse.h"

void http_set_header(struct request *req, const char *name, const char *value)
{
	buf_printf(&req->resp.headers, "%s: %s\r\n", name, value);
}

bool http_has_header(const struct request *req, const char *name)
{
	size_t n = strlen(name);
	const char *line = req->resp.headers.data;
	for (; line && *line; line = strstr(line, "\r\n"), line = line ? line + 2 : NULL)
		if (strncasecmp(line, name, n) == 0 && line[n] == ':')
			return true;
	return false;
}

const char *http_query(const struct request *req, const char *key)
{
	return param_get(req->query, key);
}

const char *http_form(const struct request *req, const char *key)
{
	return param_get(req->form, key);
}

const char *http_cookie(const struct request *req, const char *key)
{
	return param_get(req->cookies, key);
}

const char *http_header(const struct request *req, const char *name)
{
	if (req->fcgi_env == NULL)
		return NULL;
	/* CGI spells it HTTP_STRIPE_SIGNATURE: upper case, '-' as '_'. */
	size_t n = strlen(name);
	for (char **e = req->fcgi_env; *e; e++) {
		const char *v = *e;
		if (strncmp(v, "HTTP_", 5) != 0)
			continue;
		v += 5;
		size_t i = 0;
		for (; i < n; i++) {
			char want = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
			if (v[i] != want)
				break;
		}
		if (i == n && v[n] == '=')
			return v + n + 1;
	}
	return NULL;
}

const char *http_capture(const struct request *req, const char *name)
{
	return route_capture(&req->match, name);
}

bool http_is_api(const struct request *req)
{
	if (req->match.route)
		return (req->match.route->flags & ROUTE_API) != 0;
	return req->path && strncmp(req->path, "/api/", 5) == 0;
}

static bool http_site_is_https(const struct request *req)
{
	return strncmp(req->app->cfg->site_url, "https:", 6) == 0;
}

const char *http_csrf_cookie_name(const struct request *req)
{
	return http_site_is_https(req) ? "__Host-" CSRF_COOKIE : CSRF_COOKIE;
}

const char *http_csrf_bound_to(const struct request *req)
{
	return req->csrf_binding ? req->csrf_binding : http_cookie(req, http_csrf_cookie_name(req));
}

const char *http_csrf_token(struct request *req)
{
	if (req->csrf_token)
		return req->csrf_token;
	const char *bound = http_csrf_bound_to(req);
	if (!csrf_cookie_well_formed(bound)) {
		bound = csrf_new_cookie(req->arena);
		buf_printf(&req->resp.headers,
			   "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Lax%s\r\n",
			   http_csrf_cookie_name(req), bound, http_site_is_https(req) ? "; Secure" : "");
	}
	req->csrf_token = csrf_token_for(req->arena, req->app->cfg->secret_key, bound);
	return req->csrf_token;
}
