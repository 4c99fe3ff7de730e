/*
 * ports.S - reads and writes every I/O port from 0 to 0xFFFF (but the
 * hypercall port 0x500, where a write is a hypercall by definition), then
 * reads and writes guest-physical addresses past its memory (MMIO exits).
 * minikvm must keep it running: unclaimed ports and unbacked memory read
 * all ones.  Writes put 0 everywhere, so COM1's THR prints one NUL byte.
 * Prints: the number of ports that did not read 0xFF (COM1's registers,
 * those that hold other values), then the byte read from GPA 0x20000.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	xor %dx, %dx
	xor %si, %si			/* ports not reading 0xFF */
1:	cmp $HC_PORT, %dx
	je 2f
	in (%dx), %al
	cmp $0xff, %al
	je 3f
	inc %si
3:	xor %al, %al
	out %al, (%dx)
2:	inc %dx
	jnz 1b				/* until DX wraps past 0xFFFF */

	mov %si, %bx
	movzx %bx, %ebx
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR

	mov $0x2000, %ax		/* GPA 0x20000: past the 64K of memory */
	mov %ax, %es
	movb $0x12, %es:0		/* an MMIO write: ignored */
	movzbl %es:0, %ebx		/* an MMIO read: 0xFF */
	hypercall HC_PUTNUM
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	hypercall HC_EXIT
