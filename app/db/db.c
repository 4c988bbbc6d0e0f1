/* db: the worker's MariaDB connection. Statements are prepared once per connection and
 * reused; results come back as arena strings. A lost connection is re-opened explicitly,
 * and only outside a transaction (auto-reconnect would silently drop one: docs/design.md,
 * "Traps"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "db/db.h"

#define DB_MAX_PARAMS 64

static void db_forget_statements(struct db *db)
{
	for (int i = 0; i < db->nstmts; i++) {
		if (db->stmts[i].stmt)
			mysql_stmt_close(db->stmts[i].stmt);
		free(db->stmts[i].sql);
	}
	db->nstmts = 0;
}

static NEOERR *db_connect(struct db *db)
{
	const struct config *cfg = db->cfg;
	MYSQL *conn = mysql_init(NULL);
	if (conn == NULL)
		return nerr_raise(NERR_NOMEM, "mysql_init failed");
	unsigned int timeout = 5;
	my_bool off = 0;
	char init[160];
	/* UTC for TIMESTAMP conversions, READ COMMITTED to avoid gap locks in the booking
	 * transactions, and a lock wait a shopper can sit through. */
	snprintf(init, sizeof init,
		 "SET SESSION time_zone='+00:00', SESSION tx_isolation='READ-COMMITTED', "
		 "SESSION innodb_lock_wait_timeout=%d", cfg->db_lock_wait_timeout);
	mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(conn, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(conn, MYSQL_INIT_COMMAND, init);
	const char *host = cfg->db_socket ? "localhost" : cfg->db_host;
	if (mysql_real_connect(conn, host, cfg->db_user, cfg->db_password, cfg->db_name,
			       (unsigned)cfg->db_port, cfg->db_socket, 0) == NULL) {
		log_error("database connect failed: %u %s", mysql_errno(conn), mysql_error(conn));
		mysql_close(conn);
		return nerr_raise(ERR_UNAVAILABLE, "The database is unavailable; please try again shortly.");
	}
	db->conn = conn;
	return STATUS_OK;
}

NEOERR *db_open(struct db *db, const struct config *cfg)
{
	memset(db, 0, sizeof *db);
	db->cfg = cfg;
	return nerr_pass(db_connect(db));
}

void db_close(struct db *db)
{
	db_forget_statements(db);
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_transaction = false;
}

NEOERR *db_ensure(struct db *db)
{
	if (db->conn)
		return STATUS_OK;
	return nerr_pass(db_connect(db));
}

unsigned int db_errno(const struct db *db)
{
	return db->conn ? mysql_errno(db->conn) : CR_SERVER_GONE_ERROR;
}

static bool db_connection_lost(unsigned int code)
{
	return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
	       code == CR_CONNECTION_ERROR || code == ER_CONNECTION_KILLED ||
	       code == ER_SERVER_SHUTDOWN;
}

/* After a lost connection the handle is useless: drop it so db_ensure reconnects. */
static void db_mark_lost(struct db *db)
{
	log_warn("database connection lost; reconnecting");
	db_close(db);
}

static NEOERR *db_error(struct db *db, unsigned int code, const char *what, const char *sql)
{
	if (code == ER_LOCK_DEADLOCK || code == ER_LOCK_WAIT_TIMEOUT)
		return nerr_raise(NERR_LOCK, "%s: %u %s", what, code,
				  db->conn ? mysql_error(db->conn) : "");
	if (db_connection_lost(code))
		return nerr_raise(ERR_UNAVAILABLE, "The database is unavailable; please try again shortly.");
	/* The SQL is a literal from our sources, never user data: safe to log. */
	return nerr_raise(NERR_DB, "%s failed: %u %s [%s]", what, code,
			  db->conn ? mysql_error(db->conn) : "", sql);
}

static MYSQL_STMT *db_statement(struct db *db, const char *sql, unsigned int *code)
{
	for (int i = 0; i < db->nstmts; i++)
		if (strcmp(db->stmts[i].sql, sql) == 0)
			return db->stmts[i].stmt;
	MYSQL_STMT *stmt = mysql_stmt_init(db->conn);
	if (stmt == NULL) {
		*code = mysql_errno(db->conn);
		return NULL;
	}
	if (mysql_stmt_prepare(stmt, sql, (unsigned long)strlen(sql)) != 0) {
		*code = mysql_stmt_errno(stmt);
		log_error("prepare failed: %u %s [%s]", *code, mysql_stmt_error(stmt), sql);
		mysql_stmt_close(stmt);
		return NULL;
	}
	my_bool update_max = 1;
	mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	if (db->nstmts < DB_STMT_CACHE) {
		db->stmts[db->nstmts].sql = xstrdup(sql);
		db->stmts[db->nstmts].stmt = stmt;
		db->nstmts++;
	} else {
		log_warn("statement cache full; raise DB_STMT_CACHE");
	}
	return stmt;
}

static bool db_statement_cached(const struct db *db, const MYSQL_STMT *stmt)
{
	for (int i = 0; i < db->nstmts; i++)
		if (db->stmts[i].stmt == stmt)
			return true;
	return false;
}

struct db_params {
	MYSQL_BIND bind[DB_MAX_PARAMS];
	long long ints[DB_MAX_PARAMS];
	unsigned long lengths[DB_MAX_PARAMS];
	my_bool nulls[DB_MAX_PARAMS];
};

static NEOERR *db_bind_params(struct db_params *p, const char *types, va_list ap)
{
	size_t n = strlen(types);
	if (n > DB_MAX_PARAMS)
		return nerr_raise(NERR_ASSERT, "too many SQL parameters (%lu)", (unsigned long)n);
	memset(p->bind, 0, sizeof(MYSQL_BIND) * n);
	for (size_t i = 0; i < n; i++) {
		MYSQL_BIND *b = &p->bind[i];
		p->nulls[i] = 0;
		b->is_null = &p->nulls[i];
		switch (types[i]) {
		case 'i':
		case 'u':
			p->ints[i] = types[i] == 'i' ? va_arg(ap, long long)
						     : (long long)va_arg(ap, unsigned long long);
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[i];
			b->is_unsigned = types[i] == 'u';
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			b->buffer_type = MYSQL_TYPE_STRING;
			if (s == NULL) {
				p->nulls[i] = 1;
			} else {
				b->buffer = (void *)s;
				p->lengths[i] = (unsigned long)strlen(s);
				b->buffer_length = p->lengths[i];
				b->length = &p->lengths[i];
			}
			break;
		}
		case 'b': {
			const char *s = va_arg(ap, const char *);
			size_t len = va_arg(ap, size_t);
			b->buffer_type = MYSQL_TYPE_BLOB;
			b->buffer = (void *)s;
			p->lengths[i] = (unsigned long)len;
			b->buffer_length = p->lengths[i];
			b->length = &p->lengths[i];
			break;
		}
		default:
			return nerr_raise(NERR_ASSERT, "unknown SQL parameter type '%c'", types[i]);
		}
	}
	return STATUS_OK;
}

static NEOERR *db_fetch_all(struct db *db, MYSQL_STMT *stmt, struct arena *a,
			    struct db_result *out, const char *sql)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(stmt);
	if (meta == NULL)
		return STATUS_OK;
	if (mysql_stmt_store_result(stmt) != 0) {
		mysql_free_result(meta);
		return db_error(db, mysql_stmt_errno(stmt), "fetching rows", sql);
	}
	int ncols = (int)mysql_num_fields(meta);
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	int nrows = (int)mysql_stmt_num_rows(stmt);
	MYSQL_BIND *bind = arena_zalloc(a, sizeof(MYSQL_BIND) * (size_t)ncols);
	unsigned long *lens = arena_zalloc(a, sizeof(unsigned long) * (size_t)ncols);
	my_bool *nulls = arena_zalloc(a, sizeof(my_bool) * (size_t)ncols);
	out->ncols = ncols;
	out->nrows = nrows;
	out->names = arena_alloc(a, sizeof(char *) * (size_t)ncols);
	out->cells = arena_zalloc(a, sizeof(char *) * (size_t)(nrows * ncols + 1));
	out->lengths = arena_zalloc(a, sizeof(unsigned long) * (size_t)(nrows * ncols + 1));
	for (int c = 0; c < ncols; c++) {
		out->names[c] = arena_strdup(a, fields[c].name);
		unsigned long size = fields[c].max_length > 64 ? fields[c].max_length : 64;
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = arena_alloc(a, size + 1);
		bind[c].buffer_length = size + 1;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
	}
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(stmt, bind) != 0)
		return db_error(db, mysql_stmt_errno(stmt), "binding results", sql);
	int row = 0, rc;
	while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		if (row >= nrows)
			break;
		for (int c = 0; c < ncols; c++) {
			size_t idx = (size_t)row * (size_t)ncols + (size_t)c;
			if (nulls[c]) {
				out->cells[idx] = NULL;
				continue;
			}
			char *cell;
			if (lens[c] >= bind[c].buffer_length) {
				/* Longer than the metadata promised: fetch this cell whole. */
				MYSQL_BIND one = bind[c];
				cell = arena_alloc(a, lens[c] + 1);
				one.buffer = cell;
				one.buffer_length = lens[c] + 1;
				if (mysql_stmt_fetch_column(stmt, &one, (unsigned)c, 0) != 0)
					return db_error(db, mysql_stmt_errno(stmt), "fetching a long column", sql);
			} else {
				cell = arena_alloc(a, lens[c] + 1);
				memcpy(cell, bind[c].buffer, lens[c]);
			}
			cell[lens[c]] = '\0';
			out->cells[idx] = cell;
			out->lengths[idx] = lens[c];
		}
		row++;
	}
	mysql_stmt_free_result(stmt);
	if (rc == 1)
		return db_error(db, mysql_stmt_errno(stmt), "fetching rows", sql);
	out->nrows = row;
	return STATUS_OK;
}

static NEOERR *db_bind_array(struct db_params *p, const struct db_param *params, int n)
{
	if (n > DB_MAX_PARAMS)
		return nerr_raise(NERR_ASSERT, "too many SQL parameters (%d)", n);
	memset(p->bind, 0, sizeof(MYSQL_BIND) * (size_t)n);
	for (int i = 0; i < n; i++) {
		MYSQL_BIND *b = &p->bind[i];
		p->nulls[i] = 0;
		b->is_null = &p->nulls[i];
		if (params[i].type == 'i') {
			p->ints[i] = params[i].i;
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[i];
		} else if (params[i].type == 's') {
			b->buffer_type = MYSQL_TYPE_STRING;
			if (params[i].s == NULL) {
				p->nulls[i] = 1;
			} else {
				b->buffer = (void *)params[i].s;
				p->lengths[i] = (unsigned long)strlen(params[i].s);
				b->buffer_length = p->lengths[i];
				b->length = &p->lengths[i];
			}
		} else {
			return nerr_raise(NERR_ASSERT, "unknown SQL parameter type '%c'", params[i].type);
		}
	}
	return STATUS_OK;
}

/* The parameters of one call, bound either from varargs or from an array. */
struct db_call {
	const char *types;
	va_list *ap;
	const struct db_param *params;
	int nparams;
};

static NEOERR *db_call_bind(struct db_params *p, const struct db_call *call)
{
	if (call->params || call->types == NULL)
		return nerr_pass(db_bind_array(p, call->params, call->nparams));
	va_list ap;
	va_copy(ap, *call->ap);   /* a retry binds again from the start */
	NEOERR *err = db_bind_params(p, call->types, ap);
	va_end(ap);
	return nerr_pass(err);
}

static NEOERR *db_run(struct db *db, struct arena *a, struct db_result *out, const char *sql,
		      const struct db_call *call)
{
	if (out)
		memset(out, 0, sizeof *out);
	for (int attempt = 0;; attempt++) {
		NEOERR *err = db_ensure(db);
		if (err != STATUS_OK)
			return nerr_pass(err);
		unsigned int code = 0;
		MYSQL_STMT *stmt = db_statement(db, sql, &code);
		if (stmt != NULL) {
			struct db_params params;
			err = db_call_bind(&params, call);
			if (err != STATUS_OK)
				return nerr_pass(err);
			if (mysql_stmt_bind_param(stmt, params.bind) != 0 || mysql_stmt_execute(stmt) != 0) {
				code = mysql_stmt_errno(stmt);
			} else {
				if (out) {
					out->affected_rows = mysql_stmt_affected_rows(stmt);
					out->insert_id = mysql_stmt_insert_id(stmt);
					err = db_fetch_all(db, stmt, a, out, sql);
				} else {
					mysql_stmt_free_result(stmt);
				}
				if (!db_statement_cached(db, stmt))
					mysql_stmt_close(stmt);
				return nerr_pass(err);
			}
			if (!db_statement_cached(db, stmt))
				mysql_stmt_close(stmt);
		}
		if (db_connection_lost(code)) {
			bool was_in_transaction = db->in_transaction;
			db_mark_lost(db);
			/* Outside a transaction the statement can simply run again on a new
			 * connection; inside one, the caller must retry the whole transaction. */
			if (!was_in_transaction && attempt == 0)
				continue;
		}
		return db_error(db, code, "statement", sql);
	}
}

NEOERR *db_exec(struct db *db, struct arena *a, struct db_result *out,
		const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_call call = { .types = types, .ap = &ap };
	NEOERR *err = db_run(db, a, out, sql, &call);
	va_end(ap);
	return nerr_pass(err);
}

NEOERR *db_exec_params(struct db *db, struct arena *a, struct db_result *out, const char *sql,
		       const struct db_param *params, int nparams)
{
	struct db_call call = { .params = params, .nparams = nparams };
	return nerr_pass(db_run(db, a, out, sql, &call));
}

NEOERR *db_query_static(struct db *db, const char *sql)
{
	for (int attempt = 0;; attempt++) {
		NEOERR *err = db_ensure(db);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (mysql_real_query(db->conn, sql, (unsigned long)strlen(sql)) == 0) {
			do {
				MYSQL_RES *res = mysql_store_result(db->conn);
				if (res)
					mysql_free_result(res);
			} while (mysql_next_result(db->conn) == 0);
			return STATUS_OK;
		}
		unsigned int code = mysql_errno(db->conn);
		if (db_connection_lost(code)) {
			bool was_in_transaction = db->in_transaction;
			db_mark_lost(db);
			if (!was_in_transaction && attempt == 0)
				continue;
		}
		return db_error(db, code, "query", sql);
	}
}

NEOERR *db_begin(struct db *db)
{
	NEOERR *err = db_query_static(db, "START TRANSACTION");
	if (err == STATUS_OK)
		db->in_transaction = true;
	return nerr_pass(err);
}

NEOERR *db_commit(struct db *db)
{
	NEOERR *err = db_query_static(db, "COMMIT");
	db->in_transaction = false;
	return nerr_pass(err);
}

NEOERR *db_end(struct db *db, NEOERR *err)
{
	if (err == STATUS_OK && db->in_transaction)
		err = db_commit(db);
	if (err != STATUS_OK)
		db_rollback(db);
	return nerr_pass(err);
}

void db_rollback(struct db *db)
{
	if (db->conn && mysql_query(db->conn, "ROLLBACK") != 0 &&
	    db_connection_lost(mysql_errno(db->conn)))
		db_mark_lost(db);
	db->in_transaction = false;
}
