/*
 * fault.S - triple-faults right after leaving real mode.
 *
 * Loads an IDT with limit 0 (no vector fits in it), sets CR0.PE and
 * raises a processor exception with `ud2`: vector 6 is outside the IDT
 * limit -> #GP, outside too -> double fault, outside too -> triple fault
 * (shutdown).  The host should see KVM_EXIT_SHUTDOWN, no output, and
 * report a guest error.
 *
 * Why not stay in real mode with `int3`: some KVM hosts (seen on a nested
 * AMD one) ignore the IDT limit for real-mode interrupts and vector through
 * the IVT at 0 (here: into our own code at 0000:0000, a runaway loop), and
 * fail to emulate a software `int` through a bad IDT (an internal error,
 * not a shutdown).  A hardware exception in protected mode triple-faults
 * on every host.  No GDT is needed: CS keeps its real-mode cache and the
 * IDT limit check fails before any descriptor is loaded.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	cli				/* no interrupt may get in first */
	lidt idt_desc			/* DS=0: absolute address of the descriptor */
	mov %cr0, %eax
	or $1, %eax			/* CR0.PE: protected mode */
	mov %eax, %cr0
	ud2				/* #UD -> #GP -> #DF -> triple fault */
	hlt				/* not reached */

idt_desc:
	.word 0				/* limit: no vector fits */
	.long 0				/* base */
