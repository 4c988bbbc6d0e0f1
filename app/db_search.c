/* db_search: placeholder, filled in by its room. */
#include "db_search.h"
