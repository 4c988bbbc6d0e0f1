/* config: read boxoffice.hdf, fill defaults, let the environment override secrets.
 * Secrets in the environment keep them out of files that end up in backups and repos. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/xalloc.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/boxoffice"
#endif

static int default_workers(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 ? (int)cores * 2 : 2;
}

NEOERR *config_load(struct config *cfg, const char *path)
{
	memset(cfg, 0, sizeof *cfg);
	if (path == NULL)
		path = getenv("BOXOFFICE_CONFIG");
	if (path == NULL)
		path = "boxoffice.hdf";
	NEOERR *err = hdf_init(&cfg->hdf);
	if (err != STATUS_OK)
		return nerr_pass(err);
	err = hdf_read_file(cfg->hdf, path);
	if (err != STATUS_OK)
		return nerr_pass_ctx(err, "reading configuration %s", path);
	HDF *h = cfg->hdf;
	cfg->path = xstrdup(path);
	cfg->site_url = config_string(h, "Site.URL", "http://127.0.0.1:8080");
	cfg->site_name = config_string(h, "Site.Name", "Boxoffice");
	cfg->listen = config_string(h, "Server.Listen", "/run/boxoffice/boxoffice.sock");
	cfg->workers = hdf_get_int_value(h, "Server.Workers", default_workers());
	cfg->max_requests = hdf_get_int_value(h, "Server.MaxRequests", 10000);
	cfg->template_dir = config_string(h, "Server.TemplateDir", PKGDATADIR "/templates");
	cfg->sql_dir = config_string(h, "Server.SqlDir", PKGDATADIR "/sql");
	cfg->pid_file = config_string(h, "Server.PidFile", NULL);
	cfg->log_file = config_string(h, "Server.LogFile", NULL);
	cfg->sweep_interval = hdf_get_int_value(h, "Server.SweepInterval", 15);
	cfg->db_host = config_string(h, "Database.Host", "127.0.0.1");
	cfg->db_port = hdf_get_int_value(h, "Database.Port", 3306);
	cfg->db_socket = config_string(h, "Database.Socket", NULL);
	cfg->db_user = config_string(h, "Database.User", "boxoffice");
	cfg->db_password = config_secret(h, "Database.Password", "BOXOFFICE_DB_PASSWORD");
	cfg->db_name = config_string(h, "Database.Name", "boxoffice");
	cfg->db_lock_wait_timeout = hdf_get_int_value(h, "Database.LockWaitTimeout", 5);
	cfg->memcached_servers = config_string(h, "Memcached.Servers", NULL);
	cfg->memcached_timeout_ms = hdf_get_int_value(h, "Memcached.TimeoutMs", 50);
	cfg->hold_seconds = hdf_get_int_value(h, "Booking.HoldMinutes", 10) * 60;
	cfg->max_tickets = hdf_get_int_value(h, "Booking.MaxTickets", 8);
	cfg->max_queue_ms = hdf_get_int_value(h, "Booking.MaxQueueMs", 250);
	cfg->secret_key = config_secret(h, "Secrets.Key", "BOXOFFICE_SECRET_KEY");
	cfg->payment_providers = config_string(h, "Payments.Providers", "test");
	cfg->payments_timeout_ms = hdf_get_int_value(h, "Payments.TimeoutMs", 10000);
	cfg->payments_connect_timeout_ms = hdf_get_int_value(h, "Payments.ConnectTimeoutMs", 3000);
	cfg->payments_retries = hdf_get_int_value(h, "Payments.Retries", 2);
	cfg->checkout_minutes = hdf_get_int_value(h, "Payments.CheckoutMinutes", 30);
	cfg->payments_concurrency = hdf_get_int_value(h, "Payments.MaxConcurrent",
						      cfg->workers > 1 ? cfg->workers / 2 : 1);
	cfg->payments_slot_file = config_string(h, "Payments.SlotFile", NULL);
	if (cfg->payments_slot_file == NULL && cfg->pid_file) {
		const char *slash = strrchr(cfg->pid_file, '/');
		size_t dir = slash ? (size_t)(slash - cfg->pid_file) : 0;
		cfg->payments_slot_file = xmalloc(dir + 32);
		snprintf(cfg->payments_slot_file, dir + 32, "%.*s%spayment-calls.lock", (int)dir, cfg->pid_file,
			 dir ? "/" : "");
	}
	cfg->stripe_secret_key = config_secret(h, "Payments.Stripe.SecretKey", "BOXOFFICE_STRIPE_SECRET_KEY");
	cfg->stripe_webhook_secrets = config_secret(h, "Payments.Stripe.WebhookSecret",
						    "BOXOFFICE_STRIPE_WEBHOOK_SECRET");
	cfg->stripe_base_url = config_string(h, "Payments.Stripe.BaseURL", "https://api.stripe.com");
	cfg->stripe_checkout_origin = config_string(h, "Payments.Stripe.CheckoutOrigin", "https://checkout.stripe.com");
	cfg->stripe_webhook_tolerance = hdf_get_int_value(h, "Payments.Stripe.WebhookTolerance", 300);
	cfg->paypal_client_id = config_string(h, "Payments.PayPal.ClientId", "");
	cfg->paypal_secret = config_secret(h, "Payments.PayPal.Secret", "BOXOFFICE_PAYPAL_SECRET");
	cfg->paypal_webhook_id = config_string(h, "Payments.PayPal.WebhookId", "");
	cfg->paypal_base_url = config_string(h, "Payments.PayPal.BaseURL", "https://api-m.sandbox.paypal.com");
	cfg->paypal_checkout_origin = config_string(h, "Payments.PayPal.CheckoutOrigin", "https://www.sandbox.paypal.com");

	if (cfg->workers < 1 || cfg->workers > 512)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Server.Workers must be 1..512", path);
	if (cfg->hold_seconds < 60 || cfg->hold_seconds > 24 * 3600)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Booking.HoldMinutes must be 1..1440", path);
	if (cfg->max_tickets < 1 || cfg->max_tickets > 50)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Booking.MaxTickets must be 1..50", path);
	if (cfg->max_queue_ms < 0 || cfg->max_queue_ms > 60000)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Booking.MaxQueueMs must be 0..60000", path);
	if (cfg->payments_timeout_ms < 100 || cfg->payments_timeout_ms > 120000 ||
	    cfg->payments_connect_timeout_ms < 10 || cfg->payments_connect_timeout_ms > cfg->payments_timeout_ms)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Payments.TimeoutMs must be 100..120000 and "
				  "Payments.ConnectTimeoutMs 10..TimeoutMs", path);
	if (cfg->payments_concurrency < 0 || cfg->payments_concurrency > 1024)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Payments.MaxConcurrent must be 0..1024", path);
	if (cfg->payments_retries < 0 || cfg->payments_retries > 5)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Payments.Retries must be 0..5", path);
	if (cfg->checkout_minutes < 30 || cfg->checkout_minutes > 24 * 60)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Payments.CheckoutMinutes must be 30..1440 "
				  "(Stripe's Checkout Sessions last 30 minutes to 24 hours)", path);
	if (cfg->stripe_webhook_tolerance < 1 || cfg->stripe_webhook_tolerance > 3600)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Payments.Stripe.WebhookTolerance must be 1..3600", path);
	if (cfg->max_requests < 0)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Server.MaxRequests must be >= 0", path);
	err = config_load_notify(cfg, path);
	if (err == STATUS_OK)
		err = config_load_accounts(cfg, path);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (cfg->db_socket && *cfg->db_socket == '\0') {
		free(cfg->db_socket);
		cfg->db_socket = NULL;
	}
	if (cfg->memcached_servers && *cfg->memcached_servers == '\0') {
		free(cfg->memcached_servers);
		cfg->memcached_servers = NULL;
	}
	return STATUS_OK;
}

struct config *config_reread(const char *path, struct config_kept *kept)
{
	struct config *fresh = xcalloc(1, sizeof *fresh);
	NEOERR *err = config_load(fresh, path);
	if (err != STATUS_OK) {
		errors_log_and_free(err, "reload");
		log_error("reload failed; keeping the running configuration");
		config_free(fresh);
		free(fresh);
		return NULL;
	}
	kept->list = xrealloc(kept->list, sizeof *kept->list * (size_t)(kept->n + 1));
	kept->list[kept->n++] = fresh;
	return fresh;
}

void config_kept_free(struct config_kept *kept)
{
	for (int i = 0; i < kept->n; i++) {
		config_free(kept->list[i]);
		free(kept->list[i]);
	}
	free(kept->list);
	kept->list = NULL;
	kept->n = 0;
}

void config_free(struct config *cfg)
{
	char **strings[] = {
		&cfg->path, &cfg->site_url, &cfg->site_name, &cfg->listen, &cfg->template_dir,
		&cfg->sql_dir, &cfg->pid_file, &cfg->log_file, &cfg->db_host, &cfg->db_socket,
		&cfg->db_user, &cfg->db_password, &cfg->db_name, &cfg->memcached_servers,
		&cfg->secret_key, &cfg->payment_providers, &cfg->stripe_secret_key,
		&cfg->stripe_webhook_secrets, &cfg->stripe_base_url, &cfg->paypal_client_id,
		&cfg->paypal_secret, &cfg->paypal_webhook_id, &cfg->paypal_base_url,
		&cfg->stripe_checkout_origin, &cfg->paypal_checkout_origin, &cfg->payments_slot_file,
	};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	config_free_notify(cfg);
	if (cfg->hdf)
		hdf_destroy(&cfg->hdf);
}
