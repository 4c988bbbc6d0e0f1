/* seatmap: lays out an event's seat map as HDF for templates/events/seatmap.cs. The picture
 * comes from the venue's own coordinates (section boxes, seat x/y); the names are built once here. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "core/arena.h"
#include "core/format.h"
#include "db/db_event_detail.h"
#include "shop/seatmap.h"

#define MAP_MARGIN 10          /* around everything drawn */
#define MAP_SCALE_PERCENT 125  /* CSS pixels per 100 map units at natural size */
#define LABEL_ABOVE 6          /* a seated section's name sits this far above its box */
#define LABEL_HEIGHT 16
#define STAGE_HEIGHT 40
#define STAGE_GAP 8            /* between the stage and the first section's name */

/* HDF setters fail only on allocation: keep the first error and skip the rest, so the
 * fill reads as a list of fields. */
static void put(NEOERR **err, HDF *node, const char *name, const char *value)
{
	if (*err == STATUS_OK)
		*err = hdf_set_value(node, name, value);
}

static void put_int(NEOERR **err, HDF *node, const char *name, long long value)
{
	char num[24];
	snprintf(num, sizeof num, "%lld", value);
	put(err, node, name, num);
}

/* The child of parent named by a number ("0", "1", ...), created if missing. */
static HDF *child(NEOERR **err, HDF *parent, int index)
{
	char name[16];
	HDF *node = NULL;
	snprintf(name, sizeof name, "%d", index);
	if (*err == STATUS_OK)
		*err = hdf_get_node(parent, name, &node);
	return node;
}

static HDF *node_named(NEOERR **err, HDF *parent, const char *name)
{
	HDF *node = NULL;
	if (*err == STATUS_OK)
		*err = hdf_get_node(parent, name, &node);
	return node;
}

struct bounds {
	bool any;
	int x0, y0, x1, y1;
};

static void bounds_add(struct bounds *b, int x0, int y0, int x1, int y1)
{
	if (!b->any || x0 < b->x0) b->x0 = x0;
	if (!b->any || y0 < b->y0) b->y0 = y0;
	if (!b->any || x1 > b->x1) b->x1 = x1;
	if (!b->any || y1 > b->y1) b->y1 = y1;
	b->any = true;
}

static const char *seat_status_word(enum ticket_status s)
{
	switch (s) {
	case TICKET_RESERVED: return "held";
	case TICKET_SOLD: return "sold";
	case TICKET_AVAILABLE:
	default: return "available";
	}
}

static void fill_section(NEOERR **err, HDF *node, const struct event_section *s,
			 const char *price, struct bounds *boxes)
{
	put_int(err, node, "Id", s->section_id);
	put(err, node, "Name", s->name);
	put(err, node, "Kind", s->standing ? "standing" : "seated");
	put(err, node, "Price", price);
	put_int(err, node, "Capacity", s->capacity);
	put_int(err, node, "Available", s->available);
	put_int(err, node, "Max", s->available < SEATMAP_MAX_STANDING ? s->available
								       : SEATMAP_MAX_STANDING);
	put_int(err, node, "X", s->map_x);
	put_int(err, node, "Y", s->map_y);
	put_int(err, node, "W", s->map_w);
	put_int(err, node, "H", s->map_h);
	/* Seated: the name centred above the box. Standing: name and count centred inside it. */
	put_int(err, node, "LabelX", s->map_x + (int)s->map_w / 2);
	if (s->standing) {
		put_int(err, node, "LabelY", s->map_y + (int)s->map_h / 2 - 4);
		put_int(err, node, "CountY", s->map_y + (int)s->map_h / 2 + 14);
	} else {
		put_int(err, node, "LabelY", s->map_y - LABEL_ABOVE);
	}
	bounds_add(boxes, s->map_x, s->map_y, s->map_x + s->map_w, s->map_y + s->map_h);
}

/* Seats arrive grouped by section and row; a new row node starts whenever either changes. */
struct row_cursor {
	int section;
	const char *label;
	HDF *seats;
	int nseats;
};

NEOERR *seatmap_fill_hdf(HDF *hdf, struct arena *a,
			 const struct event_section *sections, int nsections,
			 const struct event_ticket *seats, int nseats)
{
	NEOERR *err = STATUS_OK;
	HDF *map = node_named(&err, hdf, "Map");
	HDF *section_list = node_named(&err, map, "Sections");
	HDF **section_nodes = arena_zalloc(a, sizeof(HDF *) * (size_t)(nsections + 1));
	const char **prices = arena_zalloc(a, sizeof(char *) * (size_t)(nsections + 1));
	int *nrows = arena_zalloc(a, sizeof(int) * (size_t)(nsections + 1));
	struct bounds boxes = { 0 }, all = { 0 };
	bool has_standing = false;
	long long standing_available = 0;

	for (int i = 0; i < nsections; i++) {
		const struct event_section *s = &sections[i];
		prices[i] = format_money(a, s->price_cents, s->currency);
		section_nodes[i] = child(&err, section_list, i);
		if (err != STATUS_OK)
			return nerr_pass(err);
		fill_section(&err, section_nodes[i], s, prices[i], &boxes);
		has_standing |= s->standing;
		if (s->standing)
			standing_available += s->available;
	}
	if (boxes.any) {
		bounds_add(&all, boxes.x0, boxes.y0 - LABEL_ABOVE - LABEL_HEIGHT, boxes.x1, boxes.y1);
		/* The demo venues leave room above the first section for a stage; only draw one where
		 * there is that room (a stand-lined court or pitch has no stage to show). */
		int stage_y = boxes.y0 - LABEL_ABOVE - LABEL_HEIGHT - STAGE_GAP - STAGE_HEIGHT;
		if (stage_y >= 0) {
			HDF *stage = node_named(&err, map, "Stage");
			put_int(&err, stage, "X", boxes.x0);
			put_int(&err, stage, "Y", stage_y);
			put_int(&err, stage, "W", boxes.x1 - boxes.x0);
			put_int(&err, stage, "H", STAGE_HEIGHT);
			put_int(&err, stage, "TextX", boxes.x0 + (boxes.x1 - boxes.x0) / 2);
			put_int(&err, stage, "TextY", stage_y + STAGE_HEIGHT / 2 + 5);
			bounds_add(&all, boxes.x0, stage_y, boxes.x1, stage_y + STAGE_HEIGHT);
		}
	}

	long long counts[3] = { 0, 0, 0 };
	struct row_cursor row = { .section = -1 };
	const int half = SEATMAP_SEAT_SIZE / 2;
	for (int i = 0; i < nseats && err == STATUS_OK; i++) {
		const struct event_ticket *t = &seats[i];
		if (t->section < 0 || t->section >= nsections)
			continue;
		const char *label = t->row_label ? t->row_label : "";
		if (t->section != row.section || row.label == NULL || strcmp(label, row.label) != 0) {
			HDF *rows = node_named(&err, section_nodes[t->section], "Rows");
			HDF *r = child(&err, rows, nrows[t->section]++);
			put(&err, r, "Label", label);
			row = (struct row_cursor){ .section = t->section, .label = label,
						   .seats = node_named(&err, r, "Seats") };
		}
		const struct event_section *s = &sections[t->section];
		/* The tier's price unless this seat was priced on its own. */
		const char *price = t->price_cents == s->price_cents
			? prices[t->section] : format_money(a, t->price_cents, s->currency);
		HDF *seat = child(&err, row.seats, row.nseats++);
		put_int(&err, seat, "Ticket", t->ticket_id);
		put_int(&err, seat, "X", t->x - half);
		put_int(&err, seat, "Y", t->y - half);
		put_int(&err, seat, "Number", t->seat_number);
		put(&err, seat, "Status", seat_status_word(t->status));
		put(&err, seat, "Name", arena_printf(a, "Section %s, row %s, seat %d, %s", s->name,
						     label, t->seat_number, price));
		counts[t->status]++;
		bounds_add(&all, t->x - half, t->y - half, t->x + half, t->y + half);
	}
	if (err != STATUS_OK)
		return nerr_pass(err);

	HDF *c = node_named(&err, map, "Counts");
	put_int(&err, c, "available", counts[TICKET_AVAILABLE]);
	put_int(&err, c, "held", counts[TICKET_RESERVED]);
	put_int(&err, c, "sold", counts[TICKET_SOLD]);
	put_int(&err, map, "HasSeats", nseats > 0);
	put_int(&err, map, "HasStanding", has_standing);
	put_int(&err, map, "Selectable", counts[TICKET_AVAILABLE] + standing_available > 0);
	if (!all.any)
		all = (struct bounds){ .any = true, .x0 = 0, .y0 = 0, .x1 = 100, .y1 = 100 };
	int w = all.x1 - all.x0 + 2 * MAP_MARGIN, h = all.y1 - all.y0 + 2 * MAP_MARGIN;
	put(&err, map, "ViewBox", arena_printf(a, "%d %d %d %d", all.x0 - MAP_MARGIN,
					       all.y0 - MAP_MARGIN, w, h));
	/* The natural size in CSS pixels; the stylesheet shrinks it to fit narrow screens. */
	put_int(&err, map, "Width", w * MAP_SCALE_PERCENT / 100);
	put_int(&err, map, "Height", h * MAP_SCALE_PERCENT / 100);
	return nerr_pass(err);
}
