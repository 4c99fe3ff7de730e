/*
 * guest.c - a small C guest with debugging information for the gdb tests
 * (tests/t/41-gdb.t), built for protected mode (guest32.elf) and long
 * mode (guest64.elf): a student breaks at a function by name, looks at
 * the stack and at variables, and finishes a call.  It prints the sum of
 * the squares of 1..4 (30) and ends.
 */
#include "minikvm.h"

volatile unsigned long counter;		/* the running sum, for `print` */

static void hypercall(unsigned char fn, unsigned long ebx, unsigned long ecx)
{
	__asm__ volatile("outb %%al, %%dx"
			 : : "a"(fn), "d"(HC_PORT), "b"(ebx), "c"(ecx) : "memory");
}

unsigned long square(unsigned long x)
{
	return x * x;
}

unsigned long sum_squares(unsigned n)
{
	unsigned long sum = 0;

	for (unsigned i = 1; i <= n; i++) {
		sum += square(i);
		counter = sum;
	}
	return sum;
}

void main_c(void)
{
	unsigned long r = sum_squares(4);

	hypercall(HC_PUTNUM, r, 0);
	hypercall(HC_PUTCHAR, '\n', 0);
	hypercall(HC_EXIT, 0, 0);
}
