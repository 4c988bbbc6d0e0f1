/* db_search: the SQL of keyword search — one FULLTEXT (BOOLEAN MODE) statement that ranks,
 * counts (a window count) and returns a page of events, combined with the browse filters. */
#ifndef BOXOFFICE_DB_SEARCH_H
#define BOXOFFICE_DB_SEARCH_H
#include <ClearSilver.h>
#include "db/db_events.h"

struct arena;
struct db;
struct event_filters;

/* At most this many LIKE patterns (words too short for the FULLTEXT index): each costs two
 * bound parameters, and the filters need up to eight of sql_builder's 32. */
#define DB_SEARCH_MAX_LIKE 6

/* What to look for, already made safe by the caller (search.c): no user text reaches the SQL
 * text, and these strings only travel as bound parameters. */
struct db_search_terms {
	const char *all_words;       /* BOOLEAN MODE query requiring every long word ("+rock* +night*"),
				      * or NULL when every word is short */
	const char *any_words;       /* the same words, optional ("rock* night*"), for the title score */
	const char *like[DB_SEARCH_MAX_LIKE]; /* "%u2%": short words, LIKE-escaped */
	int nlike;
};

struct db_search_page {
	struct event_page page;      /* the events, in rank order (or the filters' sort) */
	const char **descriptions;   /* per event, for the highlighted snippet */
};

/* A page of upcoming published events matching every term and the filters. */
NEOERR *db_search_events(struct db *db, struct arena *a, const struct db_search_terms *t,
			 const struct event_filters *f, struct db_search_page *out);

#endif
