/* db: one MariaDB connection per worker, prepared statements cached per connection,
 * explicit reconnect outside transactions (MYSQL_OPT_RECONNECT stays off: docs/design.md,
 * "Traps"). */
#ifndef BOXOFFICE_DB_H
#define BOXOFFICE_DB_H
#include <stdbool.h>
#include <mysql.h>
#include <ClearSilver.h>

struct arena;
struct config;

#define DB_STMT_CACHE 128

struct db {
	MYSQL *conn;                 /* NULL while disconnected */
	const struct config *cfg;
	bool in_transaction;
	struct {
		char *sql;           /* our copy of the statement text: the cache key */
		MYSQL_STMT *stmt;
	} stmts[DB_STMT_CACHE];
	int nstmts;
};

/* A fully fetched result: every cell as a NUL-terminated string in the arena (NULL for SQL NULL). */
struct db_result {
	int nrows;
	int ncols;
	const char **names;          /* column labels */
	char **cells;                /* nrows * ncols */
	unsigned long *lengths;
	unsigned long long affected_rows;
	unsigned long long insert_id;
};

static inline const char *db_cell(const struct db_result *r, int row, int col)
{
	return r->cells[(size_t)row * (size_t)r->ncols + (size_t)col];
}

/* Connect (UTC session time zone, utf8mb4, READ COMMITTED, lock wait timeout from config). */
NEOERR *db_open(struct db *db, const struct config *cfg);
void db_close(struct db *db);
/* Reconnect if the connection is gone. Only outside a transaction. */
NEOERR *db_ensure(struct db *db);

/* Execute a prepared statement, prepared once per connection and cached by its text.
 * `sql` is a literal or assembled from literal fragments (e.g. optional filters) — never
 * from input: every value travels as a parameter.
 * `types` has one letter per parameter: 'i' long long, 'u' unsigned long long,
 * 's' const char * (NULL binds SQL NULL), 'b' (const char *, size_t) bytes.
 * Result rows (if any) are fetched into *out when out != NULL.
 * Outside a transaction, a lost connection (2006/2013) is reconnected and the statement retried once. */
NEOERR *db_exec(struct db *db, struct arena *a, struct db_result *out,
		const char *sql, const char *types, ...);

/* One bound parameter, for statements whose parameter list is assembled at run time. */
struct db_param {
	char type;                   /* 'i' or 's' */
	long long i;
	const char *s;               /* NULL binds SQL NULL */
};

/* db_exec with an array of parameters (see sql_builder.h). Same caching and retry rules. */
NEOERR *db_exec_params(struct db *db, struct arena *a, struct db_result *out, const char *sql,
		       const struct db_param *params, int nparams);

/* Plain statements without user data (BEGIN/COMMIT/DDL); never pass input here. */
NEOERR *db_query_static(struct db *db, const char *sql);
NEOERR *db_begin(struct db *db);
NEOERR *db_commit(struct db *db);
void db_rollback(struct db *db);
/* The tail every transaction shares: COMMIT when `err` is STATUS_OK and the transaction is
 * still open (a refusal may have rolled it back already), ROLLBACK on any error, the
 * commit's own included. Returns `err`, or the commit's error. */
NEOERR *db_end(struct db *db, NEOERR *err);

/* The MariaDB error number of the last failure (0 if none), e.g. 1213 deadlock, 1205 lock wait. */
unsigned int db_errno(const struct db *db);

#endif
