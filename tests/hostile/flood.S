/*
 * flood.S - writes output as fast as it can: 256 PUTS of the 64 KiB at
 * GPA 0x10000 (16 MiB in all, every byte 'A' with a newline every 64th),
 * then 65536 PUTCHARs of 'B'.  minikvm's memory must stay bounded (output
 * is written, not queued) and every byte must arrive.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $0x1000, %ax		/* fill GPA 0x10000-0x1FFFF */
	mov %ax, %es
	xor %di, %di
	mov $0x4000, %cx		/* 16384 x 4 bytes */
	mov $0x41414141, %eax
	cld
	rep stosl
	mov $63, %di			/* a newline every 64 bytes */
1:	movb $'\n', %es:(%di)
	add $64, %di
	jnc 1b
	mov $256, %si
2:	mov $0x10000, %ebx
	mov $0x10000, %ecx
	hypercall HC_PUTS
	dec %si
	jnz 2b
	xor %si, %si			/* 65536 PUTCHARs */
3:	mov $'B', %bl
	hypercall HC_PUTCHAR
	dec %si
	jnz 3b
	hypercall HC_EXIT
