/*
 * irq32.S - interrupt-driven transfers through the I/O APIC, in 32-bit
 * protected mode (tests/disk/irq32.yaml: the primary slave is
 * tests/disk/data.img), wired as the MP table says (guests/mp.inc): the
 * ISA bus, the I/O APIC, and the I/O interrupt entry of ISA IRQ 14 give
 * the I/O APIC and its INTIN.  The 8259s are initialised and fully
 * masked, the local APIC software-enabled (guests/smp.inc), an IDT set:
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
#include "mp.inc"
#include "pc.inc"

#define ISA_IRQ		14
#define IRQ14_VECTOR	0x3e
#define TIMER_VECTOR	0x40
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_TIMER_ICR	0x380		/* initial count */
#define LAPIC_TIMER_DCR	0x3e0		/* divide configuration */
#define WATCHDOG	2000000000	/* ticks of the APIC timer's 1 GHz: 2 s */
#define RBUF		0x10000
#define WBUF		0x12000

.macro counted text
	say \text
	mov irqs, %eax
	mov %eax, irqs_before
.endm

.macro xfer cmd, lba, count, buf
	mov $\cmd, %bl
	mov $\lba, %eax
	mov $\count, %ecx
	mov $\buf, %edi
	call ata_xfer
	jnc .Lx\@
	call ata_fail
.Lx\@:	call print_count
.endm

	boot_sector
	enter_protected

	/* the MP table: the ISA bus, the I/O APIC, then ISA IRQ 14 */
	call mp_config
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
3:	cmpl $0, ioapic
	jne 1f
	die s_noioapic
1:	call mp_entries
1:	call mp_next
	jc 2f
	cmpb $3, (%edi)			/* I/O interrupt */
	jne 1b
	movzbl 4(%edi), %eax		/* source bus */
	cmp isa_bus, %eax
	jne 1b
	cmpb $ISA_IRQ, 5(%edi)		/* source IRQ */
	jne 1b
	movzbl 7(%edi), %eax		/* destination INTIN */
	mov %eax, intin
	jmp 1b
2:	cmpl $-1, intin
	jne 1f
	die s_noirq14
1:	say s_mp
	num ioapic_id
	say s_intin
	num intin
	say s_vector

	/* PICs masked, local APIC on, the IDT */
	pic_init 0x20, 0x28, 0xff, 0xff
	call lapic_on
	mov $idt, %edi			/* every gate not present */
	mov $256 * 2, %ecx
	xor %eax, %eax
	rep stosl
	mov $0x20, %ebx
1:	mov $pic_isr, %eax
	call set_gate
	inc %ebx
	cmp $0x30, %ebx
	jb 1b
	mov $IRQ14_VECTOR, %ebx
	mov $irq14_isr, %eax
	call set_gate
	mov $TIMER_VECTOR, %ebx
	mov $timer_isr, %eax
	call set_gate
	mov $0xff, %ebx
	mov $spurious_isr, %eax
	call set_gate
	lidt idt_desc
	/* the watchdog: one-shot, divide by 1, not yet counting */
	movl $0x0b, LAPIC + LAPIC_TIMER_DCR
	movl $TIMER_VECTOR, LAPIC + LAPIC_LVT_TIMER
	/* the redirection entry: destination (high dword) first */
	mov LAPIC + LAPIC_ID, %edx
	and $0xff000000, %edx
	mov intin, %eax
	lea 0x11(,%eax,2), %eax
	call ioapic_write
	mov $IRQ14_VECTOR, %edx		/* fixed, physical, edge, high */
	mov intin, %eax
	lea 0x10(,%eax,2), %eax
	call ioapic_write

	movl $wait_irq, ata_hook
	movb $0, ata_ctl
	mov $1, %al
	call ata_select
	call ata_wait
	sti

	counted s_identify
	xfer CMD_IDENTIFY, 0, 1, RBUF
	call newline
	counted s_read4
	xfer CMD_READ, 0, 4, RBUF
	say s_cksum
	mov $RBUF, %esi
	mov $4 * 512, %ecx
	call cksum
	call hex8
	call newline
	mov $20, %eax
	mov $'K', %bl
	mov $WBUF, %edi
1:	call fill
	inc %eax
	add $512, %edi
	cmp $23, %eax
	jb 1b
	counted s_write3
	xfer CMD_WRITE, 20, 3, WBUF
	call newline
	counted s_flush
	mov $CMD_FLUSH, %bl
	xor %eax, %eax
	call ata_regs28
	call wait_irq
	call ata_result
	jnc 1f
	call ata_fail
1:	call print_count
	call newline
	counted s_read3
	xfer CMD_READ, 20, 3, RBUF
	mov $RBUF, %esi
	mov $WBUF, %edi
	mov $3 * 512, %ecx
	repe cmpsb
	je 1f
	die s_differs
1:	say s_same

	cli
	mov $0x10000 | IRQ14_VECTOR, %edx	/* masked again */
	mov intin, %eax
	lea 0x10(,%eax,2), %eax
	call ioapic_write
	hypercall HC_EXIT

/* wait_irq: waits for one more IRQ 14 than consumed so far (ata_hook),
 * with the local APIC timer armed as a watchdog; keeps every register */
wait_irq:
	push %eax
	movl $0, timed_out
	movl $WATCHDOG, LAPIC + LAPIC_TIMER_ICR
1:	cli
	mov irqs, %eax
	cmp consumed, %eax
	jne 2f
	cmpl $0, timed_out
	jne 3f
	sti
	hlt
	jmp 1b
2:	incl consumed
	movl $0, LAPIC + LAPIC_TIMER_ICR	/* disarmed */
	sti
	pop %eax
	ret
3:	die s_noirq

print_count:
	pushal
	say s_colon
	mov irqs, %esi
	sub irqs_before, %esi
	num %esi
	say s_interrupt
	cmp $1, %esi
	je 1f
	putc 's'
1:	popal
	ret

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
pic_isr:				/* (all masked: never) */
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

/* ioapic_write: EAX = register, EDX = value */
ioapic_write:
	push %ebx
	mov ioapic, %ebx
	mov %eax, (%ebx)
	mov %edx, 0x10(%ebx)
	pop %ebx
	ret

	.balign 4
isa_bus:	.long -1
ioapic_id:	.long 0
ioapic:		.long 0
intin:		.long -1
irqs:		.long 0
consumed:	.long 0
irqs_before:	.long 0
timed_out:	.long 0
	string s_noioapic, "MP: no I/O APIC\n"
	string s_noirq14, "MP: no I/O interrupt entry for ISA IRQ 14\n"
	string s_mp, "MP table: ISA IRQ 14 -> I/O APIC "
	string s_intin, ", INTIN "
	string s_vector, " -> vector 0x3e\n"
	string s_identify, "IDENTIFY"
	string s_read4, "READ SECTORS at 0, 4 sectors"
	string s_write3, "WRITE SECTORS at 20, 3 sectors"
	string s_flush, "FLUSH CACHE"
	string s_read3, "READ SECTORS at 20, 3 sectors"
	string s_colon, ": "
	string s_interrupt, " interrupt"
	string s_cksum, ", checksum 0x"
	string s_same, ", as written\n"
	string s_differs, ", differs from what was written\n"
	string s_noirq, "\nno IRQ 14 within 2 s\n"

	disk_lib
	.balign 8
idt_desc:
	.word 256 * 8 - 1
	.long idt
	disk_end

	/* the IDT: not in the image */
	.pushsection .bss
	.balign 8
idt:	.skip 256 * 8
	.popsection
