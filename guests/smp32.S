/*
 * smp32.S - several processors in one guest (cpus: N, platform: pc,
 * protected mode, no paging), brought up the way an OS does it on a PC
 * (Intel SDM Vol. 3A §8.4.4, "MP Initialization Example"; the Intel
 * MultiProcessor Specification 1.4, appendix B.4):
 *
 * The bootstrap processor (BSP)
 *  1. finds the MP floating pointer (the EBDA's first KiB, then the last
 *     KiB of base memory, then 0xF0000-0xFFFFF; "_MP_" and a checksum on a
 *     16-byte boundary), checks the configuration table ("PCMP" and its
 *     checksum) and lists its enabled processor entries: their APIC IDs,
 *     and which one is the bootstrap processor (its own, it checks);
 *  2. software-enables its local APIC (spurious-interrupt vector register,
 *     bit 8) and copies a real-mode trampoline to 0x8000 (STARTUP vector
 *     0x08: an AP starts there at CS:IP = 0800:0000);
 *  3. sends each other processor of the table an INIT IPI, waits, then a
 *     STARTUP IPI, waits, and a second STARTUP IPI (the second is ignored
 *     by a processor already running); each ICR write is followed by a
 *     poll of its delivery-status bit until the IPI is sent, each wait is
 *     a fixed count of PAUSEs: no timer is assumed;
 *  4. waits for the APs to count themselves (a bounded wait: it gives up
 *     after 2^35 time-stamp counter ticks, several seconds), then a little
 *     more, so that an AP started twice would count twice;
 *  5. prints
 *        processors: 4
 *        APs started: 3
 *        APIC IDs: 1 2 3
 *     (the APs' APIC IDs, sorted; "(none)" with one processor) and ends
 *     the guest with EXIT, while the APs sleep.
 * Each application processor (AP), from the trampoline: loads a GDT of
 * its own, enters protected mode, reads its APIC ID from its local APIC
 * (0xFEE00020, bits 31-24), takes a spinlock (xchg), adds itself to the
 * shared count and records its ID, releases the lock, and ends in
 * `cli; hlt`.
 * Any failure prints what went wrong and ends with EXIT_STATUS 1.  The same
 * image serves every processor count from 1 to 64.  Steps 1 (mp.inc) and
 * 2-4 and the trampoline (smp.inc) are shared with the other SMP guests.
 */
#include "mp.inc"

#define MAX_CPUS	MP_MAX_CPUS

	.code32
	.globl _start
_start:
	cld

	/* 1. the MP table: its enabled processors, this one the BSP */
	call mp_processors

	/* 2. the local APIC on (vector 0xFF for spurious interrupts); 3. the
	 * trampoline in place, INIT to every AP, wait, STARTUP to each, wait,
	 * STARTUP again, wait */
	call lapic_on
	smp_start pm_tramp, pm_tramp_end, mp_ipi_aps

	/* 4. wait for ncpus - 1 APs; then 2^24 more ticks for stragglers */
	mov mp_ncpus, %ecx
	dec %ecx
	mov %ecx, naps
	mov $count, %ebx
	call smp_wait
	jnc 2f
	movl $1, gave_up
	jmp 3f
2:	call smp_linger

3:	/* 5. what was counted; the IDs sorted (insertion sort) */
	mov count, %eax
	mov %eax, seen
	cmp $MAX_CPUS, %eax
	jbe 1f
	mov $MAX_CPUS, %eax
1:	mov %eax, nids
	mov $1, %ecx
sort:	cmp nids, %ecx
	jae sorted
	mov ap_ids(%ecx), %al
	mov %ecx, %edx
1:	test %edx, %edx
	jz 2f
	cmp %al, ap_ids - 1(%edx)
	jbe 2f
	mov ap_ids - 1(%edx), %bl
	mov %bl, ap_ids(%edx)
	dec %edx
	jmp 1b
2:	mov %al, ap_ids(%edx)
	inc %ecx
	jmp sort
sorted:
	say s_cpus
	num mp_ncpus
	say s_aps
	num seen
	cmpl $0, gave_up
	je 1f
	say s_of
	num naps
	say s_gaveup
1:	say s_ids
	cmpl $0, nids
	jne 1f
	say s_none
1:	xor %esi, %esi
2:	cmp nids, %esi
	jae 3f
	putc ' '
	movzbl ap_ids(%esi), %eax
	num %eax
	inc %esi
	jmp 2b
3:	putc '\n'
	cmpl $0, gave_up
	jne fail
	mov seen, %eax
	cmp naps, %eax
	jne fail
	hypercall HC_EXIT

fail:	mov $1, %bl
	hypercall HC_EXIT_STATUS

/*
 * Each AP, from the trampoline (pm_trampoline: real mode at CS:IP =
 * 0800:0000, interrupts off, then protected mode): its APIC ID counted
 * under the lock.
 */
ap_main:
	mov LAPIC + LAPIC_ID, %eax	/* this AP's APIC ID */
	shr $24, %eax
1:	mov $1, %edx			/* take the lock */
	xchg %edx, lock
	test %edx, %edx
	jz 3f
2:	pause				/* held: wait until it looks free */
	cmpl $0, lock
	jne 2b
	jmp 1b
3:	mov count, %edx			/* count this AP, record its ID */
	cmp $MAX_CPUS, %edx
	jae 4f
	mov %al, ap_ids(%edx)
4:	inc %edx
	mov %edx, count
	movl $0, lock			/* release (stores are ordered) */
5:	cli
	hlt
	jmp 5b

	pm_trampoline ap_main

	string s_cpus, "processors: "
	string s_aps, "\nAPs started: "
	string s_of, " of "
	string s_gaveup, " (gave up waiting)"
	string s_ids, "\nAPIC IDs:"
	string s_none, " (none)"

	/* data: in .text, as in the other guests (one loadable segment) */
	.balign 4
lock:	.long 0				/* the APs' spinlock */
count:	.long 0				/* APs counted, under the lock */
naps:	.long 0
seen:	.long 0
nids:	.long 0
gave_up: .long 0
ap_ids:	.skip MAX_CPUS
