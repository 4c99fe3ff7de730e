/*
 * irq.S - interrupt-driven transfers through the 8259 PICs, in real mode
 * (tests/disk/irq.yaml: the primary slave is tests/disk/data.img).  The
 * guest initialises the PICs itself (pc.inc: IRQ 0-7 at vectors 0x20-0x27,
 * IRQ 8-15 at 0x28-0x2F), points the IVT's vector 0x2E at its IRQ 14
 * handler, unmasks IRQ 14 (the slave's IR6) and the cascade (the master's
 * IR2), and IRQ 0 with the PIT at 100 Hz as a watchdog; then clears nIEN.
 * The handler reads the status register, which ends the drive's INTRQ,
 * counts, and sends both PICs an EOI.  Before each block of data in and
 * after each block of data out, and after a command without data, the
 * guest waits (sti; hlt) for the next interrupt, at most 2 s.  It prints
 * per command how many interrupts came (ATA/ATAPI-6 clause 9: one per
 * DRQ block of a PIO data-in command, one after each block of a data-out
 * command, one when a non-data command completes), and the data's
 * checksums:
 *
 *   IDENTIFY: 1 interrupt
 *   READ SECTORS at 0, 4 sectors: 4 interrupts, checksum ...
 *   WRITE SECTORS at 20, 3 sectors: 3 interrupts
 *   SET MULTIPLE 4: 1 interrupt
 *   READ MULTIPLE at 0, 10 sectors: 3 interrupts, checksum ...
 *   WRITE MULTIPLE at 40, 10 sectors: 3 interrupts
 *   FLUSH CACHE: 1 interrupt
 *   READ SECTORS at 20, 3 sectors: 3 interrupts, as written
 *   READ MULTIPLE at 40, 10 sectors: 3 interrupts, as written
 *
 * then masks everything and ends with EXIT.  An interrupt that never
 * comes, or one from another IRQ, prints why, status 1.
 */
#include "disk.inc"
#include "pc.inc"

#define VEC_IRQ0	0x20
#define VEC_IRQ8	0x28
#define IRQ14_VECTOR	(VEC_IRQ8 + 6)
#define WATCHDOG	200		/* ticks of 10 ms */
#define RBUF		0x1000		/* 10 sectors */
#define WBUF		0x3800		/* 3 sectors, then 10 */

/* the watchdog (irq_lib's wait_irq): ticks of IRQ 0 since it was armed */
.macro watchdog_arm
	movl $0, ticks
.endm
.macro watchdog_disarm
.endm

	boot_sector

	/* the IVT: vectors 0x20-0x2F to stray, then IRQ 0 and IRQ 14 */
	mov $VEC_IRQ0 * 4, %edi
1:	movw $stray, (%edi)
	movw $0, 2(%edi)
	add $4, %edi
	cmp $(VEC_IRQ8 + 8) * 4, %edi
	jb 1b
	movw $tick, VEC_IRQ0 * 4
	movw $irq14, IRQ14_VECTOR * 4
	/* every IRQ masked but 0, 2 (the cascade) and 14 */
	pic_init VEC_IRQ0, VEC_IRQ8, 0xfa, 0xbf
	pit_rate 11932
	movl $wait_irq, ata_hook
	movb $0, ata_ctl		/* nIEN clear: the drive interrupts */
	mov $1, %al
	call ata_select
	call ata_wait			/* (reading the status ends any INTRQ) */
	sti

	/* each command: its interrupts counted (disk.inc) */
	counted s_identify, CMD_IDENTIFY, $0, $1, RBUF
	counted s_read4, CMD_READ, $0, $4, RBUF, print_cksum
	fill_sectors WBUF, $20, $3, 'I'
	counted s_write3, CMD_WRITE, $20, $3, WBUF
	counted_nodata s_setmult, CMD_SET_MULT, $4
	movb $4, ata_mult
	counted s_readm, CMD_READ_MULT, $0, $10, RBUF, print_cksum
	fill_sectors WBUF, $40, $10, 'J'
	counted s_writem, CMD_WRITE_MULT, $40, $10, WBUF
	counted_nodata s_flush, CMD_FLUSH
	fill_sectors WBUF, $20, $3, 'I'	/* (WRITE MULTIPLE's data replaced them) */
	counted s_read3, CMD_READ, $20, $3, RBUF, print_same
	fill_sectors WBUF, $40, $10, 'J'
	counted s_readm40, CMD_READ_MULT, $40, $10, RBUF, print_same

	cli
	mov $0xff, %al			/* everything masked again */
	out %al, $PIC1 + 1
	out %al, $PIC2 + 1
	mov ata_port, %dx
	add $ATA_CONTROL, %dx
	mov $CTL_NIEN, %al
	out %al, %dx
	hypercall HC_EXIT

/* the interrupt handlers (real mode: DS may be anything, CS is 0) */
irq14:
	push %ax
	push %dx
	mov $0x1f0 + ATA_STATUS, %dx	/* ends INTRQ */
	in %dx, %al
	incl %cs:irqs
	mov $PIC_EOI, %al
	out %al, $PIC2
	out %al, $PIC1
	pop %dx
	pop %ax
	iret
tick:					/* the watchdog: 2 s of ticks */
	push %ax
	incl %cs:ticks
	cmpl $WATCHDOG, %cs:ticks
	jb 1f
	movl $1, %cs:timed_out
1:	mov $PIC_EOI, %al
	out %al, $PIC1
	pop %ax
	iret
stray:					/* which one: the PICs' in-service registers */
	xor %ax, %ax
	mov %ax, %ds
	say s_stray
	mov $0x0b, %al			/* OCW3: read the ISR */
	out %al, $PIC1
	out %al, $PIC2
	in $PIC1, %al
	call hex2
	say s_slave
	in $PIC2, %al
	call hex2
	call newline
	mov $1, %bl
	hypercall HC_EXIT_STATUS

	.balign 4
ticks:	.long 0
	string s_identify, "IDENTIFY"
	string s_read4, "READ SECTORS at 0, 4 sectors"
	string s_write3, "WRITE SECTORS at 20, 3 sectors"
	string s_setmult, "SET MULTIPLE 4"
	string s_readm, "READ MULTIPLE at 0, 10 sectors"
	string s_writem, "WRITE MULTIPLE at 40, 10 sectors"
	string s_flush, "FLUSH CACHE"
	string s_read3, "READ SECTORS at 20, 3 sectors"
	string s_readm40, "READ MULTIPLE at 40, 10 sectors"
	string s_stray, "an interrupt from another IRQ: in service: master "
	string s_slave, ", slave "

	disk_lib
	irq_lib WBUF
	disk_end
