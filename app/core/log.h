/* log: one line per event on stderr (the pool redirects it to its log file).
 * Lines carry the pid and, where there is one, the request id, never secrets or card data. */
#ifndef BOXOFFICE_LOG_H
#define BOXOFFICE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
