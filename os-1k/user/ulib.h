/*
 * ulib.h - the user programs' library: the system calls (syscall.h) and
 * a few helpers.  There is no other C library in user mode either.
 */
#ifndef OS1K_ULIB_H
#define OS1K_ULIB_H

#include <stdarg.h>
#include <stddef.h>

/* System calls. */
void putchar(int c);
int getchar(void);			/* a byte, or -1 at the end of input */
void exit(int status) __attribute__((noreturn));
void yield(void);
unsigned ticks(void);			/* 10 ms each, since boot */
void sleep(unsigned n);			/* waits n ticks */
int readfile(const char *name, char *buf, int size);	/* size, or -1 */
int spawn(int (*program)(void));	/* starts program() as a new process: its pid, or -1 */
int wait(int pid);			/* its exit status; -1: killed */

/* Helpers. */
void printf(const char *fmt, ...)	/* %d %u %s %c */
	__attribute__((format(printf, 1, 2)));
int readline(char *buf, int size);	/* a line without '\n', its length; -1 at the end of input */
int scan_int(const char **s, int *v);	/* 1, 0: no number, -1: out of range */
const char *skip_spaces(const char *s);
int strcmp(const char *a, const char *b);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif
