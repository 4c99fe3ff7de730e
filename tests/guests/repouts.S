/*
 * repouts.S - string I/O: one `rep outsb` of "rep ok\n" to COM1's THR.
 *
 * The 7 bytes may reach the host in a single KVM_EXIT_IO with count 7
 * (or in several exits); the host should see exactly "rep ok\n", then
 * `hlt` (interrupts are off since reset) ends the vCPU.  THRE is not
 * polled: the emulated UART transmits at once.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	cld				/* outsb counts upwards */
	mov $COM1_BASE+UART_THR, %dx
	mov $msg, %si			/* DS:SI = the string (DS=0) */
	mov $msg_len, %cx
	rep outsb
	hlt

msg:	.ascii "rep ok\n"
	msg_len = . - msg
