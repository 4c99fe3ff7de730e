/*
 * ports.S - accesses ports that no device claims.
 *
 * Reads port 0x80 (the POST port) and port 0x1234, prints the byte read
 * from 0x1234 with PUTNUM - unclaimed ports read 0xFF, so the host should
 * see "255\n" - writes to port 0x80 (which should be ignored), then EXIT.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	in $0x80, %al
	mov $0x1234, %dx
	in (%dx), %al
	movzbl %al, %ebx		/* before the hypercall reuses AL */
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR

	mov $0x55, %al
	out %al, $0x80

	hypercall HC_EXIT
	hlt				/* not reached: EXIT ends the vCPU */
