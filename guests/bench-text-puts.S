/*
 * bench-text-puts.S - console throughput, one exit per text: the same
 * 72-line table as bench-text-putchar.S through one PUTS, ten times.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $10, %di
1:	mov $text, %ebx
	mov $text_len, %ecx
	hypercall HC_PUTS
	dec %di
	jnz 1b
	hypercall HC_EXIT
text:
#include "bench-table.inc"
	text_len = . - text
