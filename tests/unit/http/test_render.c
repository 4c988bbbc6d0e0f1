/* test_render: HTML escaping of hostile strings through ClearSilver — the gold file
 * tests/templates/hostile.cs, a table of single values, and the real layout and pages. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <ftw.h>
#include <string.h>
#include <ClearSilver.h>
#include "unit.h"
#include "core/arena.h"
#include "http/render.h"
#include "shop/search.h"

/* $BOXOFFICE_GOLD / $BOXOFFICE_TEMPLATES (exported by `make check`), else the source tree
 * as seen from this file, so the binary also runs by hand from the build directory. */
static const char *test_dir(const char *env, const char *fallback, char *buf, size_t size)
{
	const char *dir = getenv(env);
	if (dir && *dir)
		return dir;
	const char *file = __FILE__;
	const char *slash = strrchr(file, '/');
	int dirlen = slash ? (int)(slash - file) : 1;
	snprintf(buf, size, "%.*s/%s", dirlen, slash ? file : ".", fallback);
	return buf;
}

static const char *gold_dir(void)
{
	static char buf[4096];
	return test_dir("BOXOFFICE_GOLD", "../templates", buf, sizeof buf);
}

static const char *templates_dir(void)
{
	static char buf[4096];
	return test_dir("BOXOFFICE_TEMPLATES", "../../templates", buf, sizeof buf);
}

static char *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (set BOXOFFICE_GOLD / BOXOFFICE_TEMPLATES)", path);
	size_t cap = 4096, n = 0;
	char *data = malloc(cap);
	size_t got;
	while ((got = fread(data + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			data = realloc(data, cap *= 2);
	}
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

/* Fail the check with ClearSilver's traceback if err is set. */
static void check_neoerr(NEOERR *err, const char *doing)
{
	if (err == STATUS_OK)
		return;
	STRING trace;
	string_init(&trace);
	nerr_error_traceback(err, &trace);
	static char msg[4096];
	snprintf(msg, sizeof msg, "%s: %s", doing, trace.buf ? trace.buf : "(no traceback)");
	string_clear(&trace);
	nerr_ignore(&err);
	ck_abort_msg("%s", msg);
}

static HDF *new_hdf(void)
{
	HDF *hdf = NULL;
	check_neoerr(hdf_init(&hdf), "hdf_init");
	return hdf;
}

/* Render files from dir against hdf into a malloc'd string. */
static char *render(HDF *hdf, const char *dir, const char *const *files, int nfiles)
{
	STRING out;
	string_init(&out);
	NEOERR *err = render_template_file(hdf, dir, files, nfiles, &out);
	if (err != STATUS_OK)
		string_clear(&out);
	check_neoerr(err, files[nfiles - 1]);
	char *copy = strdup(out.buf ? out.buf : "");
	string_clear(&out);
	return copy;
}

/* ---- the gold file ------------------------------------------------------------------- */

/* hostile.hdf through hostile.cs must equal hostile.gold byte for byte. Nothing here sets
 * Config.VarEscapeMode: render_template_file must turn HTML escaping on by itself. */
START_TEST(test_gold_hostile)
{
	char path[4200];
	HDF *hdf = new_hdf();
	snprintf(path, sizeof path, "%s/hostile.hdf", gold_dir());
	check_neoerr(hdf_read_file(hdf, path), path);
	const char *files[] = { "hostile.cs" };
	char *got = render(hdf, gold_dir(), files, 1);
	hdf_destroy(&hdf);

	size_t want_len;
	snprintf(path, sizeof path, "%s/hostile.gold", gold_dir());
	char *want = read_whole_file(path, &want_len);
	size_t got_len = strlen(got);
	if (got_len != want_len || memcmp(got, want, want_len) != 0) {
		size_t i = 0;
		while (i < got_len && i < want_len && got[i] == want[i])
			i++;
		size_t from = i > 40 ? i - 40 : 0;
		/* Leave the whole output next to the binary, to diff (and review) by hand. */
		FILE *f = fopen("hostile.out", "wb");
		if (f) {
			fwrite(got, 1, got_len, f);
			fclose(f);
		}
		ck_abort_msg("hostile.cs differs from hostile.gold at byte %zu (got %zu bytes, want %zu; "
			     "full output in ./hostile.out)\n got: ...%.80s\nwant: ...%.80s",
			     i, got_len, want_len, got + from, want + from);
	}
	/* Belt and braces, in case someone regenerates the gold file without reading it. */
	ck_assert_ptr_nonnull(strstr(got, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"));
	ck_assert_ptr_null(strstr(got, "<script>alert"));
	ck_assert_ptr_null(strstr(got, "<img"));
	ck_assert_ptr_null(strstr(got, "' onmouseover"));
	ck_assert_ptr_null(strstr(got, "<b>"));
	ck_assert_ptr_null(strstr(got, "<?cs"));
	free(got);
	free(want);
}
END_TEST

/* ---- one value at a time ----------------------------------------------------------- */

static const struct {
	const char *in;
	const char *out;
} escapes[] = {
	{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
	{ "' onmouseover='", "&#39; onmouseover=&#39;" },
	{ "&amp;", "&amp;amp;" },
	{ "AT&T", "AT&amp;T" },
	{ "</textarea></title><svg onload=alert(1)>",
	  "&lt;/textarea&gt;&lt;/title&gt;&lt;svg onload=alert(1)&gt;" },
	{ "<!-- -->", "&lt;!-- --&gt;" },
	{ "<?cs var:Config.VarEscapeMode ?>", "&lt;?cs var:Config.VarEscapeMode ?&gt;" },
	{ "javascript:alert(1)", "javascript:alert(1)" },  /* harmless in text; URLs use escape:"url" */
	{ "Plain Title 2025", "Plain Title 2025" },
	{ "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\xab", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\xab" },
	{ "", "" },
};

START_TEST(test_escape_value)
{
	HDF *hdf = new_hdf();
	check_neoerr(hdf_set_value(hdf, "Value", escapes[_i].in), "hdf_set_value");
	const char *files[] = { "var.cs" };
	char *got = render(hdf, gold_dir(), files, 1);
	hdf_destroy(&hdf);
	ck_assert_msg(strcmp(got, escapes[_i].out) == 0, "var:%s gave \"%s\", expected \"%s\"",
		      escapes[_i].in, got, escapes[_i].out);
	free(got);
}
END_TEST

/* A caller (or a stray config line) asking for no escaping does not get it: render enforces
 * html, and a template that truly needs raw output must say so with uvar:. */
static const char *const escape_modes[] = { "none", "", "NONE", "js", "url" };

START_TEST(test_escape_mode_enforced)
{
	HDF *hdf = new_hdf();
	check_neoerr(hdf_set_value(hdf, "Config.VarEscapeMode", escape_modes[_i]), "hdf_set_value");
	check_neoerr(hdf_set_value(hdf, "Value", "<script>alert(1)</script>"), "hdf_set_value");
	const char *files[] = { "var.cs" };
	char *got = render(hdf, gold_dir(), files, 1);
	hdf_destroy(&hdf);
	ck_assert_msg(strcmp(got, "&lt;script&gt;alert(1)&lt;/script&gt;") == 0,
		      "with Config.VarEscapeMode=\"%s\": \"%s\"", escape_modes[_i], got);
	free(got);
}
END_TEST

START_TEST(test_missing_template)
{
	HDF *hdf = new_hdf();
	STRING out;
	string_init(&out);
	const char *files[] = { "no-such-template.cs" };
	NEOERR *err = render_template_file(hdf, gold_dir(), files, 1, &out);
	ck_assert_msg(err != STATUS_OK, "a missing template rendered");
	nerr_ignore(&err);
	string_clear(&out);
	hdf_destroy(&hdf);
}
END_TEST

/* ---- the real layout and pages --------------------------------------------------- */

struct hdf_value {
	const char *name;
	const char *value;         /* NULL: the hostile string for this name */
	bool printed;              /* the page must show it (escaped) */
};

#define PAGE_MAX_VALUES 72

static const struct {
	const char *page;          /* under templates/, rendered inside layout.cs */
	struct hdf_value values[PAGE_MAX_VALUES];
} pages[] = {
	{ "error.cs", {
		{ "Error.Status", "500", false },
		{ "Site.Name", NULL, true },
		{ "Site.URL", NULL, false },
		{ "Page.Title", NULL, true },
		{ "Request.Path", NULL, false },
		{ "Request.Id", NULL, true },
		{ "Error.Title", NULL, true },
		{ "Error.Message", NULL, true },
	} },
	{ "error.cs", {
		{ "Error.Status", "404", false },
		{ "Site.Name", NULL, true },
		{ "Request.Path", NULL, false },
		{ "Error.Title", NULL, true },
		{ "Error.Message", NULL, true },
	} },
	{ "events/list.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Page.Count", "1", false },
		{ "Page.Total", "1", false },
		{ "Page.Number", "1", false },
		{ "Events.0.Id", NULL, true },
		{ "Events.0.Name", NULL, true },
		{ "Events.0.Date", NULL, true },
		{ "Events.0.Venue", NULL, true },
		{ "Events.0.City", NULL, true },
		{ "Events.0.Category", NULL, true },
		{ "Events.0.Performers.0", NULL, true },
		{ "Events.0.Performers.1", NULL, true },
		{ "Events.0.FromPrice", NULL, true },
	} },
	/* The event page (app/shop/event_page.c) with its seat map (app/shop/seatmap.c): a seated section
	 * whose seat is held or sold (Status is hostile, so not "available"). */
	{ "events/show.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Search.Query", NULL, true },
		{ "Hold.Error", NULL, true },
		{ "Event.Id", NULL, true },
		{ "Event.Name", NULL, true },
		{ "Event.Description", NULL, true },
		{ "Event.Cancelled", NULL, false },
		{ "Event.Started", NULL, false },
		{ "Event.OnSale", "1", false },
		{ "Event.Iso", NULL, true },
		{ "Event.Date", NULL, true },
		{ "Event.Time", NULL, true },
		{ "Event.Zone", NULL, true },
		{ "Event.Category", NULL, true },
		{ "Event.CategorySlug", NULL, false },   /* inside escape:"url" */
		{ "Event.Venue.Name", NULL, true },
		{ "Event.Venue.Address", NULL, true },
		{ "Event.Venue.City", NULL, true },
		{ "Event.Venue.Capacity", NULL, true },
		{ "Event.Performers.0", NULL, true },
		{ "Event.Performers.1", NULL, true },
		{ "Event.Sections.0.Name", NULL, true },
		{ "Event.Sections.0.Kind", NULL, false },
		{ "Event.Sections.0.Price", NULL, true },
		{ "Event.Sections.0.Available", "3", false },
		{ "Event.Sections.0.Capacity", NULL, true },
		{ "Event.Available", NULL, false },
		{ "Map.ViewBox", NULL, true },
		{ "Map.Width", NULL, true },
		{ "Map.Height", NULL, true },
		{ "Map.HasSeats", "1", false },
		{ "Map.HasStanding", NULL, false },
		{ "Map.Selectable", NULL, false },
		{ "Map.Counts.available", NULL, true },
		{ "Map.Counts.held", NULL, true },
		{ "Map.Counts.sold", NULL, true },
		{ "Map.Stage.X", NULL, true },
		{ "Map.Stage.Y", NULL, true },
		{ "Map.Stage.W", NULL, true },
		{ "Map.Stage.H", NULL, true },
		{ "Map.Stage.TextX", NULL, true },
		{ "Map.Stage.TextY", NULL, true },
		{ "Map.Sections.0.Id", NULL, false },    /* standing only */
		{ "Map.Sections.0.Name", NULL, true },
		{ "Map.Sections.0.Kind", NULL, true },
		{ "Map.Sections.0.Price", NULL, true },
		{ "Map.Sections.0.Capacity", NULL, true },
		{ "Map.Sections.0.Available", "3", false },
		{ "Map.Sections.0.Max", NULL, false },   /* standing only */
		{ "Map.Sections.0.X", NULL, true },
		{ "Map.Sections.0.Y", NULL, true },
		{ "Map.Sections.0.W", NULL, true },
		{ "Map.Sections.0.H", NULL, true },
		{ "Map.Sections.0.LabelX", NULL, true },
		{ "Map.Sections.0.LabelY", NULL, true },
		{ "Map.Sections.0.CountY", NULL, false },   /* standing only */
		{ "Map.Sections.0.Rows.0.Label", NULL, true },
		{ "Map.Sections.0.Rows.0.Seats.0.Ticket", NULL, true },
		{ "Map.Sections.0.Rows.0.Seats.0.X", NULL, true },
		{ "Map.Sections.0.Rows.0.Seats.0.Y", NULL, true },
		{ "Map.Sections.0.Rows.0.Seats.0.Number", NULL, true },
		{ "Map.Sections.0.Rows.0.Seats.0.Status", NULL, true },
		{ "Map.Sections.0.Rows.0.Seats.0.Name", NULL, true },
	} },
	/* The same page with a standing area and an available (so ticked) seat. */
	{ "events/show.cs", {
		{ "Site.Name", NULL, true },
		{ "Event.Id", NULL, true },
		{ "Event.Name", NULL, true },
		{ "Event.OnSale", "1", false },
		{ "Event.Sections.0.Name", NULL, true },
		{ "Event.Sections.0.Kind", "standing", false },
		{ "Event.Sections.0.Price", NULL, true },
		{ "Event.Sections.0.Available", NULL, false },
		{ "Map.HasStanding", "1", false },
		{ "Map.Selectable", "1", false },
		{ "Map.Sections.0.Id", NULL, true },
		{ "Map.Sections.0.Name", NULL, true },
		{ "Map.Sections.0.Kind", "standing", false },
		{ "Map.Sections.0.Price", NULL, true },
		{ "Map.Sections.0.Capacity", NULL, true },
		{ "Map.Sections.0.Available", "3", false },
		{ "Map.Sections.0.Max", "3", false },
		{ "Map.Sections.0.X", NULL, true },
		{ "Map.Sections.0.LabelX", NULL, true },
		{ "Map.Sections.0.LabelY", NULL, true },
		{ "Map.Sections.0.CountY", NULL, true },
		{ "Map.Sections.1.Name", NULL, true },
		{ "Map.Sections.1.Kind", "seated", false },
		{ "Map.Sections.1.Price", NULL, true },
		{ "Map.Sections.1.Rows.0.Label", NULL, true },
		{ "Map.Sections.1.Rows.0.Seats.0.Ticket", NULL, true },
		{ "Map.Sections.1.Rows.0.Seats.0.Status", "available", false },
		{ "Map.Sections.1.Rows.0.Seats.0.Number", NULL, true },
		{ "Map.Sections.1.Rows.0.Seats.0.Name", NULL, true },
	} },
	/* Checkout (app/shop/checkout.c): the payment form with a rejected first attempt. */
	{ "checkout/show.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Booking.Id", NULL, true },
		{ "Booking.Code", NULL, false },
		{ "Booking.Status", NULL, false },
		{ "Booking.Token", NULL, true },
		{ "Booking.Total", NULL, true },
		{ "Booking.MinutesLeft", NULL, true },
		{ "Booking.ExpiresAt", NULL, true },
		{ "CSRF.Token", NULL, true },
		{ "Event.Id", NULL, true },
		{ "Event.Name", NULL, true },
		{ "Event.Venue", NULL, true },
		{ "Event.City", NULL, true },
		{ "Event.Date", NULL, true },
		{ "Event.Day", NULL, true },
		{ "Event.Time", NULL, true },
		{ "Event.Zone", NULL, true },
		{ "Tickets.0.Label", NULL, true },
		{ "Tickets.0.Price", NULL, true },
		{ "Tickets.1.Label", NULL, true },
		{ "Tickets.1.Price", NULL, true },
		{ "Methods.0.Id", NULL, true },
		{ "Methods.0.Label", NULL, true },
		{ "Methods.1.Id", NULL, true },
		{ "Methods.1.Label", NULL, true },
		{ "Checkout.Error", NULL, true },
		{ "Form.Name", NULL, true },
		{ "Form.Email", NULL, true },
		{ "Form.PaymentMethod", NULL, false },
	} },
	/* Checkout after the hold ended: the reason instead of the form. */
	{ "checkout/show.cs", {
		{ "Site.Name", NULL, true },
		{ "Checkout.Ended", NULL, true },
		{ "Event.Id", NULL, true },
		{ "Event.Name", NULL, true },
		{ "Event.Venue", NULL, true },
		{ "Event.City", NULL, true },
		{ "Event.Day", NULL, true },
		{ "Booking.Token", NULL, false },
	} },
	/* Changing a hold (app/shop/checkout_seats.c): the seat map posting back to the checkout, after
	 * a rejected try, with one of the shopper's own seats ticked and a standing area prefilled. */
	{ "checkout/seats.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Booking.Id", NULL, false },
		{ "Booking.Total", NULL, true },
		{ "Booking.MinutesLeft", NULL, true },
		{ "Booking.ExpiresAt", NULL, true },
		{ "CSRF.Token", NULL, true },
		{ "Change.Action", NULL, true },
		{ "Change.Token", NULL, true },
		{ "Change.Back", NULL, true },
		{ "Change.Error", NULL, true },
		{ "Event.Id", NULL, true },
		{ "Event.Name", NULL, true },
		{ "Event.Venue", NULL, true },
		{ "Event.City", NULL, true },
		{ "Event.Date", NULL, true },
		{ "Event.Day", NULL, true },
		{ "Event.Time", NULL, true },
		{ "Event.Zone", NULL, true },
		{ "Tickets.0.Label", NULL, true },
		{ "Tickets.1.Label", NULL, true },
		{ "Map.ViewBox", NULL, true },
		{ "Map.HasSeats", "1", false },
		{ "Map.HasStanding", "1", false },
		{ "Map.Selectable", "1", false },
		{ "Map.Sections.0.Id", "7", false },
		{ "Map.Sections.0.Name", NULL, true },
		{ "Map.Sections.0.Kind", "standing", false },
		{ "Map.Sections.0.Price", NULL, true },
		{ "Map.Sections.0.Available", "3", false },
		{ "Map.Sections.0.Max", "3", false },
		{ "SelectedStanding.7", NULL, true },
		{ "Map.Sections.1.Name", NULL, true },
		{ "Map.Sections.1.Kind", "seated", false },
		{ "Map.Sections.1.Rows.0.Label", NULL, true },
		{ "Map.Sections.1.Rows.0.Seats.0.Ticket", "12", false },
		{ "Map.Sections.1.Rows.0.Seats.0.Status", "available", false },
		{ "Map.Sections.1.Rows.0.Seats.0.Number", NULL, true },
		{ "Map.Sections.1.Rows.0.Seats.0.Name", NULL, true },
		{ "Selected.12", "1", false },
	} },
	/* A hold shed by admission control: the selection in hidden fields (app/shop/checkout_hold.c). */
	{ "events/busy.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Busy.Message", NULL, true },
		{ "Busy.EventId", NULL, true },
		{ "Busy.Tickets.0", NULL, true },
		{ "Busy.Standing.0.Section", NULL, true },
		{ "Busy.Standing.0.Quantity", NULL, true },
		{ "Busy.Count", "3", false },
	} },
	{ "checkout/confirmation.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Booking.Id", NULL, false },
		{ "Booking.Code", NULL, true },
		{ "Booking.Total", NULL, true },
		{ "Booking.BuyerName", NULL, true },
		{ "Booking.BuyerEmail", NULL, true },
		{ "Event.Id", NULL, true },
		{ "Event.Name", NULL, true },
		{ "Event.Venue", NULL, true },
		{ "Event.City", NULL, true },
		{ "Event.Date", NULL, true },
		{ "Event.Day", NULL, true },
		{ "Event.Time", NULL, true },
		{ "Event.Zone", NULL, true },
		{ "Tickets.0.Label", NULL, true },
		{ "Tickets.0.Price", NULL, true },
		{ "Tickets.0.Code", NULL, true },
		{ "Tickets.1.Label", NULL, true },
		{ "Tickets.1.Code", NULL, true },
	} },
	/* Search results (app/shop/search.c): a card with highlighted name and snippet parts. */
	{ "search/results.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Search.Active", "1", false },
		{ "Search.Query", NULL, true },
		{ "Search.Link", NULL, true },
		{ "Page.Count", "1", false },
		{ "Page.Total", NULL, true },
		{ "Page.Number", NULL, true },
		{ "Page.Prev", NULL, true },
		{ "Page.Next", NULL, true },
		{ "Filters.Category", NULL, false },
		{ "Filters.StartDate", NULL, true },
		{ "Filters.EndDate", NULL, true },
		{ "Filters.Location", NULL, true },
		{ "Filters.Sort", NULL, false },
		{ "Filters.Venue", NULL, true },
		{ "Categories.0.Slug", NULL, true },
		{ "Categories.0.Name", NULL, true },
		{ "Cities.0.Name", NULL, true },
		{ "Events.0.Id", NULL, true },
		{ "Events.0.Name", NULL, false },         /* NameParts shown instead */
		{ "Events.0.NameParts.0.Text", NULL, true },
		{ "Events.0.NameParts.1.Text", NULL, true },
		{ "Events.0.NameParts.1.Mark", "1", false },
		{ "Events.0.NameParts.2.Text", NULL, true },
		{ "Events.0.Date", NULL, true },
		{ "Events.0.Day", NULL, true },
		{ "Events.0.Time", NULL, true },
		{ "Events.0.Zone", NULL, true },
		{ "Events.0.Venue", NULL, true },
		{ "Events.0.City", NULL, true },
		{ "Events.0.Category", NULL, true },
		{ "Events.0.Performers.0", NULL, true },
		{ "Events.0.SnippetParts.0.Text", NULL, true },
		{ "Events.0.SnippetParts.1.Text", NULL, true },
		{ "Events.0.SnippetParts.1.Mark", "1", false },
		{ "Events.0.SnippetParts.2.Text", NULL, true },
		{ "Events.0.FromPrice", NULL, true },
	} },
	/* No results with filters on: the query goes into a link through url_escape(). */
	{ "search/results.cs", {
		{ "Site.Name", NULL, true },
		{ "Search.Active", "1", false },
		{ "Search.Query", NULL, true },
		{ "Search.Link", NULL, false },
		{ "Page.Count", "0", false },
		{ "Page.Total", "0", false },
		{ "Filters.Active", "1", false },
		{ "Filters.Location", NULL, true },
	} },
	/* A rejected query or filter. */
	{ "search/results.cs", {
		{ "Site.Name", NULL, true },
		{ "Search.Active", "1", false },
		{ "Search.Query", NULL, true },
		{ "Filters.Error", NULL, true },
		{ "Filters.Location", NULL, true },
	} },
	/* No query yet. */
	{ "search/results.cs", {
		{ "Site.Name", NULL, true },
		{ "Page.Title", NULL, true },
		{ "Search.Prompt", "1", false },
		{ "Filters.Location", NULL, true },
		{ "Cities.0.Name", NULL, true },
	} },
};

/* Each field gets its own marker so a miss names the field. */
static char *hostile_for(const char *name)
{
	char *s = NULL;
	if (asprintf(&s, "<script>alert('%s')</script>\"><img src=x onerror=alert(1)>' onmouseover='x", name) < 0)
		abort();
	return s;
}

static char *escaped_for(const char *name)
{
	char *s = NULL;
	if (asprintf(&s, "&lt;script&gt;alert(&#39;%s&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x "
		     "onerror=alert(1)&gt;&#39; onmouseover=&#39;x", name) < 0)
		abort();
	return s;
}

START_TEST(test_layout_hostile)
{
	const char *page = pages[_i].page;
	HDF *hdf = new_hdf();
	for (int k = 0; k < PAGE_MAX_VALUES && pages[_i].values[k].name; k++) {
		const struct hdf_value *v = &pages[_i].values[k];
		char *hostile = v->value ? NULL : hostile_for(v->name);
		check_neoerr(hdf_set_value(hdf, v->name, v->value ? v->value : hostile), v->name);
		free(hostile);
	}
	/* Pages come first: they define page_body(), which layout.cs calls. */
	const char *files[] = { page, "layout.cs" };
	char *got = render(hdf, templates_dir(), files, 2);
	hdf_destroy(&hdf);

	ck_assert_msg(strstr(got, "<html") != NULL, "%s: no layout around the page", page);
	static const char *const raw[] = { "<script", "<img", "' onmouseover" };
	for (int k = 0; k < UNIT_ROWS(raw); k++) {
		const char *hit = strstr(got, raw[k]);
		if (hit) {
			const char *from = hit - got > 60 ? hit - 60 : got;
			ck_abort_msg("%s: raw %s in the output: ...%.160s", page, raw[k], from);
		}
	}
	for (int k = 0; k < PAGE_MAX_VALUES && pages[_i].values[k].name; k++) {
		const struct hdf_value *v = &pages[_i].values[k];
		if (!v->printed)
			continue;
		char *want = escaped_for(v->name);
		ck_assert_msg(strstr(got, want) != NULL, "%s: %s not shown (escaped) on the page", page,
			      v->name);
		free(want);
	}
	free(got);
}
END_TEST

/* ---- highlighted search results, end to end ------------------------------------- */

/* search_highlight and search_snippet cut raw text and escape nothing; the card template
 * escapes each part and adds <mark>. Hostile names and descriptions, cut by the real code
 * and set as app/shop/search.c sets them, come out escaped on both sides of every <mark>. */
static const struct {
	const char *query;
	const char *text;          /* the event's name and its description */
	const char *want;          /* as the card shows it (twice: name and snippet) */
} highlighted[] = {
	{ "script", "<script>alert(1)</script>",
	  "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" },
	{ "onerror img", "\"><img src=x onerror=alert(1)>",
	  "&quot;&gt;&lt;<mark>img</mark> src=x <mark>onerror</mark>=alert(1)&gt;" },
	{ "amp", "AT&amp;T", "AT&amp;<mark>amp</mark>;T" },
	{ "cafe", "<b>Caf\xc3\xa9</b> ' onmouseover='x", "&lt;b&gt;<mark>Caf\xc3\xa9</mark>&lt;/b&gt; &#39; onmouseover=&#39;x" },
};

static void set_parts(HDF *hdf, const char *prefix, const struct search_part *parts, int n)
{
	for (int i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s.%d.Text", prefix, i);
		check_neoerr(hdf_set_value(hdf, name, parts[i].text), name);
		if (parts[i].mark) {
			snprintf(name, sizeof name, "%s.%d.Mark", prefix, i);
			check_neoerr(hdf_set_int_value(hdf, name, 1), name);
		}
	}
}

START_TEST(test_search_highlight_escaped)
{
	struct arena *a = arena_new();
	struct search_query q;
	search_query_parse(a, highlighted[_i].query, &q);
	const char *text = highlighted[_i].text;
	struct search_part *parts;
	HDF *hdf = new_hdf();
	check_neoerr(hdf_set_value(hdf, "Search.Active", "1"), "Search.Active");
	check_neoerr(hdf_set_value(hdf, "Search.Query", q.text), "Search.Query");
	check_neoerr(hdf_set_value(hdf, "Page.Count", "1"), "Page.Count");
	check_neoerr(hdf_set_value(hdf, "Page.Total", "1"), "Page.Total");
	check_neoerr(hdf_set_value(hdf, "Events.0.Id", "1"), "Events.0.Id");
	check_neoerr(hdf_set_value(hdf, "Events.0.Name", text), "Events.0.Name");
	int n = search_highlight(a, &q, text, strlen(text), &parts);
	set_parts(hdf, "Events.0.NameParts", parts, n);
	n = search_snippet(a, &q, text, &parts);
	set_parts(hdf, "Events.0.SnippetParts", parts, n);
	arena_destroy(a);

	const char *files[] = { "search/results.cs", "layout.cs" };
	char *got = render(hdf, templates_dir(), files, 2);
	hdf_destroy(&hdf);
	const char *name = strstr(got, highlighted[_i].want);
	ck_assert_msg(name != NULL, "query \"%s\": name not shown as \"%s\"", highlighted[_i].query,
		      highlighted[_i].want);
	ck_assert_msg(strstr(name + 1, highlighted[_i].want) != NULL,
		      "query \"%s\": snippet not shown as \"%s\"", highlighted[_i].query,
		      highlighted[_i].want);
	static const char *const raw[] = { "<script", "<img", "' onmouseover", "<b>" };
	for (int k = 0; k < UNIT_ROWS(raw); k++)
		ck_assert_msg(strstr(got, raw[k]) == NULL, "query \"%s\": raw %s in the output",
			      highlighted[_i].query, raw[k]);
	free(got);
}
END_TEST

/* ---- directives that bypass escaping ----------------------------------------------- */

/* In ClearSilver 0.10.5 Config.VarEscapeMode covers var: only: alt:, lvar: and evar: print
 * raw HTML even inside an explicit escape:"html" block (checked by hand: <?cs alt:T ?> with
 * T = "</title><script>" outputs the tag). No template may use them; write
 * <?cs if:X ?><?cs var:X ?><?cs else ?>default<?cs /if ?> instead of alt:. */
static const char *const banned_directives[] = { "alt:", "lvar:", "evar:" };

static char banned_report[8192];
static int templates_scanned;

static int scan_template(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t plen = strlen(path);
	if (type != FTW_F || plen < 3 || strcmp(path + plen - 3, ".cs") != 0)
		return 0;
	templates_scanned++;
	size_t len;
	char *text = read_whole_file(path, &len);
	int line = 1;
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			line++;
		if (strncmp(p, "<?cs", 4) != 0)
			continue;
		const char *cmd = p + 4;
		while (isspace((unsigned char)*cmd))
			cmd++;
		for (int i = 0; i < UNIT_ROWS(banned_directives); i++) {
			size_t n = strlen(banned_directives[i]);
			if (strncmp(cmd, banned_directives[i], n) == 0) {
				size_t used = strlen(banned_report);
				snprintf(banned_report + used, sizeof banned_report - used,
					 "\n  %s:%d: <?cs %s (output not HTML-escaped)", path, line,
					 banned_directives[i]);
			}
		}
	}
	free(text);
	return 0;
}

START_TEST(test_no_unescaped_directives)
{
	banned_report[0] = '\0';
	templates_scanned = 0;
	ck_assert_int_eq(nftw(templates_dir(), scan_template, 16, FTW_PHYS), 0);
	ck_assert_msg(templates_scanned > 0, "no templates found under %s", templates_dir());
	ck_assert_msg(banned_report[0] == '\0', "templates use directives that bypass escaping:%s",
		      banned_report);
}
END_TEST

Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("escaping");
	tcase_add_test(tc, test_gold_hostile);
	tcase_add_loop_test(tc, test_escape_value, 0, UNIT_ROWS(escapes));
	tcase_add_loop_test(tc, test_escape_mode_enforced, 0, UNIT_ROWS(escape_modes));
	tcase_add_test(tc, test_missing_template);
	suite_add_tcase(s, tc);

	tc = tcase_create("layout");
	tcase_add_loop_test(tc, test_layout_hostile, 0, UNIT_ROWS(pages));
	tcase_add_loop_test(tc, test_search_highlight_escaped, 0, UNIT_ROWS(highlighted));
	tcase_add_test(tc, test_no_unescaped_directives);
	suite_add_tcase(s, tc);
	return s;
}
