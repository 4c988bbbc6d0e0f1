/* ids: lists of database ids (ticket ids) as the booking code handles them — sorted ascending,
 * which is also the order their rows are locked in. */
#ifndef BOXOFFICE_IDS_H
#define BOXOFFICE_IDS_H
#include <stdbool.h>

/* qsort/bsearch comparator for long long ids. */
int ids_compare(const void *a, const void *b);
/* Sort ids ascending and drop repeats in place; returns how many distinct ids remain. */
int ids_sort_distinct(long long *ids, int n);
/* Whether sorted `ids` holds `id`. */
bool ids_contain(const long long *ids, int n, long long id);

#endif
