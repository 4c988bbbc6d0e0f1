/* main: the boxoffice binary and its subcommands (serve, migrate, seed, sweep, payments, notify, user), like git.
 * Global options come before the command; each command parses its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/commands.h"
#include "core/config.h"
#include "core/errors.h"

static const struct command *const COMMANDS[] = {
	&cmd_serve,
	&cmd_migrate,
	&cmd_seed,
	&cmd_sweep,
	&cmd_payments,
	&cmd_notify,
	&cmd_user,
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *out)
{
	fprintf(out,
		"usage: boxoffice [--config FILE] COMMAND [OPTIONS]\n"
		"\n"
		"Boxoffice, an event ticketing system: a FastCGI application behind nginx,\n"
		"with MariaDB and memcached.\n"
		"\n"
		"Global options:\n"
		"  --config FILE   configuration file (HDF); default $BOXOFFICE_CONFIG or ./boxoffice.hdf\n"
		"  --help          this text; `boxoffice COMMAND --help` explains a command\n"
		"  --version       print the version\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", COMMANDS[i]->name, COMMANDS[i]->summary);
	fprintf(out,
		"\n"
		"Environment: BOXOFFICE_CONFIG (config path); secrets that override the file:\n"
		"BOXOFFICE_DB_PASSWORD (Database.Password), BOXOFFICE_SECRET_KEY (Secrets.Key),\n"
		"BOXOFFICE_STRIPE_SECRET_KEY, BOXOFFICE_STRIPE_WEBHOOK_SECRET and\n"
		"BOXOFFICE_PAYPAL_SECRET (Payments.Stripe.SecretKey, .WebhookSecret, PayPal.Secret).\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(COMMANDS[i]->name, name) == 0)
			return COMMANDS[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("boxoffice %s\n", BOXOFFICE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config_path = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			config_path = argv[i] + 9;
		} else {
			fprintf(stderr, "boxoffice: unknown option '%s'\n\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	const struct command *cmd = find_command(argv[i]);
	if (cmd == NULL) {
		fprintf(stderr, "boxoffice: unknown command '%s'\n\n", argv[i]);
		usage(stderr);
		return 2;
	}
	for (int k = i + 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			fputs(cmd->help, stdout);
			return 0;
		}
	}
	NEOERR *err = errors_init();
	if (err != STATUS_OK) {
		nerr_log_error(err);
		return 1;
	}
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	if (cmd->needs_config) {
		err = config_load(&cfg, config_path);
		if (err != STATUS_OK) {
			fprintf(stderr, "boxoffice: %s\n", errors_message(err));
			nerr_ignore(&err);
			config_free(&cfg);
			return 1;
		}
	}
	int status = cmd->run(&cfg, argc - i, argv + i);
	config_free(&cfg);
	return status;
}
