/* template: one ClearSilver parse and render per call. The escape mode is read by cs_init
 * from Config.VarEscapeMode, so it is set on the data set right before every parse. */
#include <string.h>
#include "core/template.h"

static NEOERR *template_to_string(void *ctx, char *s)
{
	return nerr_pass(string_append(ctx, s));
}

NEOERR *template_render(HDF *hdf, const char *template_dir, const char *const *files, int nfiles,
			enum template_escape escape, STRING *out)
{
	NEOERR *err;
	if (template_dir) {
		err = hdf_set_value(hdf, "hdf.loadpaths.0", template_dir);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	const char *mode = escape == TEMPLATE_HTML ? "html" : "none";
	if (strcmp(hdf_get_value(hdf, "Config.VarEscapeMode", ""), mode) != 0) {
		err = hdf_set_value(hdf, "Config.VarEscapeMode", mode);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	CSPARSE *parse = NULL;
	err = cs_init(&parse, hdf);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* url_escape(), js_escape() and friends, for values inside URLs and scripts. */
	err = cgi_register_strfuncs(parse);
	for (int i = 0; i < nfiles && err == STATUS_OK; i++)
		err = cs_parse_file(parse, files[i]);
	if (err == STATUS_OK)
		err = cs_render(parse, out, template_to_string);
	cs_destroy(&parse);
	return nerr_pass(err);
}
