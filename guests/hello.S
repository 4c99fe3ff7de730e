/*
 * hello.S - prints "Hello, KVM!\n" through the emulated COM1 UART.
 *
 * No hypercalls: each byte is written to the transmit holding register
 * after polling the line status register until THRE says it is empty,
 * as a driver for a real 16550 would.  Then `hlt` (interrupts are off
 * since reset) ends the vCPU.
 * The host should see exactly "Hello, KVM!\n".
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $msg, %si			/* DS:SI walks the message (DS=0) */
	mov $msg_len, %cx
	cld				/* lodsb counts upwards */
next:
	mov $COM1_BASE+UART_LSR, %dx
wait_thre:
	in (%dx), %al
	test $UART_LSR_THRE, %al	/* transmitter ready for a byte? */
	jz wait_thre
	lodsb
	mov $COM1_BASE+UART_THR, %dx
	out %al, (%dx)
	loop next
	hlt

msg:	.ascii "Hello, KVM!\n"
	msg_len = . - msg
