/*
 * diag.h - located diagnostics for manifests:
 *
 *   FILE:LINE:COL: error: field.path: what is wrong (what was expected)
 *
 * Errors are collected, not printed at once, so that a manifest's every error
 * is reported together, sorted by position.
 */
#ifndef MINIKVM_DIAG_H
#define MINIKVM_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* One error.  line/col are 1-based; 0 means "the whole file". */
struct diag {
	unsigned line, col;
	unsigned seq;	/* order of arrival, to keep the sort stable */
	char *origin;		/* where it comes from instead of the file
				 * ("--set vcpus[0].memory=2M"), or NULL */
	char *text;	/* "field.path: message", or "message" without path */
};

/* A list of errors for one file (or one command-line source). */
struct diags {
	const char *file;	/* name printed before each error; not owned */
	struct diag *v;
	size_t n, cap;
	size_t dropped;		/* errors past DIAGS_MAX, counted only */
};

/* At most this many errors are kept per file; the rest are counted. */
#define DIAGS_MAX 100

/*
 * diags_add - records one error at LINE:COL (1-based, 0 = unknown) for the
 * field PATH (may be NULL or "") with a printf-style message.  Never fails:
 * if memory runs out the error is counted as dropped.
 */
void diags_add(struct diags *d, unsigned line, unsigned col, const char *path,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * diags_add_origin - the same for an error that comes from ORIGIN (a
 * command-line argument, say) rather than a place in the file: printed as
 * "ORIGIN: error: path: message" (ORIGIN is copied).
 */
void diags_add_origin(struct diags *d, const char *origin, const char *path,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* diags_print - writes every error, sorted by position, to OUT. */
void diags_print(struct diags *d, FILE *out);

/* diags_count - how many errors were recorded (kept or dropped). */
size_t diags_count(const struct diags *d);

/* diags_free - releases the list; it can be reused afterwards. */
void diags_free(struct diags *d);

#endif
