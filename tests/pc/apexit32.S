/*
 * apexit32.S - any processor may end the guest (cpus: 3, platform: pc,
 * protected mode).  The BSP starts processors 1 and 2 (smp.inc: INIT,
 * wait, STARTUP, wait, STARTUP to all excluding self) at a real-mode
 * trampoline and then sleeps in `cli; hlt`, from which nothing can wake
 * it.
 * Each AP stays in real mode (where the local APIC at 0xFEE00000 is out of
 * reach) and takes a ticket (`lock xaddw`, 1 or 2):
 *   - ticket 1 prints "AP 1 of 2\n" and halts with interrupts off;
 *   - ticket 2 waits until ticket 1's line is out (a flag set after the
 *     PUTS), prints "AP 2 of 2: EXIT_STATUS 7\n" and ends the guest with
 *     EXIT_STATUS 7, while the BSP and the other AP sleep.
 * Expected: those two lines, status 7, nothing on stderr: the hypercalls
 * of APs in real mode reach the console, and one AP's EXIT_STATUS ends
 * every processor of its guest.
 */
#include "smp.inc"

#define TICKETS		0x7000		/* word: tickets handed out */
#define FIRST_DONE	0x7002		/* word: ticket 1 has printed */

	.code32
	.globl _start
_start:
	cld
	call lapic_on
	movl $0, TICKETS		/* both words */
	smp_start tramp_start, tramp_end, ipi_all_but_self
1:	cli				/* asleep for good */
	hlt
	jmp 1b

/* real mode, CS = TRAMPOLINE >> 4: labels as offsets from tramp_start */
	.code16
tramp_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov $1, %ax
	lock xaddw %ax, TICKETS
	inc %ax				/* AX: this AP's ticket, 1 or 2 */
	cmp $1, %ax
	jne second
	mov $TRAMPOLINE + (first_msg - tramp_start), %ebx
	mov $first_msg_len, %ecx
	hypercall HC_PUTS
	movw $1, FIRST_DONE
1:	cli
	hlt
	jmp 1b
second:
	cmpw $0, FIRST_DONE		/* the first AP's line first */
	jne 1f
	pause
	jmp second
1:	mov $TRAMPOLINE + (second_msg - tramp_start), %ebx
	mov $second_msg_len, %ecx
	hypercall HC_PUTS
	mov $7, %bl
	hypercall HC_EXIT_STATUS
2:	hlt				/* not reached */
	jmp 2b
	string first_msg, "AP 1 of 2\n"
	string second_msg, "AP 2 of 2: EXIT_STATUS 7\n"
tramp_end:
	.code32
