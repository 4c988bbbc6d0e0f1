/* config_values: reading one setting — a string with its default, or a secret that the
 * environment may override — shared by the files that read the configuration's sections. */
#include <stdlib.h>
#include "core/config.h"
#include "core/xalloc.h"

char *config_string(HDF *hdf, const char *name, const char *def)
{
	const char *v = hdf_get_value(hdf, name, def);
	return v ? xstrdup(v) : NULL;
}

char *config_secret(HDF *hdf, const char *name, const char *env)
{
	const char *v = getenv(env);
	if (v == NULL || *v == '\0')
		v = hdf_get_value(hdf, name, "");
	return xstrdup(v);
}
