/*
 * spin.S - prints one '.' (no newline), then loops forever with interrupts
 * off: the dot must reach a terminal at once, while the guest still runs
 * (tests/t/31-output.t); limits.timeout ends it.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $'.', %bl
	hypercall HC_PUTCHAR
	cli
1:	jmp 1b
