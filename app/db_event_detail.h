/* db_event_detail: placeholder, filled in by its room. */
#ifndef BOXOFFICE_DB_EVENT_DETAIL_H
#define BOXOFFICE_DB_EVENT_DETAIL_H
#endif
