/*
 * com1smp32.S - two processors of one guest write one line to COM1 in
 * turns, a byte each (cpus: 2, platform: pc, protected mode): a serial
 * port sends its bytes in the order its transmitter got them, whichever
 * processor wrote each, as an OS's console does when its process moves
 * between processors mid-line (xv6 writes its console a byte at a time).
 *
 * The BSP starts the AP (smp.inc).  A shared counter `turn` says whose
 * byte is next: the BSP writes the even bytes of the message, the AP the
 * odd ones; each waits (bounded by the time-stamp counter) until `turn`
 * has its parity, writes its byte to COM1's THR (after LSR says it is
 * empty) and advances `turn`.  The BSP then waits for the AP to finish
 * and ends the guest with EXIT; the expected output is the message whole.
 */
#include "smp.inc"

#define COM1_LSR	(COM1_BASE + UART_LSR)

	.code32
	.globl _start
_start:
	cld
	call lapic_on
	smp_start pm_tramp, pm_tramp_end, ipi_all_but_self
	xor %edi, %edi			/* the BSP: even bytes */
	call bytes
	mov $done, %ebx			/* the AP's last byte */
	mov $1, %ecx
	call smp_wait
	jc 1f
	hypercall HC_EXIT
1:	mov $1, %bl
	hypercall HC_EXIT_STATUS

/* bytes: the message's bytes at EDI, EDI + 2, ... each when `turn` is its
 * index; gives up (EXIT_STATUS 1) if the other processor never comes */
bytes:
1:	cmp $msg_len, %edi
	jae 4f
	call tsc_mark
2:	cmp turn, %edi			/* our turn? */
	je 3f
	pause
	call tsc_since
	cmp $8, %edx			/* about 2^35 ticks: the other is gone */
	jb 2b
	mov $1, %bl
	hypercall HC_EXIT_STATUS
3:	mov $COM1_LSR, %dx
	inb (%dx), %al
	test $UART_LSR_THRE, %al
	jz 3b
	mov msg(%edi), %al
	mov $COM1_BASE, %dx
	outb %al, (%dx)
	lock incl turn			/* the other's turn */
	add $2, %edi
	jmp 1b
4:	ret

/* the AP, in protected mode (pm_trampoline): odd bytes, then done */
ap_main:
	mov $0x7000, %esp
	mov $1, %edi
	call bytes
	lock incl done
1:	cli
	hlt
	jmp 1b

	pm_trampoline ap_main

msg:	.ascii "one line, written by two processors a byte each in turn\n"
	msg_len = . - msg
	.balign 4
turn:	.long 0
done:	.long 0
