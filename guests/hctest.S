/*
 * hctest.S - exercises every hypercall once.
 *
 *   PUTS     "hctest: PUTS ok\n" from the image (EBX = address, ECX = length)
 *   PUTCHAR  "hctest: PUTCHAR ok\n", one byte per hypercall
 *   PUTNUM   4294967295 (0xFFFFFFFF, the largest value) then '\n'
 *   GETCHAR  one input byte, echoed with PUTCHAR then '\n'; at the end of
 *            input (0x04 EOT) "EOT\n" is printed instead
 *   EXIT
 *
 * With stdin "x" the host should see:
 *   hctest: PUTS ok
 *   hctest: PUTCHAR ok
 *   4294967295
 *   x
 * and with empty stdin the last line is "EOT" instead of "x".
 * Uses the stack (call/ret), which starts at the top of the first 64K.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	cld				/* putstr's lodsb counts upwards */

	mov $puts_msg, %ebx
	mov $puts_len, %ecx
	hypercall HC_PUTS

	mov $putchar_msg, %si
	call putstr

	mov $0xFFFFFFFF, %ebx
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR

	hypercall HC_GETCHAR
	in (%dx), %al			/* DX is still HC_PORT: the input byte */
	cmp $HC_EOT, %al
	je eot
	mov %al, %bl
	hypercall HC_PUTCHAR
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	jmp done
eot:
	mov $eot_msg, %si
	call putstr
done:
	hypercall HC_EXIT
	hlt				/* not reached: EXIT ends the vCPU */

/* putstr: PUTCHAR each byte of the NUL-terminated string at DS:SI.
 * Clobbers AL, BL, DX and SI. */
putstr:
	lodsb
	test %al, %al
	jz 1f
	mov %al, %bl
	hypercall HC_PUTCHAR
	jmp putstr
1:	ret

puts_msg:	.ascii "hctest: PUTS ok\n"	/* no NUL: PUTS takes a length */
	puts_len = . - puts_msg
putchar_msg:	.asciz "hctest: PUTCHAR ok\n"
eot_msg:	.asciz "EOT\n"
