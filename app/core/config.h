/* config: the one HDF configuration file, with environment variables overriding secrets.
 * Every other room reads settings from struct config, never from the HDF directly. */
#ifndef BOXOFFICE_CONFIG_H
#define BOXOFFICE_CONFIG_H
#include <ClearSilver.h>

struct config {
	HDF *hdf;                 /* the whole file, for rooms with their own sections */
	char *path;
	/* Site */
	char *site_url;           /* Site.URL */
	char *site_name;          /* Site.Name */
	/* Server (the FastCGI pool) */
	char *listen;             /* Server.Listen: unix socket path or host:port */
	int workers;              /* Server.Workers (default 2 per core) */
	int max_requests;         /* Server.MaxRequests per worker before recycling (0 = never) */
	char *template_dir;       /* Server.TemplateDir */
	char *sql_dir;            /* Server.SqlDir (migrations) */
	char *pid_file;           /* Server.PidFile (optional) */
	char *log_file;           /* Server.LogFile (optional; default stderr) */
	int sweep_interval;       /* Server.SweepInterval seconds between hold sweeps (0 = off) */
	/* Database */
	char *db_host;            /* Database.Host */
	int db_port;              /* Database.Port */
	char *db_socket;          /* Database.Socket */
	char *db_user;            /* Database.User */
	char *db_password;        /* Database.Password, or env BOXOFFICE_DB_PASSWORD */
	char *db_name;            /* Database.Name */
	int db_lock_wait_timeout; /* Database.LockWaitTimeout seconds (default 5) */
	/* Memcached */
	char *memcached_servers;  /* Memcached.Servers: "host:port,host:port" or "/path.sock" */
	int memcached_timeout_ms; /* Memcached.TimeoutMs (default 50) */
	/* Booking */
	int hold_seconds;         /* Booking.HoldMinutes * 60 (default 10 minutes) */
	int max_tickets;          /* Booking.MaxTickets per booking (default 8) */
	int max_queue_ms;         /* Booking.MaxQueueMs: shed bookings queued longer (250; 0 = never) */
	/* Payments */
	char *payment_providers;  /* Payments.Providers: what shoppers may pay with, comma-separated
				   * of stripe, paypal, test (default "test": no gateway) */
	int payments_timeout_ms;  /* Payments.TimeoutMs: one gateway call, all in (10000) */
	int payments_connect_timeout_ms;  /* Payments.ConnectTimeoutMs (3000) */
	int payments_retries;     /* Payments.Retries: more tries of a call that got no answer, a
				   * 429 or a 5xx, under the same idempotency key (2) */
	int payments_concurrency; /* Payments.MaxConcurrent: gateway calls out at once on this host,
				   * all workers together (default half the workers; 0 = no limit) */
	char *payments_slot_file; /* Payments.SlotFile: the lock file counting them (default beside
				   * Server.PidFile; none: no limit) */
	int checkout_minutes;     /* Payments.CheckoutMinutes: how long a shopper may stay on the
				   * gateway's page; the hold is extended to match (30, Stripe's least) */
	char *stripe_secret_key;  /* Payments.Stripe.SecretKey, or env BOXOFFICE_STRIPE_SECRET_KEY */
	char *stripe_webhook_secrets; /* Payments.Stripe.WebhookSecret, comma-separated while
				   * rotating, or env BOXOFFICE_STRIPE_WEBHOOK_SECRET */
	char *stripe_base_url;    /* Payments.Stripe.BaseURL (https://api.stripe.com) */
	char *stripe_checkout_origin; /* Payments.Stripe.CheckoutOrigin: where its hosted page is
				   * (https://checkout.stripe.com), for the pages' form-action */
	int stripe_webhook_tolerance; /* Payments.Stripe.WebhookTolerance seconds (300) */
	char *paypal_client_id;   /* Payments.PayPal.ClientId */
	char *paypal_secret;      /* Payments.PayPal.Secret, or env BOXOFFICE_PAYPAL_SECRET */
	char *paypal_webhook_id;  /* Payments.PayPal.WebhookId */
	char *paypal_base_url;    /* Payments.PayPal.BaseURL (https://api-m.sandbox.paypal.com) */
	char *paypal_checkout_origin; /* Payments.PayPal.CheckoutOrigin (https://www.sandbox.paypal.com) */
	/* Secrets */
	char *secret_key;         /* Secrets.Key, or env BOXOFFICE_SECRET_KEY: CSRF and link HMACs */
};

/* Load path (NULL = $BOXOFFICE_CONFIG or ./boxoffice.hdf); fills defaults, applies env overrides. */
NEOERR *config_load(struct config *cfg, const char *path);
void config_free(struct config *cfg);

#endif
