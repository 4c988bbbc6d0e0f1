/* seatmap: placeholder, filled in by its room. */
#ifndef BOXOFFICE_SEATMAP_H
#define BOXOFFICE_SEATMAP_H
#endif
