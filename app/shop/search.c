/* search: GET /search (HTML) and GET /api/v1/search (JSON). What a shopper typed becomes
 * words of letters and digits — never FULLTEXT syntax — and the results are highlighted here.
 * Both formats read the same db_search_events() page, so they always agree. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/errors.h"
#include "core/url.h"
#include "db/db_search.h"
#include "http/app.h"
#include "http/http.h"
#include "http/page_cache.h"
#include "http/render.h"
#include "shop/event_filters.h"
#include "shop/events.h"
#include "shop/search.h"

/* Results show catalogue data only (no availability); an edit is in the key's generation and
 * visible on the next request. Time only moves the "upcoming" cut, so an event that has just
 * begun may be found up to 10 s longer. A broad query (`Hall*`, ~100 ms) is then rebuilt once
 * per 10 s, not every second, off the other shoppers' latency. */
#define SEARCH_FRESH_MS 10000
#define SEARCH_SNIPPET_LEAD_CHARS 60   /* context kept before the first match */

/* --- UTF-8 and characters ---------------------------------------------------------------- */

/* Decode the code point at s[i] (input is valid UTF-8: parse.c and MariaDB see to it; a stray
 * byte still decodes as U+FFFD so nothing here can run off the end). Returns its byte length. */
static size_t utf8_decode(const char *str, size_t len, size_t i, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[i];
	size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (n == 0 || i + n > len) {
		*cp = 0xFFFD;
		return 1;
	}
	unsigned v = n == 1 ? c : c & (0xFFu >> (n + 1));
	for (size_t k = 1; k < n; k++) {
		if ((s[i + k] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i + k] & 0x3F);
	}
	*cp = v;
	return n;
}

static size_t utf8_encode(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static bool search_is_space(unsigned cp)
{
	return cp <= 0x20 || cp == 0x7F || cp == 0xA0;
}

/* A character of a word: ASCII letters and digits, and every other character except the
 * punctuation and symbol blocks, so letters of any script (and combining accents) count. */
static bool search_is_word_char(unsigned cp)
{
	if (cp < 0x80)
		return isalnum((int)cp);
	if (cp < 0xC0)
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA;   /* ª µ º */
	if (cp == 0xD7 || cp == 0xF7)                          /* × ÷ */
		return false;
	if ((cp >= 0x2000 && cp <= 0x2BFF) ||   /* punctuation, currency, arrows, math, shapes */
	    (cp >= 0x3000 && cp <= 0x303F) ||   /* CJK punctuation */
	    (cp >= 0xE000 && cp <= 0xF8FF) ||   /* private use */
	    (cp >= 0xFE00 && cp <= 0xFE0F) ||   /* variation selectors */
	    (cp >= 0xFE30 && cp <= 0xFE4F) || cp == 0xFEFF ||
	    (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	    (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
	    (cp >= 0xFFF0 && cp <= 0xFFFF) ||   /* specials, U+FFFD */
	    (cp >= 0x1F000 && cp <= 0x1FAFF))   /* emoji and pictographs */
		return false;
	return true;
}

/* Case and accent folding for highlighting, close to what utf8mb4_unicode_ci does for the
 * SQL: ASCII, Latin-1 and Latin Extended-A to plain lower-case letters, basic Greek and
 * Cyrillic to lower case, combining accents dropped. Writes at most 4 bytes. */
static const char FOLD_LATIN1[] = "aaaaaa-ceeeeiiiidnooooo-ouuuuy--aaaaaa-ceeeeiiiidnooooo-ouuuuy-y";
static const char FOLD_LATIN_EXT_A[] =
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii--jjkkkllllllllll"
	"nnnnnnnnnoooooo--rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
_Static_assert(sizeof FOLD_LATIN1 == 65, "one letter per code point U+00C0..U+00FF");
_Static_assert(sizeof FOLD_LATIN_EXT_A == 129, "one letter per code point U+0100..U+017F");

static size_t search_fold_char(unsigned cp, char *out)
{
	const char *two = NULL;
	switch (cp) {
	case 0xC6: case 0xE6: two = "ae"; break;
	case 0xDE: case 0xFE: two = "th"; break;
	case 0xDF: two = "ss"; break;
	case 0x132: case 0x133: two = "ij"; break;
	case 0x152: case 0x153: two = "oe"; break;
	default: break;
	}
	if (two) {
		memcpy(out, two, 2);
		return 2;
	}
	if (cp < 0x80) {
		out[0] = (char)tolower((int)cp);
		return 1;
	}
	if (cp >= 0xC0 && cp <= 0xFF && FOLD_LATIN1[cp - 0xC0] != '-') {
		out[0] = FOLD_LATIN1[cp - 0xC0];
		return 1;
	}
	if (cp >= 0x100 && cp <= 0x17F && FOLD_LATIN_EXT_A[cp - 0x100] != '-') {
		out[0] = FOLD_LATIN_EXT_A[cp - 0x100];
		return 1;
	}
	if (cp >= 0x300 && cp <= 0x36F)
		return 0;
	if ((cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F))
		cp += 0x20;
	else if (cp >= 0x400 && cp <= 0x40F)
		cp += 0x50;
	return utf8_encode(cp, out);
}

/* The folded form of a whole word, for comparing words. */
static const char *search_fold(struct arena *a, const char *word, size_t len)
{
	char *out = arena_alloc(a, len * 2 + 1);   /* folding at most doubles a character */
	size_t n = 0;
	unsigned cp;
	for (size_t i = 0; i < len;) {
		i += utf8_decode(word, len, i, &cp);
		n += search_fold_char(cp, out + n);
	}
	out[n] = '\0';
	return out;
}

/* Does the word, folded, start with `key` (already folded)? Folds as it goes: no copies. */
static bool search_fold_starts_with(const char *word, size_t len, const char *key)
{
	size_t k = 0;
	unsigned cp;
	for (size_t i = 0; i < len && key[k] != '\0';) {
		i += utf8_decode(word, len, i, &cp);
		char folded[4];
		size_t n = search_fold_char(cp, folded);
		for (size_t j = 0; j < n && key[k] != '\0'; j++, k++)
			if (folded[j] != key[k])
				return false;
	}
	return key[k] == '\0';
}

/* The next word at or after *pos: its byte range [*start, *end). False when none is left. */
static bool search_next_word(const char *text, size_t len, size_t *pos, size_t *start, size_t *end)
{
	size_t i = *pos;
	unsigned cp;
	while (i < len) {
		size_t n = utf8_decode(text, len, i, &cp);
		if (search_is_word_char(cp))
			break;
		i += n;
	}
	if (i >= len)
		return false;
	*start = i;
	while (i < len) {
		size_t n = utf8_decode(text, len, i, &cp);
		if (!search_is_word_char(cp))
			break;
		i += n;
	}
	*end = *pos = i;
	return true;
}

/* --- the query ---------------------------------------------------------------------------- */

/* Trim, and collapse every run of white space (and control characters) to one space. */
static const char *search_normalise(struct arena *a, const char *raw, size_t *nchars)
{
	size_t len = raw ? strlen(raw) : 0;
	char *out = arena_alloc(a, len + 1);
	size_t n = 0, chars = 0;
	bool space = false;
	unsigned cp;
	for (size_t i = 0; i < len;) {
		size_t step = utf8_decode(raw, len, i, &cp);
		if (search_is_space(cp)) {
			space = n > 0;
		} else {
			if (space) {
				out[n++] = ' ';
				chars++;
			}
			space = false;
			memcpy(out + n, raw + i, step);
			n += step;
			chars++;
		}
		i += step;
	}
	out[n] = '\0';
	*nchars = chars;
	return out;
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t chars = 0;
	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	return chars;
}

/* LIKE pattern for a word anywhere, with LIKE's wildcards and escape escaped (a word holds
 * none of them today; this keeps it true if the word rules change). */
static const char *search_like_pattern(struct arena *a, const char *word, size_t len)
{
	char *out = arena_alloc(a, len * 2 + 3);
	size_t n = 0;
	out[n++] = '%';
	for (size_t i = 0; i < len; i++) {
		if (word[i] == '%' || word[i] == '_' || word[i] == '\\')
			out[n++] = '\\';
		out[n++] = word[i];
	}
	out[n++] = '%';
	out[n] = '\0';
	return out;
}

struct search_word {
	const char *text;
	size_t len;
	size_t nchars;
	const char *key;       /* folded */
	bool stopword;
};

/* InnoDB's default stopword list (information_schema.innodb_ft_default_stopword). Our index
 * keeps these words (sql/0003), so a query made only of them ("The Who") still works; next to
 * other words they are dropped: they narrow nothing, a short one could only be matched by LIKE
 * on name and search_extra, and "the*" alone costs more than the rest of a query. */
static const char *const SEARCH_STOPWORDS[] = {
	"a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from", "how",
	"i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to", "und", "was",
	"what", "when", "where", "who", "will", "with", "www",
};

static bool search_is_stopword(const char *key)
{
	for (size_t i = 0; i < sizeof SEARCH_STOPWORDS / sizeof SEARCH_STOPWORDS[0]; i++)
		if (strcmp(key, SEARCH_STOPWORDS[i]) == 0)
			return true;
	return false;
}

void search_query_parse(struct arena *a, const char *raw, struct search_query *q)
{
	memset(q, 0, sizeof *q);
	q->text = search_normalise(a, raw, &q->nchars);
	size_t len = strlen(q->text);
	/* A word needs at least one character, and words are separated: len / 2 + 1 bounds them. */
	struct search_word *words = arena_alloc(a, sizeof *words * (len / 2 + 1));
	int nwords = 0;
	bool any_longer_than_one = false, any_significant = false;
	size_t pos = 0, start, end;
	while (search_next_word(q->text, len, &pos, &start, &end)) {
		struct search_word w = {
			.text = q->text + start,
			.len = end - start,
			.nchars = utf8_chars(q->text + start, end - start),
			.key = search_fold(a, q->text + start, end - start),
		};
		w.stopword = search_is_stopword(w.key);
		if (w.key[0] == '\0')
			continue;   /* only combining marks */
		bool seen = false;
		for (int i = 0; i < nwords && !seen; i++)
			seen = strcmp(words[i].key, w.key) == 0;
		if (seen)
			continue;
		words[nwords++] = w;
		any_longer_than_one = any_longer_than_one || w.nchars > 1;
		any_significant = any_significant || (!w.stopword && w.nchars > 1);
	}

	/* Long words go to FULLTEXT as "+word*" (required, prefix). Short ones cannot use the
	 * index: LIKE on name and search_extra. A lone letter next to real words ("Guns N Roses")
	 * says nothing and is dropped, and so are stopwords next to other words. */
	struct buf all = { 0 }, any = { 0 };
	int nindexed = 0;
	q->words = arena_alloc(a, sizeof *q->words * (size_t)(nwords + 1));
	for (int i = 0; i < nwords; i++) {
		const struct search_word *w = &words[i];
		if (w->stopword && any_significant)
			continue;
		if (w->nchars >= SEARCH_MIN_INDEXED_CHARS) {
			if (nindexed == SEARCH_MAX_INDEXED_WORDS)
				continue;
			nindexed++;
			buf_printf(&all, "%s+%.*s*", all.len ? " " : "", (int)w->len, w->text);
			buf_printf(&any, "%s%.*s*", any.len ? " " : "", (int)w->len, w->text);
		} else {
			if ((w->nchars == 1 && any_longer_than_one) || q->terms.nlike == DB_SEARCH_MAX_LIKE)
				continue;
			q->terms.like[q->terms.nlike++] = search_like_pattern(a, w->text, w->len);
		}
		q->words[q->nwords++] = w->key;
	}
	if (nindexed) {
		q->terms.all_words = arena_strdup(a, all.data);
		q->terms.any_words = arena_strdup(a, any.data);
	}
	buf_free(&all);
	buf_free(&any);
}

/* --- highlighting ------------------------------------------------------------------------- */

static bool search_word_matches(const struct search_query *q, const char *word, size_t len)
{
	for (int i = 0; i < q->nwords; i++)
		if (search_fold_starts_with(word, len, q->words[i]))
			return true;
	return false;
}

struct search_parts {
	struct search_part *list;
	int n;
};

static void search_parts_add(struct arena *a, struct search_parts *p, const char *text,
			     size_t len, int mark)
{
	if (len == 0)
		return;
	p->list[p->n].text = arena_strndup(a, text, len);
	p->list[p->n].mark = mark;
	p->n++;
}

/* Append `text` as parts, marking the words that match. Every part is at least one byte
 * long, so a caller's array of len (+ 2 for a snippet's "…") parts is enough. */
static void search_parts_mark(struct arena *a, const struct search_query *q, const char *text,
			      size_t len, struct search_parts *p)
{
	size_t pos = 0, start, end, plain = 0;
	while (search_next_word(text, len, &pos, &start, &end)) {
		if (!search_word_matches(q, text + start, end - start))
			continue;
		search_parts_add(a, p, text + plain, start - plain, 0);
		search_parts_add(a, p, text + start, end - start, 1);
		plain = end;
	}
	search_parts_add(a, p, text + plain, len - plain, 0);
}

int search_highlight(struct arena *a, const struct search_query *q, const char *text,
		     size_t len, struct search_part **parts)
{
	struct search_parts p = { arena_alloc(a, sizeof *p.list * (len + 1)), 0 };
	search_parts_mark(a, q, text, len, &p);
	*parts = p.list;
	return p.n;
}

/* Byte offset `nchars` characters before / after `i` (clamped to the text). */
static size_t utf8_back(const char *s, size_t i, size_t nchars)
{
	while (i > 0 && nchars > 0) {
		i--;
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			nchars--;
	}
	return i;
}

static size_t utf8_forward(const char *s, size_t len, size_t i, size_t nchars)
{
	while (i < len && nchars > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		nchars--;
	}
	return i;
}

/* White space and control bytes: never part of a multibyte character, so safe to cut at. */
static bool ascii_space(char c)
{
	return (unsigned char)c <= 0x20;
}

int search_snippet(struct arena *a, const struct search_query *q, const char *text,
		   struct search_part **parts)
{
	size_t len = text ? strlen(text) : 0;
	size_t pos = 0, mstart = 0, mend = 0, start = 0, end;
	bool found = false;
	while (!found && search_next_word(text, len, &pos, &mstart, &mend))
		found = search_word_matches(q, text + mstart, mend - mstart);
	if (!found)
		mstart = mend = 0;                            /* no match: the window starts at 0 */
	if (found && utf8_chars(text, mstart) > SEARCH_SNIPPET_LEAD_CHARS) {
		start = utf8_back(text, mstart, SEARCH_SNIPPET_LEAD_CHARS);
		size_t space = start;
		while (space < mstart && !ascii_space(text[space]))
			space++;
		if (space < mstart)
			start = space + 1;                    /* begin with a whole word */
	}
	end = utf8_forward(text, len, start, SEARCH_SNIPPET_CHARS);
	if (end < len) {
		size_t cut = end;
		while (cut > start && cut > mend && !ascii_space(text[cut]))
			cut--;
		if (ascii_space(text[cut]))
			end = cut;                            /* end with a whole word */
	}
	while (start < end && ascii_space(text[start]))
		start++;
	while (end > start && ascii_space(text[end - 1]))
		end--;
	/* Every part holds at least one byte: the window's length bounds them, plus two "…". */
	/* "…" only where text was really left out, not just white space. */
	bool cut_before = false, cut_after = false;
	for (size_t i = 0; i < start && !cut_before; i++)
		cut_before = !ascii_space(text[i]);
	for (size_t i = end; i < len && !cut_after; i++)
		cut_after = !ascii_space(text[i]);
	struct search_parts p = { arena_alloc(a, sizeof *p.list * (end - start + 2)), 0 };
	*parts = p.list;
	if (end == start)
		return 0;                                     /* nothing but white space */
	if (cut_before)
		search_parts_add(a, &p, "…", strlen("…"), 0);
	search_parts_mark(a, q, text + start, end - start, &p);
	if (cut_after)
		search_parts_add(a, &p, "…", strlen("…"), 0);
	*parts = p.list;
	return p.n;
}

/* --- pages -------------------------------------------------------------------------------- */

struct search_request {
	struct search_query q;
	struct event_filters f;
};

/* Search.* for the templates: the query for the search box and the filter form (which then
 * posts back to /search), and the query string that pagination links carry. */
static void search_hdf(struct request *req, const struct search_request *s)
{
	HDF *hdf = render_hdf(req);
	hdf_set_int_value(hdf, "Search.Active", 1);
	hdf_set_value(hdf, "Search.Query", s->q.text);
	const char *filters = event_filters_query(req, &s->f);
	hdf_set_value(hdf, "Search.Link", arena_printf(req->arena, "query=%s%s%s",
			  url_encode(req->arena, s->q.text), filters[0] ? "&" : "", filters));
	hdf_set_value(hdf, "Page.Title", arena_printf(req->arena, "Results for “%s”", s->q.text));
}

static void search_parts_hdf(struct request *req, HDF *node, const char *name,
			     const struct search_part *parts, int n)
{
	for (int i = 0; i < n; i++) {
		hdf_set_value(node, arena_printf(req->arena, "%s.%d.Text", name, i), parts[i].text);
		if (parts[i].mark)
			hdf_set_int_value(node, arena_printf(req->arena, "%s.%d.Mark", name, i), 1);
	}
}

static void search_result_hdf(struct request *req, HDF *node, const struct search_query *q,
			      const struct event_summary *ev, const char *description)
{
	events_summary_hdf(req, node, ev);
	struct search_part *parts;
	int n = search_highlight(req->arena, q, ev->name, strlen(ev->name), &parts);
	if (n > 1 || (n == 1 && parts[0].mark))
		search_parts_hdf(req, node, "NameParts", parts, n);
	n = search_snippet(req->arena, q, description, &parts);
	search_parts_hdf(req, node, "SnippetParts", parts, n);
}

static NEOERR *search_build_page(struct request *req, void *ctx)
{
	const struct search_request *s = ctx;
	struct db_search_page found;
	NEOERR *err = db_search_events(&req->app->db, req->arena, &s->q.terms, &s->f, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	err = event_filters_to_hdf(req, &s->f, false);
	if (err != STATUS_OK)
		return nerr_pass(err);
	search_hdf(req, s);
	for (int i = 0; i < found.page.count; i++) {
		HDF *node;
		hdf_get_node(hdf, arena_printf(req->arena, "Events.%d", i), &node);
		search_result_hdf(req, node, &s->q, &found.page.events[i], found.descriptions[i]);
	}
	events_pagination_hdf(hdf, &found.page);
	return nerr_pass(render_page(req, "search/results.cs"));
}

/* A rejected query or filter: the results page with the message, the form as the user
 * filled it in, and status 400. */
static NEOERR *search_page_rejected(struct request *req, struct search_request *s, NEOERR *why)
{
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Filters.Error", errors_message(why));
	nerr_ignore(&why);
	s->f = (struct event_filters){ .page = 1, .page_size = EVENT_FILTERS_PAGE_SIZE };
	NEOERR *err = event_filters_to_hdf(req, &s->f, true);
	if (err != STATUS_OK)
		return nerr_pass(err);
	search_hdf(req, s);
	req->resp.status = 400;
	return nerr_pass(render_page(req, "search/results.cs"));
}

/* No query yet: a friendly page that asks for one (with the browse filters beside it). */
static NEOERR *search_page_prompt(struct request *req, const struct event_filters *f)
{
	HDF *hdf = render_hdf(req);
	NEOERR *err = event_filters_to_hdf(req, f, false);
	if (err != STATUS_OK)
		return nerr_pass(err);
	hdf_set_value(hdf, "Page.Title", "Search events");
	hdf_set_int_value(hdf, "Search.Prompt", 1);
	return nerr_pass(render_page(req, "search/results.cs"));
}

static NEOERR *search_check_length(const struct search_query *q)
{
	if (q->nchars > SEARCH_MAX_QUERY_CHARS)
		return nerr_raise(ERR_BAD_REQUEST,
				  "Parameter 'query' must be at most %d characters (it has %lu).",
				  SEARCH_MAX_QUERY_CHARS, (unsigned long)q->nchars);
	return STATUS_OK;
}

static const char *search_cache_key(struct request *req, const char *prefix,
				    const struct search_request *s)
{
	return page_cache_key(req, prefix, arena_printf(req->arena, "%s|%s|%d", s->q.text,
				event_filters_query(req, &s->f), s->f.page));
}

NEOERR *search_page(struct request *req)
{
	struct search_request *s = arena_zalloc(req->arena, sizeof *s);
	search_query_parse(req->arena, http_query(req, "query"), &s->q);
	NEOERR *err = event_filters_parse(req, true, &s->f);
	if (err == STATUS_OK)
		err = search_check_length(&s->q);
	if (err != STATUS_OK) {
		if (errors_http_status(err) != 400)
			return nerr_pass(err);
		return search_page_rejected(req, s, err);
	}
	if (s->q.text[0] == '\0')
		return nerr_pass(search_page_prompt(req, &s->f));
	return nerr_pass(page_cache_serve(req, search_cache_key(req, "search:html", s),
					  SEARCH_FRESH_MS, search_build_page, s, sizeof *s));
}

static NEOERR *search_build_api(struct request *req, void *ctx)
{
	const struct search_request *s = ctx;
	struct db_search_page found;
	NEOERR *err = db_search_events(&req->app->db, req->arena, &s->q.terms, &s->f, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *list = json_object_new_array();
	for (int i = 0; i < found.page.count; i++)
		json_object_array_add(list, events_summary_json(req, &found.page.events[i]));
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "query", json_object_new_string(s->q.text));
	json_object_object_add(body, "events", list);
	json_object_object_add(body, "page", json_object_new_int(found.page.page));
	json_object_object_add(body, "pageSize", json_object_new_int(found.page.page_size));
	json_object_object_add(body, "total", json_object_new_int64(found.page.total));
	render_json(req, 200, body);
	return STATUS_OK;
}

NEOERR *search_api(struct request *req)
{
	struct search_request *s = arena_zalloc(req->arena, sizeof *s);
	search_query_parse(req->arena, http_query(req, "query"), &s->q);
	NEOERR *err = search_check_length(&s->q);
	if (err == STATUS_OK && s->q.text[0] == '\0')
		err = nerr_raise(ERR_BAD_REQUEST, "Parameter 'query' is required.");
	if (err == STATUS_OK)
		err = event_filters_parse(req, true, &s->f);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(page_cache_serve(req, search_cache_key(req, "search:api", s),
					  SEARCH_FRESH_MS, search_build_api, s, sizeof *s));
}
