/*
 * getcharwide.S - telling a 0x04 byte in the input from the end of input.
 * Input: one byte, 0x04.  GETCHAR then `in %ax` reads 4 (the byte), then
 * 0xFFFF (the end: no byte reads so); `in %eax` 0xFFFFFFFF; `in %al` 4
 * (0x04, EOT, as the Mini-KVM guests expect).
 * Prints "4 65535 4294967295 4".
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	hypercall HC_GETCHAR
	in (%dx), %ax
	movzwl %ax, %ebx
	call putnum_sp
	hypercall HC_GETCHAR
	in (%dx), %ax
	movzwl %ax, %ebx
	call putnum_sp
	hypercall HC_GETCHAR
	in (%dx), %eax
	mov %eax, %ebx
	call putnum_sp
	hypercall HC_GETCHAR
	in (%dx), %al
	movzbl %al, %ebx
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	hypercall HC_EXIT

putnum_sp:				/* EBX, then a space */
	hypercall HC_PUTNUM
	mov $' ', %bl
	hypercall HC_PUTCHAR
	ret
