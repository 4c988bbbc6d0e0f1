/* db_search: placeholder, filled in by its room. */
#ifndef BOXOFFICE_DB_SEARCH_H
#define BOXOFFICE_DB_SEARCH_H
#endif
