/*
 * bench-hello-rom.S - "Hello, KVM!" as a 64 KiB boot ROM, for comparing
 * minikvm with QEMU on the same binary.  The x86 reset vector (the ROM's
 * last 16 bytes, at F000:FFF0) jumps to the start; the code prints through
 * COM1 with DS = CS, writes to port 0xF4 (QEMU's isa-debug-exit, which
 * ends QEMU; minikvm ignores the unclaimed port), then halts (which ends
 * minikvm).  QEMU: -bios this file.  minikvm: load it at 0xF0000 in 1M of
 * memory and start at the reset vector, entry 0xf000:0xfff0.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov %cs, %ax
	mov %ax, %ds
	mov $msg, %si
	mov $msg_len, %cx
	cld
1:	mov $COM1_BASE + UART_LSR, %dx
2:	in (%dx), %al
	test $UART_LSR_THRE, %al
	jz 2b
	lodsb
	mov $COM1_BASE + UART_THR, %dx
	out %al, (%dx)
	loop 1b
	mov $0, %al			/* isa-debug-exit: QEMU exits with 1 */
	out %al, $0xf4
	cli
	hlt
msg:	.ascii "Hello, KVM!\n"
	msg_len = . - msg
	. = 0xfff0			/* the reset vector */
	ljmp $0xf000, $_start
	. = 0x10000
