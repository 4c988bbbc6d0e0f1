/* seatmap: placeholder, filled in by its room. */
#include "seatmap.h"
