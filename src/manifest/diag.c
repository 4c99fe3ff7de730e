/* diag.c - collection and printing of located diagnostics (see diag.h). */
#define _GNU_SOURCE
#include "manifest/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void diags_vadd(struct diags *d, const char *origin, unsigned line,
		       unsigned col, const char *path, const char *fmt, va_list ap)
{
	char *msg = NULL, *text = NULL, *from = NULL;

	if (d->n >= DIAGS_MAX)
		goto drop;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct diag *v = realloc(d->v, cap * sizeof *v);

		if (v == NULL)
			goto drop;
		d->v = v;
		d->cap = cap;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg == NULL)
		goto drop;
	if (path != NULL && path[0] != '\0') {
		if (asprintf(&text, "%s: %s", path, msg) < 0)
			text = NULL;
		free(msg);
	} else {
		text = msg;
	}
	if (text == NULL)
		goto drop;
	if (origin != NULL && (from = strdup(origin)) == NULL) {
		free(text);
		goto drop;
	}
	d->v[d->n] = (struct diag){ line, col, (unsigned)d->n, from, text };
	d->n++;
	return;
drop:
	d->dropped++;
}

void diags_add(struct diags *d, unsigned line, unsigned col, const char *path,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(d, NULL, line, col, path, fmt, ap);
	va_end(ap);
}

void diags_add_origin(struct diags *d, const char *origin, const char *path,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(d, origin, 0, 0, path, fmt, ap);
	va_end(ap);
}

static int diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diags_print(struct diags *d, FILE *out)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof d->v[0], diag_cmp);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *e = &d->v[i];

		if (e->origin != NULL)
			fprintf(out, "%s: error: %s\n", e->origin, e->text);
		else if (e->line > 0)
			fprintf(out, "%s:%u:%u: error: %s\n", d->file, e->line,
				e->col, e->text);
		else
			fprintf(out, "%s: error: %s\n", d->file, e->text);
	}
	if (d->dropped > 0)
		fprintf(out, "%s: error: %zu more errors not shown\n", d->file,
			d->dropped);
}

size_t diags_count(const struct diags *d)
{
	return d->n + d->dropped;
}

void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].text);
		free(d->v[i].origin);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->dropped = 0;
}
