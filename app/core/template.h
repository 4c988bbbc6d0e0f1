/* template: ClearSilver templates rendered into a string, for web pages and mail alike. HTML
 * output escapes every var: as HTML; plain text (mail bodies, SMS) escapes nothing, since
 * there is no markup to break, and its header-bound values are cleaned by whoever sends them. */
#ifndef BOXOFFICE_TEMPLATE_H
#define BOXOFFICE_TEMPLATE_H
#include <ClearSilver.h>

enum template_escape { TEMPLATE_HTML, TEMPLATE_TEXT };

/* Parse `files` (relative to `template_dir`, or to the HDF's hdf.loadpaths when NULL) in
 * order and render them against `hdf` into `out`, escaping as `escape` says. */
NEOERR *template_render(HDF *hdf, const char *template_dir, const char *const *files, int nfiles,
			enum template_escape escape, STRING *out);

#endif
