/* event_filters: placeholder, filled in by its room. */
#include "event_filters.h"
