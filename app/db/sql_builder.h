/* sql_builder: a statement assembled from literal SQL fragments plus bound parameters, for
 * queries with optional parts (filters). Input only ever travels as a parameter. */
#ifndef BOXOFFICE_SQL_BUILDER_H
#define BOXOFFICE_SQL_BUILDER_H
#include <stdbool.h>
#include <ClearSilver.h>
#include "core/buf.h"
#include "db/db.h"

/* As many as db_exec_params binds (DB_MAX_PARAMS in db.c). A statement that would need more
 * is refused by sql_exec with an error (a programming error, never a crash). */
#define SQL_BUILDER_MAX_PARAMS 64

struct arena;

struct sql_builder {
	struct buf sql;
	struct db_param params[SQL_BUILDER_MAX_PARAMS];
	int nparams;
	bool overflow;             /* a parameter past the maximum was dropped */
};

/* A builder living in the arena; its buffer is released with the arena. */
struct sql_builder *sql_new(struct arena *a);
/* Append literal SQL (never input). */
void sql_add(struct sql_builder *sb, const char *literal);
void sql_int(struct sql_builder *sb, long long value);
void sql_str(struct sql_builder *sb, const char *value);
NEOERR *sql_exec(struct sql_builder *sb, struct db *db, struct arena *a, struct db_result *out);

#endif
