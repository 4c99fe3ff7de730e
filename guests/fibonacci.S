/*
 * fibonacci.S - the first 15 Fibonacci numbers, one per line.
 *
 * Each number goes out with PUTNUM (the host does the decimal
 * conversion) followed by a PUTCHAR '\n'.  The host should see
 * 0 1 1 2 3 5 8 13 21 34 55 89 144 233 377, one per line, then the
 * EXIT hypercall ends the vCPU.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	xor %esi, %esi			/* ESI = F(n),   starting at F(0) = 0 */
	mov $1, %edi			/* EDI = F(n+1), starting at F(1) = 1 */
	mov $15, %cx			/* how many numbers are left to print */
next:
	mov %esi, %ebx
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	/* (F(n), F(n+1)) <- (F(n+1), F(n) + F(n+1)); AL was clobbered anyway */
	mov %edi, %eax
	add %esi, %eax
	mov %edi, %esi
	mov %eax, %edi
	loop next			/* loop uses CX, which the hypercalls keep */

	hypercall HC_EXIT
	hlt				/* not reached: EXIT ends the vCPU */
