/*
 * bench-spin.S - compute-bound: 200,000 iterations of a two-instruction
 * loop with no exit, then EXIT.  Run on 1, 2 and 4 vCPUs to measure
 * parallel efficiency (each vCPU is its own VM on its own host thread).
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $200000, %ecx
1:	dec %ecx
	jnz 1b
	hypercall HC_EXIT
