/*
 * ioapic32.S - the timer through the I/O APIC, wired as the MP table says
 * (platform: pc, protected mode, one processor), as an SMP kernel sets it
 * up (Intel 82093AA I/O APIC datasheet; MP spec §3.6 and chapter 4):
 *
 *  1. the MP table (ioapic.inc's ioapic_isa_irq, through mp.inc as
 *     guests/smp32.S reads it): the ISA bus's ID, the I/O APIC's ID and
 *     address, and the I/O interrupt entry of ISA IRQ 0: which INTIN of
 *     which I/O APIC;
 *  2. the I/O APIC's own registers (IOREGSEL at +0, IOWIN at +0x10): its
 *     ID (register 0, bits 27-24) and version (register 1: version in bits
 *     7-0, the highest redirection entry in bits 23-16);
 *  3. the 8259 pair initialised and fully masked (IRQ 0 must not come
 *     through the PIC and LINT0), the local APIC software-enabled (spurious
 *     vector 0xFF), an IDT: vector 0x30 for the timer, 0x20-0x2F and 0xFF
 *     harmless;
 *  4. that INTIN's redirection entry: vector 0x30, fixed, physical
 *     destination this processor's APIC ID, edge, active high (ISA's
 *     "conforms to bus"), unmasked; the PIT's channel 0 at 100 Hz
 *     (mode 2); `sti; hlt` until 5 ticks have come (each ends with an EOI
 *     to the local APIC), at most 2^35 time-stamp counter ticks; then the
 *     entry masked again.
 * It prints
 *   I/O APIC: ID 1 (MP table: 1), version 0x11, 24 pins, at 0xfec00000
 *   IRQ 0 -> INTIN 0 -> vector 0x30: 5 ticks
 * and ends with EXIT; status 1 after printing what failed.
 */
#include "ioapic.inc"

#define TIMER_VECTOR	0x30
#define TICKS		5

	.code32
	.globl _start
_start:
	cld
	/* 1. the MP table: the ISA bus, the I/O APIC, ISA IRQ 0's INTIN */
	xor %eax, %eax
	call ioapic_isa_irq
	jnc 1f
	die s_noirq0
1:	mov %eax, intin
	mov %edx, irq0_flags

	/* 2. the I/O APIC's ID and version */
	say s_ioapic
	xor %eax, %eax
	call ioapic_read
	shr $24, %eax
	and $0x0f, %eax
	num %eax
	say s_table
	num ioapic_id
	say s_version
	mov $1, %eax
	call ioapic_read
	mov %eax, version
	movzbl %al, %eax
	call hex2
	say s_comma
	mov version, %eax
	shr $16, %eax
	movzbl %al, %eax
	inc %eax
	mov %eax, pins
	num %eax
	say s_pins
	mov ioapic, %eax
	call hex8
	putc '\n'
	mov intin, %eax
	cmp pins, %eax
	jb 1f
	die s_nopin
1:	cmpl $0, irq0_flags		/* conforms to the bus: ISA's edge, high */
	je 1f
	die s_flags

1:	/* 3. PICs masked, local APIC on, the IDT (ioapic.inc), the timer's gate */
	call apic_init
	mov $TIMER_VECTOR, %ebx
	mov $timer_isr, %eax
	call set_gate

	/* 4. the redirection entry (ioapic.inc: the destination first) */
	mov intin, %eax
	mov $TIMER_VECTOR, %edx		/* fixed, physical, edge, high */
	call ioapic_route
	pit_rate 11932			/* channel 0, mode 2, 100 Hz */
	call tsc_mark
wait:	cli
	cmpl $TICKS, ticks
	jae ticked
	call tsc_since
	cmp $8, %edx
	jae ticked
	sti
	hlt
	jmp wait
ticked:	mov intin, %eax
	mov $RTE_MASKED | TIMER_VECTOR, %edx	/* masked again */
	call ioapic_redir
	say s_irq0
	num intin
	say s_vector
	num ticks
	say s_ticks
	cmpl $TICKS, ticks
	jb fail
	hypercall HC_EXIT
fail:	mov $1, %bl
	hypercall HC_EXIT_STATUS

timer_isr:
	incl ticks
	movl $0, LAPIC + LAPIC_EOI
	iret

/* hex8: "0x" and EAX in 8 hex digits; hex2: "0x" and AL in 2 */
hex8:
	mov $8, %ecx
	jmp 1f
hex2:
	shl $24, %eax
	mov $2, %ecx
1:	mov %eax, %esi
	mov $'0', %bl
	hypercall HC_PUTCHAR
	mov $'x', %bl
	hypercall HC_PUTCHAR
2:	rol $4, %esi
	mov %esi, %ebx
	and $0x0f, %ebx
	mov hexdigits(%ebx), %bl
	hypercall HC_PUTCHAR
	loop 2b
	ret

hexdigits: .ascii "0123456789abcdef"
	string s_noirq0, "MP: no I/O interrupt entry for ISA IRQ 0 on the I/O APIC\n"
	string s_nopin, "MP: IRQ 0's INTIN is past the I/O APIC's pins\n"
	string s_flags, "MP: IRQ 0 is not 'conforms to bus' (flags 0)\n"
	string s_ioapic, "I/O APIC: ID "
	string s_table, " (MP table: "
	string s_version, "), version "
	string s_comma, ", "
	string s_pins, " pins, at "
	string s_irq0, "IRQ 0 -> INTIN "
	string s_vector, " -> vector 0x30: "
	string s_ticks, " ticks\n"

	.balign 4
intin:		.long -1
irq0_flags:	.long 0
version:	.long 0
pins:		.long 0
ticks:		.long 0
