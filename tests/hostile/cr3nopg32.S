/*
 * cr3nopg32.S - a protected-mode guest that loads CR3 (and CR4.PSE) but
 * never sets CR0.PG, then triple-faults (`ud2` with minikvm's empty IDT).
 * Paging was never on, so the diagnosis must not blame a host that
 * refuses 32-bit paging: it is a plain triple fault.
 */
	.code32
	.globl _start
_start:
	mov $0x3000, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x10, %eax			/* CR4.PSE */
	mov %eax, %cr4
	ud2				/* #UD -> #GP -> #DF -> shutdown */
	hlt
