/*
 * loop.S - never ends: interrupts off, then an endless jump to itself.
 *
 * Used by the timeout tests: the host should print nothing and stop the
 * guest when limits.timeout runs out.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	cli				/* nothing may interrupt the loop */
1:	jmp 1b
