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
	/* Secrets */
	char *secret_key;         /* Secrets.Key, or env BOXOFFICE_SECRET_KEY: CSRF and link HMACs */
};

/* Load path (NULL = $BOXOFFICE_CONFIG or ./boxoffice.hdf); fills defaults, applies env overrides. */
NEOERR *config_load(struct config *cfg, const char *path);
void config_free(struct config *cfg);

#endif
