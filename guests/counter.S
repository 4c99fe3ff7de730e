/*
 * counter.S - counts from 0 to 9 with the PUTCHAR hypercall.
 *
 * The host should see "0\n1\n2\n...9\n" (ten lines), then the EXIT
 * hypercall ends the vCPU.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $'0', %cl			/* CL: the digit (hypercalls keep CL) */
next:
	mov %cl, %bl
	hypercall HC_PUTCHAR
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	inc %cl
	cmp $'9', %cl
	jbe next

	hypercall HC_EXIT
	hlt				/* not reached: EXIT ends the vCPU */
