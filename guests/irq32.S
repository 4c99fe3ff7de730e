/*
 * irq32.S - interrupts in protected mode, the way a kernel takes them:
 * an IDT, the 8259 PIC pair programmed and remapped to vectors 0x20-0x2F,
 * then `sti; hlt` until interrupts come.
 *
 *  - IRQ 0 (timer.period): counts 5 ticks, then prints "5 ticks".
 *  - IRQ 1 (one per input byte): GETCHAR + IN takes the byte and echoes
 *    it; the end of input (0x04) prints "EOT" and ends with EXIT_STATUS 3,
 *    so the test also sees the exit-status hypercall at work.
 *
 * The host should see "5 ticks\n", the input echoed, "EOT\n", status 3.
 * Built as an ELF32 image linked at 1 MiB; needs irqchip: true.
 */
#include "minikvm.h"

#define PIC1 0x20
#define PIC2 0xa0
#define EOI 0x20

	.code32
	.globl _start
_start:
	/* IDT entries 0x20 (timer) and 0x21 (keyboard): 32-bit interrupt
	 * gates on minikvm's flat code selector 0x08 */
	mov $timer_isr, %eax
	mov $idt + 0x20 * 8, %edi
	call set_gate
	mov $kbd_isr, %eax
	mov $idt + 0x21 * 8, %edi
	call set_gate
	lidt idt_desc

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

set_gate:				/* EAX = handler, EDI = gate */
	mov %ax, (%edi)
	movw $0x08, 2(%edi)
	movw $0x8e00, 4(%edi)		/* present, ring 0, 32-bit interrupt gate */
	shr $16, %eax
	mov %ax, 6(%edi)
	ret

timer_isr:
	push %eax
	push %ebx
	push %edx
	incl ticks
	cmpl $5, ticks
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
	pop %edx
	pop %ebx
	pop %eax
	iret

kbd_isr:
	push %eax
	push %ebx
	push %edx
	hypercall HC_GETCHAR
	in (%dx), %al			/* DX is still HC_PORT */
	cmp $HC_EOT, %al
	je 3f
	mov %al, %bl
	hypercall HC_PUTCHAR
	mov $EOI, %al
	out %al, $PIC1
	pop %edx
	pop %ebx
	pop %eax
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
	.balign 8
idt_desc:
	.word 256 * 8 - 1
	.long idt
ticks:	.long 0
	.balign 8
idt:	.skip 256 * 8
