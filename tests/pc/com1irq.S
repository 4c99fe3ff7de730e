/*
 * com1irq.S - COM1 on IRQ 4 (platform: pc), driven by an interrupt
 * handler as a serial driver does (real mode, loaded at 0x7C00; PC16550D
 * datasheet, "Interrupt Identification Register"):
 *
 *  - the 8259 pair programmed (IRQs 0-7 on vectors 0x08-0x0F), only IRQ 4
 *    unmasked, the guest's own vector table entry for vector 0x0C;
 *  - the UART set to 8N1, FIFOs off, MCR = DTR | RTS | OUT2 (OUT2 gates
 *    the interrupt on a PC), then IER = "THR empty" only: the handler
 *    must be entered once with IIR = 0x02, and reading IIR clears it;
 *  - then IER = "data received" only: one interrupt per input byte (or
 *    several bytes per interrupt: the handler reads IIR until it says
 *    none pending, 0x01), each byte read from RBR and echoed with
 *    PUTCHAR, until RBR gives 0x04, the end of input.
 * Every handler ends with an EOI; the main program waits in `sti; hlt`.
 * With standard input "hello\n" it prints
 *   IRQ 4: THR empty, IIR 02
 *   hello
 *   IRQ 4: end of input
 * and ends with EXIT.
 */
#include "lib16.inc"
#include "pc.inc"

#define COM1 0x3f8
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4

.macro uart reg, val
	mov $COM1 + \reg, %dx
	mov $\val, %al
	out %al, (%dx)
.endm

	boot16

	movw $com_isr, %es:0x0c * 4	/* vector 0x0C: IRQ 4 */
	movw $LOAD >> 4, %es:0x0c * 4 + 2
	pic_init 0x08, 0x70, 0xef, 0xff	/* IRQ 4 only */

	uart LCR, 0x03			/* 8N1, DLAB off */
	uart FCR, 0x00			/* no FIFOs */
	uart MCR, 0x0b			/* DTR, RTS, OUT2 */
	uart IER, 0x02			/* THR empty */
	mov $thre_iir, %si		/* until the THRE interrupt came */
	call wait_for
	say s_thre
	mov thre_iir, %al
	call hex2
	putc '\n'

	uart IER, 0x01			/* data received */
	mov $eot, %si			/* until the end of input */
	call wait_for
	say s_eot
	hypercall HC_EXIT

/* wait_for: until the byte at SI is not 0, asleep in `sti; hlt` (the STI
 * shadow: no interrupt comes between the check and the HLT); returns with
 * interrupts off */
wait_for:
	cli
	cmpb $0, (%si)
	jne 1f
	sti
	hlt
	jmp wait_for
1:	ret

/* IRQ 4: every pending cause, as IIR reports them */
com_isr:
	pushal
	push %ds
	mov %cs, %ax
	mov %ax, %ds
	mov $64, %cx			/* bounded: at most 64 causes per IRQ */
1:	mov $COM1 + IIR, %dx
	in (%dx), %al
	test $0x01, %al			/* none pending */
	jnz 9f
	and $0x0f, %al
	cmp $0x02, %al			/* THR empty (cleared by this read) */
	jne 2f
	cmpb $0, thre_iir
	jne 3f
	mov %al, thre_iir
	jmp 3f
2:	cmp $0x04, %al			/* data received: take the byte */
	jne 4f
	mov $COM1, %dx
	in (%dx), %al
	cmp $0x04, %al			/* EOT: the end of input */
	jne 5f
	movb $1, eot
	mov $COM1 + IER, %dx		/* no more interrupts */
	xor %al, %al
	out %al, (%dx)
	jmp 3f
5:	mov %al, %bl
	hypercall HC_PUTCHAR
	jmp 3f
4:	mov $COM1 + 5, %dx		/* line or modem status: read both */
	in (%dx), %al
	mov $COM1 + 6, %dx
	in (%dx), %al
3:	loop 1b
9:	mov $PIC_EOI, %al
	out %al, $PIC1
	pop %ds
	popal
	iret

	string s_thre, "IRQ 4: THR empty, IIR "
	string s_eot, "IRQ 4: end of input\n"
thre_iir: .byte 0
eot:	.byte 0
