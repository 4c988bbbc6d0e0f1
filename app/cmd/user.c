/* user: the `boxoffice user` command — accounts from the command line, for the operator:
 * making an organizer or an admin, and setting a password when mail is not an option. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>
#include "cmd/commands.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/contact.h"
#include "core/errors.h"
#include "core/password.h"
#include "db/db.h"
#include "db/db_accounts.h"
#include "db/db_sessions.h"

static int user_usage_error(const char *msg)
{
	fprintf(stderr, "boxoffice user: %s (see `boxoffice user --help`)\n", msg);
	return 2;
}

/* One line from stdin, without its newline; on a terminal asked for with echo off. */
static bool user_read_password(const char *prompt, char *out, size_t size)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios saved, quiet;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &saved);
		quiet = saved;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	bool ok = fgets(out, (int)size, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fprintf(stderr, "\n");
	}
	if (!ok)
		return false;
	out[strcspn(out, "\r\n")] = '\0';
	return true;
}

/* A new password, checked against the policy: *out filled, or the reason printed. */
static bool user_new_password(const char *email, char *out, size_t size)
{
	if (!user_read_password("New password: ", out, size)) {
		fprintf(stderr, "boxoffice user: no password on standard input\n");
		return false;
	}
	const char *problem = password_problem(out, email);
	if (problem) {
		fprintf(stderr, "boxoffice user: %s\n", problem);
		return false;
	}
	return true;
}

static bool user_role_valid(const char *role)
{
	return strcmp(role, "customer") == 0 || strcmp(role, "organizer") == 0 || strcmp(role, "admin") == 0;
}

/* add: a new account (verified: the operator vouches for the address), or a new role for an
 * existing one. A role change signs the account out everywhere, so its next session starts
 * with the new rights and a new id. */
static NEOERR *user_add(struct db *db, const struct config *cfg, const char *email, const char *name,
			const char *role, int *status)
{
	struct arena *a = arena_new();
	struct account acct;
	bool found;
	NEOERR *err = db_account_by_email(db, a, email, &acct, &found);
	if (err == STATUS_OK && found) {
		err = db_begin(db);
		if (err == STATUS_OK)
			err = db_account_set_role(db, acct.user_id, role);
		if (err == STATUS_OK)
			err = db_sessions_end_all(db, acct.user_id, NULL);
		err = db_end(db, err);
		if (err == STATUS_OK)
			printf("user %s (id %lld) is now %s; their sessions were ended\n", acct.email,
			       acct.user_id, role);
		arena_destroy(a);
		return nerr_pass(err);
	}
	char password[PASSWORD_MAX_BYTES + 2], hash[PASSWORD_HASH_MAX];
	if (err == STATUS_OK && !user_new_password(email, password, sizeof password)) {
		*status = 1;
		arena_destroy(a);
		return STATUS_OK;
	}
	struct password_cost cost = password_cost_of(cfg);
	bool hashed = err == STATUS_OK && password_hash(&cost, password, hash);
	sodium_memzero(password, sizeof password);
	long long user_id = 0;
	bool taken = false;
	if (err == STATUS_OK && !hashed)
		err = nerr_raise(NERR_NOMEM, "hashing the password");
	if (err == STATUS_OK)
		err = db_account_create(db, email, name ? name : "", hash, role, true, &user_id, &taken);
	if (err == STATUS_OK && taken)
		err = nerr_raise(ERR_CONFLICT, "%s was created by someone else just now", email);
	if (err == STATUS_OK)
		printf("user %s (id %lld) created as %s\n", email, user_id, role);
	arena_destroy(a);
	return nerr_pass(err);
}

/* passwd: a new password; every session of the account ends. */
static NEOERR *user_passwd(struct db *db, const struct config *cfg, const char *email, int *status)
{
	struct arena *a = arena_new();
	struct account acct;
	bool found;
	NEOERR *err = db_account_by_email(db, a, email, &acct, &found);
	if (err == STATUS_OK && !found)
		err = nerr_raise(ERR_NOT_FOUND, "there is no account for %s", email);
	char password[PASSWORD_MAX_BYTES + 2], hash[PASSWORD_HASH_MAX];
	if (err == STATUS_OK && !user_new_password(acct.email, password, sizeof password)) {
		*status = 1;
		arena_destroy(a);
		return STATUS_OK;
	}
	struct password_cost cost = password_cost_of(cfg);
	if (err == STATUS_OK && !password_hash(&cost, password, hash))
		err = nerr_raise(NERR_NOMEM, "hashing the password");
	sodium_memzero(password, sizeof password);
	if (err == STATUS_OK)
		err = db_begin(db);
	if (err == STATUS_OK) {
		err = db_account_set_password(db, acct.user_id, hash);
		if (err == STATUS_OK)
			err = db_sessions_end_all(db, acct.user_id, NULL);
		err = db_end(db, err);
	}
	if (err == STATUS_OK)
		printf("password of %s changed; their sessions were ended\n", acct.email);
	arena_destroy(a);
	return nerr_pass(err);
}

static int user_run(struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *role = "customer", *name = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'r')
			role = optarg;
		else if (c == 'n')
			name = optarg;
		else
			return user_usage_error("unknown option or missing value");
	}
	if (argc - optind != 2)
		return user_usage_error("give an action (add or passwd) and an email address");
	const char *action = argv[optind], *email = argv[optind + 1];
	if (strcmp(action, "add") != 0 && strcmp(action, "passwd") != 0)
		return user_usage_error("the action is add or passwd");
	if (!user_role_valid(role))
		return user_usage_error("--role is customer, organizer or admin");
	if (strlen(email) > CONTACT_EMAIL_MAX || !contact_email_valid(email))
		return user_usage_error("that is not an email address");
	if (name && contact_name_check(name) != CONTACT_NAME_OK)
		return user_usage_error("--name must be 1-200 characters without control characters");
	if (sodium_init() < 0)
		return 1;
	struct db db;
	int status = 0;
	NEOERR *err = db_open(&db, cfg);
	if (err == STATUS_OK)
		err = strcmp(action, "add") == 0 ? user_add(&db, cfg, email, name, role, &status)
						 : user_passwd(&db, cfg, email, &status);
	if (err != STATUS_OK) {
		fprintf(stderr, "boxoffice user: %s\n", errors_message(err));
		nerr_ignore(&err);
		status = 1;
	}
	db_close(&db);
	return status;
}

const struct command cmd_user = {
	.name = "user",
	.summary = "add an account or an organizer, or set a password",
	.help =
		"usage: boxoffice user add [--role customer|organizer|admin] [--name NAME] EMAIL\n"
		"       boxoffice user passwd EMAIL\n"
		"\n"
		"add     Create the account, verified, with the password read from standard input\n"
		"        (asked for without echo on a terminal; the password policy applies). If\n"
		"        the address has an account already, give it the role instead (default\n"
		"        customer); its sessions end, so it signs in again with the new rights.\n"
		"passwd  Set the account's password from standard input; every session ends.\n"
		"\n"
		"Example: printf '%s\\n' \"$PASSWORD\" | boxoffice user add --role organizer ana@example.org\n",
	.needs_config = true,
	.run = user_run,
};
