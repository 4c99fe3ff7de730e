/*
 * sipistorm32.S - hostile: a storm of INIT and STARTUP IPIs (cpus: 4,
 * platform: pc, protected mode).  The BSP software-enables its local APIC,
 * writes `hlt; jmp .-1` at the start of each page 0x10000-0x8F000 (STARTUP
 * vectors 0x10-0x8F), then 1000 times:
 *   - INIT to all excluding self, then STARTUP to all excluding self, with
 *     no wait at all, the vector cycling through 0x10-0x8F: the APs are
 *     reset and restarted, in whatever state the last round left them;
 *   - INIT, STARTUP, a fixed interrupt (vector 0x40) and an NMI to APIC IDs
 *     no processor has: 0x30 and 0xFE.
 * Then, to show the APs survived it, a last INIT, wait, STARTUP, wait,
 * STARTUP (SDM Vol. 3A §8.4.4) to all excluding self, at a trampoline
 * (vector 0x08) that counts each AP once with `lock incl` and halts: the
 * BSP waits (bounded by the time-stamp counter) for the 3 APs, and a
 * little more (an AP started by both STARTUPs would count twice).
 * Expected: "1000 rounds of INIT and STARTUP IPIs\nAPs after the storm: 3\n",
 * EXIT (the APs still asleep), status 0, nothing on stderr.
 */
#include "smp.inc"

#define ROUNDS		1000
#define APS		3		/* cpus: 4 in sipistorm32.yaml */
#define COUNTER		0x7000		/* the last bring-up's count */

/* ipi DEST_ID, ICR_LOW (both immediates or registers): lapic_ipi */
.macro ipi dest, low
	mov \dest, %edx
	mov \low, %eax
	call lapic_ipi
.endm

	.code32
	.globl _start
_start:
	cld
	call lapic_on			/* software-enable the local APIC */

	mov $0x10000, %edi		/* hlt; jmp .-1 at each vector's page */
1:	movb $0xf4, (%edi)
	movw $0xfdeb, 1(%edi)
	add $0x1000, %edi
	cmp $0x90000, %edi
	jb 1b

	xor %esi, %esi			/* ESI: the round */
round:	mov %esi, %ebx
	and $0x7f, %ebx
	add $0x10, %ebx			/* EBX: this round's vector */
	ipi $0, $ALL_BUT_SELF | ICR_INIT
	mov %ebx, %eax
	or $ALL_BUT_SELF | ICR_STARTUP, %eax
	ipi $0, %eax
	ipi $0x30, $ICR_INIT
	mov %ebx, %eax
	or $ICR_STARTUP, %eax
	ipi $0x30, %eax
	ipi $0x30, $ICR_FIXED | 0x40
	ipi $0x30, $ICR_NMI
	ipi $0xfe, $ICR_INIT
	mov %ebx, %eax
	or $ICR_STARTUP, %eax
	ipi $0xfe, %eax
	ipi $0xfe, $ICR_FIXED | 0x40
	ipi $0xfe, $ICR_NMI
	inc %esi
	cmp $ROUNDS, %esi
	jb round
	num $ROUNDS
	say s_rounds

	/* the last bring-up, as an OS does it (smp.inc) */
	movl $0, COUNTER
	smp_start tramp_start, tramp_end, ipi_all_but_self
	mov $COUNTER, %ebx		/* up to 2^35 ticks for the APs */
	mov $APS, %ecx
	call smp_wait
	jc 3f
	call smp_linger			/* and 2^24 more for a second count */
3:	say s_after
	num COUNTER
	putc '\n'
	cmpl $APS, COUNTER
	jne fail
	hypercall HC_EXIT
fail:	mov $1, %bl
	hypercall HC_EXIT_STATUS

/* the counting trampoline: real mode, CS = TRAMPOLINE >> 4 */
	.code16
tramp_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	lock incl COUNTER
1:	hlt
	jmp 1b
tramp_end:
	.code32

	string s_rounds, " rounds of INIT and STARTUP IPIs\n"
	string s_after, "APs after the storm: "
