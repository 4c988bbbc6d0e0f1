/* db_search: keyword search over events. Long words go through the FULLTEXT index
 * ft_events_text (name, description, search_extra) in BOOLEAN MODE; words shorter than
 * innodb_ft_min_token_size are matched with LIKE on name and search_extra. */
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_search.h"
#include "db/sql_builder.h"

/* The rank: a title hit counts four times over a hit anywhere, so a title match outranks a
 * description-only one. Short words (no index, no relevance) add a title bonus of their own. */
#define SQL_SEARCH_TEXT_MATCH \
	"MATCH(e.name, e.description, e.search_extra) AGAINST(? IN BOOLEAN MODE)"
#define SQL_SEARCH_NAME_MATCH "MATCH(e.name) AGAINST(? IN BOOLEAN MODE)"

/* WHERE: every term must match (then the filters, with published/upcoming). */
static void search_where(const struct db_search_terms *t, const struct event_filters *f,
			 struct arena *a, struct sql_builder *sb)
{
	sql_add(sb, " WHERE 1=1");
	if (t->all_words) {
		sql_add(sb, " AND " SQL_SEARCH_TEXT_MATCH);
		sql_str(sb, t->all_words);
	}
	for (int i = 0; i < t->nlike; i++) {
		sql_add(sb, " AND CONCAT_WS(' ', e.name, e.search_extra) LIKE ?");
		sql_str(sb, t->like[i]);
	}
	db_events_where(f, a, sb);
}

static void search_score(const struct db_search_terms *t, struct sql_builder *sb)
{
	sql_add(sb, ", (0");
	if (t->all_words) {
		sql_add(sb, " + 4 * " SQL_SEARCH_NAME_MATCH " + " SQL_SEARCH_TEXT_MATCH);
		sql_str(sb, t->any_words);
		sql_str(sb, t->all_words);
	}
	for (int i = 0; i < t->nlike; i++) {
		sql_add(sb, " + 4 * (e.name LIKE ?)");
		sql_str(sb, t->like[i]);
	}
	sql_add(sb, ") AS score");
}

/* The order inside the ranking subquery (e.*) and again outside it (hit.*): ties on score or
 * popularity fall back to the date, then the id, so pages never overlap. */
static const struct {
	const char *inner;
	const char *outer;
} SEARCH_ORDER[] = {
	[EVENT_SORT_RELEVANCE] = { " ORDER BY score DESC, e.starts_at, e.event_id",
				   " ORDER BY hit.score DESC, hit.starts_at, hit.event_id" },
	[EVENT_SORT_DATE] = { " ORDER BY e.starts_at, e.event_id",
			      " ORDER BY hit.starts_at, hit.event_id" },
	[EVENT_SORT_POPULARITY] = { " ORDER BY e.popularity DESC, e.starts_at, e.event_id",
				    " ORDER BY hit.popularity DESC, hit.starts_at, hit.event_id" },
};

/* The page's rows, with the number of all matches (a window count over the same rows, so
 * the FULLTEXT search runs once for both). Ranking and cutting the page happen on the bare
 * event rows first; only the page's rows then pay for the summary columns (price and
 * performer subqueries) and the description. */
static NEOERR *search_page_rows(struct db *db, struct arena *a, const struct db_search_terms *t,
				const struct event_filters *f, struct db_result *r)
{
	struct sql_builder *q = sql_new(a);
	sql_add(q, "SELECT " DB_EVENTS_SUMMARY_COLUMNS ", e.description, hit.total"
		   " FROM (SELECT e.event_id, e.starts_at, e.popularity, COUNT(*) OVER () AS total");
	search_score(t, q);
	sql_add(q, DB_EVENTS_FROM);
	search_where(t, f, a, q);
	sql_add(q, SEARCH_ORDER[f->sort].inner);
	sql_add(q, " LIMIT ? OFFSET ?) hit"
		   " JOIN events e ON e.event_id = hit.event_id"
		   " JOIN venues v ON v.venue_id = e.venue_id"
		   " JOIN categories c ON c.category_id = e.category_id");
	sql_int(q, f->page_size);
	sql_int(q, (long long)(f->page - 1) * f->page_size);
	sql_add(q, SEARCH_ORDER[f->sort].outer);
	return nerr_pass(sql_exec(q, db, a, r));
}

/* Only for a page past the last one, which has no rows to carry the window count. */
static NEOERR *search_count(struct db *db, struct arena *a, const struct db_search_terms *t,
			    const struct event_filters *f, long long *total)
{
	struct sql_builder *count = sql_new(a);
	sql_add(count, "SELECT COUNT(*)" DB_EVENTS_FROM);
	search_where(t, f, a, count);
	struct db_result r;
	NEOERR *err = sql_exec(count, db, a, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *cell = r.nrows ? db_cell(&r, 0, 0) : NULL;
	*total = cell ? strtoll(cell, NULL, 10) : 0;
	return STATUS_OK;
}

NEOERR *db_search_events(struct db *db, struct arena *a, const struct db_search_terms *t,
			 const struct event_filters *f, struct db_search_page *out)
{
	memset(out, 0, sizeof *out);
	out->page.page = f->page;
	out->page.page_size = f->page_size;
	if (t->all_words == NULL && t->nlike == 0)
		return STATUS_OK;   /* nothing searchable was typed: nothing matches */

	struct db_result r;
	NEOERR *err = search_page_rows(db, a, t, f, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	int n = r.nrows;
	if (n == 0)
		return f->page > 1 ? nerr_pass(search_count(db, a, t, f, &out->page.total)) : STATUS_OK;
	const char *total = db_cell(&r, 0, DB_EVENTS_SUMMARY_NCOLUMNS + 1);
	out->page.total = total ? strtoll(total, NULL, 10) : n;
	out->page.count = n;
	out->page.events = arena_zalloc(a, sizeof(struct event_summary) * (size_t)(n + 1));
	out->descriptions = arena_zalloc(a, sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		db_events_summary_from_row(a, &r, i, 0, &out->page.events[i]);
		out->descriptions[i] = db_cell(&r, i, DB_EVENTS_SUMMARY_NCOLUMNS);
	}
	return STATUS_OK;
}
