/*
 * real16.S - a boot-sector-like guest for the gdb tests (tests/t/41-gdb.t):
 * loaded at linear 0x7C00 and started at 07C0:0000, so the PC gdb sees
 * (linear, CS*16 + IP) is 0x7C00 where the student expects it.  It sets
 * AX, bumps a word three times (a watchpoint sees each write), prints a
 * line and ends.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov %cs, %ax			/* 0x7C00: DS = CS = 0x07C0 */
	mov %ax, %ds
	mov $0x1234, %ax		/* 0x7C04: two stepi later AX = 0x1234 */
	mov %ax, counter
	mov $3, %cx
bump:
	incw counter			/* a watchpoint sees 0x1235 .. 0x1237 */
	loop bump
	mov $msg + 0x7c00, %ebx		/* PUTS takes a guest-physical address */
	mov $msg_len, %ecx
	hypercall HC_PUTS
	hypercall HC_EXIT

	.org 0x80			/* fixed addresses for the scripts */
counter:
	.word 0				/* linear 0x7C80 */
msg:
	.ascii "hello from 0x7c00\n"	/* linear 0x7C82 */
	.set msg_len, . - msg
