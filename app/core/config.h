/* config: the one HDF configuration file, with environment variables overriding secrets.
 * Every other room reads settings from struct config, never from the HDF directly. */
#ifndef BOXOFFICE_CONFIG_H
#define BOXOFFICE_CONFIG_H
#include <ClearSilver.h>
#include "core/ticket_code.h"

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
	/* Notify: `boxoffice notify`, the outbox's sender (core/config_notify.c) */
	char *notify_pid_file;    /* Notify.PidFile (optional) */
	char *notify_log_file;    /* Notify.LogFile (optional; default stderr) */
	int notify_senders;       /* Notify.Senders: sender processes (2) */
	int notify_batch;         /* Notify.BatchSize: messages a sender claims at once (10) */
	int notify_poll_ms;       /* Notify.PollMs: how often an idle sender looks for work (250) */
	int notify_lease_seconds; /* Notify.LeaseSeconds: a claimed message whose sender died goes
				   * out again after this (120) */
	int notify_retry_base_seconds; /* Notify.RetryBaseSeconds: the first retry's delay (30),
				   * doubling each time up to Notify.RetryMaxSeconds (3600), jittered */
	int notify_retry_max_seconds;
	int notify_give_up_minutes; /* Notify.GiveUpMinutes: a message still failing this long after
				   * it was written is given up (2880, two days) */
	char *notify_from;        /* Notify.From: "Boxoffice <tickets@example.org>" */
	char *notify_reply_to;    /* Notify.ReplyTo (optional) */
	int notify_attendee_mails; /* Notify.AttendeeMails: a ticket whose holder has an email
				   * address is also mailed to the holder alone (1) */
	char *smtp_url;           /* Notify.Mail.URL: smtp://host:port or smtps://host:port */
	char *smtp_user;          /* Notify.Mail.User: SMTP AUTH when set */
	char *smtp_password;      /* Notify.Mail.Password, or env BOXOFFICE_SMTP_PASSWORD */
	int smtp_starttls;        /* Notify.Mail.StartTLS = required: refuse to send in clear (off) */
	char *smtp_ca_file;       /* Notify.Mail.CAFile: trust this CA for the server's certificate */
	int smtp_timeout_ms;      /* Notify.Mail.TimeoutMs: one message, all in (30000) */
	char *sms_provider;       /* Notify.SMS.Provider: twilio, or none (none) */
	char *sms_base_url;       /* Notify.SMS.BaseURL (https://api.twilio.com) */
	char *sms_account_sid;    /* Notify.SMS.AccountSid */
	char *sms_auth_token;     /* Notify.SMS.AuthToken, or env BOXOFFICE_SMS_AUTH_TOKEN */
	char *sms_from;           /* Notify.SMS.From: the sending number, E.164 */
	/* Tickets */
	char *ticket_keys;        /* Tickets.SigningKeys "id:hex, id:hex", or env BOXOFFICE_TICKET_KEYS;
				   * none: one key derived from Secrets.Key */
	int ticket_current_key;   /* Tickets.CurrentKey: the id that signs new codes */
	struct ticket_keyring ticket_keyring;   /* the keys themselves, parsed (or derived) */
	char *ticket_font_dir;    /* Tickets.FontDir: DejaVu's TrueType files, for the PDFs */
	char *checkin_secret;     /* Tickets.CheckinSecret, or env BOXOFFICE_CHECKIN_SECRET: opens the
				   * door's check-in page until accounts exist (none: closed) */
	/* Accounts (core/config_accounts.c) */
	unsigned long long password_ops;  /* Accounts.PasswordOps: Argon2id passes (2) */
	unsigned long long password_mem_kib; /* Accounts.PasswordMemKiB: Argon2id memory (65536);
				   * both raised to OWASP's minimum (t=2, 19 MiB) when set below it */
	int session_idle_minutes; /* Accounts.SessionIdleMinutes: a session unused this long ends (120) */
	int session_max_hours;    /* Accounts.SessionMaxHours: and any session after this (168) */
	int verify_link_hours;    /* Accounts.VerifyLinkHours: an address's verification link (48) */
	int reset_link_minutes;   /* Accounts.ResetLinkMinutes: a password reset link (60) */
	int signin_failures;      /* Accounts.SigninFailures: failures per account or address in
				   * Accounts.SigninWindowMinutes (15) before it must wait (5) */
	int signin_window_minutes;
	int signin_address_failures; /* Accounts.SigninAddressFailures: the same per client address,
				   * higher, since one address may be a whole office (50) */
	int signin_lock_max_seconds; /* Accounts.SigninLockMaxSeconds: the longest wait, doubling
				   * from 1 s with each further failure (900) */
	/* Secrets */
	char *secret_key;         /* Secrets.Key, or env BOXOFFICE_SECRET_KEY: CSRF and link HMACs */
};

/* Load path (NULL = $BOXOFFICE_CONFIG or ./boxoffice.hdf); fills defaults, applies env overrides. */
NEOERR *config_load(struct config *cfg, const char *path);
void config_free(struct config *cfg);

/* The configurations a daemon has read again on SIGHUP. The older ones stay allocated until
 * it exits: they are tiny, and freeing one would need to know no child still refers to it. */
struct config_kept {
	struct config **list;
	int n;
};
/* The configuration read again from `path` and kept in `kept`; NULL, with the reason logged,
 * when it does not load (the running one then stays). */
struct config *config_reread(const char *path, struct config_kept *kept);
void config_kept_free(struct config_kept *kept);

/* One setting (config_values.c): a string with its default (NULL stays NULL), or a secret the
 * environment variable `env` overrides when set; both are the caller's to free. */
char *config_string(HDF *hdf, const char *name, const char *def);
char *config_secret(HDF *hdf, const char *name, const char *env);
NEOERR *config_load_notify(struct config *cfg, const char *path);
NEOERR *config_load_accounts(struct config *cfg, const char *path);
void config_free_notify(struct config *cfg);

#endif
