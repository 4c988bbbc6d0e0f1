/* migrate: `boxoffice migrate` applies sql/NNNN_*.sql in numeric order, once each, and records
 * every applied file in schema_migrations; `--status` lists what is applied and pending. */
#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/commands.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "db/db.h"

struct migration {
	unsigned long version;
	const char *file;          /* "0001_catalogue.sql" */
	const char *path;
	const char *applied_at;    /* NULL while pending */
};

struct statement {
	const char *sql;
	int line;                  /* where it starts in the file, for error messages */
};

/* --- finding the files ------------------------------------------------------------------- */

/* NNNN_name.sql: digits, an underscore, anything, ".sql". Editor backups and READMEs in the
 * directory are ignored. */
static bool migrate_file_version(const char *name, unsigned long *version)
{
	size_t digits = strspn(name, "0123456789");
	size_t len = strlen(name);
	if (digits == 0 || name[digits] != '_' || len < digits + 5 ||
	    strcmp(name + len - 4, ".sql") != 0)
		return false;
	*version = strtoul(name, NULL, 10);
	return true;
}

static int migrate_compare(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return x->version < y->version ? -1 : x->version > y->version;
}

static NEOERR *migrate_list(struct arena *a, const char *dir, struct migration **out, int *n)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return nerr_raise_errno(NERR_IO, "cannot open the migrations directory %s", dir);
	int cap = 16, count = 0;
	struct migration *list = arena_alloc(a, sizeof *list * (size_t)cap);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		unsigned long version;
		if (!migrate_file_version(e->d_name, &version))
			continue;
		if (count == cap) {
			struct migration *bigger = arena_alloc(a, sizeof *list * (size_t)cap * 2);
			memcpy(bigger, list, sizeof *list * (size_t)cap);
			list = bigger;
			cap *= 2;
		}
		list[count++] = (struct migration){
			.version = version,
			.file = arena_strdup(a, e->d_name),
			.path = arena_printf(a, "%s/%s", dir, e->d_name),
		};
	}
	closedir(d);
	qsort(list, (size_t)count, sizeof *list, migrate_compare);
	for (int i = 1; i < count; i++)
		if (list[i].version == list[i - 1].version)
			return nerr_raise(NERR_DUPLICATE, "%s and %s have the same version number",
					  list[i - 1].file, list[i].file);
	*out = list;
	*n = count;
	return STATUS_OK;
}

/* --- splitting a file into statements ----------------------------------------------------- */

/* A statement ends at a ';' outside quotes and comments. Comments (-- , #, C-style) and
 * quoted strings (with backslash or doubled-quote escapes) may contain ';' freely. MariaDB's
 * executable comments (slash-star-bang) are kept as statement text. Compound statements with
 * inner ';' (triggers, procedures) are not supported: keep them out of migrations. */
static NEOERR *migrate_split(struct arena *a, const char *file, const char *text,
			     struct statement **out, int *n)
{
	int cap = 32, count = 0, line = 1;
	struct statement *list = arena_alloc(a, sizeof *list * (size_t)cap);
	const char *begin = NULL;   /* first significant character of the current statement */
	int begin_line = 0;
	const char *p = text;
	while (*p) {
		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		bool line_comment = *p == '#' ||
			(p[0] == '-' && p[1] == '-' && (p[2] == '\0' || isspace((unsigned char)p[2])));
		if (line_comment) {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			bool executable = p[2] == '!';
			if (executable && begin == NULL) {
				begin = p;
				begin_line = line;
			}
			int start_line = line;
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			if (*p == '\0')
				return nerr_raise(NERR_PARSE, "%s: unterminated comment from line %d",
						  file, start_line);
			p += 2;
			continue;
		}
		if (*p == ';') {
			if (begin != NULL) {
				if (count == cap) {
					struct statement *bigger = arena_alloc(a, sizeof *list * (size_t)cap * 2);
					memcpy(bigger, list, sizeof *list * (size_t)cap);
					list = bigger;
					cap *= 2;
				}
				list[count].sql = arena_strndup(a, begin, (size_t)(p - begin));
				list[count].line = begin_line;
				count++;
			}
			begin = NULL;
			p++;
			continue;
		}
		if (!isspace((unsigned char)*p) && begin == NULL) {
			begin = p;
			begin_line = line;
		}
		if (*p == '\'' || *p == '"' || *p == '`') {
			char quote = *p;
			int start_line = line;
			for (p++; *p; p++) {
				line += *p == '\n';
				if (*p == '\\' && quote != '`' && p[1] != '\0') {
					line += p[1] == '\n';
					p++;
				} else if (*p == quote) {
					if (p[1] != quote)
						break;
					p++; /* a doubled quote stands for itself */
				}
			}
			if (*p == '\0')
				return nerr_raise(NERR_PARSE, "%s: unterminated %c-quoted text from line %d",
						  file, quote, start_line);
		}
		p++;
	}
	if (begin != NULL) { /* a last statement without ';' */
		if (count == cap) {
			struct statement *bigger = arena_alloc(a, sizeof *list * (size_t)(cap + 1));
			memcpy(bigger, list, sizeof *list * (size_t)cap);
			list = bigger;
		}
		list[count].sql = arena_strdup(a, begin);
		list[count].line = begin_line;
		count++;
	}
	*out = list;
	*n = count;
	return STATUS_OK;
}

/* The statement's start on one line, for an error message. */
static const char *migrate_excerpt(struct arena *a, const char *sql)
{
	char buf[124];
	size_t n = 0;
	bool space = false;
	const char *p = sql;
	for (; *p && n < 120; p++) {
		if (isspace((unsigned char)*p)) {
			space = n > 0;
			continue;
		}
		if (space)
			buf[n++] = ' ';
		space = false;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (*p != '\0')
		strcat(buf, "...");
	return arena_strdup(a, buf);
}

/* --- applying ---------------------------------------------------------------------------- */

static NEOERR *migrate_prepare(struct db *db)
{
	/* Two migrates at once (say, two `./dev up`) would both apply the same file. */
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT GET_LOCK('boxoffice.migrate', 60)", "");
	if (err == STATUS_OK && (r.nrows != 1 || db_cell(&r, 0, 0) == NULL ||
				 strcmp(db_cell(&r, 0, 0), "1") != 0))
		err = nerr_raise(NERR_LOCK, "another `boxoffice migrate` is still running");
	arena_destroy(a);
	if (err == STATUS_OK)
		err = db_query_static(db,
			"CREATE TABLE IF NOT EXISTS schema_migrations ("
			"  version    INT UNSIGNED NOT NULL,"
			"  name       VARCHAR(255) NOT NULL,"
			"  applied_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),"
			"  PRIMARY KEY (version)"
			") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
	return nerr_pass(err);
}

/* --status changes nothing, not even by creating the bookkeeping table. */
static NEOERR *migrate_table_exists(struct db *db, bool *exists)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r,
			      "SELECT 1 FROM information_schema.tables "
			      "WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'", "");
	*exists = err == STATUS_OK && r.nrows > 0;
	arena_destroy(a);
	return nerr_pass(err);
}

static NEOERR *migrate_mark_applied(struct db *db, struct arena *a, struct migration *list, int n)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r,
			      "SELECT version, applied_at FROM schema_migrations ORDER BY version", "");
	if (err != STATUS_OK)
		return nerr_pass(err);
	for (int row = 0; row < r.nrows; row++) {
		unsigned long version = strtoul(db_cell(&r, row, 0), NULL, 10);
		for (int i = 0; i < n; i++)
			if (list[i].version == version)
				list[i].applied_at = db_cell(&r, row, 1);
	}
	return STATUS_OK;
}

/* MariaDB commits implicitly before and after every DDL statement, so a file that creates
 * tables cannot be one transaction. The file runs inside BEGIN ... COMMIT anyway, so a file
 * of plain DML is atomic; its statements run one by one and the version is recorded last, so
 * a file that fails part-way is never marked applied (fix it, undo its DDL by hand, rerun). */
static NEOERR *migrate_apply(struct db *db, struct arena *a, const struct migration *m)
{
	char *text = NULL;
	NEOERR *err = ne_load_file(m->path, &text);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct statement *stmts = NULL;
	int n = 0;
	err = migrate_split(a, m->file, text, &stmts, &n);
	free(text);
	if (err != STATUS_OK)
		return nerr_pass(err);
	printf("migrate: applying %s (%d statements)\n", m->file, n);
	fflush(stdout);
	err = db_begin(db);
	for (int i = 0; i < n && err == STATUS_OK; i++) {
		if (mysql_real_query(db->conn, stmts[i].sql, (unsigned long)strlen(stmts[i].sql)) != 0) {
			err = nerr_raise(NERR_DB, "%s: statement %d (line %d) failed: %s (error %u): %s",
					 m->file, i + 1, stmts[i].line, mysql_error(db->conn),
					 mysql_errno(db->conn), migrate_excerpt(a, stmts[i].sql));
			break;
		}
		do { /* a migration may SELECT; drain it */
			MYSQL_RES *res = mysql_store_result(db->conn);
			if (res)
				mysql_free_result(res);
		} while (mysql_next_result(db->conn) == 0);
	}
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL,
			      "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
			      "us", (unsigned long long)m->version, m->file);
	return nerr_pass(db_end(db, err));
}

static NEOERR *migrate_all(struct db *db, const char *dir, bool status_only)
{
	struct arena *a = arena_new();
	struct migration *list = NULL;
	int n = 0;
	bool recorded = true;
	NEOERR *err = migrate_list(a, dir, &list, &n);
	if (err == STATUS_OK)
		err = status_only ? migrate_table_exists(db, &recorded) : migrate_prepare(db);
	if (err == STATUS_OK && recorded)
		err = migrate_mark_applied(db, a, list, n);
	if (err == STATUS_OK && status_only) {
		for (int i = 0; i < n; i++)
			printf("%-8s %-19s  %s\n", list[i].applied_at ? "applied" : "pending",
			       list[i].applied_at ? list[i].applied_at : "", list[i].file);
		if (n == 0)
			printf("migrate: no migrations in %s\n", dir);
	} else if (err == STATUS_OK) {
		int applied = 0;
		for (int i = 0; i < n && err == STATUS_OK; i++) {
			if (list[i].applied_at)
				continue;
			err = migrate_apply(db, a, &list[i]);
			applied += err == STATUS_OK;
		}
		if (err == STATUS_OK)
			printf("migrate: %d applied, %d already up to date (%s)\n", applied,
			       n - applied, dir);
	}
	arena_destroy(a);
	return nerr_pass(err);
}

static int migrate_run(struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "status", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	bool status_only = false;
	int c;
	optind = 0; /* glibc: start afresh, argv[0] is the command name */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c != 's') {
			fprintf(stderr, "boxoffice migrate: unknown option (see `boxoffice migrate --help`)\n");
			return 2;
		}
		status_only = true;
	}
	if (optind < argc) {
		fprintf(stderr, "boxoffice migrate: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	struct db db;
	NEOERR *err = db_open(&db, cfg);
	if (err == STATUS_OK)
		err = migrate_all(&db, cfg->sql_dir, status_only);
	db_close(&db);
	if (err != STATUS_OK) {
		fprintf(stderr, "boxoffice migrate: %s\n", errors_message(err));
		nerr_ignore(&err);
		return 1;
	}
	return 0;
}

const struct command cmd_migrate = {
	.name = "migrate",
	.summary = "apply the database migrations in Server.SqlDir",
	.help =
		"usage: boxoffice migrate [--status]\n"
		"\n"
		"Applies every sql/NNNN_name.sql migration in Server.SqlDir that is not yet recorded\n"
		"in the schema_migrations table, in numeric order, and records each one. Running it\n"
		"again applies nothing new. A failing statement stops it with the file, the\n"
		"statement and MariaDB's message; that file is not recorded, so it runs again next\n"
		"time (MariaDB cannot roll back CREATE/ALTER TABLE, so undo a part-applied file's\n"
		"DDL by hand first).\n"
		"\n"
		"--status   List each migration as applied (with its UTC time) or pending; change\n"
		"           nothing.\n",
	.needs_config = true,
	.run = migrate_run,
};
