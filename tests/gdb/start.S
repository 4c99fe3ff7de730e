/*
 * start.S - the entry of tests/gdb/guest.c, built as a 32-bit and a 64-bit
 * ELF guest: minikvm gives it a stack (the manifest's default), so it
 * only calls main_c, which never returns (it ends with the EXIT hypercall).
 */
	.text
	.globl _start
_start:
	call main_c
1:	hlt
	jmp 1b
	.section .note.GNU-stack, "", @progbits
