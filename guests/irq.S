/*
 * irq.S - interrupts in real mode, as a BIOS-less program takes them: its
 * own interrupt vector table entries, the 8259 PIC pair programmed and
 * remapped to vectors 0x20-0x2F, then `sti; hlt` until interrupts come.
 *
 *  - IRQ 0 (timer.period): counts 5 ticks, then prints "5 ticks".
 *  - IRQ 1 (one per input byte): GETCHAR + IN takes the byte and echoes
 *    it; the end of input (0x04) prints "EOT" and ends with EXIT_STATUS 3,
 *    so the test also sees the exit-status hypercall at work.
 *
 * The host should see "5 ticks\n", the input echoed, "EOT\n", status 3.
 * Needs irqchip: true and a timer; loaded at 0, 64K of memory.
 */
#include "minikvm.h"

#define PIC1 0x20
#define PIC2 0xa0
#define EOI 0x20

	.code16
	.globl _start
_start:
	jmp start
	. = 0x20 * 4			/* the IVT entries for vectors 0x20, 0x21 */
	.word timer_isr, 0
	.word kbd_isr, 0
start:
	/* ICW1-ICW4: edge-triggered, cascade, vectors 0x20/0x28, 8086 mode */
	mov $0x11, %al; out %al, $PIC1; out %al, $PIC2
	mov $0x20, %al; out %al, $PIC1 + 1
	mov $0x28, %al; out %al, $PIC2 + 1
	mov $0x04, %al; out %al, $PIC1 + 1
	mov $0x02, %al; out %al, $PIC2 + 1
	mov $0x01, %al; out %al, $PIC1 + 1; out %al, $PIC2 + 1
	mov $0xfe, %al; out %al, $PIC1 + 1	/* timer only, for now */
	mov $0xff, %al; out %al, $PIC2 + 1
	sti
1:	hlt				/* with the irqchip, HLT waits */
	jmp 1b

timer_isr:
	push %ax
	push %bx
	push %cx
	push %dx
	incw ticks
	cmpw $5, ticks
	jne 2f
	mov $5, %ebx
	hypercall HC_PUTNUM
	mov $msg, %ebx
	mov $msg_len, %ecx
	hypercall HC_PUTS
	mov $0xfd, %al			/* now the keyboard, and no more ticks */
	out %al, $PIC1 + 1
2:	mov $EOI, %al
	out %al, $PIC1
	pop %dx
	pop %cx
	pop %bx
	pop %ax
	iret

kbd_isr:
	push %ax
	push %bx
	push %dx
	hypercall HC_GETCHAR
	in (%dx), %al			/* DX is still HC_PORT */
	cmp $HC_EOT, %al
	je 3f
	mov %al, %bl
	hypercall HC_PUTCHAR
	mov $EOI, %al
	out %al, $PIC1
	pop %dx
	pop %bx
	pop %ax
	iret
3:	mov $eot, %ebx
	mov $eot_len, %ecx
	hypercall HC_PUTS
	mov $3, %bl
	hypercall HC_EXIT_STATUS

msg:	.ascii " ticks\n"
	msg_len = . - msg
eot:	.ascii "EOT\n"
	eot_len = . - eot
ticks:	.word 0
