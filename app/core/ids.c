/* ids: see ids.h. */
#include <stdlib.h>
#include "core/ids.h"

int ids_compare(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int ids_sort_distinct(long long *ids, int n)
{
	if (n <= 0)
		return 0;
	qsort(ids, (size_t)n, sizeof *ids, ids_compare);
	int distinct = 1;
	for (int i = 1; i < n; i++)
		if (ids[distinct - 1] != ids[i])
			ids[distinct++] = ids[i];
	return distinct;
}

bool ids_contain(const long long *ids, int n, long long id)
{
	return n > 0 && bsearch(&id, ids, (size_t)n, sizeof *ids, ids_compare) != NULL;
}
