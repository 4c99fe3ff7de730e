/*
 * comwide.S - 32-bit accesses that run past COM1's last port (0x3FF): each
 * byte goes to its own port, as on the ISA bus, never wrapping back to
 * COM1's first registers.
 *   out %eax at 0x3FE: 'A' to MSR (read-only), 'B' to SCR, 'C' and 'D' to
 *     0x400-0x401 (nobody): THR must print nothing.
 *   in %eax at 0x3FD: LSR, MSR, SCR, then 0x400 (all ones); the input
 *     byte waiting must stay for GETCHAR (RBR is not read).
 * Prints EAX's upper half (0xFF42 = 65346: SCR and nobody), then the
 * input byte, a newline, and exits.  Input: "x".
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $0x3fe, %dx
	mov $0x44434241, %eax		/* 'A' 'B' 'C' 'D' */
	out %eax, (%dx)
	mov $0x3fd, %dx
	in (%dx), %eax
	shr $16, %eax
	mov %eax, %ebx
	hypercall HC_PUTNUM
	hypercall HC_GETCHAR
	in (%dx), %al
	mov %al, %bl
	hypercall HC_PUTCHAR
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	hypercall HC_EXIT
