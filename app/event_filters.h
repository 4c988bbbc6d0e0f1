/* event_filters: placeholder, filled in by its room. */
#ifndef BOXOFFICE_EVENT_FILTERS_H
#define BOXOFFICE_EVENT_FILTERS_H
#endif
