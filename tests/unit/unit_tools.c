/* unit_tools: what the suites that hand our output to outside programs share (zbarimg reads
 * our QR codes, poppler our PDFs): a scratch folder that goes with the arena, and a command's output. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"
#include "core/arena.h"
#include "core/buf.h"

/* The folder is flat (the tests write no subfolders), so emptying it is one readdir. */
static void unit_temp_dir_remove(void *path)
{
	DIR *d = opendir(path);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char file[4096];
			snprintf(file, sizeof file, "%s/%s", (char *)path, e->d_name);
			unlink(file);
		}
		closedir(d);
	}
	rmdir(path);
}

const char *unit_temp_dir(struct arena *a)
{
	const char *tmp = getenv("TMPDIR");
	char *path = arena_printf(a, "%s/boxoffice-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp %s failed", path);
	arena_on_destroy(a, unit_temp_dir_remove, path);
	return path;
}

const char *unit_write_file(struct arena *a, const char *dir, const char *name, const void *data,
			    size_t len)
{
	const char *path = arena_printf(a, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

char *unit_command(struct arena *a, int *status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char command[4096];
	int n = vsnprintf(command, sizeof command, fmt, ap);
	va_end(ap);
	ck_assert_msg(n > 0 && (size_t)n < sizeof command, "command too long");
	FILE *p = popen(command, "r");
	ck_assert_msg(p != NULL, "popen %s failed", command);
	struct buf out = { 0 };
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&out, chunk, got);
	int rc = pclose(p);
	*status = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	ck_assert_msg(*status != 127, "%s: command not found (./dev installs it)", command);
	char *text = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return text;
}

char *unit_error_text(struct arena *a, NEOERR *err)
{
	STRING s;
	string_init(&s);
	nerr_error_string(err, &s);
	char *text = arena_strdup(a, s.buf ? s.buf : "");
	string_clear(&s);
	nerr_ignore(&err);
	return text;
}
