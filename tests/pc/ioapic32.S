/*
 * ioapic32.S - the timer through the I/O APIC, wired as the MP table says
 * (platform: pc, protected mode, one processor), as an SMP kernel sets it
 * up (Intel 82093AA I/O APIC datasheet; MP spec §3.6 and chapter 4):
 *
 *  1. the MP table (mp.inc, as guests/smp32.S): the ISA bus's ID, the
 *     I/O APIC's ID and address, and the I/O interrupt entry of ISA IRQ 0:
 *     which INTIN of which I/O APIC;
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
#include "mp.inc"
#include "pc.inc"

#define TIMER_VECTOR	0x30
#define TICKS		5

/* need VAR, NONE, LABEL: die LABEL if VAR (a dword) is still NONE */
.macro need var, none, label
	cmpl $\none, \var
	jne .Lneed\@
	die \label
.Lneed\@:
.endm

	.code32
	.globl _start
_start:
	cld
	/* 1. the MP table (mp.inc) */
	call mp_config
	/* first pass: the ISA bus and the I/O APIC */
	call mp_entries
1:	call mp_next
	jc 3f
	cmpb $1, (%edi)			/* bus */
	jne 2f
	cmpl $0x20415349, 2(%edi)	/* "ISA " */
	jne 1b
	movzbl 1(%edi), %eax
	mov %eax, isa_bus
	jmp 1b
2:	cmpb $2, (%edi)			/* I/O APIC */
	jne 1b
	movzbl 1(%edi), %eax
	mov %eax, ioapic_id
	mov 4(%edi), %eax
	mov %eax, ioapic
	jmp 1b
3:	need isa_bus, -1, s_noisa
	need ioapic, 0, s_noioapic
	/* second pass: ISA IRQ 0 */
	call mp_entries
1:	call mp_next
	jc 2f
	cmpb $3, (%edi)
	jne 1b
	movzbl 4(%edi), %eax		/* source bus */
	cmp isa_bus, %eax
	jne 1b
	cmpb $0, 5(%edi)		/* source IRQ */
	jne 1b
	movzbl 6(%edi), %eax		/* destination I/O APIC */
	cmp $0xff, %eax			/* (0xFF: all of them) */
	je 3f
	cmp ioapic_id, %eax
	jne 1b
3:	movzbl 7(%edi), %eax
	mov %eax, intin
	movzwl 2(%edi), %eax
	mov %eax, irq0_flags
	jmp 1b
2:	need intin, -1, s_noirq0

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

1:	/* 3. PICs masked, local APIC on, IDT */
	pic_init 0x20, 0x28, 0xff, 0xff
	call lapic_on
	mov $0x20, %ebx			/* stray PIC vectors: EOI to the PIC */
1:	mov $pic_isr, %eax
	call set_gate
	inc %ebx
	cmp $0x30, %ebx
	jb 1b
	mov $TIMER_VECTOR, %ebx
	mov $timer_isr, %eax
	call set_gate
	mov $0xff, %ebx
	mov $spurious_isr, %eax
	call set_gate
	lidt idt_desc

	/* 4. the redirection entry (register 0x10 + 2 * INTIN: low, +1:
	 * high), the destination first */
	mov LAPIC + LAPIC_ID, %edx
	and $0xff000000, %edx
	mov intin, %eax
	lea 0x11(,%eax,2), %eax
	call ioapic_write
	mov $TIMER_VECTOR, %edx		/* fixed, physical, edge, high */
	mov intin, %eax
	lea 0x10(,%eax,2), %eax
	call ioapic_write
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
ticked:	mov $0x10000 | TIMER_VECTOR, %edx	/* masked again */
	mov intin, %eax
	lea 0x10(,%eax,2), %eax
	call ioapic_write
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
pic_isr:
	push %eax
	mov $PIC_EOI, %al
	out %al, $PIC2
	out %al, $PIC1
	pop %eax
	iret
spurious_isr:				/* no EOI for a spurious interrupt */
	iret

/* set_gate: IDT entry EBX -> the handler EAX (32-bit interrupt gate) */
set_gate:
	mov %ax, idt(,%ebx,8)
	movw $0x08, idt + 2(,%ebx,8)
	movw $0x8e00, idt + 4(,%ebx,8)
	shr $16, %eax
	mov %ax, idt + 6(,%ebx,8)
	ret

/* ioapic_read: EAX = register -> EAX; ioapic_write: EAX = register,
 * EDX = value */
ioapic_read:
	push %ebx
	mov ioapic, %ebx
	mov %eax, (%ebx)
	mov 0x10(%ebx), %eax
	pop %ebx
	ret
ioapic_write:
	push %ebx
	mov ioapic, %ebx
	mov %eax, (%ebx)
	mov %edx, 0x10(%ebx)
	pop %ebx
	ret

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
	string s_noisa, "MP: no ISA bus\n"
	string s_noioapic, "MP: no I/O APIC\n"
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
isa_bus:	.long -1
ioapic_id:	.long 0
ioapic:		.long 0
intin:		.long -1
irq0_flags:	.long 0
version:	.long 0
pins:		.long 0
ticks:		.long 0
	.balign 8
idt_desc:
	.word 256 * 8 - 1
	.long idt
	.balign 8
idt:	.skip 256 * 8
