/*
 * spew.S - prints the same 64-byte line forever, one PUTS each: a reader
 * that goes away (EPIPE) must end the run at once (tests/t/31-output.t).
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $line, %ebx
	mov $line_len, %ecx
	hypercall HC_PUTS
	jmp _start

line:	.ascii "spew spew spew spew spew spew spew spew spew spew spew spew spew\n"
line_len = . - line
