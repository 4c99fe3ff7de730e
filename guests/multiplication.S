/*
 * multiplication.S - the multiplication tables of 2 to 9.
 *
 * For a in 2..9 and b in 1..9 prints "a x b = a*b\n": the numbers with
 * PUTNUM, everything else with PUTCHAR.  The host should see 72 lines,
 * "2 x 1 = 2" to "9 x 9 = 81", then the EXIT hypercall ends the vCPU.
 * Uses the stack (call/ret), which starts at the top of the first 64K.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	cld				/* putstr's lodsb counts upwards */
	mov $2, %cl			/* CL = a */
row:
	mov $1, %ch			/* CH = b */
col:
	movzbl %cl, %ebx
	hypercall HC_PUTNUM
	mov $times, %si
	call putstr
	movzbl %ch, %ebx
	hypercall HC_PUTNUM
	mov $equals, %si
	call putstr
	mov %cl, %al
	mul %ch				/* AX = a * b */
	movzwl %ax, %ebx		/* before the hypercall reuses AL */
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR

	inc %ch
	cmp $9, %ch
	jbe col
	inc %cl
	cmp $9, %cl
	jbe row

	hypercall HC_EXIT
	hlt				/* not reached: EXIT ends the vCPU */

/* putstr: PUTCHAR each byte of the NUL-terminated string at DS:SI.
 * Clobbers AL, BL, DX and SI; keeps CX. */
putstr:
	lodsb
	test %al, %al
	jz 1f
	mov %al, %bl
	hypercall HC_PUTCHAR
	jmp putstr
1:	ret

times:	.asciz " x "
equals:	.asciz " = "
