/*
 * readline.S - takes exactly one line of input: prints "line: ", then each
 * input byte as it comes (GETCHAR + IN), and ends (EXIT) after the first
 * newline; at the end of input (0x04) it prints "<EOT>" and a newline
 * instead.  Whatever input follows the line must be left to the next
 * program (tests/t/32-input.t), and on a terminal "line: " must show
 * before the guest waits (tests/t/31-output.t).
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	cld				/* lodsb counts upwards */
	mov $prompt, %si
	call print
read:
	hypercall HC_GETCHAR
	in (%dx), %al			/* DX is still HC_PORT: the byte */
	cmp $HC_EOT, %al
	je eot
	mov %al, %bl
	mov %al, %cl			/* the hypercall clobbers AL */
	hypercall HC_PUTCHAR
	cmp $'\n', %cl
	jne read
	hypercall HC_EXIT
eot:
	mov $eotmsg, %si
	call print
	hypercall HC_EXIT

/* print: PUTCHAR each byte of the NUL-terminated string at DS:SI. */
print:
	lodsb
	test %al, %al
	jz 1f
	mov %al, %bl
	hypercall HC_PUTCHAR
	jmp print
1:	ret

prompt:	.asciz "line: "
eotmsg:	.asciz "<EOT>\n"
