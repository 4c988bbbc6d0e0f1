/* format: how money and times are written for people (HTML) — one helper each. */
#ifndef BOXOFFICE_FORMAT_H
#define BOXOFFICE_FORMAT_H

struct arena;

/* 4500, "EUR" -> "€45.00"; unknown currencies as "45.00 XYZ". */
const char *format_money(struct arena *a, long long cents, const char *currency);

#endif
