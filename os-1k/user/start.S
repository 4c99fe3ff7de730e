/*
 * start.S - where user processes start.  user.ld puts this section first,
 * at USER_BASE.
 */
	.section .text.start, "ax"

/* USER_BASE: the shell, pid 1 (the kernel starts it here). */
	.globl _start
_start:
	call main
	push %eax
	call exit			/* exit(main()): never returns */

/* Every program the shell starts (spawn() in ulib.c): the kernel puts the
 * program's function in EAX; its return value is the exit status. */
	.globl program_start
program_start:
	call *%eax
	push %eax
	call exit

/* The shell's hidden entry `f`: a program that writes to the kernel's
 * memory, which its pages do not allow (user mode, kernel page): the CPU
 * raises a page fault and the kernel kills the process.  It sits at a
 * fixed address, USER_BASE + 0x20, so the fault report (EIP) expected by
 * tests/os-1k/fault.out does not move when other user code changes. */
	.org 0x20
	.globl fault_program
fault_program:
	movl $0, 0x80100000		/* KERNBASE + 1 MiB: the kernel's code */
	ret
