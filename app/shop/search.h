/* search: keyword search over events (HTML and JSON) — what a shopper typed turned into safe
 * search terms, the ranked results, and their highlighted names and snippets. */
#ifndef BOXOFFICE_SEARCH_H
#define BOXOFFICE_SEARCH_H
#include <stddef.h>
#include <ClearSilver.h>
#include "db/db_search.h"

struct arena;
struct request;

#define SEARCH_MAX_QUERY_CHARS 1000  /* characters of the normalised query; longer is a 400 */
#define SEARCH_MIN_INDEXED_CHARS 3   /* innodb_ft_min_token_size: shorter words use LIKE */
#define SEARCH_MAX_INDEXED_WORDS 16  /* distinct words sent to FULLTEXT; the rest are ignored */
#define SEARCH_SNIPPET_CHARS 160

/* A query as typed, made safe. */
struct search_query {
	const char *text;            /* trimmed, runs of white space collapsed to one space */
	size_t nchars;               /* characters (code points) in text */
	const char **words;          /* distinct words, case- and accent-folded, for highlighting */
	int nwords;
	struct db_search_terms terms;
};

NEOERR *search_page(struct request *req);
NEOERR *search_api(struct request *req);

/* Normalise and tokenize `raw` (NULL = empty): never fails; every FULLTEXT operator the user
 * typed is dropped, since only words of letters and digits survive. */
void search_query_parse(struct arena *a, const char *raw, struct search_query *q);

/* One run of text for a template: Mark is set on runs that match a query word. */
struct search_part {
	const char *text;
	int mark;
};
/* `text` cut into runs, marking each word that starts with a query word (case- and
 * accent-insensitive). Returns the number of parts. */
int search_highlight(struct arena *a, const struct search_query *q, const char *text,
		     size_t len, struct search_part **parts);
/* About SEARCH_SNIPPET_CHARS characters of `text` around its first match (or its start),
 * cut at spaces, with "…" where it was cut; highlighted as above. */
int search_snippet(struct arena *a, const struct search_query *q, const char *text,
		   struct search_part **parts);

#endif
