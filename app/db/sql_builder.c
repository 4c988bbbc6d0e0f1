/* sql_builder: literal fragments and their parameters, executed through db_exec_params
 * (so each distinct shape is prepared once per connection and reused). */
#include <stdbool.h>
#include <stdlib.h>
#include "core/arena.h"
#include "db/sql_builder.h"

static void sql_release(void *p)
{
	buf_free(p);
}

struct sql_builder *sql_new(struct arena *a)
{
	struct sql_builder *sb = arena_zalloc(a, sizeof *sb);
	arena_on_destroy(a, sql_release, &sb->sql);
	return sb;
}

void sql_add(struct sql_builder *sb, const char *literal)
{
	buf_puts(&sb->sql, literal);
}

static void sql_push(struct sql_builder *sb, struct db_param p)
{
	if (sb->nparams >= SQL_BUILDER_MAX_PARAMS)
		sb->overflow = true;
	else
		sb->params[sb->nparams++] = p;
}

void sql_int(struct sql_builder *sb, long long value)
{
	sql_push(sb, (struct db_param){ .type = 'i', .i = value });
}

void sql_str(struct sql_builder *sb, const char *value)
{
	sql_push(sb, (struct db_param){ .type = 's', .s = value });
}

NEOERR *sql_exec(struct sql_builder *sb, struct db *db, struct arena *a, struct db_result *out)
{
	if (sb->overflow)
		return nerr_raise(NERR_ASSERT, "a statement needs more than %d parameters: %.80s",
				  SQL_BUILDER_MAX_PARAMS, sb->sql.data ? sb->sql.data : "");
	return nerr_pass(db_exec_params(db, a, out, sb->sql.data, sb->params, sb->nparams));
}
