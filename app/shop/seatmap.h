/* seatmap: an event's sections and seats as the data set templates/events/seatmap.cs draws —
 * the SVG picture of the hall and the accessible seat picker (a checkbox per seat). */
#ifndef BOXOFFICE_SEATMAP_H
#define BOXOFFICE_SEATMAP_H
#include <ClearSilver.h>

struct arena;
struct event_section;
struct event_ticket;

/* Map units: a seat is drawn as a SEATMAP_SEAT_SIZE square centred on its x/y (seats sit on
 * a 20-unit pitch). */
#define SEATMAP_SEAT_SIZE 16
/* Most standing places one order may take (the quantity picker's max). */
#define SEATMAP_MAX_STANDING 8

/* Fill `Map.*` under hdf from the event's sections (db_event_sections) and its seats in map
 * order (db_event_seats):
 *   Map.ViewBox, Map.Width, Map.Height, Map.Stage.{X,Y,W,H,TextX,TextY} (when there is room above the sections),
 *   Map.Counts.{available,held,sold} (seats), Map.HasSeats, Map.HasStanding,
 *   Map.Selectable (a seat or standing place is left to choose),
 *   Map.Sections.N.{Id,Name,Kind,Price,Capacity,Available,Max,X,Y,W,H,LabelX,LabelY},
 *   Map.Sections.N.Rows.M.{Label, Seats.K.{Ticket,X,Y,Number,Status,Name}}
 * with Status one of available / held / sold and Name the seat's accessible name,
 * "Section Stalls, row B, seat 12, €45.00". */
NEOERR *seatmap_fill_hdf(HDF *hdf, struct arena *a,
			 const struct event_section *sections, int nsections,
			 const struct event_ticket *seats, int nseats);

#endif
