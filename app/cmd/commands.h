/* commands: the subcommands of the one boxoffice binary (like git or fossil).
 * Each lives in its own file and exports one const struct command. */
#ifndef BOXOFFICE_COMMANDS_H
#define BOXOFFICE_COMMANDS_H
#include <stdbool.h>

struct config;

struct command {
	const char *name;
	const char *summary;       /* one line for `boxoffice --help` */
	const char *help;          /* full text for `boxoffice NAME --help` */
	bool needs_config;
	/* argv[0] is the command name; returns the process exit status. */
	int (*run)(struct config *cfg, int argc, char **argv);
};

extern const struct command cmd_serve;
extern const struct command cmd_migrate;
extern const struct command cmd_seed;
extern const struct command cmd_sweep;
extern const struct command cmd_payments;
extern const struct command cmd_notify;
extern const struct command cmd_user;

#endif
