/* event_filters: strict parsing of browse filters. A filter is never silently ignored:
 * a value we cannot honour is a 400 that says which parameter and why. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/errors.h"
#include "core/url.h"
#include "db/db_catalogue.h"
#include "http/app.h"
#include "http/http.h"
#include "http/params.h"
#include "http/parse.h"
#include "http/render.h"
#include "shop/event_filters.h"

static const char *const FILTER_PARAMS[] = {
	"category", "startDate", "endDate", "location", "venue", "sort", "page", "pageSize", "query",
};

/* Characters, not bytes: the form's maxlength counts characters (input is valid UTF-8). */
static size_t utf8_length(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static NEOERR *filters_no_repeats(struct request *req)
{
	for (size_t i = 0; i < sizeof FILTER_PARAMS / sizeof FILTER_PARAMS[0]; i++)
		if (param_count(req->query, FILTER_PARAMS[i]) > 1)
			return nerr_raise(ERR_BAD_REQUEST, "Give '%s' at most once.", FILTER_PARAMS[i]);
	return STATUS_OK;
}

/* A strict ISO calendar date: YYYY-MM-DD that exists (no 2026-02-30). */
static bool valid_iso_date(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
	timegm(&tm);
	return tm.tm_mday == d && tm.tm_mon == m - 1;
}

static NEOERR *filters_date(struct request *req, const char *name, const char **out)
{
	const char *s = http_query(req, name);
	*out = NULL;
	if (s == NULL || *s == '\0')
		return STATUS_OK;
	if (!valid_iso_date(s))
		return nerr_raise(ERR_BAD_REQUEST,
				  "Parameter '%s' must be a date written YYYY-MM-DD (for example 2026-12-31).",
				  name);
	*out = s;
	return STATUS_OK;
}

static NEOERR *filters_category(struct request *req, struct event_filters *f)
{
	const char *slug = http_query(req, "category");
	if (slug == NULL || *slug == '\0')
		return STATUS_OK;
	const struct catalogue *cat;
	NEOERR *err = db_catalogue(&req->app->db, &cat);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const struct catalogue_entry *e = catalogue_category(cat, slug);
	if (e == NULL) {
		/* Perhaps added since this worker last looked (or looked before the data was). */
		err = db_catalogue_reload(&req->app->db, &cat);
		if (err != STATUS_OK)
			return nerr_pass(err);
		e = catalogue_category(cat, slug);
	}
	if (e == NULL) {
		struct buf known = { 0 };
		for (int i = 0; i < cat->ncategories; i++)
			buf_printf(&known, "%s%s", i ? ", " : "", cat->categories[i].slug);
		err = nerr_raise(ERR_BAD_REQUEST, "Unknown category '%.40s'. Choose one of: %s.",
				 slug, known.data ? known.data : "(none)");
		buf_free(&known);
		return err;
	}
	f->category = e->slug;
	f->category_id = e->id;
	return STATUS_OK;
}

static NEOERR *filters_sort(struct request *req, bool relevance_ok, struct event_filters *f)
{
	const char *s = http_query(req, "sort");
	f->sort = relevance_ok ? EVENT_SORT_RELEVANCE : EVENT_SORT_DATE;
	if (s == NULL || *s == '\0')
		return STATUS_OK;
	if (strcmp(s, "date") == 0)
		f->sort = EVENT_SORT_DATE;
	else if (strcmp(s, "popularity") == 0)
		f->sort = EVENT_SORT_POPULARITY;
	else if (relevance_ok && strcmp(s, "relevance") == 0)
		f->sort = EVENT_SORT_RELEVANCE;
	else
		return nerr_raise(ERR_BAD_REQUEST, "Parameter 'sort' must be %s.",
				  relevance_ok ? "relevance, date or popularity" : "date or popularity");
	return STATUS_OK;
}

NEOERR *event_filters_parse(struct request *req, bool relevance_ok, struct event_filters *f)
{
	memset(f, 0, sizeof *f);
	NEOERR *err = filters_no_repeats(req);
	if (err == STATUS_OK)
		err = filters_date(req, "startDate", &f->start_date);
	if (err == STATUS_OK)
		err = filters_date(req, "endDate", &f->end_date);
	if (err == STATUS_OK && f->start_date && f->end_date && strcmp(f->end_date, f->start_date) < 0)
		err = nerr_raise(ERR_BAD_REQUEST, "Parameter 'endDate' (%s) must not be before 'startDate' (%s).",
				 f->end_date, f->start_date);
	if (err == STATUS_OK)
		err = filters_sort(req, relevance_ok, f);
	long long v = 0;
	if (err == STATUS_OK)
		err = params_int(req, "venue", 1, 4294967295LL, 0, &v);
	f->venue_id = v;
	if (err == STATUS_OK)
		err = params_int(req, "page", 1, EVENT_FILTERS_MAX_PAGE, 1, &v);
	f->page = (int)v;
	if (err == STATUS_OK)
		err = params_int(req, "pageSize", 1, EVENT_FILTERS_MAX_PAGE_SIZE, EVENT_FILTERS_PAGE_SIZE, &v);
	f->page_size = (int)v;
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *loc = http_query(req, "location");
	if (loc && *loc) {
		/* Phones add a space after autocompleting a word: trim both ends. */
		while (*loc == ' ')
			loc++;
		size_t len = strlen(loc);
		while (len > 0 && loc[len - 1] == ' ')
			len--;
		if (utf8_length(loc, len) > EVENT_FILTERS_MAX_LOCATION)
			return nerr_raise(ERR_BAD_REQUEST, "Parameter 'location' must be at most %d characters.",
					  EVENT_FILTERS_MAX_LOCATION);
		if (len > 0)
			f->location = arena_strndup(req->arena, loc, len);
	}
	return nerr_pass(filters_category(req, f));
}

static void query_add(struct arena *a, struct buf *b, const char *key, const char *value)
{
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", key, url_encode(a, value));
}

const char *event_filters_query(struct request *req, const struct event_filters *f)
{
	struct buf b = { 0 };
	if (f->category)
		query_add(req->arena, &b, "category", f->category);
	if (f->start_date)
		query_add(req->arena, &b, "startDate", f->start_date);
	if (f->end_date)
		query_add(req->arena, &b, "endDate", f->end_date);
	if (f->location)
		query_add(req->arena, &b, "location", f->location);
	if (f->venue_id)
		query_add(req->arena, &b, "venue", arena_printf(req->arena, "%lld", f->venue_id));
	if (f->sort == EVENT_SORT_POPULARITY)
		query_add(req->arena, &b, "sort", "popularity");
	else if (f->sort == EVENT_SORT_DATE && http_query(req, "query"))
		query_add(req->arena, &b, "sort", "date");
	if (f->page_size != EVENT_FILTERS_PAGE_SIZE)
		query_add(req->arena, &b, "pageSize", arena_printf(req->arena, "%d", f->page_size));
	const char *out = arena_strdup(req->arena, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static void hdf_set_raw(HDF *hdf, struct request *req, const char *name, const char *param)
{
	const char *v = http_query(req, param);
	if (v)
		hdf_set_value(hdf, name, v);
}

NEOERR *event_filters_to_hdf(struct request *req, const struct event_filters *f, bool raw)
{
	HDF *hdf = render_hdf(req);
	if (raw) {
		hdf_set_raw(hdf, req, "Filters.Category", "category");
		hdf_set_raw(hdf, req, "Filters.StartDate", "startDate");
		hdf_set_raw(hdf, req, "Filters.EndDate", "endDate");
		hdf_set_raw(hdf, req, "Filters.Location", "location");
		hdf_set_raw(hdf, req, "Filters.Sort", "sort");
	} else {
		if (f->category)
			hdf_set_value(hdf, "Filters.Category", f->category);
		if (f->start_date)
			hdf_set_value(hdf, "Filters.StartDate", f->start_date);
		if (f->end_date)
			hdf_set_value(hdf, "Filters.EndDate", f->end_date);
		if (f->location)
			hdf_set_value(hdf, "Filters.Location", f->location);
		if (f->venue_id)
			hdf_set_valuef(hdf, "Filters.Venue=%lld", f->venue_id);
		hdf_set_value(hdf, "Filters.Sort", f->sort == EVENT_SORT_POPULARITY ? "popularity" :
				   f->sort == EVENT_SORT_RELEVANCE ? "relevance" : "date");
		const char *q = event_filters_query(req, f);
		hdf_set_value(hdf, "Filters.Query", q);
		hdf_set_int_value(hdf, "Filters.Active", q[0] != '\0');
	}
	const struct catalogue *cat;
	NEOERR *err = db_catalogue(&req->app->db, &cat);
	if (err != STATUS_OK)
		return nerr_pass(err);
	for (int i = 0; i < cat->ncategories; i++) {
		hdf_set_valuef(hdf, "Categories.%d.Slug=%s", i, cat->categories[i].slug);
		hdf_set_valuef(hdf, "Categories.%d.Name=%s", i, cat->categories[i].name);
	}
	for (int i = 0; i < cat->ncities; i++)
		hdf_set_valuef(hdf, "Cities.%d.Name=%s", i, cat->cities[i].name);
	return STATUS_OK;
}
