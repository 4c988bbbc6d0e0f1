/* sql_builder: a statement assembled from literal SQL fragments plus bound parameters, for
 * queries with optional parts (filters). Input only ever travels as a parameter. */
#ifndef BOXOFFICE_SQL_BUILDER_H
#define BOXOFFICE_SQL_BUILDER_H
#include <ClearSilver.h>
#include "buf.h"
#include "db.h"

#define SQL_BUILDER_MAX_PARAMS 32

struct arena;

struct sql_builder {
	struct buf sql;
	struct db_param params[SQL_BUILDER_MAX_PARAMS];
	int nparams;
};

/* A builder living in the arena; its buffer is released with the arena. */
struct sql_builder *sql_new(struct arena *a);
/* Append literal SQL (never input). */
void sql_add(struct sql_builder *sb, const char *literal);
void sql_int(struct sql_builder *sb, long long value);
void sql_str(struct sql_builder *sb, const char *value);
NEOERR *sql_exec(struct sql_builder *sb, struct db *db, struct arena *a, struct db_result *out);

#endif
