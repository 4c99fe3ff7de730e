/*
 * hcbad.S - hypercalls with bad arguments that a guest survives:
 * an unknown function (0xEE: one diagnosis, ignored), an IN from the
 * hypercall port without GETCHAR first (reads 0xFF, one diagnosis),
 * GETCHAR with no input (0x04, EOT), and a `rep outsb` of three PUTCHARs
 * to the hypercall port (every byte of a rep is a hypercall: "xxx").
 * Prints "255 4 xxx" and a newline, then EXIT.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	hypercall 0xee
	in (%dx), %al			/* no GETCHAR before it */
	movzbl %al, %ebx
	hypercall HC_PUTNUM
	mov $' ', %bl
	hypercall HC_PUTCHAR
	hypercall HC_GETCHAR
	in (%dx), %al			/* stdin is empty: EOT */
	movzbl %al, %ebx
	hypercall HC_PUTNUM
	mov $' ', %bl
	hypercall HC_PUTCHAR
	mov $'x', %bl			/* PUTCHAR's argument for all three */
	mov $three, %si
	mov $3, %cx
	cld
	rep outsb			/* DX is HC_PORT */
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	hypercall HC_EXIT
three:	.byte HC_PUTCHAR, HC_PUTCHAR, HC_PUTCHAR
