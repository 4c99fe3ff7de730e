/*
 * unknown_hc.S - issues the unknown hypercall 0x7F once, then goes on.
 *
 * The host should diagnose the unknown function (on stderr) and let the
 * guest continue, so stdout is exactly "after\n" (with PUTCHARs), then
 * the EXIT hypercall ends the vCPU.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	hypercall 0x7F

	mov $'a', %bl
	hypercall HC_PUTCHAR
	mov $'f', %bl
	hypercall HC_PUTCHAR
	mov $'t', %bl
	hypercall HC_PUTCHAR
	mov $'e', %bl
	hypercall HC_PUTCHAR
	mov $'r', %bl
	hypercall HC_PUTCHAR
	mov $'\n', %bl
	hypercall HC_PUTCHAR

	hypercall HC_EXIT
	hlt				/* not reached: EXIT ends the vCPU */
