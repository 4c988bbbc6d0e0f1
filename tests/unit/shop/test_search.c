/* test_search: what a shopper types, made safe — the query parser's FULLTEXT and LIKE terms,
 * highlighting and snippets, table by table, then a deterministic fuzz loop over the parser. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "http/parse.h"
#include "shop/search.h"

#define ELLIPSIS "\xe2\x80\xa6"   /* … */

/* ck_assert_msg() reports every passing check to the parent process (a pipe write per
 * assertion in fork mode): far too slow for the fuzz loop's millions of checks. This only
 * calls into Check when the condition fails. */
#define EXPECT(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)

/* ---- helpers ----------------------------------------------------------------------------- */

static size_t chars_in(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static bool valid(const char *s)
{
	return s != NULL && utf8_valid(s, strlen(s));
}

/* Parts as one string for comparing and for failure messages: "|" between parts, a marked
 * part in [brackets]. Inputs in the tables hold neither '|' nor '[' nor ']'. */
static const char *parts_show(struct arena *a, const struct search_part *parts, int n)
{
	char *s = arena_strdup(a, "");
	for (int i = 0; i < n; i++)
		s = arena_printf(a, "%s%s%s%s%s", s, i ? "|" : "", parts[i].mark ? "[" : "",
				 parts[i].text, parts[i].mark ? "]" : "");
	return s;
}

/* Every part is a non-empty, valid UTF-8 run (so no character was split) with Mark 0 or 1,
 * no two plain runs are adjacent, and together, in order, they are exactly text[0..len). */
static void check_parts_cover(const char *name, const char *text, size_t len,
			      const struct search_part *parts, int n)
{
	size_t off = 0;
	for (int i = 0; i < n; i++) {
		size_t plen = strlen(parts[i].text);
		EXPECT(plen > 0, "%s: part %d is empty", name, i);
		EXPECT(utf8_valid(parts[i].text, plen), "%s: part %d is not valid UTF-8", name, i);
		EXPECT(parts[i].mark == 0 || parts[i].mark == 1, "%s: part %d mark %d", name, i,
			      parts[i].mark);
		EXPECT(i == 0 || parts[i].mark || parts[i - 1].mark,
			      "%s: plain parts %d and %d should be one run", name, i - 1, i);
		EXPECT(off + plen <= len && memcmp(text + off, parts[i].text, plen) == 0,
			      "%s: part %d \"%s\" is not the input at byte %zu", name, i, parts[i].text, off);
		off += plen;
	}
	EXPECT(off == len, "%s: parts cover %zu of %zu bytes", name, off, len);
}

/* ---- search_query_parse: table ----------------------------------------------------------- */

static const struct {
	const char *name;
	const char *raw;
	const char *text;              /* normalised */
	const char *all;               /* NULL: no FULLTEXT term */
	const char *any;
	const char *like[DB_SEARCH_MAX_LIKE + 1];   /* NULL-terminated */
	const char *words[8];                       /* NULL-terminated, folded */
} parse_cases[] = {
	/* operators typed by accident never reach FULLTEXT */
	{ "plus minus star", "+rock -night*", "+rock -night*", "+rock* +night*", "rock* night*",
	  { NULL }, { "rock", "night" } },
	{ "quoted phrase", "\"rock night\"", "\"rock night\"", "+rock* +night*", "rock* night*",
	  { NULL }, { "rock", "night" } },
	{ "every operator", "(rock)<night>~jazz@2 \"live\"", "(rock)<night>~jazz@2 \"live\"",
	  "+rock* +night* +jazz* +live*", "rock* night* jazz* live*", { NULL },
	  { "rock", "night", "jazz", "live" } },
	{ "operators only", "+-*\"()<>~@", "+-*\"()<>~@", NULL, NULL, { NULL }, { NULL } },
	{ "lone quote", "\"", "\"", NULL, NULL, { NULL }, { NULL } },
	{ "star inside a word", "rock*night", "rock*night", "+rock* +night*", "rock* night*",
	  { NULL }, { "rock", "night" } },
	{ "markup", "<script>alert(1)</script>", "<script>alert(1)</script>", "+script* +alert*",
	  "script* alert*", { NULL }, { "script", "alert" } },
	{ "LIKE wildcards", "50% off_sale", "50% off_sale", "+off* +sale*", "off* sale*",
	  { "%50%" }, { "50", "off", "sale" } },
	{ "backslash", "C:\\path", "C:\\path", "+path*", "path*", { NULL }, { "path" } },
	/* short words: LIKE, with their case as typed */
	{ "U2", "U2", "U2", NULL, NULL, { "%U2%" }, { "u2" } },
	{ "AC/DC", "AC/DC", "AC/DC", NULL, NULL, { "%AC%", "%DC%" }, { "ac", "dc" } },
	{ "AC-DC", "AC-DC", "AC-DC", NULL, NULL, { "%AC%", "%DC%" }, { "ac", "dc" } },
	{ "short and long", "U2 live", "U2 live", "+live*", "live*", { "%U2%" }, { "u2", "live" } },
	{ "one letter alone", "a", "a", NULL, NULL, { "%a%" }, { "a" } },
	{ "letters only", "A B", "A B", NULL, NULL, { "%A%", "%B%" }, { "a", "b" } },
	{ "lone letter dropped", "Guns N Roses", "Guns N Roses", "+Guns* +Roses*", "Guns* Roses*",
	  { NULL }, { "guns", "roses" } },
	{ "apostrophe", "Guns N' Roses", "Guns N' Roses", "+Guns* +Roses*", "Guns* Roses*",
	  { NULL }, { "guns", "roses" } },
	{ "O'Brien", "O'Brien", "O'Brien", "+Brien*", "Brien*", { NULL }, { "brien" } },
	{ "at most six LIKE terms", "ab cd ef gh ij kl mn op", "ab cd ef gh ij kl mn op", NULL, NULL,
	  { "%ab%", "%cd%", "%ef%", "%gh%", "%ij%", "%kl%" }, { "ab", "cd", "ef", "gh", "ij", "kl" } },
	/* stopwords: searchable alone, dropped next to real words */
	{ "The Who", "The Who", "The Who", "+The* +Who*", "The* Who*", { NULL }, { "the", "who" } },
	{ "The Killers", "The Killers", "The Killers", "+Killers*", "Killers*", { NULL },
	  { "killers" } },
	{ "short stopwords next to U2", "Is it U2", "Is it U2", NULL, NULL, { "%U2%" }, { "u2" } },
	{ "stopwords repeated", "THE the The", "THE the The", "+THE*", "THE*", { NULL }, { "the" } },
	/* scripts and accents: terms as typed, words folded */
	{ "Müller", "M\xc3\xbcller", "M\xc3\xbcller", "+M\xc3\xbcller*", "M\xc3\xbcller*", { NULL },
	  { "muller" } },
	{ "muller", "muller", "muller", "+muller*", "muller*", { NULL }, { "muller" } },
	{ "Müller three ways", "muller M\xc3\x9cLLER M\xc3\xbcller", "muller M\xc3\x9cLLER M\xc3\xbcller",
	  "+muller*", "muller*", { NULL }, { "muller" } },
	{ "CAFÉ café", "CAF\xc3\x89 caf\xc3\xa9", "CAF\xc3\x89 caf\xc3\xa9", "+CAF\xc3\x89*",
	  "CAF\xc3\x89*", { NULL }, { "cafe" } },
	{ "decomposed é", "Cafe\xcc\x81", "Cafe\xcc\x81", "+Cafe\xcc\x81*", "Cafe\xcc\x81*", { NULL },
	  { "cafe" } },
	{ "lone combining mark", "\xcc\x81", "\xcc\x81", NULL, NULL, { NULL }, { NULL } },
	{ "Straße", "Stra\xc3\x9f" "e", "Stra\xc3\x9f" "e", "+Stra\xc3\x9f" "e*", "Stra\xc3\x9f" "e*",
	  { NULL }, { "strasse" } },
	{ "Ærø", "\xc3\x86r\xc3\xb8", "\xc3\x86r\xc3\xb8", "+\xc3\x86r\xc3\xb8*", "\xc3\x86r\xc3\xb8*",
	  { NULL }, { "aero" } },
	{ "МОСКВА", "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
	  "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
	  "+\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90*", "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90*",
	  { NULL }, { "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0" } },
	{ "日本 (two characters)", "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac", NULL, NULL,
	  { "%\xe6\x97\xa5\xe6\x9c\xac%" }, { "\xe6\x97\xa5\xe6\x9c\xac" } },
	{ "日本武道館", "\xe6\x97\xa5\xe6\x9c\xac\xe6\xad\xa6\xe9\x81\x93\xe9\xa4\xa8",
	  "\xe6\x97\xa5\xe6\x9c\xac\xe6\xad\xa6\xe9\x81\x93\xe9\xa4\xa8",
	  "+\xe6\x97\xa5\xe6\x9c\xac\xe6\xad\xa6\xe9\x81\x93\xe9\xa4\xa8*",
	  "\xe6\x97\xa5\xe6\x9c\xac\xe6\xad\xa6\xe9\x81\x93\xe9\xa4\xa8*", { NULL },
	  { "\xe6\x97\xa5\xe6\x9c\xac\xe6\xad\xa6\xe9\x81\x93\xe9\xa4\xa8" } },
	{ "mixed scripts", "Beyonc\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac U2", "Beyonc\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac U2",
	  "+Beyonc\xc3\xa9*", "Beyonc\xc3\xa9*", { "%\xe6\x97\xa5\xe6\x9c\xac%", "%U2%" },
	  { "beyonce", "\xe6\x97\xa5\xe6\x9c\xac", "u2" } },
	/* white space */
	{ "empty", "", "", NULL, NULL, { NULL }, { NULL } },
	{ "NULL", NULL, "", NULL, NULL, { NULL }, { NULL } },
	{ "white space only", "  \t\r\n \xc2\xa0 ", "", NULL, NULL, { NULL }, { NULL } },
	{ "trimmed and collapsed", " \t rock \r\n\n  night \xc2\xa0", "rock night", "+rock* +night*",
	  "rock* night*", { NULL }, { "rock", "night" } },
	{ "NBSP between words", "rock\xc2\xa0night", "rock night", "+rock* +night*", "rock* night*",
	  { NULL }, { "rock", "night" } },
	{ "control characters", "rock\x01\x1f\x7fnight", "rock night", "+rock* +night*",
	  "rock* night*", { NULL }, { "rock", "night" } },
	/* repeated words */
	{ "repeated words", "rock rock ROCK Rock", "rock rock ROCK Rock", "+rock*", "rock*", { NULL },
	  { "rock" } },
	{ "repeated short words", "U2 u2 U2", "U2 u2 U2", NULL, NULL, { "%U2%" }, { "u2" } },
	/* emoji are not words */
	{ "emoji around a word", "\xf0\x9f\x8e\xb8 rock \xf0\x9f\x8e\xb8", "\xf0\x9f\x8e\xb8 rock \xf0\x9f\x8e\xb8",
	  "+rock*", "rock*", { NULL }, { "rock" } },
	{ "emoji only", "\xf0\x9f\x8e\xb8\xf0\x9f\x8e\xa4", "\xf0\x9f\x8e\xb8\xf0\x9f\x8e\xa4", NULL, NULL,
	  { NULL }, { NULL } },
	{ "emoji between words", "rock\xf0\x9f\x8e\xb8night", "rock\xf0\x9f\x8e\xb8night",
	  "+rock* +night*", "rock* night*", { NULL }, { "rock", "night" } },
};

START_TEST(test_parse_table)
{
	const char *name = parse_cases[_i].name;
	struct arena *a = arena_new();
	struct search_query q;
	search_query_parse(a, parse_cases[_i].raw, &q);

	ck_assert_msg(q.text && strcmp(q.text, parse_cases[_i].text) == 0,
		      "%s: text \"%s\", expected \"%s\"", name, q.text, parse_cases[_i].text);
	ck_assert_msg(q.nchars == chars_in(q.text, strlen(q.text)), "%s: nchars %zu for \"%s\"",
		      name, q.nchars, q.text);
	const char *all = parse_cases[_i].all, *any = parse_cases[_i].any;
	ck_assert_msg(all ? q.terms.all_words && strcmp(q.terms.all_words, all) == 0
			  : q.terms.all_words == NULL,
		      "%s: all_words \"%s\", expected \"%s\"", name,
		      q.terms.all_words ? q.terms.all_words : "(NULL)", all ? all : "(NULL)");
	ck_assert_msg(any ? q.terms.any_words && strcmp(q.terms.any_words, any) == 0
			  : q.terms.any_words == NULL,
		      "%s: any_words \"%s\", expected \"%s\"", name,
		      q.terms.any_words ? q.terms.any_words : "(NULL)", any ? any : "(NULL)");

	int nlike = 0;
	while (parse_cases[_i].like[nlike])
		nlike++;
	ck_assert_msg(q.terms.nlike == nlike, "%s: %d LIKE terms, expected %d", name, q.terms.nlike,
		      nlike);
	for (int k = 0; k < nlike; k++)
		ck_assert_msg(strcmp(q.terms.like[k], parse_cases[_i].like[k]) == 0,
			      "%s: LIKE %d \"%s\", expected \"%s\"", name, k, q.terms.like[k],
			      parse_cases[_i].like[k]);

	int nwords = 0;
	while (parse_cases[_i].words[nwords])
		nwords++;
	ck_assert_msg(q.nwords == nwords, "%s: %d words, expected %d", name, q.nwords, nwords);
	for (int k = 0; k < nwords; k++)
		ck_assert_msg(strcmp(q.words[k], parse_cases[_i].words[k]) == 0,
			      "%s: word %d \"%s\", expected \"%s\"", name, k, q.words[k],
			      parse_cases[_i].words[k]);
	arena_destroy(a);
}
END_TEST

/* ---- search_query_parse: long queries ---------------------------------------------------- */

static const struct {
	const char *name;
	const char *unit;          /* repeated */
	int digits;                /* 2 or 3: each repetition is unit, its number, a space */
	int repeat;
	size_t nchars;             /* of the normalised text */
	int nwords;
	int nindexed;              /* "+word*" terms */
	int nlike;
} long_cases[] = {
	{ "1,000 letters", "a", 0, 1000, 1000, 1, 1, 0 },
	{ "1,001 letters (the handler says 400)", "a", 0, 1001, 1001, 1, 1, 0 },
	{ "1,000 accented letters", "\xc3\xa9", 0, 1000, 1000, 1, 1, 0 },
	{ "1,000 CJK characters", "\xe6\x97\xa5", 0, 1000, 1000, 1, 1, 0 },
	{ "1,000 emoji", "\xf0\x9f\x8e\xb8", 0, 1000, 1000, 0, 0, 0 },
	{ "one word 200 times", "rock ", 0, 200, 999, 1, 1, 0 },
	{ "1,000 operators", "+-*\"()<>~@", 0, 100, 1000, 0, 0, 0 },
	{ "1,000 spaces", " ", 0, 1000, 0, 0, 0, 0 },
	{ "125 distinct words: 16 indexed", "word", 3, 125, 999, 16, 16, 0 },
	{ "100 distinct two-digit words: 6 LIKE", "", 2, 100, 299, 6, 0, 6 },
};

START_TEST(test_parse_long)
{
	const char *name = long_cases[_i].name;
	struct arena *a = arena_new();
	char *raw = arena_strdup(a, "");
	for (int k = 0; k < long_cases[_i].repeat; k++) {
		char unit[32];
		if (long_cases[_i].digits == 3)
			snprintf(unit, sizeof unit, "%s%03d ", long_cases[_i].unit, k % 1000);
		else if (long_cases[_i].digits == 2)
			snprintf(unit, sizeof unit, "%s%02d ", long_cases[_i].unit, k % 100);
		else
			snprintf(unit, sizeof unit, "%s", long_cases[_i].unit);
		raw = arena_printf(a, "%s%s", raw, unit);
	}
	struct search_query q;
	search_query_parse(a, raw, &q);
	ck_assert_msg(q.nchars == long_cases[_i].nchars, "%s: nchars %zu, expected %zu", name,
		      q.nchars, long_cases[_i].nchars);
	ck_assert_msg(q.nchars == chars_in(q.text, strlen(q.text)), "%s: nchars disagrees with text",
		      name);
	ck_assert_msg(q.nwords == long_cases[_i].nwords, "%s: %d words, expected %d", name, q.nwords,
		      long_cases[_i].nwords);
	int plus = 0;
	for (const char *p = q.terms.all_words; p && *p; p++)
		plus += *p == '+';
	ck_assert_msg(plus == long_cases[_i].nindexed, "%s: %d FULLTEXT words, expected %d", name,
		      plus, long_cases[_i].nindexed);
	ck_assert_msg((q.terms.all_words == NULL) == (plus == 0), "%s: all_words set without words",
		      name);
	ck_assert_msg(q.terms.nlike == long_cases[_i].nlike, "%s: %d LIKE terms, expected %d", name,
		      q.terms.nlike, long_cases[_i].nlike);
	ck_assert_msg(valid(q.text), "%s: text is not valid UTF-8", name);
	arena_destroy(a);
}
END_TEST

/* ---- search_highlight -------------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *query;
	const char *text;
	int len;                   /* -1: strlen(text) */
	const char *want;          /* as parts_show() writes it */
} highlight_cases[] = {
	{ "prefix, any case", "rock", "Rock the Rockies", -1, "[Rock]| the |[Rockies]" },
	{ "inside punctuation", "rock", "Hard-rock caf\xc3\xa9", -1, "Hard-|[rock]| caf\xc3\xa9" },
	{ "word longer than text word", "rocks", "rock", -1, "rock" },
	{ "ROCKS", "rock", "ROCKS", -1, "[ROCKS]" },
	{ "operators in the query", "+rock*", "rock", -1, "[rock]" },
	{ "accents in the text", "muller", "Konzert M\xc3\x9cLLER & M\xc3\xbcller", -1,
	  "Konzert |[M\xc3\x9cLLER]| & |[M\xc3\xbcller]" },
	{ "accents in the query", "M\xc3\xbcller", "Muller und mueller", -1, "[Muller]| und mueller" },
	{ "CAFÉ", "CAF\xc3\x89", "caf\xc3\xa9 Cafe CAFE cafeteria", -1,
	  "[caf\xc3\xa9]| |[Cafe]| |[CAFE]| |[cafeteria]" },
	{ "decomposed é in the text", "cafe", "Cafe\xcc\x81 noir", -1, "[Cafe\xcc\x81]| noir" },
	{ "ß and ss", "strasse", "Stra\xc3\x9f" "e 5", -1, "[Stra\xc3\x9f" "e]| 5" },
	{ "ss and ß", "Stra\xc3\x9f" "e", "STRASSE", -1, "[STRASSE]" },
	{ "Æ", "ae", "\xc3\x86on", -1, "[\xc3\x86on]" },
	{ "Cyrillic case", "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
	  "\xd0\x9a\xd0\xbe\xd0\xbd\xd1\x86\xd0\xb5\xd1\x80\xd1\x82 \xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90", -1,
	  "\xd0\x9a\xd0\xbe\xd0\xbd\xd1\x86\xd0\xb5\xd1\x80\xd1\x82 |[\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90]" },
	{ "日本", "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac\xe6\xad\xa6\xe9\x81\x93\xe9\xa4\xa8 (\xe6\x9d\xb1\xe4\xba\xac)", -1,
	  "[\xe6\x97\xa5\xe6\x9c\xac\xe6\xad\xa6\xe9\x81\x93\xe9\xa4\xa8]| (\xe6\x9d\xb1\xe4\xba\xac)" },
	{ "one CJK character", "\xe6\x97\xa5", "\xe6\x97\xa5\xe6\x9c\xac \xe6\x9c\xac\xe6\x97\xa5", -1,
	  "[\xe6\x97\xa5\xe6\x9c\xac]| \xe6\x9c\xac\xe6\x97\xa5" },
	{ "one letter matches é", "e", "\xc3\xa9 e", -1, "[\xc3\xa9]| |[e]" },
	{ "emoji around", "rock", "\xf0\x9f\x8e\xb8rock\xf0\x9f\x8e\xb8", -1,
	  "\xf0\x9f\x8e\xb8|[rock]|\xf0\x9f\x8e\xb8" },
	{ "markup is not escaped here", "rock", "<b>rock</b> &amp; <i>roll</i>", -1,
	  "<b>|[rock]|</b> &amp; <i>roll</i>" },
	{ "script", "script", "<script>alert(1)</script>", -1, "<|[script]|>alert(1)</|[script]|>" },
	{ "The Who", "The Who", "The Who at the Theatre", -1, "[The]| |[Who]| at |[the]| |[Theatre]" },
	{ "stopword dropped", "The Killers", "The Killers", -1, "The |[Killers]" },
	{ "U2", "U2", "U2 360\xc2\xb0 tour", -1, "[U2]| 360\xc2\xb0 tour" },
	{ "no query words", "", "Rock night", -1, "Rock night" },
	{ "operators only", "+-*\"", "Rock night", -1, "Rock night" },
	{ "empty text", "rock", "", -1, "" },
	{ "length respected", "rock", "rock and roll", 4, "[rock]" },
	{ "a cut word does not match", "rock", "rock and roll", 2, "ro" },
};

START_TEST(test_highlight_table)
{
	const char *name = highlight_cases[_i].name;
	const char *text = highlight_cases[_i].text;
	size_t len = highlight_cases[_i].len < 0 ? strlen(text) : (size_t)highlight_cases[_i].len;
	struct arena *a = arena_new();
	struct search_query q;
	search_query_parse(a, highlight_cases[_i].query, &q);
	struct search_part *parts = NULL;
	int n = search_highlight(a, &q, text, len, &parts);
	ck_assert_int_ge(n, 0);
	check_parts_cover(name, text, len, parts, n);
	const char *got = parts_show(a, parts, n);
	ck_assert_msg(strcmp(got, highlight_cases[_i].want) == 0,
		      "%s: query \"%s\" on \"%s\": got \"%s\", expected \"%s\"", name,
		      highlight_cases[_i].query, text, got, highlight_cases[_i].want);
	arena_destroy(a);
}
END_TEST

/* ---- search_snippet ---------------------------------------------------------------------- */

#define LOREM "lorem ipsum dolor sit amet consectetur adipiscing elit sed do "

struct snippet_case {
	const char *name;
	const char *query;
	/* text = head + fill × nfill + mid + fill × nafter; NULL head: a NULL text */
	const char *head, *fill;
	int nfill;
	const char *mid;
	int nafter;
	const char *want;          /* exact parts (parts_show), or NULL: the flags below */
	bool lead, trail;          /* "…" before / after */
	const char *marked;        /* a part that must be marked, or NULL */
	bool long_word;            /* a word longer than the window: may be cut inside it */
};

static const struct snippet_case snippet_cases[] = {
	{ "NULL text", "rock", NULL, "", 0, "", 0, "", false, false, NULL, false },
	{ "empty text", "rock", "", "", 0, "", 0, "", false, false, NULL, false },
	{ "short, a match", "rock", "Rock night", "", 0, "", 0, "[Rock]| night", false, false, NULL, false },
	{ "short, no match", "jazz", "Rock night", "", 0, "", 0, "Rock night", false, false, NULL, false },
	{ "markup kept as is", "rock", "<script>alert('rock')</script>", "", 0, "", 0,
	  "<script>alert('|[rock]|')</script>", false, false, NULL, false },
	{ "exactly 160 characters", "rock", "rock ", "x", 155, "", 0, NULL, false, false, "rock", false },
	{ "161 characters: cut at the space", "rock", "rock ", "x", 156, "", 0, "[rock]|" ELLIPSIS,
	  false, true, "rock", false },
	{ "match at the start of a long text", "rock", "Rock ", LOREM, 6, "", 0, NULL, false, true,
	  "Rock", false },
	{ "match 51 characters in", "rock", "", "ab ", 17, "rock", 0, NULL, false, false, "rock", false },
	{ "match 51 characters in, long", "rock", "", "ab ", 17, "rock ", 60, NULL, false, true, "rock", false },
	{ "match in the middle", "rock", "", LOREM, 3, "rock ", 3, NULL, true, true, "rock", false },
	{ "match at the end", "rock", "", LOREM, 5, "rock", 0, NULL, true, false, "rock", false },
	{ "match in the middle, accents", "muller", "", LOREM, 3, "M\xc3\x9cLLER ", 3, NULL, true, true,
	  "M\xc3\x9cLLER", false },
	{ "CJK without spaces", "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac", "\xe8\xaa\x9e", 298,
	  "", 0, NULL, false, true, NULL, true },
	{ "emoji without spaces", "rock", "", "\xf0\x9f\x8e\xb8", 200, "rock", 100, NULL, true, true,
	  "rock", true },
	{ "accented letters without spaces", "zzz", "", "\xc3\xa9", 300, "", 0, NULL, false, true, NULL,
	  true },
	{ "hostile long text", "script", "", "<b>x</b> ", 20, "<script>alert(1)</script> ", 20, NULL,
	  true, true, "script", false },
};

/* Regression rows for search_snippet edge cases that were once wrong: a text with no match,
 * and white space at either end mistaken for a cut. */
static const struct snippet_case snippet_bugs[] = {
	/* No match: mend is left at the end of the text's last word, so the window is never
	 * moved back to a space and the snippet stops inside a word ("... alpha b…"). */
	{ "no match in a long text: cut at a space", "zzz", "", "alpha beta gamma ", 20, "", 0, NULL,
	  false, true, NULL, false },
	/* Leading white space: start moves past it after the cut, then "…" is added for start > 0. */
	{ "leading white space is not a cut", "rock", "  Rock night", "", 0, "", 0, "[Rock]| night",
	  false, false, NULL, false },
	/* Trailing white space: end is trimmed below len, so "…" is added though nothing was cut. */
	{ "trailing newline is not a cut", "rock", "Rock night\n", "", 0, "", 0, "[Rock]| night",
	  false, false, NULL, false },
	{ "white space only", "rock", " \n\t ", "", 0, "", 0, "", false, false, NULL, false },
};

static const char *snippet_text(struct arena *a, const struct snippet_case *c)
{
	if (c->head == NULL)
		return NULL;
	char *s = arena_strdup(a, c->head);
	for (int k = 0; k < c->nfill; k++)
		s = arena_printf(a, "%s%s", s, c->fill);
	s = arena_printf(a, "%s%s", s, c->mid);
	for (int k = 0; k < c->nafter; k++)
		s = arena_printf(a, "%s%s", s, c->fill);
	return s;
}

static bool is_space(char c)
{
	return (unsigned char)c <= 0x20;
}

static void check_snippet(const struct snippet_case *c)
{
	struct arena *a = arena_new();
	struct search_query q;
	search_query_parse(a, c->query, &q);
	const char *text = snippet_text(a, c);
	size_t len = text ? strlen(text) : 0;
	struct search_part *parts = NULL;
	int n = search_snippet(a, &q, text, &parts);
	const char *got = parts_show(a, parts, n);
	if (c->want)
		ck_assert_msg(strcmp(got, c->want) == 0, "%s: query \"%s\" on \"%s\": got \"%s\", "
			      "expected \"%s\"", c->name, c->query, text ? text : "(NULL)", got, c->want);

	bool lead = n > 0 && strcmp(parts[0].text, ELLIPSIS) == 0 && !parts[0].mark;
	bool trail = n > (lead ? 1 : 0) && strcmp(parts[n - 1].text, ELLIPSIS) == 0 && !parts[n - 1].mark;
	ck_assert_msg(lead == c->lead, "%s: \"…\" before: %d, expected %d (got \"%s\")", c->name,
		      lead, c->lead, got);
	ck_assert_msg(trail == c->trail, "%s: \"…\" after: %d, expected %d (got \"%s\")", c->name,
		      trail, c->trail, got);

	/* What is left between the "…" is one piece of the text, highlighted like any other. */
	const struct search_part *body = parts + lead;
	int nbody = n - lead - trail;
	char *content = arena_strdup(a, "");
	bool marked = c->marked == NULL;
	for (int i = 0; i < nbody; i++) {
		content = arena_printf(a, "%s%s", content, body[i].text);
		marked = marked || (body[i].mark && strcmp(body[i].text, c->marked) == 0);
	}
	size_t clen = strlen(content);
	ck_assert_msg(marked, "%s: \"%s\" not marked in \"%s\"", c->name, c->marked, got);
	ck_assert_msg(chars_in(content, clen) <= SEARCH_SNIPPET_CHARS, "%s: %zu characters", c->name,
		      chars_in(content, clen));
	ck_assert_msg(clen == 0 || (!is_space(content[0]) && !is_space(content[clen - 1])),
		      "%s: white space at an end of \"%s\"", c->name, content);
	const char *at = clen ? strstr(text, content) : text;
	ck_assert_msg(clen == 0 || at != NULL, "%s: \"%s\" is not part of the text", c->name, content);
	check_parts_cover(c->name, content, clen, body, nbody);
	if (clen == 0) {
		ck_assert_msg(n == 0, "%s: \"…\" around nothing: \"%s\"", c->name, got);
	} else {
		size_t off = (size_t)(at - text);
		size_t skipped = 0;
		while (skipped < off && is_space(text[skipped]))
			skipped++;
		ck_assert_msg(lead == (skipped < off), "%s: text cut before byte %zu but lead %d",
			      c->name, off, lead);
		size_t rest = off + clen;
		while (rest < len && is_space(text[rest]))
			rest++;
		ck_assert_msg(trail == (rest < len), "%s: text cut after byte %zu but trail %d",
			      c->name, off + clen, trail);
		if (!c->long_word) {
			ck_assert_msg(!lead || is_space(text[off - 1]), "%s: starts inside a word: \"%s\"",
				      c->name, got);
			ck_assert_msg(!trail || is_space(text[off + clen]), "%s: ends inside a word: \"%s\"",
				      c->name, got);
		}
	}
	arena_destroy(a);
}

START_TEST(test_snippet_table)
{
	check_snippet(&snippet_cases[_i]);
}
END_TEST

START_TEST(test_snippet_known_bugs)
{
	check_snippet(&snippet_bugs[_i]);
}
END_TEST

/* ---- fuzz -------------------------------------------------------------------------------- */

#define FUZZ_ROUNDS 20000


/* Characters a shopper (or a fuzzer) might type: operators, LIKE wildcards, white space of
 * several kinds, letters that fold, combining marks, CJK, emoji, punctuation and symbols. */
static const char *const FUZZ_PIECES[] = {
	"+", "-", "*", "\"", "(", ")", "<", ">", "~", "@", "%", "_", "\\", "'", "/", ".", ",", "&",
	" ", " ", " ", "\t", "\n", "\r", "\x01", "\x7f", "\xc2\xa0", "\xe3\x80\x80",
	"a", "b", "r", "o", "c", "k", "U", "2", "0", "9", "Z",
	"the", "who", "rock", "ROCK", "night", "U2", "AC", "DC",
	"\xc3\xa9", "\xc3\x89", "\xc3\xbc", "\xc3\x9c", "\xc3\x9f", "\xc3\x86", "\xc3\xb8", "\xc3\x97",
	"\xcc\x81", "\xc2\xb5", "\xc2\xab", "\xc2\xbf", "\xc5\x93", "\xc4\xb0",
	"\xd0\x96", "\xd0\x81", "\xce\xa9", "\xce\xac",
	"\xe6\x97\xa5", "\xe6\x9c\xac", "\xe2\x80\x94", "\xe2\x80\x99", "\xe2\x80\xa6", "\xef\xbc\x8b",
	"\xef\xbf\xbd", "\xef\xbb\xbf", "\xef\xb8\x8f",
	"\xf0\x9f\x8e\xb8", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", "\xf0\x90\x8d\x88", "\xf4\x8f\xbf\xbf",
};

static size_t fuzz_query(char *buf, size_t cap)
{
	size_t len = 0;
	if (unit_rng_next() % 4 == 0) {
		/* raw bytes: most are not valid UTF-8, which parse.c would have refused */
		size_t n = (size_t)(unit_rng_next() % 64);
		for (size_t i = 0; i < n && len + 1 < cap; i++) {
			char c = (char)unit_rng_next();
			if (c != '\0')
				buf[len++] = c;
		}
	} else {
		int pieces = (int)(unit_rng_next() % 120);
		for (int i = 0; i < pieces; i++) {
			const char *p = FUZZ_PIECES[unit_rng_next() % UNIT_ROWS(FUZZ_PIECES)];
			size_t n = strlen(p);
			if (len + n + 1 > cap)
				break;
			memcpy(buf + len, p, n);
			len += n;
		}
	}
	buf[len] = '\0';
	return len;
}

/* A search term's word: not empty, and none of FULLTEXT's operators, LIKE's wildcards or
 * white space inside it. */
static void check_term_word(const char *raw, const char *what, const char *w, size_t n)
{
	EXPECT(n > 0, "query \"%s\": empty word in %s", raw, what);
	for (size_t i = 0; i < n; i++)
		EXPECT(strchr("+-*\"()<>~@%_\\ ", w[i]) == NULL && (unsigned char)w[i] > 0x20,
			      "query \"%s\": byte 0x%02x in a word of %s", raw, (unsigned char)w[i], what);
}

/* "+w1* +w2*" (plus = true) or "w1* w2*": the only operators are the ones search.c adds. */
static int check_boolean_query(const char *raw, const char *what, const char *s, bool plus,
			       const char *text)
{
	int words = 0;
	EXPECT(valid(s), "query \"%s\": %s is not valid UTF-8", raw, what);
	for (const char *p = s; *p;) {
		if (words > 0) {
			EXPECT(*p == ' ', "query \"%s\": %s \"%s\" words not separated by one space",
				      raw, what, s);
			p++;
		}
		if (plus) {
			EXPECT(*p == '+', "query \"%s\": %s \"%s\": a word without '+'", raw, what, s);
			p++;
		}
		const char *star = strchr(p, '*');
		EXPECT(star != NULL, "query \"%s\": %s \"%s\": a word without '*'", raw, what, s);
		check_term_word(raw, what, p, (size_t)(star - p));
		EXPECT(memmem(text, strlen(text), p, (size_t)(star - p)) != NULL,
			      "query \"%s\": %s word not in the text", raw, what);
		p = star + 1;
		words++;
	}
	EXPECT(words > 0 && words <= SEARCH_MAX_INDEXED_WORDS,
		      "query \"%s\": %d words in %s", raw, words, what);
	return words;
}

static void check_query(const char *raw, size_t raw_len, const struct search_query *q)
{
	const char *t = q->text;
	size_t tlen = strlen(t);
	EXPECT(valid(t), "query \"%s\": text is not valid UTF-8", raw);
	EXPECT(q->nchars == chars_in(t, tlen), "query \"%s\": nchars %zu", raw, q->nchars);
	EXPECT(q->nchars <= chars_in(raw, raw_len), "query \"%s\": text longer than input", raw);
	EXPECT(tlen == 0 || (t[0] != ' ' && t[tlen - 1] != ' '), "query \"%s\": not trimmed", raw);
	EXPECT(strstr(t, "  ") == NULL, "query \"%s\": white space not collapsed", raw);
	for (size_t i = 0; i < tlen; i++)
		EXPECT((unsigned char)t[i] >= 0x20 && t[i] != 0x7f,
			      "query \"%s\": control byte 0x%02x in text", raw, (unsigned char)t[i]);

	EXPECT((q->terms.all_words == NULL) == (q->terms.any_words == NULL),
		      "query \"%s\": all_words and any_words disagree", raw);
	if (q->terms.all_words) {
		int all = check_boolean_query(raw, "all_words", q->terms.all_words, true, t);
		int any = check_boolean_query(raw, "any_words", q->terms.any_words, false, t);
		EXPECT(all == any, "query \"%s\": %d and %d words", raw, all, any);
		/* the same words, in the same order: drop the '+' and compare */
		char *plain = strdup(q->terms.all_words);
		size_t k = 0;
		for (const char *p = q->terms.all_words; *p; p++)
			if (*p != '+')
				plain[k++] = *p;
		plain[k] = '\0';
		EXPECT(strcmp(plain, q->terms.any_words) == 0,
			      "query \"%s\": \"%s\" and \"%s\"", raw, q->terms.all_words, q->terms.any_words);
		free(plain);
	}
	EXPECT(q->terms.nlike >= 0 && q->terms.nlike <= DB_SEARCH_MAX_LIKE,
		      "query \"%s\": %d LIKE terms", raw, q->terms.nlike);
	for (int i = 0; i < q->terms.nlike; i++) {
		const char *l = q->terms.like[i];
		size_t n = strlen(l);
		EXPECT(valid(l), "query \"%s\": LIKE %d not valid UTF-8", raw, i);
		EXPECT(n >= 3 && l[0] == '%' && l[n - 1] == '%', "query \"%s\": LIKE \"%s\"", raw, l);
		check_term_word(raw, "a LIKE term", l + 1, n - 2);
		EXPECT(chars_in(l + 1, n - 2) < SEARCH_MIN_INDEXED_CHARS,
			      "query \"%s\": LIKE \"%s\" is long enough for FULLTEXT", raw, l);
	}
	EXPECT(q->nwords >= 0 && q->nwords <= SEARCH_MAX_INDEXED_WORDS + DB_SEARCH_MAX_LIKE,
		      "query \"%s\": %d words", raw, q->nwords);
	for (int i = 0; i < q->nwords; i++) {
		EXPECT(valid(q->words[i]) && q->words[i][0] != '\0',
			      "query \"%s\": word %d empty or not valid UTF-8", raw, i);
		check_term_word(raw, "the highlight words", q->words[i], strlen(q->words[i]));
		for (int j = 0; j < i; j++)
			EXPECT(strcmp(q->words[i], q->words[j]) != 0,
				      "query \"%s\": word \"%s\" twice", raw, q->words[i]);
	}
}

START_TEST(test_fuzz_query)
{
	unit_rng_state = 0x5EA5C4ULL * 0x9E3779B97F4A7C15ULL;
	char buf[1200];
	int checked = 0;
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		size_t len = fuzz_query(buf, sizeof buf);
		struct arena *a = arena_new();
		struct search_query q;
		search_query_parse(a, buf, &q);
		struct search_part *parts;
		if (!utf8_valid(buf, len)) {
			/* parse.c refuses these before search sees them: only memory safety here */
			(void)search_highlight(a, &q, buf, len, &parts);
			(void)search_snippet(a, &q, buf, &parts);
			arena_destroy(a);
			continue;
		}
		checked++;
		check_query(buf, len, &q);

		/* Parsing the normalised text again changes nothing. */
		struct search_query again;
		search_query_parse(a, q.text, &again);
		EXPECT(strcmp(again.text, q.text) == 0 && again.nwords == q.nwords &&
		       again.terms.nlike == q.terms.nlike &&
		       (again.terms.all_words == NULL) == (q.terms.all_words == NULL) &&
		       (!q.terms.all_words || strcmp(again.terms.all_words, q.terms.all_words) == 0),
		       "query \"%s\": parsing its text \"%s\" again gives other terms", buf, q.text);

		/* Highlighting the query's own text marks something whenever there are words. */
		size_t tlen = strlen(q.text);
		int n = search_highlight(a, &q, q.text, tlen, &parts);
		check_parts_cover(buf, q.text, tlen, parts, n);
		bool any_mark = false;
		for (int i = 0; i < n; i++)
			any_mark = any_mark || parts[i].mark;
		EXPECT(any_mark == (q.nwords > 0), "query \"%s\": %d words but marks %d", buf,
			      q.nwords, any_mark);

		/* The raw input as a text to highlight and cut. */
		n = search_highlight(a, &q, buf, len, &parts);
		check_parts_cover(buf, buf, len, parts, n);
		n = search_snippet(a, &q, buf, &parts);
		size_t body = 0;
		for (int i = 0; i < n; i++) {
			EXPECT(valid(parts[i].text) && parts[i].text[0] != '\0',
				      "query \"%s\": snippet part %d", buf, i);
			if (!((i == 0 || i == n - 1) && strcmp(parts[i].text, ELLIPSIS) == 0))
				body += chars_in(parts[i].text, strlen(parts[i].text));
		}
		EXPECT(body <= SEARCH_SNIPPET_CHARS, "query \"%s\": snippet of %zu characters",
			      buf, body);
		arena_destroy(a);
	}
	ck_assert_int_gt(checked, FUZZ_ROUNDS / 2);
}
END_TEST

Suite *search_suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("query");
	tcase_add_loop_test(tc, test_parse_table, 0, UNIT_ROWS(parse_cases));
	tcase_add_loop_test(tc, test_parse_long, 0, UNIT_ROWS(long_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("highlight");
	tcase_add_loop_test(tc, test_highlight_table, 0, UNIT_ROWS(highlight_cases));
	tcase_add_loop_test(tc, test_snippet_table, 0, UNIT_ROWS(snippet_cases));
	tcase_add_loop_test(tc, test_snippet_known_bugs, 0, UNIT_ROWS(snippet_bugs));
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fuzz_query);
	suite_add_tcase(s, tc);
	return s;
}
