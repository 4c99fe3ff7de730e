/*
 * err.h - an error message travelling up to the caller that decides what to
 * do with it.  Functions below main() never print-and-exit: they fill a
 * struct err and return -1; main() prints it and picks the exit status.
 */
#ifndef MINIKVM_ERR_H
#define MINIKVM_ERR_H

#include <stdarg.h>
#include <stdio.h>

struct err {
	char msg[512];
};

/* err_set - formats the message into E; always returns -1. */
static inline int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

#endif
