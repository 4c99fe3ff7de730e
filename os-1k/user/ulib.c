/*
 * ulib.c - system calls (int $0x80, see syscall.h) and helpers for the
 * user programs.
 */
#include "ulib.h"
#include "syscall.h"

static int syscall(int n, int a, int b, int c)
{
	int ret;
	asm volatile("int $0x80"
		     : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

int program_start(void);	/* start.S */

void putchar(int c)	{ syscall(SYS_PUTCHAR, c, 0, 0); }
int getchar(void)	{ return syscall(SYS_GETCHAR, 0, 0, 0); }
void yield(void)	{ syscall(SYS_YIELD, 0, 0, 0); }
unsigned ticks(void)	{ return (unsigned)syscall(SYS_TICKS, 0, 0, 0); }
void sleep(unsigned n)	{ syscall(SYS_SLEEP, (int)n, 0, 0); }
int wait(int pid)	{ return syscall(SYS_WAIT, pid, 0, 0); }

void exit(int status)
{
	syscall(SYS_EXIT, status, 0, 0);
	for (;;)		/* not reached */
		;
}

int readfile(const char *name, char *buf, int size)
{
	return syscall(SYS_READFILE, (int)name, (int)buf, size);
}

/* The new process starts in program_start (start.S), which calls
 * PROGRAM and exits with what it returns. */
int spawn(int (*program)(void))
{
	return syscall(SYS_SPAWN, (int)program_start, (int)program, 0);
}

static void put_number(unsigned v)
{
	char digits[10];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putchar(digits[--n]);
}

void printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putchar(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0)
				putchar('-');
			put_number(v < 0 ? -(unsigned)v : (unsigned)v);
			break;
		}
		case 'u': put_number(va_arg(ap, unsigned)); break;
		case 'c': putchar(va_arg(ap, int)); break;
		case 's':
			for (const char *s = va_arg(ap, const char *); *s; s++)
				putchar(*s);
			break;
		case '%': putchar('%'); break;
		default: putchar('%'); putchar(*fmt); break;
		}
	}
	va_end(ap);
}

/* Reads one line; a longer line than SIZE - 1 bytes is cut there (the
 * rest is read and dropped).  A carriage return before the newline is
 * dropped too.  A last line without a newline still counts as a line. */
int readline(char *buf, int size)
{
	int n = 0, c;
	while ((c = getchar()) != '\n') {
		if (c < 0) {
			if (n == 0)
				return -1;
			break;
		}
		if (n < size - 1)
			buf[n++] = (char)c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return n;
}

const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Reads a decimal number with an optional sign at *S (after spaces) into
 * *V and moves *S past it.  Returns 1; 0 if there is no number (*S not
 * moved); -1 if it does not fit in 32 bits (signed). */
int scan_int(const char **s, int *v)
{
	const char *p = skip_spaces(*s);
	int negative = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	unsigned limit = negative ? 2147483648u : 2147483647u, u = 0;
	int too_big = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (u > (limit - d) / 10)
			too_big = 1;
		else
			u = u * 10 + d;
	}
	*s = p;
	*v = negative ? (int)-u : (int)u;
	return too_big ? -1 : 1;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}
