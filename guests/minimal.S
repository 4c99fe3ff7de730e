/*
 * minimal.S - the smallest guest: a single `hlt`.
 *
 * Interrupts are off at reset (EFLAGS=2), so the `hlt` ends the vCPU.
 * The host should see no output at all and a clean exit.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	hlt
