/* db_event_detail: reads one event for its page and its API — a few set-based queries per
 * event (never one per seat). Only published and cancelled events exist here; drafts don't. */
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_event_detail.h"
#include "db/db_events.h"

/* A ticket's status as a small number (alias t = tickets): 0 available, 1 reserved, 2 sold.
 * A hold past hold_expires_at is available: the sweep may not have released it yet, and the
 * booking protocol takes such rows over anyway. Must match enum ticket_status. */
#define SQL_TICKET_STATUS \
	"(CASE WHEN t.status = 'sold' THEN 2" \
	"      WHEN t.status = 'reserved'" \
	"       AND (t.hold_expires_at IS NULL OR t.hold_expires_at > UTC_TIMESTAMP()) THEN 1" \
	"      ELSE 0 END)"

static const char SQL_EVENT[] =
	"SELECT e.event_id, e.name, e.description, e.status, e.currency,"
	"       e.starts_at <= UTC_TIMESTAMP(), " SQL_EVENT_LOCAL_START ", " SQL_EVENT_UTC_OFFSET ","
	"       " DB_EVENTS_CATEGORY_VENUE_COLUMNS
	"  FROM events e"
	"  JOIN venues v ON v.venue_id = e.venue_id"
	"  JOIN categories c ON c.category_id = e.category_id"
	" WHERE e.event_id = ? AND e.status IN ('published', 'cancelled')";

static const char SQL_PERFORMERS[] =
	"SELECT p.name"
	"  FROM event_performers ep JOIN performers p ON p.performer_id = ep.performer_id"
	" WHERE ep.event_id = ?"
	" ORDER BY ep.billing_order, p.performer_id";

/* Counted from idx_tickets_event_section_status alone (no row reads), then corrected for
 * holds past their expiry — few rows, as the sweep keeps releasing them. Derived tables keep
 * the outer query free of GROUP BY over the section columns. */
static const char SQL_SECTIONS[] =
	"SELECT s.section_id, s.name, s.kind, s.map_x, s.map_y, s.map_w, s.map_h,"
	"       pt.name, pt.price_cents, pt.currency,"
	"       COALESCE(n.total, 0), COALESCE(n.available, 0) + COALESCE(x.expired, 0),"
	"       COALESCE(n.reserved, 0) - COALESCE(x.expired, 0), COALESCE(n.sold, 0)"
	"  FROM price_tiers pt"
	"  JOIN venue_sections s ON s.section_id = pt.section_id"
	"  LEFT JOIN (SELECT t.section_id, COUNT(*) AS total,"
	"                    SUM(t.status = 'available') AS available,"
	"                    SUM(t.status = 'reserved') AS reserved,"
	"                    SUM(t.status = 'sold') AS sold"
	"               FROM tickets t WHERE t.event_id = ? GROUP BY t.section_id) n"
	"    ON n.section_id = s.section_id"
	"  LEFT JOIN (SELECT t.section_id, COUNT(*) AS expired"
	"               FROM tickets t"
	"              WHERE t.event_id = ? AND t.status = 'reserved'"
	"                AND t.hold_expires_at <= UTC_TIMESTAMP()"
	"              GROUP BY t.section_id) x"
	"    ON x.section_id = s.section_id"
	" WHERE pt.event_id = ?"
	" ORDER BY s.sort_order, s.section_id";

/* The seats in uq_tickets_event_seat order; db_event_seats sorts them for the map in C,
 * which is cheaper than a filesort through a temporary table. */
static const char SQL_SEATS[] =
	"SELECT t.ticket_id, t.section_id, vs.row_label, vs.seat_number, vs.x, vs.y,"
	"       t.price_cents, " SQL_TICKET_STATUS
	"  FROM tickets t"
	"  JOIN venue_seats vs ON vs.seat_id = t.seat_id"
	" WHERE t.event_id = ?";

/* Same columns as SQL_SEATS; standing places have NULL row, seat and position. */
static const char SQL_TICKETS[] =
	"SELECT t.ticket_id, t.section_id, vs.row_label, vs.seat_number, vs.x, vs.y,"
	"       t.price_cents, " SQL_TICKET_STATUS
	"  FROM tickets t"
	"  LEFT JOIN venue_seats vs ON vs.seat_id = t.seat_id"
	" WHERE t.event_id = ?"
	" ORDER BY t.ticket_id";

static const char *const STATUS_NAMES[] = {
	[TICKET_AVAILABLE] = "available",
	[TICKET_RESERVED] = "reserved",
	[TICKET_SOLD] = "sold",
};

const char *ticket_status_name(enum ticket_status s)
{
	return (unsigned)s < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0] ? STATUS_NAMES[s] : NULL;
}

bool ticket_status_parse(const char *s, enum ticket_status *out)
{
	for (size_t i = 0; s && i < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0]; i++) {
		if (strcmp(s, STATUS_NAMES[i]) == 0) {
			*out = (enum ticket_status)i;
			return true;
		}
	}
	return false;
}

static long long cell_ll(const struct db_result *r, int row, int col, long long def)
{
	const char *s = db_cell(r, row, col);
	return s ? strtoll(s, NULL, 10) : def;
}

static const char *cell_str(const struct db_result *r, int row, int col)
{
	const char *s = db_cell(r, row, col);
	return s ? s : "";
}

static NEOERR *db_event_performers(struct db *db, struct arena *a, struct event_detail *ev)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_PERFORMERS, "i", ev->event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	ev->performers = arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	ev->nperformers = 0;
	for (int i = 0; i < r.nrows; i++)
		if (db_cell(&r, i, 0))
			ev->performers[ev->nperformers++] = db_cell(&r, i, 0);
	return STATUS_OK;
}

NEOERR *db_event_detail(struct db *db, struct arena *a, long long event_id,
			struct event_detail *out, bool *found)
{
	memset(out, 0, sizeof *out);
	*found = false;
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_EVENT, "i", event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.nrows == 0)
		return STATUS_OK;
	out->event_id = cell_ll(&r, 0, 0, 0);
	out->name = cell_str(&r, 0, 1);
	out->description = cell_str(&r, 0, 2);
	out->cancelled = strcmp(cell_str(&r, 0, 3), "cancelled") == 0;
	out->currency = cell_str(&r, 0, 4);
	out->started = cell_ll(&r, 0, 5, 0) != 0;
	out->starts_at_local = db_cell(&r, 0, 6);
	out->utc_offset_minutes = (int)cell_ll(&r, 0, 7, 0);
	db_events_category_venue_from_row(&r, 0, 8, &out->category, &out->venue);
	err = db_event_performers(db, a, out);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*found = true;
	return STATUS_OK;
}

NEOERR *db_event_sections(struct db *db, struct arena *a, long long event_id,
			  struct event_section **out, int *count)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_SECTIONS, "iii", event_id, event_id, event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct event_section *s = arena_zalloc(a, sizeof *s * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		s[i].section_id = cell_ll(&r, i, 0, 0);
		s[i].name = cell_str(&r, i, 1);
		s[i].standing = strcmp(cell_str(&r, i, 2), "standing") == 0;
		s[i].map_x = (int)cell_ll(&r, i, 3, 0);
		s[i].map_y = (int)cell_ll(&r, i, 4, 0);
		s[i].map_w = (int)cell_ll(&r, i, 5, 0);
		s[i].map_h = (int)cell_ll(&r, i, 6, 0);
		s[i].tier_name = cell_str(&r, i, 7);
		s[i].price_cents = cell_ll(&r, i, 8, 0);
		s[i].currency = cell_str(&r, i, 9);
		s[i].capacity = cell_ll(&r, i, 10, 0);
		s[i].available = cell_ll(&r, i, 11, 0);
		s[i].reserved = cell_ll(&r, i, 12, 0);
		s[i].sold = cell_ll(&r, i, 13, 0);
	}
	*out = s;
	*count = r.nrows;
	return STATUS_OK;
}

/* Rows of SQL_SEATS / SQL_TICKETS into tickets; the section index is found by id (a venue
 * has a handful of sections, and rows arrive grouped, so remember the last hit). */
static void tickets_from_rows(struct arena *a, const struct db_result *r,
			      const struct event_section *sections, int nsections,
			      struct event_ticket **out, int *count)
{
	struct event_ticket *t = arena_alloc(a, sizeof *t * (size_t)(r->nrows + 1));
	int last = 0;
	for (int i = 0; i < r->nrows; i++) {
		long long section_id = cell_ll(r, i, 1, 0);
		if (last >= nsections || sections[last].section_id != section_id) {
			last = 0;
			while (last < nsections && sections[last].section_id != section_id)
				last++;
		}
		t[i].ticket_id = cell_ll(r, i, 0, 0);
		t[i].section = last < nsections ? last : -1;
		t[i].row_label = db_cell(r, i, 2);
		t[i].seat_number = (int)cell_ll(r, i, 3, 0);
		t[i].x = (int)cell_ll(r, i, 4, 0);
		t[i].y = (int)cell_ll(r, i, 5, 0);
		t[i].price_cents = cell_ll(r, i, 6, 0);
		long long status = cell_ll(r, i, 7, 0);
		t[i].status = status == 2 ? TICKET_SOLD : status == 1 ? TICKET_RESERVED : TICKET_AVAILABLE;
	}
	*out = t;
	*count = r->nrows;
}

/* Map order: section as the venue lists them (the sections array), then row — by length
 * first, so A..Z come before AA, BB as rows are lettered — then seat number. */
static int seat_cmp(const void *pa, const void *pb)
{
	const struct event_ticket *a = pa, *b = pb;
	if (a->section != b->section)
		return a->section < b->section ? -1 : 1;
	const char *ra = a->row_label ? a->row_label : "", *rb = b->row_label ? b->row_label : "";
	size_t la = strlen(ra), lb = strlen(rb);
	if (la != lb)
		return la < lb ? -1 : 1;
	int c = strcmp(ra, rb);
	if (c != 0)
		return c;
	if (a->seat_number != b->seat_number)
		return a->seat_number < b->seat_number ? -1 : 1;
	return a->ticket_id < b->ticket_id ? -1 : a->ticket_id > b->ticket_id;
}

NEOERR *db_event_seats(struct db *db, struct arena *a, long long event_id,
		       const struct event_section *sections, int nsections,
		       struct event_ticket **out, int *count)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_SEATS, "i", event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	tickets_from_rows(a, &r, sections, nsections, out, count);
	qsort(*out, (size_t)*count, sizeof **out, seat_cmp);
	return STATUS_OK;
}

NEOERR *db_event_tickets(struct db *db, struct arena *a, long long event_id,
			 const struct event_section *sections, int nsections,
			 struct event_ticket **out, int *count)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_TICKETS, "i", event_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	tickets_from_rows(a, &r, sections, nsections, out, count);
	return STATUS_OK;
}

void db_event_recount(struct event_section *sections, int nsections,
		      const struct event_ticket *tickets, int ntickets, bool seated_only)
{
	for (int i = 0; i < nsections; i++) {
		struct event_section *s = &sections[i];
		if (seated_only && s->standing)
			continue;
		s->capacity = s->available = s->reserved = s->sold = 0;
	}
	for (int i = 0; i < ntickets; i++) {
		const struct event_ticket *t = &tickets[i];
		if (t->section < 0 || t->section >= nsections ||
		    (seated_only && sections[t->section].standing))
			continue;
		struct event_section *s = &sections[t->section];
		s->capacity++;
		switch (t->status) {
		case TICKET_AVAILABLE: s->available++; break;
		case TICKET_RESERVED: s->reserved++; break;
		case TICKET_SOLD: s->sold++; break;
		}
	}
}
