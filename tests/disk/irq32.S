/*
 * irq32.S - interrupt-driven transfers through the I/O APIC, in 32-bit
 * protected mode (tests/disk/irq32.yaml: the primary slave is
 * tests/disk/data.img), wired as the MP table says (guests/ioapic.inc,
 * as tests/pc/ioapic32.S wires the timer): the ISA bus, the I/O APIC, and
 * the I/O interrupt entry of ISA IRQ 14 give the I/O APIC and its INTIN.
 * The 8259s are initialised and fully masked, the local APIC
 * software-enabled, an IDT set:
 * vector 0x3E for IRQ 14 (the handler reads the drive's status, which ends
 * INTRQ, counts, and EOIs the local APIC), 0x40 for the local APIC
 * timer, a 2 s watchdog armed at each wait. The INTIN's redirection
 * entry: vector 0x3E, fixed, physical destination this processor, edge,
 * active high, unmasked.  Then nIEN clear, and each command as in irq.S,
 * waiting with sti; hlt:
 *
 *   MP table: ISA IRQ 14 -> I/O APIC 1, INTIN 14 -> vector 0x3e
 *   IDENTIFY: 1 interrupt
 *   READ SECTORS at 0, 4 sectors: 4 interrupts, checksum ...
 *   WRITE SECTORS at 20, 3 sectors: 3 interrupts
 *   FLUSH CACHE: 1 interrupt
 *   READ SECTORS at 20, 3 sectors: 3 interrupts, as written
 *
 * then masks the entry and ends with EXIT.  An interrupt that never
 * comes prints why, status 1.
 */
#include "disk.inc"
#include "ioapic.inc"

#define ISA_IRQ		14
#define IRQ14_VECTOR	0x3e
#define TIMER_VECTOR	0x40
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_TIMER_ICR	0x380		/* initial count */
#define LAPIC_TIMER_DCR	0x3e0		/* divide configuration */
#define WATCHDOG	2000000000	/* ticks of the APIC timer's 1 GHz: 2 s */
#define RBUF		0x10000
#define WBUF		0x12000

/* the watchdog (irq_lib's wait_irq): the local APIC timer, one-shot */
.macro watchdog_arm
	movl $WATCHDOG, LAPIC + LAPIC_TIMER_ICR
.endm
.macro watchdog_disarm
	movl $0, LAPIC + LAPIC_TIMER_ICR
.endm

	boot_sector
	enter_protected

	/* the MP table (ioapic.inc): the ISA bus, the I/O APIC, ISA IRQ 14 */
	mov $ISA_IRQ, %eax
	call ioapic_isa_irq
	jnc 1f
	die s_noirq14
1:	mov %eax, intin
	say s_mp
	num ioapic_id
	say s_intin
	num intin
	say s_vector

	/* PICs masked, local APIC on, the IDT (ioapic.inc), then our gates */
	call apic_init
	mov $IRQ14_VECTOR, %ebx
	mov $irq14_isr, %eax
	call set_gate
	mov $TIMER_VECTOR, %ebx
	mov $timer_isr, %eax
	call set_gate
	/* the watchdog: one-shot, divide by 1, not yet counting */
	movl $0x0b, LAPIC + LAPIC_TIMER_DCR
	movl $TIMER_VECTOR, LAPIC + LAPIC_LVT_TIMER
	/* the redirection entry (ioapic.inc: the destination first) */
	mov intin, %eax
	mov $IRQ14_VECTOR, %edx		/* fixed, physical, edge, high */
	call ioapic_route

	movl $wait_irq, ata_hook
	movb $0, ata_ctl
	mov $1, %al
	call ata_select
	call ata_wait
	sti

	/* each command: its interrupts counted (disk.inc) */
	counted s_identify, CMD_IDENTIFY, $0, $1, RBUF
	counted s_read4, CMD_READ, $0, $4, RBUF, print_cksum
	fill_sectors WBUF, $20, $3, 'K'
	counted s_write3, CMD_WRITE, $20, $3, WBUF
	counted_nodata s_flush, CMD_FLUSH
	counted s_read3, CMD_READ, $20, $3, RBUF, print_same

	cli
	mov intin, %eax
	mov $RTE_MASKED | IRQ14_VECTOR, %edx	/* masked again */
	call ioapic_redir
	hypercall HC_EXIT

irq14_isr:
	push %eax
	push %edx
	mov $0x1f0 + ATA_STATUS, %dx	/* ends INTRQ */
	in %dx, %al
	incl irqs
	movl $0, LAPIC + LAPIC_EOI
	pop %edx
	pop %eax
	iret
timer_isr:
	movl $1, timed_out
	movl $0, LAPIC + LAPIC_EOI
	iret

	.balign 4
intin:		.long -1
	string s_noirq14, "MP: no I/O interrupt entry for ISA IRQ 14\n"
	string s_mp, "MP table: ISA IRQ 14 -> I/O APIC "
	string s_intin, ", INTIN "
	string s_vector, " -> vector 0x3e\n"
	string s_identify, "IDENTIFY"
	string s_read4, "READ SECTORS at 0, 4 sectors"
	string s_write3, "WRITE SECTORS at 20, 3 sectors"
	string s_flush, "FLUSH CACHE"
	string s_read3, "READ SECTORS at 20, 3 sectors"

	disk_lib
	irq_lib WBUF
	disk_end
