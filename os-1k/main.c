/*
 * main.c - where the kernel's C code starts, and the three C library
 * functions it uses (there is no C library in a kernel; GCC may also call
 * memset and memcpy on its own).
 */
#include "kernel.h"

/* boot.S jumps here, with paging on and the boot stack, which from now on
 * belongs to the idle process (pid 0, proc.c). */
void kmain(void)
{
	paging_init();		/* own page tables; frees the rest of RAM */
	trap_init();		/* GDT, TSS, IDT, PICs */
	kprintf("1K OS: kernel ready (paging, interrupts, timer); starting the shell\n");
	if (proc_create(USER_BASE, 0) < 0) {	/* the shell: pid 1 */
		kprintf("1K OS: cannot create the shell\n");
		power_off(1);
	}
	/* The idle process: runs when no other process can, and then waits
	 * for the next interrupt.  `sti; hlt` cannot miss one: interrupts
	 * are only taken after the instruction following sti. */
	for (;;) {
		schedule();
		asm volatile("sti; hlt; cli");
	}
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

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}
