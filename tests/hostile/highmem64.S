/*
 * highmem64.S - a long-mode guest with 3 GiB + 4 MiB of RAM: 3 GiB at GPA
 * 0 and the rest from 4 GiB, with the hole between (layout.h).  Writes and
 * reads back a quadword at 4 GiB + 16 and at the last quadword of RAM
 * (4 GiB + 4 MiB - 8), then reads a byte of the hole at 3 GiB (MMIO,
 * nobody there: 0xFF).  Prints "1 1 255".
 */
#include "minikvm.h"

	.code64
	.globl _start
_start:
	movabs $0x100000010, %rdi
	call probe
	movabs $0x1003ffff8, %rdi
	call probe
	movabs $0xc0000000, %rdi
	movzbl (%rdi), %ebx
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	hypercall HC_EXIT

probe:					/* (%rdi) holds what is written: 1 or 0, a space */
	movabs $0x1122334455667788, %rax
	mov %rax, (%rdi)
	xor %ebx, %ebx
	cmp (%rdi), %rax
	sete %bl
	hypercall HC_PUTNUM
	mov $' ', %bl
	hypercall HC_PUTCHAR
	ret
