/*
 * com1smp32.S - two processors of one guest write one line to COM1 in
 * turns, four bytes each (cpus: 2, platform: pc, protected mode): a
 * serial port sends its bytes in the order its transmitter got them,
 * whichever processor wrote each, as an OS's console does when its
 * process moves between processors mid-line (xv6 writes its console a
 * byte at a time).
 *
 * The BSP starts the AP (smp.inc).  A shared counter `turn` says whose
 * chunk of four bytes is next: the BSP writes chunks 0, 2, 4 ..., the AP
 * chunks 1, 3, 5 ...; each waits until `turn` is its next chunk's number,
 * writes the chunk to COM1's THR (after LSR says it is empty) and
 * advances `turn`.  A processor that never comes leaves the other waiting
 * until limits.timeout.  The BSP then waits for the AP to finish and ends
 * the guest with EXIT; the expected output is the message whole.
 */
#include "smp.inc"

#define COM1_LSR	(COM1_BASE + UART_LSR)

	.code32
	.globl _start
_start:
	cld
	call lapic_on
	smp_start pm_tramp, pm_tramp_end, ipi_all_but_self
	xor %edi, %edi			/* the BSP: even chunks */
	call bytes
	mov $done, %ebx			/* the AP's last byte */
	mov $1, %ecx
	call smp_wait
	jc 1f
	hypercall HC_EXIT
1:	mov $1, %bl
	hypercall HC_EXIT_STATUS

/* bytes: the message's chunks EDI, EDI + 2, ... each when `turn` is its
 * number */
bytes:
1:	mov %edi, %esi
	shl $2, %esi			/* the chunk's first byte */
	cmp $msg_len, %esi
	jae 5f
2:	cmp turn, %edi			/* our turn? */
	je 3f
	pause
	jmp 2b
3:	mov $4, %ecx
4:	mov $COM1_LSR, %dx
	inb (%dx), %al
	test $UART_LSR_THRE, %al
	jz 4b
	mov msg(%esi), %al
	mov $COM1_BASE, %dx
	outb %al, (%dx)
	inc %esi
	cmp $msg_len, %esi
	jae 6f
	loop 4b
6:	lock incl turn			/* the other's turn */
	add $2, %edi
	jmp 1b
5:	ret

/* the AP, in protected mode (pm_trampoline): odd chunks, then done */
ap_main:
	mov $0x7000, %esp
	mov $1, %edi
	call bytes
	lock incl done
1:	cli
	hlt
	jmp 1b

	pm_trampoline ap_main

msg:	.ascii "two processors wrote this line, a byte each\n"
	msg_len = . - msg
	.balign 4
turn:	.long 0
done:	.long 0
