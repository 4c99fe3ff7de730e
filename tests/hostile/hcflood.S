/*
 * hcflood.S - 20,000 unknown hypercalls (0xEE), then EXIT.  minikvm
 * reports the first ten, one line each, and then only counts: one line
 * "and 19990 more ... like this" when the guest ends.  stderr stays short
 * whatever a guest repeats.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $20000, %cx
1:	hypercall 0xee
	loop 1b
	hypercall HC_EXIT
