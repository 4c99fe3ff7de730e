/*
 * bench-text-putchar.S - console throughput, one byte per exit: the
 * 72-line multiplication table (bench-table.inc) through PUTCHAR, ten
 * times, then EXIT.  Compare with bench-text-puts.S.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $10, %di
1:	mov $text, %si
	mov $text_len, %cx
	mov $HC_PORT, %dx
2:	mov (%si), %bl
	mov $HC_PUTCHAR, %al
	out %al, (%dx)
	inc %si
	loop 2b
	dec %di
	jnz 1b
	hypercall HC_EXIT
text:
#include "bench-table.inc"
	text_len = . - text
