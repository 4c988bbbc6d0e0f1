/* direct_sql: the flash-sale baseline for bench/flash_sale. N threads, each with its own
 * MariaDB connection, book pairs of seats with exactly the SQL of app/db/db_bookings.c — the hold
 * transaction (tickets locked FOR UPDATE in ticket_id order, pending booking inserted, tickets
 * reserved, payment attempt recorded), then the confirm transaction (booking and tickets
 * locked, payment marked succeeded, tickets sold, e-ticket items issued, booking confirmed) —
 * with the same session settings and the same bounded, jittered retry on deadlock / lock
 * wait timeout, but no HTTP, no FastCGI and no call to a payment gateway.
 *
 *   direct_sql --socket PATH --event ID --pairs FILE [--threads 16] [--database boxoffice]
 *              [--user root] [--lock-wait 5]
 *
 * FILE holds one pair of ticket ids per line ("12 345"), in the order to try them. Thread t
 * starts at pair t*npairs/threads and walks the list round, so the threads sell disjoint
 * regions until they run into each other's, where they compete for the same pairs (as the
 * wrk clients do). Every thread stops once every pair is sold. Prints one line of key=value
 * results for the script to parse. Build:
 *   cc -O2 -o direct_sql direct_sql.c $(mariadb_config --cflags --libs) -lpthread */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <mysql.h>

#define MAX_THREADS 256
#define RETRIES 5            /* BOOKING_LOCK_RETRIES in app/booking/booking.h */
#define HOLD_SECONDS 600     /* Booking.HoldMinutes = 10 */
#define NCOLS 6
#define CELL 128

struct pair { long long a, b; };

static struct {
	const char *socket, *database, *user, *pairs_file;
	long long event_id;
	int threads, lock_wait;
} opt = { .database = "boxoffice", .user = "root", .threads = 16, .lock_wait = 5 };

static struct pair *pairs;
static long npairs;
static atomic_long sold_pairs;

struct stats {
	long booked, conflicts, unavailable, lock_retries;
	double *latency_ms;   /* one per booked pair */
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("direct_sql: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* --- prepared statements: the SQL of app/db/db_bookings.c, for a pair of seats ------------- */

enum { Q_EVENT_ON_SALE, Q_LOCK_SEATS, Q_INSERT_BOOKING, Q_PAYMENT_START, Q_RESERVE,
       Q_LOCK_BOOKING, Q_LOCK_BOOKING_TICKETS, Q_PAYMENT_FINISH, Q_SELL_TICKETS, Q_ISSUE_ITEMS,
       Q_BOOKING_STATUS, NQ };

static const char *const SQL[NQ] = {
	[Q_EVENT_ON_SALE] =
		"SELECT currency, status = 'published' AND starts_at > UTC_TIMESTAMP(),"
		" DATE_FORMAT(UTC_TIMESTAMP() + INTERVAL ? SECOND, '%Y-%m-%d %H:%i:%s') FROM events"
		" WHERE event_id = ?",
	[Q_LOCK_SEATS] =
		"SELECT ticket_id, event_id, status,"
		" (status = 'reserved' AND hold_expires_at < UTC_TIMESTAMP()), price_cents, seat_label"
		" FROM tickets FORCE INDEX (PRIMARY) WHERE ticket_id IN (?,?) ORDER BY ticket_id FOR UPDATE",
	[Q_INSERT_BOOKING] =
		"INSERT INTO bookings (event_id, booking_code, access_token_hash, buyer_name, buyer_email,"
		" total_price_cents, ticket_count, currency, payment_status, expires_at, idempotency_key)"
		" VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, 'pending', ?, NULL)",
	[Q_PAYMENT_START] =
		"INSERT INTO payments (booking_id, event_id, provider, amount_cents, currency)"
		" VALUES (?, ?, ?, ?, ?)",
	[Q_RESERVE] =
		"UPDATE tickets SET status = 'reserved', booking_id = ?, hold_expires_at = ?"
		" WHERE ticket_id IN (?,?)",
	[Q_LOCK_BOOKING] =
		"SELECT payment_status, total_price_cents, ticket_count FROM bookings"
		" WHERE booking_id = ? FOR UPDATE",
	[Q_LOCK_BOOKING_TICKETS] =
		"SELECT ticket_id, status, price_cents, event_id FROM tickets WHERE booking_id = ?"
		" ORDER BY ticket_id FOR UPDATE",
	[Q_SELL_TICKETS] =
		"UPDATE tickets SET status = 'sold', hold_expires_at = NULL"
		" WHERE booking_id = ? AND status = 'reserved'",
	[Q_PAYMENT_FINISH] =
		"UPDATE payments SET status = ?, provider_ref = ?, failure = ?, updated_at = UTC_TIMESTAMP()"
		" WHERE payment_id = ?",
	[Q_ISSUE_ITEMS] =
		"INSERT INTO booking_items (booking_id, event_id, ticket_id, price_cents, ticket_code)"
		" VALUES (?,?,?,?,?),(?,?,?,?,?)",
	[Q_BOOKING_STATUS] =
		"UPDATE bookings SET payment_status = ?, updated_at = UTC_TIMESTAMP(),"
		" expires_at = IF(? = 'confirmed', NULL, expires_at) WHERE booking_id = ?",
};

struct param {
	enum { P_INT, P_STR, P_NULL } type;
	long long i;
	const char *s;
	unsigned long len;
};

struct conn {
	MYSQL *db;
	MYSQL_STMT *stmt[NQ];
	unsigned int seed;
	/* the last result */
	int nrows;
	char cells[8][NCOLS][CELL];
	unsigned long long insert_id;
};

enum outcome { OK, LOCKED, FAILED };

static enum outcome check(struct conn *c, MYSQL_STMT *st, int rc, const char *what)
{
	if (rc == 0)
		return OK;
	unsigned int code = st ? mysql_stmt_errno(st) : mysql_errno(c->db);
	if (code == 1213 || code == 1205)
		return LOCKED;
	die("%s: %u %s", what, code, st ? mysql_stmt_error(st) : mysql_error(c->db));
}

/* Execute statement q with params; buffer up to 8 result rows as strings. */
static enum outcome run(struct conn *c, int q, const struct param *p, int np)
{
	MYSQL_STMT *st = c->stmt[q];
	MYSQL_BIND in[16];
	memset(in, 0, sizeof in);
	if (np > 16)
		die("statement %d: too many parameters", q);
	for (int i = 0; i < np; i++) {
		if (p[i].type == P_NULL) {
			in[i].buffer_type = MYSQL_TYPE_NULL;
		} else if (p[i].type == P_INT) {
			in[i].buffer_type = MYSQL_TYPE_LONGLONG;
			in[i].buffer = (void *)&p[i].i;
		} else {
			in[i].buffer_type = MYSQL_TYPE_STRING;
			in[i].buffer = (void *)p[i].s;
			in[i].buffer_length = p[i].len;
			in[i].length = (unsigned long *)&p[i].len;
		}
	}
	if (np && mysql_stmt_bind_param(st, in) != 0)
		die("bind %d: %s", q, mysql_stmt_error(st));
	enum outcome o = check(c, st, mysql_stmt_execute(st), SQL[q]);
	if (o != OK)
		return o;
	c->nrows = 0;
	c->insert_id = mysql_stmt_insert_id(st);
	unsigned int ncols = mysql_stmt_field_count(st);
	if (ncols == 0)
		return OK;
	MYSQL_BIND out[NCOLS];
	unsigned long lengths[NCOLS];
	my_bool nulls[NCOLS];
	char buf[NCOLS][CELL];
	memset(out, 0, sizeof out);
	for (unsigned int i = 0; i < ncols && i < NCOLS; i++) {
		out[i].buffer_type = MYSQL_TYPE_STRING;
		out[i].buffer = buf[i];
		out[i].buffer_length = CELL - 1;
		out[i].length = &lengths[i];
		out[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_result(st, out) != 0)
		die("bind result %d: %s", q, mysql_stmt_error(st));
	o = check(c, st, mysql_stmt_store_result(st), SQL[q]);
	if (o != OK)
		return o;
	int rc;
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		if (c->nrows < 8) {
			for (unsigned int i = 0; i < ncols && i < NCOLS; i++) {
				unsigned long n = nulls[i] ? 0 : (lengths[i] < CELL - 1 ? lengths[i] : CELL - 1);
				memcpy(c->cells[c->nrows][i], buf[i], n);
				c->cells[c->nrows][i][n] = '\0';
			}
		}
		c->nrows++;
	}
	mysql_stmt_free_result(st);
	return OK;
}

static enum outcome query(struct conn *c, const char *sql)
{
	return check(c, NULL, mysql_query(c->db, sql), sql);
}

static void rollback(struct conn *c)
{
	mysql_rollback(c->db);
}

/* Booking codes, tokens and ticket codes are unique keys: from the kernel's generator, as
 * the app takes them from libsodium's (rand_r's 32-bit state repeats across threads). */
static void random_text(char *out, int n, const char *alphabet)
{
	unsigned char raw[64];
	size_t k = strlen(alphabet);
	if (n > (int)sizeof raw || getrandom(raw, (size_t)n, 0) != n)
		die("getrandom failed");
	for (int i = 0; i < n; i++)
		out[i] = alphabet[raw[i] % k];
	out[n] = '\0';
}

/* --- the booking: hold, then confirm ---------------------------------------------------- */

enum { BOOKED, TAKEN, GAVE_UP = -1 };

/* The hold transaction of db_bookings_hold for two seats. */
static enum outcome hold(struct conn *c, const struct pair *p, long long *booking_id,
			 long long *payment_id, bool *taken)
{
	struct param ev[] = { { P_INT, HOLD_SECONDS, 0, 0 }, { P_INT, opt.event_id, 0, 0 } };
	enum outcome o = run(c, Q_EVENT_ON_SALE, ev, 2);
	if (o != OK)
		return o;
	if (c->nrows != 1 || strcmp(c->cells[0][1], "1") != 0)
		die("event %lld is not on sale", opt.event_id);
	char currency[8], expires[CELL];
	snprintf(currency, sizeof currency, "%.3s", c->cells[0][0]);
	snprintf(expires, sizeof expires, "%s", c->cells[0][2]);

	if ((o = query(c, "START TRANSACTION")) != OK)
		return o;
	long long lo = p->a < p->b ? p->a : p->b, hi = p->a < p->b ? p->b : p->a;
	struct param seats[] = { { P_INT, lo, 0, 0 }, { P_INT, hi, 0, 0 } };
	if ((o = run(c, Q_LOCK_SEATS, seats, 2)) != OK)
		goto fail;
	if (c->nrows != 2)
		die("tickets %lld/%lld not found", lo, hi);
	long long total = 0;
	*taken = false;
	for (int i = 0; i < 2; i++) {
		if (strtoll(c->cells[i][1], NULL, 10) != opt.event_id)
			die("ticket %s is not of event %lld", c->cells[i][0], opt.event_id);
		bool free = strcmp(c->cells[i][2], "available") == 0 || strcmp(c->cells[i][3], "1") == 0;
		if (!free)
			*taken = true;
		total += strtoll(c->cells[i][4], NULL, 10);
	}
	if (*taken) {
		rollback(c);
		return OK;
	}
	char code[11], token[33];
	random_text(code, 10, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
	random_text(token, 32, "0123456789abcdefghijklmnopqrstuvwxyz");
	struct param ins[] = {
		{ P_INT, opt.event_id, 0, 0 }, { P_STR, 0, code, 10 }, { P_STR, 0, token, 32 },
		{ P_INT, total, 0, 0 }, { P_INT, 2, 0, 0 }, { P_STR, 0, currency, strlen(currency) },
		{ P_STR, 0, expires, strlen(expires) },
	};
	if ((o = run(c, Q_INSERT_BOOKING, ins, 7)) != OK)
		goto fail;
	*booking_id = (long long)c->insert_id;
	struct param pay[] = { { P_INT, *booking_id, 0, 0 }, { P_INT, opt.event_id, 0, 0 },
			       { P_STR, 0, "test", 4 }, { P_INT, total, 0, 0 },
			       { P_STR, 0, currency, strlen(currency) } };
	if ((o = run(c, Q_PAYMENT_START, pay, 5)) != OK)
		goto fail;
	*payment_id = (long long)c->insert_id;
	struct param upd[] = { { P_INT, *booking_id, 0, 0 }, { P_STR, 0, expires, strlen(expires) },
			       { P_INT, lo, 0, 0 }, { P_INT, hi, 0, 0 } };
	if ((o = run(c, Q_RESERVE, upd, 4)) != OK)
		goto fail;
	if ((o = check(c, NULL, mysql_commit(c->db) ? 1 : 0, "COMMIT")) != OK)
		goto fail;
	return OK;
fail:
	rollback(c);
	return o;
}

/* The confirm transaction of db_bookings_confirm. */
static enum outcome confirm(struct conn *c, long long booking_id, long long payment_id)
{
	enum outcome o = query(c, "START TRANSACTION");
	if (o != OK)
		return o;
	struct param id[] = { { P_INT, booking_id, 0, 0 } };
	if ((o = run(c, Q_LOCK_BOOKING, id, 1)) != OK)
		goto fail;
	if (c->nrows != 1 || strcmp(c->cells[0][0], "pending") != 0)
		die("booking %lld is not pending", booking_id);
	if ((o = run(c, Q_LOCK_BOOKING_TICKETS, id, 1)) != OK)
		goto fail;
	int n = c->nrows;
	char tickets[8][3][CELL];
	for (int i = 0; i < n && i < 8; i++) {
		if (strcmp(c->cells[i][1], "reserved") != 0)
			die("booking %lld lost a ticket", booking_id);
		memcpy(tickets[i][0], c->cells[i][0], CELL);   /* ticket_id */
		memcpy(tickets[i][1], c->cells[i][2], CELL);   /* price_cents */
		memcpy(tickets[i][2], c->cells[i][3], CELL);   /* event_id */
	}
	if (n != 2)
		die("booking %lld holds %d tickets, not 2", booking_id, n);
	/* What the test provider's charge id looks like; unique per payment. */
	char ref[48];
	int reflen = snprintf(ref, sizeof ref, "direct_ch_%lld", payment_id);
	struct param paid[] = { { P_STR, 0, "succeeded", 9 }, { P_STR, 0, ref, (unsigned long)reflen },
				{ P_NULL, 0, 0, 0 }, { P_INT, payment_id, 0, 0 } };
	if ((o = run(c, Q_PAYMENT_FINISH, paid, 4)) != OK)
		goto fail;
	if ((o = run(c, Q_SELL_TICKETS, id, 1)) != OK)
		goto fail;
	char codes[2][33];
	struct param items[10];
	for (int i = 0; i < 2; i++) {
		random_text(codes[i], 32, "0123456789abcdef");
		struct param *it = &items[i * 5];
		it[0] = (struct param){ P_INT, booking_id, 0, 0 };
		it[1] = (struct param){ P_INT, strtoll(tickets[i][2], NULL, 10), 0, 0 };
		it[2] = (struct param){ P_INT, strtoll(tickets[i][0], NULL, 10), 0, 0 };
		it[3] = (struct param){ P_INT, strtoll(tickets[i][1], NULL, 10), 0, 0 };
		it[4] = (struct param){ P_STR, 0, codes[i], 32 };
	}
	if ((o = run(c, Q_ISSUE_ITEMS, items, 10)) != OK)
		goto fail;
	struct param st[] = { { P_STR, 0, "confirmed", 9 }, { P_STR, 0, "confirmed", 9 },
			      { P_INT, booking_id, 0, 0 } };
	if ((o = run(c, Q_BOOKING_STATUS, st, 3)) != OK)
		goto fail;
	if ((o = check(c, NULL, mysql_commit(c->db) ? 1 : 0, "COMMIT")) != OK)
		goto fail;
	return OK;
fail:
	rollback(c);
	return o;
}

/* booking_backoff of app/booking/booking.c: 5-20 ms, doubling, plus jitter. */
static void backoff(struct conn *c, int attempt)
{
	unsigned int base = 5000u << (attempt < 3 ? attempt : 2);
	usleep(base + (unsigned int)rand_r(&c->seed) % base);
}

/* One pair: BOOKED, TAKEN (the app's 409), or GAVE_UP when the retries ran out (its 503). */
static int book(struct conn *c, const struct pair *p, struct stats *s)
{
	long long booking_id = 0, payment_id = 0;
	bool taken = false;
	int attempt;
	for (attempt = 0; attempt < RETRIES; attempt++) {
		enum outcome o = hold(c, p, &booking_id, &payment_id, &taken);
		if (o == OK)
			break;
		s->lock_retries++;
		backoff(c, attempt);
	}
	if (attempt == RETRIES)
		return GAVE_UP;
	if (taken)
		return TAKEN;
	for (attempt = 0; attempt < RETRIES * 2; attempt++) {
		if (confirm(c, booking_id, payment_id) == OK)
			return BOOKED;
		s->lock_retries++;
		backoff(c, attempt);
	}
	die("booking %lld: confirm gave up", booking_id);
}

struct worker {
	pthread_t thread;
	int index;
	struct stats stats;
};

static void connect_db(struct conn *c, int index)
{
	c->db = mysql_init(NULL);
	if (!c->db)
		die("mysql_init");
	char init[256];
	/* The app's session settings (app/db/db.c). */
	snprintf(init, sizeof init,
		 "SET SESSION time_zone='+00:00', SESSION tx_isolation='READ-COMMITTED', "
		 "SESSION innodb_lock_wait_timeout=%d", opt.lock_wait);
	mysql_optionsv(c->db, MYSQL_INIT_COMMAND, init);
	mysql_optionsv(c->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(c->db, NULL, opt.user, NULL, opt.database, 0, opt.socket, 0))
		die("connect: %s", mysql_error(c->db));
	for (int q = 0; q < NQ; q++) {
		c->stmt[q] = mysql_stmt_init(c->db);
		if (!c->stmt[q] || mysql_stmt_prepare(c->stmt[q], SQL[q], strlen(SQL[q])) != 0)
			die("prepare %d: %s", q, mysql_error(c->db));
	}
	c->seed = (unsigned int)time(NULL) ^ (unsigned int)(index * 2654435761u) ^ (unsigned int)getpid();
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct conn c;
	memset(&c, 0, sizeof c);
	connect_db(&c, w->index);
	w->stats.latency_ms = calloc((size_t)npairs, sizeof(double));
	long cursor = (long)((long long)w->index * npairs / opt.threads);
	/* Three laps are more than enough: a pair that is still not sold after every thread has
	 * tried it three times means something is wrong, not slow. */
	for (long tries = 0; atomic_load(&sold_pairs) < npairs && tries < 3 * npairs; tries++) {
		const struct pair *p = &pairs[cursor];
		cursor = (cursor + 1) % npairs;
		double t0 = now_ms();
		int r = book(&c, p, &w->stats);
		if (r == BOOKED) {
			w->stats.latency_ms[w->stats.booked++] = now_ms() - t0;
			atomic_fetch_add(&sold_pairs, 1);
		} else if (r == TAKEN) {
			w->stats.conflicts++;
		} else {
			w->stats.unavailable++;
		}
	}
	for (int q = 0; q < NQ; q++)
		mysql_stmt_close(c.stmt[q]);
	mysql_close(c.db);
	mysql_thread_end();
	return NULL;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void read_pairs(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	size_t cap = 1024;
	pairs = malloc(cap * sizeof *pairs);
	long long a, b;
	while (fscanf(f, "%lld %lld", &a, &b) == 2) {
		if ((size_t)npairs == cap)
			pairs = realloc(pairs, (cap *= 2) * sizeof *pairs);
		pairs[npairs++] = (struct pair){ a, b };
	}
	fclose(f);
	if (npairs == 0)
		die("%s: no pairs", path);
}

static void usage(void)
{
	fprintf(stderr, "usage: direct_sql --socket PATH --event ID --pairs FILE [--threads N]"
		" [--database NAME] [--user NAME] [--lock-wait SECONDS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (strcmp(a, "--socket") == 0) opt.socket = v;
		else if (strcmp(a, "--event") == 0) opt.event_id = atoll(v);
		else if (strcmp(a, "--pairs") == 0) opt.pairs_file = v;
		else if (strcmp(a, "--threads") == 0) opt.threads = atoi(v);
		else if (strcmp(a, "--database") == 0) opt.database = v;
		else if (strcmp(a, "--user") == 0) opt.user = v;
		else if (strcmp(a, "--lock-wait") == 0) opt.lock_wait = atoi(v);
		else usage();
		i++;
	}
	if (!opt.socket || opt.event_id < 1 || !opt.pairs_file || opt.threads < 1 ||
	    opt.threads > MAX_THREADS)
		usage();
	read_pairs(opt.pairs_file);
	if (mysql_library_init(0, NULL, NULL))
		die("mysql_library_init");

	static struct worker workers[MAX_THREADS];
	double t0 = now_ms();
	for (int i = 0; i < opt.threads; i++) {
		workers[i].index = i;
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0)
			die("pthread_create");
	}
	for (int i = 0; i < opt.threads; i++)
		pthread_join(workers[i].thread, NULL);
	double seconds = (now_ms() - t0) / 1e3;

	struct stats total = { 0 };
	double *lat = malloc((size_t)npairs * sizeof(double));
	for (int i = 0; i < opt.threads; i++) {
		struct stats *s = &workers[i].stats;
		memcpy(lat + total.booked, s->latency_ms, (size_t)s->booked * sizeof(double));
		total.booked += s->booked;
		total.conflicts += s->conflicts;
		total.unavailable += s->unavailable;
		total.lock_retries += s->lock_retries;
		free(s->latency_ms);
	}
	qsort(lat, (size_t)total.booked, sizeof(double), compare_double);
	double p50 = total.booked ? lat[total.booked / 2] : 0;
	double p99 = total.booked ? lat[(long)(total.booked * 0.99)] : 0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
		     ru.ru_stime.tv_usec / 1e6;
	printf("bookings=%ld conflicts=%ld unavailable=%ld lock_retries=%ld seconds=%.3f"
	       " per_second=%.1f p50_ms=%.2f p99_ms=%.2f threads=%d cpu_seconds=%.2f\n",
	       total.booked, total.conflicts, total.unavailable, total.lock_retries, seconds,
	       total.booked / seconds, p50, p99, opt.threads, cpu);
	free(lat);
	free(pairs);
	mysql_library_end();
	return 0;
}
