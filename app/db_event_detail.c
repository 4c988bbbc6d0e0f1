/* db_event_detail: placeholder, filled in by its room. */
#include "db_event_detail.h"
